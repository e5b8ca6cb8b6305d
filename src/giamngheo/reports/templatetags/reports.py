"""Template filters of the report pages."""

from __future__ import annotations

from django import template

from giamngheo.lib.formatting import format_number

register = template.Library()


@register.filter
def rate(value: float | None) -> str:
    """A percent already computed (12.84) → "12,84 %"."""
    return "" if value is None else f"{format_number(value, 2)} %"
