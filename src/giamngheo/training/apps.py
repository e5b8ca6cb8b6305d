from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "giamngheo.training"
    verbose_name = _("Tập huấn, bồi dưỡng")

    def ready(self) -> None:
        from giamngheo.training.install import load_shipped_handbook

        # A fresh install has the handbook without a separate command (issue 11).
        post_migrate.connect(
            load_shipped_handbook, sender=self, dispatch_uid="training.load_shipped_handbook"
        )
