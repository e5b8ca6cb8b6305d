"""The shared input validators: NFC names, no bidi or control characters, sane dates."""

from __future__ import annotations

import datetime as dt
import unicodedata
from unittest import mock

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from giamngheo.lib import validators
from giamngheo.lib.validators import (
    BIDI_CONTROLS,
    InvalidInput,
    check_birth_date,
    check_birth_year,
    check_event_date,
    clean_name,
    clean_text,
)

# Text the validators accept: letters, marks, digits, punctuation and spaces of any script.
_printable = st.text(
    st.characters(categories=["L", "M", "N", "P", "S", "Zs"]),
    max_size=40,
)
_bidi = st.sampled_from(sorted(BIDI_CONTROLS))


def test_decomposed_vietnamese_is_stored_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    assert decomposed != "Nguyễn Thị Ánh"
    assert clean_name(decomposed) == "Nguyễn Thị Ánh"
    assert clean_text(decomposed) == "Nguyễn Thị Ánh"


def test_name_whitespace_is_trimmed_and_collapsed() -> None:
    assert clean_name("  Lò \t Văn\n  Pọm ") == "Lò Văn Pọm"
    assert clean_name("\u00a0Hà\u3000Văn\u00a0") == "Hà Văn"


@pytest.mark.parametrize("code", sorted(ord(c) for c in BIDI_CONTROLS))
def test_each_bidi_control_is_refused_in_names_and_text(code: int) -> None:
    with pytest.raises(InvalidInput, match="hướng chữ"):
        clean_name(f"Nguyễn{chr(code)} Văn A")
    with pytest.raises(InvalidInput, match="hướng chữ"):
        clean_text(f"Thôn 3{chr(code)}, xã Tân Lập")


def test_bidi_check_happens_after_normalisation_and_names_the_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        clean_name("A\u202eB", label="Họ và tên")
    assert str(caught.value).startswith("Họ và tên chứa ký tự điều khiển hướng chữ (U+202E)")


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x07", "\x7f", "\x85", "\ud800"])
def test_control_characters_and_surrogates_are_refused(char: str) -> None:
    with pytest.raises(InvalidInput):
        clean_name(f"Hà{char}Văn")
    with pytest.raises(InvalidInput):
        clean_text(f"Số 5{char}")


@pytest.mark.parametrize("char", ["\u200b", "\u200d", "\u00ad", "\ufeff", "\u2060"])
def test_invisible_format_characters_are_refused_in_names(char: str) -> None:
    with pytest.raises(InvalidInput, match="ký tự ẩn"):
        clean_name(f"Nguyễn{char}Văn")


def test_free_text_keeps_line_breaks_and_tabs() -> None:
    note = "Dòng một\nDòng hai\tcột"
    assert clean_text(f"  {note}\r\n") == note


def test_length_limits_are_checked_after_cleaning() -> None:
    assert clean_name("  " + "a" * 200 + "  ", max_length=200) == "a" * 200
    with pytest.raises(InvalidInput, match="dài quá 200"):
        clean_name("a" * 250, max_length=200, label="Tên thôn")
    with pytest.raises(InvalidInput, match="dài quá 300"):
        clean_text("x" * 301, max_length=300)


@given(_printable)
def test_nfc_normalisation_is_idempotent(text: str) -> None:
    once = clean_name(text)
    assert clean_name(once) == once
    assert unicodedata.is_normalized("NFC", once)
    assert clean_text(clean_text(text)) == clean_text(text)


@given(st.text(max_size=30), _bidi, st.text(max_size=30))
def test_any_string_with_a_bidi_control_is_refused(before: str, mark: str, after: str) -> None:
    text = before + mark + after
    with pytest.raises(InvalidInput):
        clean_name(text)
    with pytest.raises(InvalidInput):
        clean_text(text)


@given(st.text(max_size=60))
def test_names_either_refuse_or_return_clean_text(text: str) -> None:
    try:
        cleaned = clean_name(text)
    except InvalidInput:
        return
    assert not BIDI_CONTROLS.intersection(cleaned)
    assert all(unicodedata.category(ch) not in ("Cc", "Cf", "Cs") for ch in cleaned)
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned


