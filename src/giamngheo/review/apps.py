from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _seed_defaults(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """Fill the process parameters and the holiday calendar from the data files when their
    tables are empty (after migrate, and after a test flush)."""
    from giamngheo.review import calendar, rules

    tables = connections[using].introspection.table_names()
    if "review_ruleset" not in tables or "review_calendarday" not in tables:
        return  # migrated backwards
    rules.load_default_rules()
    calendar.load_default_calendar()


class ReviewConfig(AppConfig):
    name = "giamngheo.review"
    verbose_name = _("Rà soát hộ nghèo, hộ cận nghèo")

    def ready(self) -> None:
        post_migrate.connect(_seed_defaults, sender=self, dispatch_uid="review_seed_defaults")
