from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _seed_defaults(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """Fill the process parameters and the holiday calendar from the data files: everything
    when the tables are empty (after migrate, and after a test flush), then only entries never
    loaded before (a new release's days and keys; deletions stay deleted)."""
    from giamngheo.review import calendar, rules

    tables = connections[using].introspection.table_names()
    if "review_shippedentry" not in tables:
        return  # migrated backwards
    rules.load_default_rules(only_if_empty=False)
    calendar.load_default_calendar(only_if_empty=False)


class ReviewConfig(AppConfig):
    name = "giamngheo.review"
    verbose_name = _("Rà soát hộ nghèo, hộ cận nghèo")

    def ready(self) -> None:
        post_migrate.connect(_seed_defaults, sender=self, dispatch_uid="review_seed_defaults")
        from giamngheo.registry import panels as registry_panels
        from giamngheo.review.panels import change_applications, household_average
        from giamngheo.workforce import panels

        panels.register_change_context("review.applications", change_applications)
        registry_panels.register_household_context("review.average", household_average)
