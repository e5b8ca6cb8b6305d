"""Template filters of the report pages: a table cell as printed (1.234; 12,84; "x")."""

from __future__ import annotations

from decimal import Decimal

from django import template

from giamngheo.lib.formatting import format_number
from giamngheo.lib.report_table import CellValue, Row

register = template.Library()


@register.filter
def cell(value: CellValue) -> str:
    if value is None:
        return ""
    if value is True:
        return "x"
    if value is False:
        return ""
    if isinstance(value, Decimal):
        return format_number(value, 2)
    if isinstance(value, int):
        return format_number(value)
    return str(value)


@register.filter
def rate(value: float | None) -> str:
    """A percent already computed (12.84) → "12,84 %"."""
    return "" if value is None else f"{format_number(value, 2)} %"


@register.filter
def value_of(row: Row, key: str) -> CellValue:
    return row.values.get(key)
