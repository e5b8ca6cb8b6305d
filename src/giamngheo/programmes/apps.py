from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "giamngheo.programmes"
    verbose_name = _("Chương trình, chính sách hỗ trợ")

    def ready(self) -> None:
        from giamngheo.programmes.deliveries import hooks

        hooks.register()
