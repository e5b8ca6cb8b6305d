from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "giamngheo.surveys"
    verbose_name = _("Phiếu khảo sát, rà soát")
