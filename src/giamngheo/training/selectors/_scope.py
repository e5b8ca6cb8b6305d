"""What the training selectors share: the village rule, accent-free word search, and the
provinces whose own content (questions, handbook pages) a user reads."""

from __future__ import annotations

import re

from django.db.models import (
    Q,
    QuerySet,
)

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib.text import search_key

NO_VILLAGE = {"village": ""}


SEARCH_LIMIT = 50


def words_filter(column: str, query: str) -> Q:
    """Rows whose accent-free ``column`` has a word starting with each word of ``query``
    ("bao hiem" finds "Bảo hiểm y tế" but not "nhiệm vụ báo cáo"). PostgreSQL's ``\\m`` is
    the start of a word; pg_trgm's GIN index serves regular expressions."""
    condition = Q()
    for word in search_key(query).split():
        condition &= Q(**{f"{column}__regex": r"\m" + re.escape(word)})
    return condition


def visible_provinces(user: Viewer) -> QuerySet[AdministrativeUnit] | None:
    """Provinces whose own question bank and handbook pages the user reads (their province,
    or the province of their commune); None means every province (system administrator)."""
    if access.view_reach(user).everything:
        return None
    return access.visible_units(user).filter(level=Level.PROVINCE)


def national_or_provincial(user: Viewer) -> Q:
    provinces = visible_provinces(user)
    if provinces is None:
        return Q()
    return Q(province__isnull=True) | Q(province__in=provinces)
