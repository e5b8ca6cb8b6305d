from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "giamngheo.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        # Registers the bearer scheme with drf-spectacular (an extension is found by import).
        from giamngheo.api import schema  # noqa: F401
