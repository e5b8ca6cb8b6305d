from __future__ import annotations

import datetime as dt
from decimal import Decimal

from giamngheo.lib.formatting import format_date, format_money, format_number, format_percent
from giamngheo.lib.masking import mask_citizen_id, mask_phone
from giamngheo.lib.text import search_key, strip_accents


def test_money_is_grouped_with_dots_and_suffixed_with_dong() -> None:
    assert format_money(1_500_000) == "1.500.000 đ"
    assert format_money(0) == "0 đ"
    assert format_money(-2500) == "-2.500 đ"
    assert format_money(None) == ""


def test_numbers_use_a_decimal_comma() -> None:
    assert format_number(Decimal("1234.5"), 1) == "1.234,5"
    assert format_percent(0.0314) == "3,14 %"


def test_dates_are_day_month_year_in_vietnam_time() -> None:
    assert format_date(dt.date(2025, 7, 1)) == "01/07/2025"
    moment = dt.datetime(2025, 6, 30, 18, 30, tzinfo=dt.UTC)
    assert format_date(moment) == "01/07/2025 01:30"


def test_search_keys_drop_accents_and_map_d_stroke() -> None:
    assert strip_accents("Nguyễn Văn Đức") == "Nguyen Van Duc"
    assert search_key("  Trần   THỊ  Bình ") == "tran thi binh"


def test_masking_keeps_only_the_last_digits() -> None:
    assert mask_citizen_id("038201001234") == "********1234"
    assert mask_phone("0912345678") == "091****678"
    assert mask_citizen_id(None) == ""
