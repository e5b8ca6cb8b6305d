"""Vietnamese display conventions used in pages, PDFs and spreadsheets alike:
dates dd/mm/yyyy, thousands grouped with ".", money in whole đồng ("1.500.000 đ")."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def format_number(value: int | float | Decimal | None, decimals: int = 0) -> str:
    if value is None or value == "":
        return ""
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    integer, _, fraction = f"{abs(rounded):f}".partition(".")
    groups: list[str] = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    text = sign + ".".join(groups)
    return f"{text},{fraction}" if fraction else text


def format_money(value: int | float | Decimal | None) -> str:
    if value is None or value == "":
        return ""
    return f"{format_number(value)} đ"


def format_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(VIETNAM)
        return value.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def format_percent(value: float | None, decimals: int = 2) -> str:
    if value is None:
        return ""
    return f"{format_number(value * 100, decimals)} %"