# -- dates -------------------------------------------------------------------------------------

TODAY = dt.date(2026, 7, 1)


@pytest.fixture
def fixed_today():  # type: ignore[no-untyped-def]
    with mock.patch.object(validators, "_today", return_value=TODAY):
        yield


@pytest.mark.usefixtures("fixed_today")
def test_dates_from_1900_to_today_pass() -> None:
    assert check_birth_date(dt.date(1900, 1, 1)) == dt.date(1900, 1, 1)
    assert check_event_date(TODAY) == TODAY
    assert check_birth_year(1900) == 1900
    assert check_birth_year(TODAY.year) == TODAY.year


@pytest.mark.usefixtures("fixed_today")
@pytest.mark.parametrize("value", [dt.date(1, 1, 1), dt.date(1899, 12, 31)])
def test_dates_before_1900_are_refused(value: dt.date) -> None:
    with pytest.raises(InvalidInput, match="trước năm 1900"):
        check_birth_date(value)
    with pytest.raises(InvalidInput, match="trước năm 1900"):
        check_event_date(value, allow_future=True)


@pytest.mark.usefixtures("fixed_today")
def test_future_dates_are_refused_unless_planned() -> None:
    tomorrow = TODAY + dt.timedelta(days=1)
    with pytest.raises(InvalidInput, match="Ngày sinh không thể ở tương lai"):
        check_birth_date(tomorrow)
    with pytest.raises(InvalidInput, match="Ngày họp không thể ở tương lai"):
        check_event_date(tomorrow, label="Ngày họp")
    assert check_event_date(tomorrow, allow_future=True) == tomorrow
    with pytest.raises(InvalidInput, match="tương lai"):
        check_birth_year(TODAY.year + 1)
    with pytest.raises(InvalidInput, match="trước năm 1900"):
        check_birth_year(0)


def test_today_is_the_civil_date_in_vietnam() -> None:
    # 23:30 UTC on 31 Dec is already 1 Jan in Hà Nội (UTC+7): a baby born that morning is
    # not "in the future".
    late = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    with mock.patch("django.utils.timezone.now", return_value=late):
        assert check_birth_date(dt.date(2027, 1, 1)) == dt.date(2027, 1, 1)
        assert check_birth_year(2027) == 2027


def test_form_fields_reuse_the_validators() -> None:
    class F(forms.Form):
        name = forms.CharField(validators=[validators.validate_name])
        born = forms.DateField(
            input_formats=["%Y-%m-%d"], validators=[validators.validate_birth_date]
        )

    form = F({"name": "Lò\u202eVăn", "born": "1899-12-31"})
    assert not form.is_valid()
    assert "hướng chữ" in form.errors["name"][0]
    assert "1900" in form.errors["born"][0]


def test_reraise_as_converts_to_the_service_error() -> None:
    class ServiceError(ValueError):
        pass

    with pytest.raises(ServiceError, match="hướng chữ"), validators.reraise_as(ServiceError):
        clean_name("\u202e")


@given(st.text(max_size=30))
def test_the_polars_patterns_refuse_what_the_python_validators_refuse(text: str) -> None:
    # The import checks whole columns with these patterns; the services with clean_*.
    import polars as pl

    # The import collapses whitespace (Rust's \s) before checking; compare on that text.
    series = pl.Series([text]).str.replace_all(r"\s+", " ").str.strip_chars()
    flat = series.item()
    try:
        clean_name(flat)
        name_ok = True
    except InvalidInput:
        name_ok = False
    try:
        clean_text(flat)
        text_ok = True
    except InvalidInput:
        text_ok = False
    assert series.str.contains(validators.POLARS_HIDDEN_IN_NAME).item() is not name_ok
    assert series.str.contains(validators.POLARS_HIDDEN_IN_TEXT).item() is not text_ok


def test_search_keys_do_not_depend_on_the_normal_form() -> None:
    from giamngheo.lib.text import search_key

    composed = "Nguyễn Thị Ánh Đào"
    assert search_key(unicodedata.normalize("NFD", composed)) == search_key(composed)
    assert search_key(composed) == "nguyen thi anh dao"
