"""Eligibility rules as data, evaluated set-based in PostgreSQL, with exact boundaries."""

from __future__ import annotations

import datetime as dt

import pytest

from giamngheo.programmes import eligibility, selectors
from giamngheo.programmes.errors import ProgrammeError
from giamngheo.registry import services as registry_services
from giamngheo.registry.models import Household
from tests.conftest import World
from tests.programmes.helpers import household, programme, set_status

pytestmark = pytest.mark.django_db

ESCAPED_ON = dt.date(2023, 5, 31)


def count(rules: dict[str, object], area: object, on: dt.date) -> int:
    parsed = eligibility.parse(rules)
    assert parsed is not None
    query = eligibility.query_for(parsed, area, on)  # type: ignore[arg-type]
    preview = query.preview()
    # The plain COUNT (the benchmark's floor) and the preview agree.
    assert query.count() == preview.households
    return preview.households


def test_newly_escaped_boundaries_the_day_of_the_change_and_exactly_36_months(
    world: World,
) -> None:
    h = household(world.village_a1, "A1-500")
    set_status(h, "poor", dt.date(2021, 12, 20))
    set_status(h, "not_poor", ESCAPED_ON)
    rules = {"statuses": ["newly_escaped"], "newly_escaped_months": 36}
    area = world.commune_a
    assert count(rules, area, ESCAPED_ON - dt.timedelta(days=1)) == 0  # still poor then
    assert count(rules, area, ESCAPED_ON) == 1  # the day the status changed
    # 31/05/2023 + 36 months = 31/05/2026: still in; the day after: out.
    assert count(rules, area, dt.date(2026, 5, 31)) == 1
    assert count(rules, area, dt.date(2026, 6, 1)) == 0
    # 12 months: out after 31/05/2024.
    assert count({**rules, "newly_escaped_months": 12}, area, dt.date(2024, 5, 31)) == 1
    assert count({**rules, "newly_escaped_months": 12}, area, dt.date(2024, 6, 1)) == 0


def test_month_end_is_clamped_and_a_fall_back_is_not_newly_escaped(world: World) -> None:
    assert eligibility.months_before(dt.date(2027, 2, 28), 36) == dt.date(2024, 2, 28)
    assert eligibility.months_before(dt.date(2024, 5, 31), 3) == dt.date(2024, 2, 29)
    h = household(world.village_a1, "A1-501")
    set_status(h, "near_poor", dt.date(2022, 1, 1))
    set_status(h, "average_living_standard", dt.date(2023, 1, 1))
    on = dt.date(2024, 1, 1)
    rules = {"statuses": ["newly_escaped"]}
    assert count(rules, world.commune_a, on) == 1
    set_status(h, "poor", dt.date(2023, 12, 1))  # fell back: poor, not newly escaped
    assert count(rules, world.commune_a, on) == 0
    assert count({"statuses": ["poor", "newly_escaped"]}, world.commune_a, on) == 1


def test_member_attributes_age_sex_ethnicity_disability_working_age(world: World) -> None:
    on = dt.date(2025, 6, 1)
    young = household(world.village_a1, "A1-510", members=[("female", 2010)])
    old = household(
        world.village_a2, "A2-510", ethnicity="07", birth_date=dt.date(1945, 6, 2)
    )  # 79 on 01/06/2025, 80 the day after
    for h in (young, old):
        set_status(h, "poor", dt.date(2024, 12, 1))
    area = world.commune_a
    base = {"statuses": ["poor"]}
    assert count({**base, "member": {"max_age": 15}}, area, on) == 1  # born 2010: 15 in 2025
    assert count({**base, "member": {"min_age": 80}}, area, on) == 0
    assert count({**base, "member": {"min_age": 80}}, area, on + dt.timedelta(days=1)) == 1
    assert count({**base, "member": {"sex": "female"}}, area, on) == 1
    assert count({**base, "member": {"ethnic_minority": True}}, area, on) == 1
    assert count({**base, "member": {"ethnicities": ["07"]}}, area, on) == 1
    assert count({**base, "member": {"disability": True}}, area, on) == 0
    # Working age: 15 to under 61 (men) / 57 (women) by the data; the 1980 head is 45.
    assert count({**base, "member": {"working_age": True}}, area, on) == 1
    # Not of working age: only the 79-year-old's household (the girl of 15 is of working age).
    assert count({**base, "member": {"working_age": False}}, area, on) == 1
    assert count({**base, "household": {"is_ethnic_minority": False}}, area, on) == 1


