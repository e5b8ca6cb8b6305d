from django.apps import AppConfig


class FieldCollectionConfig(AppConfig):
    name = "giamngheo.fieldcollection"
    label = "fieldcollection"
    verbose_name = "Thu thập ngoại tuyến (ODK)"
    default_auto_field = "django.db.models.BigAutoField"
