from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "giamngheo.web"
    verbose_name = "Web"

    def ready(self) -> None:
        from giamngheo.web import production  # noqa: F401 - registers the deploy checks
