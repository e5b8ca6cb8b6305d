from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LivelihoodsConfig(AppConfig):
    name = "giamngheo.livelihoods"
    verbose_name = _("Mô hình sinh kế, tổ nhóm cộng đồng")

    def ready(self) -> None:
        from giamngheo.livelihoods.panels import household_livelihoods
        from giamngheo.registry import panels

        panels.register_household_context("livelihoods.household", household_livelihoods)
