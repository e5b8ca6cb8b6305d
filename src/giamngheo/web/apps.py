from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "giamngheo.web"
    verbose_name = "Web"
