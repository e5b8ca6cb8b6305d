from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "giamngheo.credit"
    verbose_name = _("Tín dụng chính sách, quỹ quay vòng")

    def ready(self) -> None:
        from giamngheo.credit.panels import household_loans
        from giamngheo.registry import panels

        # The household page shows the household's loans and fund turns (issue 13).
        panels.register_household_context("credit.loans", household_loans)
