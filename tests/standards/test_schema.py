"""The raw survey schema (schema.py) and its documentation stay in step."""

from __future__ import annotations

from pathlib import Path

from giamngheo.standards.packs import load_all
from giamngheo.standards.schema import HOUSEHOLD_FIELDS, MEMBER_FIELDS, Kind

DOCS = Path(__file__).resolve().parents[2] / "docs" / "standards.md"


def test_field_names_are_unique_per_level() -> None:
    for fields in (HOUSEHOLD_FIELDS, MEMBER_FIELDS):
        names = [f.name for f in fields]
        assert len(names) == len(set(names))


def test_enumerations_and_booleans_are_fully_described() -> None:
    for field in (*HOUSEHOLD_FIELDS, *MEMBER_FIELDS):
        if field.kind is Kind.ENUM:
            assert len(set(field.values)) == len(field.values)
            assert set(field.value_labels) == set(field.values), field.name
        if field.kind is Kind.BOOL:
            assert field.when_true is not None and field.when_false is not None, field.name


def test_every_field_an_evaluator_reads_is_in_the_schema() -> None:
    household_names = {f.name for f in HOUSEHOLD_FIELDS}
    member_names = {f.name for f in MEMBER_FIELDS}
    for pack in load_all():
        assert set(pack.household_fields()) <= household_names
        assert set(pack.member_fields()) <= member_names


def test_the_documentation_lists_every_field_and_value() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for field in (*HOUSEHOLD_FIELDS, *MEMBER_FIELDS):
        assert f"`{field.name}`" in text, field.name
        for value in field.values:
            assert f"`{value}`" in text, (field.name, value)
