"""Statistics against the hand-counted world of conftest.py: participations (person-times)
are never reported as people, and the figures cost a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from giamngheo.training import selectors, services
from tests.training.conftest import TrainingWorld, make_class, sessions

pytestmark = pytest.mark.django_db


def test_participations_are_not_people(tw: TrainingWorld) -> None:
    stats = selectors.training_statistics(tw.world.tinh, year=2025)
    assert stats.classes == 3
    assert stats.registrations == 13
    assert stats.participations == 12  # b_ctv registered in C1 but never came
    assert stats.people == 7
    assert stats.completed == 11  # e_hoi attended 1 of 2 sessions of C1 (< 80 %)


def test_participations_and_people_by_category(tw: TrainingWorld) -> None:
    stats = selectors.training_statistics(tw.world.tinh, year=2025)
    rows = {row.code: (row.participations, row.people) for row in stats.by_category}
    assert rows == {
        "province_officer": (1, 1),
        "commune_officer": (4, 2),
        "collaborator": (3, 1),
        "village_representative": (2, 2),
        "mass_organisation": (2, 1),
    }
    assert sum(p for p, _ in rows.values()) == stats.participations
    assert sum(n for _, n in rows.values()) == stats.people


def test_people_of_the_areas_do_not_add_up_to_the_people_trained(tw: TrainingWorld) -> None:
    stats = selectors.training_statistics(tw.world.tinh, year=2025)
    rows = {row.unit_id: (row.classes, row.participations, row.people) for row in stats.by_area}
    assert rows == {
        None: (1, 5, 5),
        tw.world.commune_a.pk: (1, 4, 4),
        tw.world.commune_b.pk: (1, 3, 3),
    }
    assert sum(row.participations for row in stats.by_area) == stats.participations
    # a_off, a_ctv, b_off and e_hoi were trained in two areas: 12 area-people, 7 people.
    assert sum(row.people for row in stats.by_area) == 12 != stats.people


def test_costs_in_total_per_participation_and_per_person(tw: TrainingWorld) -> None:
    stats = selectors.training_statistics(tw.world.tinh, year=2025)
    assert stats.cost_total == 7_520_000
    assert stats.cost_per_participation == pytest.approx(7_520_000 / 12)
    assert stats.cost_per_person == pytest.approx(7_520_000 / 7)
    costs = {row.training_class.code: row.cost for row in stats.class_rows}
    assert costs == {"C1": 7_200_000, "C2": 320_000, "C3": 0}
    per_class = {row.training_class.code: row.cost_per_participation for row in stats.class_rows}
    assert per_class["C1"] == pytest.approx(7_200_000 / 5)


def test_coverage_of_the_roster_this_year_and_on_the_standard_in_force(tw: TrainingWorld) -> None:
    stats = selectors.training_statistics(tw.world.tinh, year=2025)
    assert stats.standard_code == "2022-2025"
    rows = {
        row.unit_id: (row.roster, row.trained_year, row.trained_standard, row.never_trained)
        for row in stats.coverage
    }
    assert rows == {
        None: (1, 1, 1, 0),  # w_prov
        tw.world.commune_a.pk: (2, 2, 2, 0),  # a_head is on the roster but not a roster role
        # b_ctv: no class this year, but trained on the standard in 2024; b_new: never.
        tw.world.commune_b.pk: (3, 1, 2, 1),
    }
    total = stats.coverage_total
    assert (total.roster, total.trained_year, total.trained_standard) == (6, 4, 5)
    assert total.share_year == pytest.approx(4 / 6)
    assert [worker.full_name for worker in stats.never_trained] == ["Ngô Văn Mới"]


def test_coverage_on_another_standard(tw: TrainingWorld) -> None:
    stats = selectors.training_statistics(tw.world.tinh, year=2025, standard_code="2027-2030")
    assert stats.coverage_total.trained_standard == 0


def test_a_commune_officer_counts_only_what_the_commune_sees(tw: TrainingWorld) -> None:
    stats = selectors.training_statistics(tw.world.xa_a, year=2025)
    assert [row.training_class.code for row in stats.class_rows] == ["C2"]
    assert (stats.participations, stats.people, stats.cost_total) == (4, 4, 320_000)
    assert [(r.unit_id, r.roster, r.trained_year) for r in stats.coverage] == [
        (tw.world.commune_a.pk, 2, 2)
    ]
    nothing = selectors.training_statistics(tw.world.outsider, year=2025)
    assert (nothing.classes, nothing.participations, nothing.coverage_total.roster) == (0, 0, 0)


def test_area_filter_on_a_commune(tw: TrainingWorld) -> None:
    stats = selectors.training_statistics(tw.world.tinh, year=2025, area=tw.world.commune_b)
    assert [row.training_class.code for row in stats.class_rows] == ["C3"]
    assert (stats.participations, stats.people) == (3, 3)


def _queries(tw: TrainingWorld) -> int:
    with CaptureQueriesContext(connection) as captured:
        selectors.training_statistics(tw.world.tinh, year=2025)
    return len(captured)


def test_statistics_cost_the_same_queries_whatever_the_size(tw: TrainingWorld) -> None:
    _queries(tw)  # the first call also reads the user's grants (cached on the user)
    before = _queries(tw)
    for number in range(4, 9):
        extra = make_class(
            tw.plan, f"C{number}", topics=["communication"], start=dt.date(2025, 8, 1)
        )
        (session,) = sessions(extra, 1)
        registrations = [
            services.register(actor=None, training_class=extra, participant=person).pk
            for person in tw.people.values()
        ]
        services.attendance_record(actor=None, session=session, present=registrations)
        services.cost_add(
            actor=None, training_class=extra, item_type="venue", quantity=1, unit_price=1_000
        )
    assert _queries(tw) == before
    assert before <= 12
