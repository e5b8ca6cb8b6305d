from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "giamngheo.reports"
    verbose_name = _("Báo cáo và biểu đồ")

    def ready(self) -> None:
        from giamngheo.reports import hooks
        from giamngheo.review.signals import decision_recorded

        decision_recorded.connect(
            hooks.on_decision_recorded, dispatch_uid="reports_refresh_on_decision"
        )
