from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "giamngheo.training"
    verbose_name = _("Tập huấn, bồi dưỡng")
