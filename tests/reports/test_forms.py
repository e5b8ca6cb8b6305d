"""The forms as data: every shipped form loads and uses known measure keys; a broken file is
refused with its name and the place of the error; expressions are exact."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from giamngheo.reports import measures
from giamngheo.reports.forms import FormError, load_forms, parse_expr, parse_form

MINIMAL = """
code = "X1"
marker = "Biểu số X"
title = "THỬ"
legal_basis = "không"
verified = false
levels = ["province"]
[[columns]]
heading = "Số hộ"
number = "1"
value = "households"
"""

INDICATORS = "|".join(measures.indicator_codes(2025))
GROUPS = "ethnic_minority|no_labour_capacity|merit|social_assistance|female_head|no_group|kinh"
CHANGES = (
    "start|escaped_to_near_poor|to_poor|escaped_above|other_decrease|from_near_poor|"
    "from_poor|reentered|new|other_increase|end"
)
KNOWN_KEY = re.compile(
    rf"^(households|people|(poor|near_poor|average)(\.people)?"
    rf"|(poor|near_poor)\.({CHANGES})(\.people)?"
    rf"|(poor|near_poor|average|all)\.(({GROUPS})(\.people)?|ethnicity\.\d\d(\.people)?"
    rf"|cause\.[a-z]+(\.people)?|deprived\.({INDICATORS})|deprivations|surveyed"
    rf"|by_count\.\d+|children(\.deprived\.({INDICATORS}))?)"
    rf"|af\.(units|poor|score_sum|denominator|(deprived|censored)\.({INDICATORS})))$"
)


def test_every_shipped_form_loads_with_known_keys() -> None:
    forms = load_forms()
    for code in ("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "R2"):
        assert code in forms
    for form in forms.values():
        assert form.verified is False  # Mẫu 7.x columns unverified (report_forms.md)
        assert form.legal_basis and form.title and form.levels
        for column in form.columns():
            keys = column.value.keys() + (column.people_value.keys() if form.split else [])
            for key in keys:
                assert KNOWN_KEY.match(key), (form.code, column.number, key)


def test_form_1_numbering_and_rates() -> None:
    form = load_forms()["1"]
    numbers = [c.number for c in form.columns()]
    assert numbers[:4] == ["1", "2", "3", "4=3/1*100"]
    rate = form.columns()[3].value
    assert rate.evaluate({"poor": 1, "households": 3}) == Decimal("33.33")
    assert rate.evaluate({"poor": 2, "households": 3}) == Decimal("66.67")
    assert rate.evaluate({"poor": 1, "households": 8}) == Decimal("12.50")
    assert rate.evaluate({"households": 0}) is None


def test_expressions_are_exact_sums_and_half_up_rates() -> None:
    assert parse_expr("a.b + c - 2").evaluate({"a.b": 5, "c": 1}) == 4
    # 1/8 = 0.125 % → 0.13 (half up, not banker's rounding on a float)
    assert parse_expr("rate(x, y)").evaluate({"x": 1, "y": 800}) == Decimal("0.13")
    assert parse_expr("poor").for_people().keys() == ["poor.people"]
    assert parse_expr("households").for_people().keys() == ["people"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('code = "X1"', 'code = ""'), "'code' is missing"),
        (("verified = false", 'verified = "no"'), "'verified' must be true or false"),
        (('levels = ["province"]', 'levels = ["district"]'), "'levels' must list"),
        (('value = "households"', 'value = "households +"'), "incomplete expression"),
        (('value = "households"', 'value = "rate(poor)"'), "rate(a, b) takes two"),
        (('value = "households"', 'value = "Poor"'), "cannot read"),
        (('value = "households"', 'value = "sum(poor)"'), "only sums of keys or rate"),
        (('number = "1"', 'numbr = "1"'), "unknown field(s) numbr"),
        (('title = "THỬ"', 'title = "THỬ"\ncolour = 1'), "unknown field(s) colour"),
        (('value = "households"', 'value = "households"\nkind = "rate"'), "does not match"),
        (("[[columns]]", "[[columns]"), "not valid TOML"),
    ],
)
def test_a_broken_form_is_refused_with_the_place(change: tuple[str, str], message: str) -> None:
    text = MINIMAL.replace(*change)
    with pytest.raises(FormError) as caught:
        parse_form(text, "99_broken.toml")
    assert "99_broken.toml" in str(caught.value)
    assert message in str(caught.value)


def test_duplicate_numbers_and_codes_are_refused(tmp_path: Path) -> None:
    twice = MINIMAL + '\n[[columns]]\nheading = "Lại"\nnumber = "1"\nvalue = "people"\n'
    with pytest.raises(FormError, match="used twice: 1"):
        parse_form(twice, "x.toml")
    (tmp_path / "a.toml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "b.toml").write_text(MINIMAL, encoding="utf-8")
    with pytest.raises(FormError, match="b.toml: code 'X1' also in a.toml"):
        load_forms(tmp_path)


def test_a_changed_form_is_an_edit_of_its_file(tmp_path: Path) -> None:
    edited = MINIMAL.replace('heading = "Số hộ"', 'heading = "Tổng số hộ"')
    (tmp_path / "x.toml").write_text(edited, encoding="utf-8")
    assert load_forms(tmp_path)["X1"].columns()[0].heading == "Tổng số hộ"
