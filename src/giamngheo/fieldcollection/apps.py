from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldCollectionConfig(AppConfig):
    name = "giamngheo.fieldcollection"
    label = "fieldcollection"
    verbose_name = _("Thu thập phiếu ngoại tuyến (ODK)")
    default_auto_field = "django.db.models.BigAutoField"
