"""Synthetic data (synthetic.py): deterministic, complete and usable by every shipped pack."""

from __future__ import annotations

from giamngheo.standards.classify import classify_columns
from giamngheo.standards.inputs import raw_columns_from_frames
from giamngheo.standards.packs import load_all
from giamngheo.standards.schema import HOUSEHOLD_FIELDS, MEMBER_FIELDS
from giamngheo.standards.synthetic import generate


def test_it_is_deterministic() -> None:
    first = generate(300, seed=7)
    second = generate(300, seed=7)
    assert first[0].equals(second[0]) and first[1].equals(second[1])
    assert not generate(300, seed=8)[0].equals(first[0])


def test_it_has_every_field_and_about_four_members_per_household() -> None:
    households, members = generate(2000, seed=1)
    assert {f.name for f in HOUSEHOLD_FIELDS} <= set(households.columns)
    assert {f.name for f in MEMBER_FIELDS if f.required} <= set(members.columns)
    assert 3.5 < members.height / households.height < 4.2


def test_every_pack_classifies_it_with_every_status_reachable() -> None:
    households, members = generate(5000, seed=3)
    for pack in load_all():
        cols = raw_columns_from_frames(
            households,
            members,
            household_fields=pack.household_fields(),
            member_fields=pack.member_fields(),
        )
        counts = classify_columns(pack, cols).status_counts()
        assert counts["poor"] > 0 and counts["near_poor"] > 0 and counts["not_poor"] > 0
        assert (counts["average_living_standard"] > 0) == (pack.average_upper is not None)