def test_preview_counts_by_status_and_first_matching_priority(world: World) -> None:
    on = dt.date(2025, 6, 1)
    poor_minority = household(
        world.village_a1, "A1-520", ethnicity="07", members=[("female", 1990)]
    )
    poor = household(world.village_a1, "A1-521", members=[("female", 1992)])
    near = household(world.village_a2, "A2-520")
    escaped = household(world.village_a2, "A2-521")
    other_commune = household(world.village_b1, "B1-520")
    for h in (poor_minority, poor, other_commune):
        set_status(h, "poor", dt.date(2024, 12, 1))
    set_status(near, "near_poor", dt.date(2024, 12, 1))
    set_status(escaped, "poor", dt.date(2022, 12, 1))
    set_status(escaped, "not_poor", dt.date(2024, 12, 1))
    p = programme(
        "test-ntp",
        {
            "statuses": ["poor", "near_poor", "newly_escaped"],
            "priorities": [
                {
                    "code": "dtts",
                    "label": "DTTS",
                    "statuses": ["poor"],
                    "household": {"is_ethnic_minority": True},
                },
                {
                    "code": "phu-nu",
                    "label": "Phụ nữ",
                    "statuses": ["poor"],
                    "member": {"sex": "female"},
                },
            ],
        },
    )
    preview = selectors.eligibility_preview(
        viewer=world.xa_a, programme=p, area=world.commune_a, on=on
    )
    assert preview.households == 4
    assert preview.by_status == {"poor": 2, "near_poor": 1, "newly_escaped": 1}
    # The minority household has a woman too: it counts once, in its first priority.
    assert preview.by_priority == {"dtts": 1, "phu-nu": 1}
    with pytest.raises(ProgrammeError, match="quyền"):
        selectors.eligibility_preview(viewer=world.xa_a, programme=p, area=world.commune_b, on=on)
    by_province = selectors.eligibility_preview(
        viewer=world.tinh, programme=p, area=world.province, on=on
    )
    assert by_province.by_status["poor"] == 3


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ({"statuses": []}, "ít nhất một tình trạng"),
        ({"statuses": ["rich"]}, "rich"),
        ({"statuses": ["poor"], "member": {"min_age": 20, "max_age": 10}}, "tối thiểu"),
        ({"statuses": ["poor"], "newly_escaped_months": 0}, "1 đến 120"),
        ({"statuses": ["poor"], "colour": "red"}, "colour"),
        ({"statuses": ["poor"], "priorities": [{"code": "x"}]}, "label"),
    ],
)
def test_bad_rules_are_refused_with_a_reason(rules: dict[str, object], message: str) -> None:
    with pytest.raises(ProgrammeError, match=message):
        eligibility.parse(rules)


def test_area_conditions_especially_difficult_communes_and_household_groups(
    world: World,
) -> None:
    on = dt.date(2025, 6, 1)
    in_a = household(world.village_a1, "A1-530")
    in_b = household(world.village_b1, "B1-530")
    for h in (in_a, in_b):
        set_status(h, "poor", dt.date(2024, 12, 1))
    registry_services.household_update(
        actor=None,
        household=in_b,
        expected_version=Household.objects.get(pk=in_b.pk).version,
        support_needs=["housing"],
        is_merit_family=True,
    )
    base = {"statuses": ["poor"]}
    province = world.province
    assert count(base, province, on) == 2
    # A province lists its especially difficult communes by code.
    assert count({**base, "communes": [world.commune_b.code]}, province, on) == 1
    assert count({**base, "household": {"support_needs": ["housing", "water"]}}, province, on) == 1
    assert count({**base, "household": {"is_merit_family": True}}, province, on) == 1
    kind = Household.objects.get(pk=in_a.pk).area_kind
    assert count({**base, "household": {"area_kind": [kind]}}, world.village_a1, on) == 1


def test_age_of_a_member_born_on_29_february(world: World) -> None:
    """Born 29/02/2008: 18 only on 01/03/2026 (as PostgreSQL's ``age()`` and a birthday
    reckoning agree); a member known by birth year only is 18 all through 2026."""
    leap = household(world.village_a1, "A1-530", birth_date=dt.date(2008, 2, 29))
    by_year = household(world.village_a2, "A2-530", members=[("female", 2008)])
    for h in (leap, by_year):
        set_status(h, "poor", dt.date(2024, 12, 1))
    area = world.commune_a
    adult = {"statuses": ["poor"], "member": {"min_age": 18, "max_age": 18}}
    assert count(adult, area, dt.date(2026, 2, 28)) == 1  # the birth-year member only
    assert count(adult, area, dt.date(2026, 3, 1)) == 2
    child = {"statuses": ["poor"], "member": {"max_age": 17}}
    assert count(child, area, dt.date(2026, 2, 28)) == 1  # the 29/02 head, still 17
    assert count(child, area, dt.date(2026, 3, 1)) == 0
