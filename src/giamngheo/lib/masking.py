"""Masking personal numbers (ID, phone) for users who may not see them in a record's area.

The decision is ``accounts.access.can_see_personal_data(user, area)`` (or the set form
``personal_data_reach`` for lists); this module only hides digits."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final


def mask_citizen_id(value: str | None) -> str:
    """038201001234 → ********1234."""
    if not value:
        return ""
    return "*" * (len(value) - 4) + value[-4:]


def mask_phone(value: str | None) -> str:
    """0912345678 → 091****678."""
    if not value:
        return ""
    if len(value) <= 6:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 6) + value[-3:]


# Snapshot keys (audit before/after, exports) holding personal numbers, and their masks.
PERSONAL_FIELDS: Final[dict[str, Callable[[str | None], str]]] = {
    "citizen_id": mask_citizen_id,
    "phone": mask_phone,
    "card_number": mask_citizen_id,  # health-insurance card (programmes.deliveries)
}
# A 12-digit personal ID or a Vietnamese phone number (0 + 9-10 digits) inside free text.
_CITIZEN_ID_IN_TEXT: Final = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")
_PHONE_IN_TEXT: Final = re.compile(r"(?<![0-9])0[0-9]{9,10}(?![0-9])")


def is_masked(value: str | None) -> bool:
    """Whether ``value`` is (or looks like) a masked number: it holds a ``*``."""
    return bool(value) and "*" in str(value)


def mask_text(text: str) -> str:
    """Free text (an audit note, a summary) with every ID or phone number in it masked."""
    text = _CITIZEN_ID_IN_TEXT.sub(lambda m: mask_citizen_id(m.group()), text)
    return _PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group()), text)


def mask_snapshot(value: Any) -> Any:
    """A JSON snapshot (audit before/after) with personal numbers masked: the known fields at
    any depth, and numbers inside any other text."""
    if isinstance(value, dict):
        return {
            key: PERSONAL_FIELDS[key](item)
            if key in PERSONAL_FIELDS and isinstance(item, str)
            else mask_snapshot(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [mask_snapshot(item) for item in value]
    if isinstance(value, str):
        return mask_text(value)
    return value
