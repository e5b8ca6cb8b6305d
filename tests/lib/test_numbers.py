"""Phone numbers and citizen IDs: one rule (``lib.validators``) and the form fields built on
it (``lib.forms``). The same table runs through forms, services and the import in
``tests/registry/test_number_rules.py``."""

from __future__ import annotations

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from giamngheo.lib import validators
from giamngheo.lib.forms import CitizenIdField, PhoneField

# (typed, stored); stored None: refused.
PHONES = [
    ("0912345678", "0912345678"),
    ("0912 345 678", "0912345678"),
    ("0912.345.678", "0912345678"),
    ("0912-345-678", "0912345678"),
    ("+84 912 345 678", "0912345678"),
    ("+84912345678", "0912345678"),
    ("84912345678", "0912345678"),  # "+84…" typed into a number cell
    ("0084 912 345 678", "0912345678"),
    ("+84 (0) 912 345 678", "0912345678"),
    ("02438261234", "02438261234"),  # fixed line: 02 + area code + number
    ("(024) 3826 1234", "02438261234"),
    ("+84 24 3826 1234", "02438261234"),
    ("", ""),
    ("912345678", None),  # no leading 0
    ("01234567890", None),  # the old 11-digit mobile numbers are gone since 2018
    ("091234567", None),  # too short
    ("091234567890", None),  # too long
    ("8491234567", None),  # 84 + too few digits
    ("09123456a8", None),
    ("+1 212 555 0100", None),
    ("091****678", None),  # a masked number is not a number
]

CITIZEN_IDS = [
    ("038201001234", "038201001234"),
    ("0382 0100 1234", "038201001234"),
    ("038.201.001.234", "038201001234"),
    ("", None),
    ("38201001234", None),  # lost its leading zero
    ("0382010012345", None),
    ("03820100123a", None),
    ("********1234", None),
]


@pytest.mark.parametrize(("typed", "stored"), PHONES)
def test_clean_phone_stores_the_canonical_national_form(typed: str, stored: str | None) -> None:
    if stored is None:
        with pytest.raises(validators.InvalidInput, match="không hợp lệ"):
            validators.clean_phone(typed)
    else:
        assert validators.clean_phone(typed) == stored


@pytest.mark.parametrize(("typed", "stored"), PHONES)
def test_the_phone_form_field_gives_the_same_verdict(typed: str, stored: str | None) -> None:
    field = PhoneField(required=False)
    if stored is None:
        with pytest.raises(forms.ValidationError):
            field.clean(typed)
    else:
        assert field.clean(typed) == stored


@pytest.mark.parametrize(("typed", "stored"), CITIZEN_IDS)
def test_citizen_ids_have_12_digits_and_the_field_agrees(typed: str, stored: str | None) -> None:
    field = CitizenIdField(required=False)
    if stored is None and typed:
        with pytest.raises(validators.InvalidInput):
            validators.clean_citizen_id(typed)
        with pytest.raises(forms.ValidationError):
            field.clean(typed)
    else:
        assert validators.clean_citizen_id(typed) == stored
        assert field.clean(typed) == stored


def test_an_11_digit_id_hints_at_the_lost_zero() -> None:
    with pytest.raises(validators.InvalidInput, match="11 chữ số"):
        validators.clean_citizen_id("38201001234")


mobiles = st.from_regex(r"0[35789][0-9]{8}", fullmatch=True)
fixed_lines = st.from_regex(r"02[0-9]{9}", fullmatch=True)
separators = st.sampled_from(["", " ", ".", "-", "  "])


@st.composite
def spelled(draw: st.DrawFn, number: str) -> str:
    """``number`` (canonical) as a person might type it: a country code, separators."""
    prefix = draw(st.sampled_from(["", "+84", "+84 ", "84", "0084", "+84 (0) "]))
    digits = number[1:] if prefix else number  # "+84 (0) " keeps the 0 in the prefix
    text = ""
    for ch in digits:
        text += ch + draw(separators)
    return prefix + text.strip(" .-")


@given(st.data(), st.one_of(mobiles, fixed_lines))
def test_every_spelling_of_a_number_stores_the_same_text(data: st.DataObject, number: str) -> None:
    typed = data.draw(spelled(number))
    assert validators.clean_phone(typed) == number
    assert validators.clean_phone(number) == number  # canonical is a fixed point


@given(st.text(alphabet="0123456789+ .-()84*ab", max_size=20))
def test_whatever_is_accepted_is_a_valid_canonical_number(typed: str) -> None:
    try:
        stored = validators.clean_phone(typed)
    except validators.InvalidInput:
        return
    assert stored == "" or (
        stored.isdigit()
        and stored.startswith("0")
        and (len(stored) == 10 or (len(stored) == 11 and stored.startswith("02")))
    )
    assert validators.clean_phone(stored) == stored
