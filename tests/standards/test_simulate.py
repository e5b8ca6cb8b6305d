"""What-if (simulate.py): the same households under two standards."""

from __future__ import annotations

import numpy as np
import pytest

from giamngheo.standards.classify import classify_columns
from giamngheo.standards.inputs import raw_columns_from_records
from giamngheo.standards.packs import Pack
from giamngheo.standards.simulate import transitions

from .builders import household, member


def test_transitions_from_2022_to_2027(pack_2022: Pack, pack_2027: Pack) -> None:
    poor_people = [
        member(),
        member(age=7, has_health_insurance=False, attends_age_appropriate=True),
    ]
    records = [
        # 1.4 M, 3 deprivations: poor under both.
        (
            household(
                household_id="A", income=1_400_000, water_source="other", latrine_type="none"
            ),
            poor_people,
        ),
        # 2.0 M rural, 3 deprivations: MSTB under 2022-2025, poor under 2027-2030 (line 2.2 M).
        (
            household(
                household_id="B", income=2_000_000, water_source="other", latrine_type="none"
            ),
            poor_people,
        ),
        # 2.1 M rural, no deprivation: MSTB, then near-poor.
        (household(household_id="C", income=2_100_000), [member()]),
        # 2.5 M urban, no deprivation: MSTB, then near-poor (urban line 2.8 M).
        (household(household_id="D", area_type="urban", income=2_500_000), [member()]),
        # 5 M: not poor under both.
        (household(household_id="E", income=5_000_000), [member()]),
    ]
    fields_h = list(dict.fromkeys([*pack_2022.household_fields(), *pack_2027.household_fields()]))
    fields_m = list(dict.fromkeys([*pack_2022.member_fields(), *pack_2027.member_fields()]))
    cols = raw_columns_from_records(records, household_fields=fields_h, member_fields=fields_m)
    before = classify_columns(pack_2022, cols)
    after = classify_columns(pack_2027, cols)
    result = transitions(
        before,
        after,
        groups=np.array(["rural", "rural", "rural", "urban", "rural"]),
        by="area_type",
    )
    assert result.matrix["poor"]["poor"] == 1
    assert result.matrix["average_living_standard"]["poor"] == 1
    assert result.matrix["average_living_standard"]["near_poor"] == 2
    assert result.matrix["not_poor"]["not_poor"] == 1
    assert result.changed() == 3
    shown = result.to_dict()
    assert shown["totals"]["to"] == {
        "poor": 2,
        "near_poor": 2,
        "average_living_standard": 0,
        "not_poor": 1,
    }  # type: ignore[index]
    assert result.groups is not None
    assert result.groups["urban"]["average_living_standard"]["near_poor"] == 1
    assert shown["groups"]["rural"]["n"] == 4  # type: ignore[index]


def test_the_households_must_be_the_same(pack_2022: Pack) -> None:
    one = raw_columns_from_records(
        [(household(), [member()])],
        household_fields=pack_2022.household_fields(),
        member_fields=pack_2022.member_fields(),
    )
    two = raw_columns_from_records(
        [(household(household_id="X"), [member()])],
        household_fields=pack_2022.household_fields(),
        member_fields=pack_2022.member_fields(),
    )
    with pytest.raises(ValueError, match="same households"):
        transitions(classify_columns(pack_2022, one), classify_columns(pack_2022, two))
