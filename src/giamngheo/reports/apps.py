from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "giamngheo.reports"
    verbose_name = _("Báo cáo và biểu đồ")

    def ready(self) -> None:
        # The forms built by code register themselves in builders.EXTRA_FORMS.
        from giamngheo.reports.builders import lists, monthly, training, workforce  # noqa: F401
