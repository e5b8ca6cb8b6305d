"""The compiled SQL against a straightforward Python reading of the same rules.

A small random registry (statuses with a dated history, minority households, members of both
sexes and all ages, some disabled, some who left) and random rules: the preview's counts per
status and priority, the plain count and the rows of a generated list must equal what a plain
Python evaluation of the rules over the ORM's objects finds. The SQL is built for speed (member
conditions evaluated once per household in one aggregate); this says it still means the rules.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

import pytest

from giamngheo.areas.models import AdministrativeUnit
from giamngheo.programmes import eligibility
from giamngheo.programmes.services.lists import list_generate
from giamngheo.registry import services as registry_services
from giamngheo.registry.models import Household, Membership, Person, StatusChange
from tests.conftest import World
from tests.programmes.helpers import programme, set_status

pytestmark = pytest.mark.django_db

ON = dt.date(2025, 6, 1)
SEXES = ("male", "female")


def _age(person: Person, on: dt.date) -> int:
    if person.birth_date is None:
        return on.year - person.birth_year
    born = person.birth_date
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _member_matches(person: Person, m: eligibility.MemberCondition, on: dt.date) -> bool:
    age = _age(person, on)
    if m.min_age is not None and age < m.min_age:
        return False
    if m.max_age is not None and age > m.max_age:
        return False
    if m.sex is not None and person.sex != m.sex:
        return False
    if m.ethnic_minority is not None and (person.ethnicity != eligibility.KINH) != (
        m.ethnic_minority
    ):
        return False
    if m.ethnicities and person.ethnicity not in m.ethnicities:
        return False
    if m.disability is not None and person.disability != m.disability:
        return False
    if m.working_age is not None:
        bounds = eligibility.working_age()
        below = bounds.below_male if person.sex == "male" else bounds.below_female
        if (bounds.minimum <= age < below) != m.working_age:
            return False
    return True


class Reference:
    """The rules read literally, household by household, from the ORM's objects."""

    def __init__(self, rules: eligibility.Rules, on: dt.date) -> None:
        self.rules, self.on = rules, on
        self.cutoff = eligibility.months_before(on, rules.newly_escaped_months)
        self.members: dict[int, list[Person]] = {}
        for ms in Membership.objects.filter(left_on__isnull=True).select_related("person"):
            self.members.setdefault(ms.household_id, []).append(ms.person)
        self.escaped = {
            change.household_id
            for change in StatusChange.objects.all()
            if change.previous_status in eligibility.LISTED
            and change.status not in eligibility.LISTED
            and self.cutoff <= change.effective_on <= on
        }

    def has_status(self, h: Household, status: str) -> bool:
        if status == "newly_escaped":
            return h.status in eligibility.ESCAPED_TO and h.pk in self.escaped
        return h.status == status

    def holds(self, h: Household, c: eligibility.Conditions) -> bool:
        if c.statuses and not any(self.has_status(h, s) for s in c.statuses):
            return False
        if any(getattr(h, flag) != value for flag, value in c.flags):
            return False
        if c.area_kind and h.area_kind not in c.area_kind:
            return False
        if c.communes and h.commune.code not in c.communes:
            return False
        member = c.member
        return member is None or any(
            _member_matches(p, member, self.on) for p in self.members.get(h.pk, [])
        )

    def entries(self, area: AdministrativeUnit) -> dict[int, tuple[str, str]]:
        """Each eligible household of ``area``: (category, priority)."""
        found = {}
        households = Household.objects.filter(**{f"{area.level}_id": area.pk})
        for h in households.select_related("commune"):
            if not any(self.has_status(h, s) for s in self.rules.statuses):
                continue
            if not self.holds(h, self.rules.conditions):
                continue
            category = next(
                s
                for s in eligibility.STATUSES
                if s in self.rules.statuses and self.has_status(h, s)
            )
            priority = next(
                (p.code for p in self.rules.priorities if self.holds(h, p.conditions)),
                eligibility.NO_PRIORITY,
            )
            found[h.pk] = (category, priority)
        return found


