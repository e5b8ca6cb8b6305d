from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "giamngheo.surveys"
    verbose_name = _("Phiếu khảo sát, rà soát")

    def ready(self) -> None:
        from giamngheo.registry import panels
        from giamngheo.surveys import parquet
        from giamngheo.surveys.panels import household_status_by_year

        panels.register_household_context("surveys.status_by_year", household_status_by_year)
        parquet.register()
