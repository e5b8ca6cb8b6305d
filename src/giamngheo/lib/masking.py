"""Masking personal numbers for users whose role does not allow seeing them."""

from __future__ import annotations


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
