"""Template filters for Vietnamese display conventions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template

from giamngheo.audit.actions import label
from giamngheo.lib.formatting import format_date, format_money, format_number, format_percent

register = template.Library()


@register.filter
def money(value: int | float | Decimal | None) -> str:
    """1500000 → "1.500.000 đ"."""
    return format_money(value)


@register.filter
def number(value: int | float | Decimal | None) -> str:
    return format_number(value)


@register.filter
def vndate(value: dt.date | dt.datetime | None) -> str:
    return format_date(value)


@register.filter
def percent(value: float | None) -> str:
    """0.0314 → "3,14 %"."""

    return format_percent(value)


@register.filter
def action_label(code: str) -> str:
    """The readable label of an audit action code (``audit.actions``)."""

    return label(code)