def _registry(world: World, rng: random.Random) -> None:
    villages = [world.village_a1, world.village_a2, world.village_b1]
    history = [
        [],
        [("poor", dt.date(2024, 12, 1))],
        [("near_poor", dt.date(2023, 12, 1))],
        [("poor", dt.date(2021, 12, 1)), ("not_poor", dt.date(2023, 6, 1))],
        [("near_poor", dt.date(2020, 12, 1)), ("average_living_standard", dt.date(2022, 1, 5))],
        [("poor", dt.date(2019, 12, 1)), ("not_poor", dt.date(2021, 12, 1))],  # too long ago
        [("average_living_standard", dt.date(2024, 1, 1))],  # never listed
        [  # fell back
            ("poor", dt.date(2022, 1, 1)),
            ("not_poor", dt.date(2023, 1, 1)),
            ("poor", dt.date(2024, 1, 1)),
        ],
        [("near_poor", dt.date(2022, 1, 1)), ("not_poor", dt.date(2025, 7, 1))],  # after ON
    ]
    for i in range(36):
        ethnicity = rng.choice(("01", "01", "07", "19"))
        people = []
        for j in range(rng.randint(1, 5)):
            year = rng.randint(1940, 2023)
            born = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
            people.append(
                registry_services.PersonData(
                    full_name=f"Người {i} {j}",
                    sex=rng.choice(SEXES),
                    birth_year=year,
                    birth_date=born if rng.random() < 0.5 else None,
                    relation="head" if j == 0 else "child",
                    ethnicity=ethnicity,
                )
            )
        h = registry_services.household_create(
            actor=None, village=rng.choice(villages), code=f"EQ-{i}", members=people
        )
        if ethnicity != "01" and rng.random() < 0.8:
            h = registry_services.household_update(
                actor=None, household=h, expected_version=h.version, is_ethnic_minority=True
            )
        for status, on in rng.choice(history):
            set_status(h, status, on)
        persons = list(Person.objects.filter(memberships__household=h).order_by("pk"))
        for person in persons:
            if rng.random() < 0.15:
                Person.objects.filter(pk=person.pk).update(disability=True)
        if len(persons) > 1 and rng.random() < 0.3:
            registry_services.member_leave(
                actor=None, person=persons[-1], on=dt.date(2024, 3, 1), reason="Chuyển đi"
            )


def _member_rule(rng: random.Random) -> dict[str, Any]:
    choices: list[dict[str, Any]] = [
        {"sex": "female", "min_age": 16},
        {"disability": True},
        {"working_age": True},
        {"sex": "female", "working_age": True},
        {"working_age": False, "disability": False},
        {"max_age": rng.randint(3, 16)},
        {"min_age": rng.randint(55, 80)},
        {"ethnic_minority": True, "sex": rng.choice(SEXES)},
        {"ethnicities": ["19"]},
    ]
    return rng.choice(choices)


def _random_rules(rng: random.Random) -> dict[str, Any]:
    statuses = ["poor", "near_poor", "newly_escaped", "average_living_standard"]
    rules: dict[str, Any] = {"statuses": rng.sample(statuses, rng.randint(1, 4))}
    if rng.random() < 0.3:
        rules["member"] = _member_rule(rng)
    if rng.random() < 0.2:
        rules["household"] = {"is_ethnic_minority": rng.random() < 0.5}
    priorities = []
    for k in range(rng.randint(0, 4)):
        priority: dict[str, Any] = {"code": f"p{k}", "label": f"Ưu tiên {k}"}
        if rng.random() < 0.5:
            priority["statuses"] = rng.sample(statuses, rng.randint(1, 2))
        if rng.random() < 0.3:
            priority["household"] = {"is_ethnic_minority": True}
        if rng.random() < 0.7:
            priority["member"] = _member_rule(rng)
        priorities.append(priority)
    rules["priorities"] = priorities
    return rules


NTP = {
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
            "member": {"sex": "female", "min_age": 16},
        },
        {"code": "khuyet-tat", "label": "Khuyết tật", "member": {"disability": True}},
    ],
}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_preview_count_and_list_equal_a_python_evaluation(world: World, seed: int) -> None:
    rng = random.Random(seed)
    _registry(world, rng)
    rule_sets = [NTP] + [_random_rules(rng) for _ in range(8)]
    for n, data in enumerate(rule_sets):
        rules = eligibility.parse(data)
        assert rules is not None
        reference = Reference(rules, ON)
        for area in (world.province, world.commune_a):
            expected = reference.entries(area)
            query = eligibility.query_for(rules, area, ON)
            preview = query.preview()
            assert preview.by_status_priority == dict(Counter(expected.values())), data
            assert preview.households == query.count() == len(expected), data
        # The generated list holds the same households, with the same category and priority.
        blist = list_generate(
            actor=None,
            programme=programme(f"eq-{seed}-{n}", data),
            area=world.province,
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 12, 31),
            reference_date=ON,
        )
        rows = {e.household_id: (e.category, e.priority) for e in blist.entries.all()}
        assert rows == reference.entries(world.province), data
