from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "giamngheo.workforce"
    verbose_name = _("Đội ngũ giảm nghèo")
