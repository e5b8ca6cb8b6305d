"""Labels people read for the rule keys a list stores."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CATEGORIES: dict[str, Promise] = {
    "poor": _("Hộ nghèo"),
    "near_poor": _("Hộ cận nghèo"),
    "newly_escaped": _("Hộ mới thoát nghèo"),
    "average_living_standard": _("Hộ có mức sống trung bình"),
    "not_poor": _("Hộ không nghèo"),
    "manual": _("Bổ sung"),
}


def category_label(key: str) -> Promise | str:
    return CATEGORIES.get(key, key)


def priority_labels(rules: dict[str, Any]) -> dict[str, str]:
    """Priority code → label, from the rules a list carries."""
    return {
        str(p.get("code")): str(p.get("label", p.get("code")))
        for p in rules.get("priorities", [])
        if isinstance(p, dict)
    }
