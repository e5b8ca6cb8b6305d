"""A small training world counted by hand (see the table in ``TrainingWorld``'s docstring).

Province P (the ``world`` fixture's province) with communes A and B.

Roster (giamngheo.workforce):  w_prov (province officer), a_off and a_ctv (officer and
collaborator of A), b_off, b_ctv and b_new (officer and two collaborators of B), a_head (village
head of A: on the roster, but not of a roster category). External delegates: e_hoi (mass
organisation, A) and e_ap (village representative, B).

Classes of 2025:

=====  ========  =======================================  =====================================
class  run by    registered (sessions attended)           notes
=====  ========  =======================================  =====================================
C1     province  a_off 2/2, a_ctv 2/2, b_off 2/2,         new standard 2022-2025 + review
                 w_prov 2/2, e_hoi 1/2, b_ctv 0/2         procedure; cost 7.200.000 đ
C2     A         a_off 2/2, a_ctv 2/2, a_head 2/2,        support policies + data entry;
                 e_hoi 2/2                                cost 320.000 đ
C3     B         b_off 1/1, e_ap 1/1, a_ctv 1/1           survey methods; no cost
=====  ========  =======================================  =====================================

C0 (2024, province, new standard 2022-2025): b_ctv 1/1.

2025 by hand: 3 classes, 13 registrations, 12 participations (b_ctv never came), 7 people
(a_off, a_ctv, b_off, w_prov, e_hoi, a_head, e_ap), 11 completed (e_hoi 1/2 < 80 % in C1),
cost 7.520.000 đ. By area: province 5 participations / 5 people, A 4 / 4, B 3 / 3: the people
of the areas add up to 12, not 7.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction

from giamngheo.training import services
from giamngheo.training.models import (
    ClassSession,
    Participant,
    Registration,
    TrainingClass,
    TrainingPlan,
)
from giamngheo.workforce import services as workforce_services
from giamngheo.workforce.models import Worker
from tests.conftest import World, build_world


@dataclass
class TrainingWorld:
    world: World
    plan: TrainingPlan
    plan_a: TrainingPlan
    c0: TrainingClass
    c1: TrainingClass
    c2: TrainingClass
    c3: TrainingClass
    workers: dict[str, Worker]
    people: dict[str, Participant]

    def registration(self, training_class: TrainingClass, who: str) -> Registration:
        return Registration.objects.get(training_class=training_class, participant=self.people[who])


def add_worker(area, code: str, name: str, role: str, sex: str = "male") -> Worker:  # type: ignore[no-untyped-def]
    return workforce_services.worker_create(
        actor=None,
        area=area,
        data=workforce_services.WorkerData(
            code=code, full_name=name, sex=sex, birth_year=1985, role=role
        ),
    )


def make_class(
    plan: TrainingPlan,
    code: str,
    *,
    topics: list[str],
    start: dt.date,
    days: int = 1,
    commune=None,  # type: ignore[no-untyped-def]
    standard: str = "",
    capacity: int = 40,
) -> TrainingClass:
    return services.class_create(
        actor=None,
        plan=plan,
        code=code,
        title=f"Lớp {code}",
        level="commune" if commune is not None or plan.commune_id else "province",
        commune=commune,
        topics=topics,
        standard_code=standard,
        place="Hội trường UBND",
        start_date=start,
        end_date=start + dt.timedelta(days=days - 1),
        capacity=capacity,
    )


def sessions(training_class: TrainingClass, count: int) -> list[ClassSession]:
    return [
        services.session_add(
            actor=None,
            training_class=training_class,
            date=training_class.start_date,
            part="morning" if i % 2 == 0 else "afternoon",
            topic=training_class.topics[i % len(training_class.topics)],
        )
        for i in range(count)
    ]


@pytest.fixture(scope="module")
def tw_module(django_db_setup: None, django_db_blocker: Any) -> Iterator[TrainingWorld]:
    """The world and its training, built once per test module inside a transaction that is
    rolled back after the module; each test runs in a savepoint inside it (pytest-django's
    ``db``), so tests stay independent while the suite stays fast."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_training_world(build_world())
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def tw(tw_module: TrainingWorld, db: None) -> TrainingWorld:
    return tw_module


def build_training_world(world: World) -> TrainingWorld:
    p, a, b = world.province, world.commune_a, world.commune_b
    workers = {
        "w_prov": add_worker(p, "T-01", "Hoàng Văn Tỉnh", "province_officer"),
        "a_off": add_worker(a, "A-01", "Nguyễn Thị Hằng", "commune_officer", "female"),
        "a_ctv": add_worker(a, "A-02", "Trần Văn Minh", "collaborator"),
        "a_head": add_worker(a, "A-03", "Đỗ Văn Thôn", "village_head"),
        "b_off": add_worker(b, "B-01", "Lê Thị Lan", "commune_officer", "female"),
        "b_ctv": add_worker(b, "B-02", "Phạm Văn Nam", "collaborator"),
        "b_new": add_worker(b, "B-03", "Ngô Văn Mới", "collaborator"),
    }
    people = {
        key: services.participant_for_worker(actor=None, worker=worker)
        for key, worker in workers.items()
        if key != "b_new"
    }
    people["e_hoi"] = services.participant_create(
        actor=None,
        province=p,
        commune=a,
        full_name="Vũ Thị Hội",
        category="mass_organisation",
        sex="female",
        organisation="Hội Liên hiệp Phụ nữ xã",
    )
    people["e_ap"] = services.participant_create(
        actor=None, province=p, commune=b, full_name="Bùi Văn Ấp", category="village_representative"
    )

    plan_2024 = services.plan_create(
        actor=None, province=p, year=2024, title="Kế hoạch 2024", purpose="Nâng cao năng lực"
    )
    plan = services.plan_create(
        actor=None,
        province=p,
        year=2025,
        title="Kế hoạch tập huấn 2025",
        purpose="Nâng cao năng lực đội ngũ làm công tác giảm nghèo",
        target_groups=["commune_officer", "collaborator"],
        budget=50_000_000,
    )
    plan_a = services.plan_create(
        actor=None, province=p, commune=a, year=2025, title="Kế hoạch xã A", purpose="Tập huấn"
    )

    c0 = make_class(
        plan_2024, "C0", topics=["new_standard"], start=dt.date(2024, 9, 5), standard="2022-2025"
    )
    (s0,) = sessions(c0, 1)
    r = services.register(actor=None, training_class=c0, participant=people["b_ctv"])
    services.attendance_record(actor=None, session=s0, present=[r.pk])

    c1 = make_class(
        plan,
        "C1",
        topics=["new_standard", "review_procedure"],
        start=dt.date(2025, 3, 10),
        days=2,
        standard="2022-2025",
    )
    s1, s2 = sessions(c1, 2)
    regs = {
        who: services.register(actor=None, training_class=c1, participant=people[who])
        for who in ("a_off", "a_ctv", "b_off", "w_prov", "e_hoi", "b_ctv")
    }
    everyone_but_b_ctv = [regs[w].pk for w in ("a_off", "a_ctv", "b_off", "w_prov", "e_hoi")]
    services.attendance_record(actor=None, session=s1, present=everyone_but_b_ctv)
    services.attendance_record(actor=None, session=s2, present=everyone_but_b_ctv[:-1])
    for item_type, quantity, price in (
        ("venue", 1, 3_000_000),
        ("trainer_fees", 2, 1_500_000),
        ("participant_support", 6, 200_000),
    ):
        services.cost_add(
            actor=None, training_class=c1, item_type=item_type, quantity=quantity, unit_price=price
        )

    c2 = make_class(
        plan_a, "C2", topics=["support_policies", "data_entry"], start=dt.date(2025, 5, 20)
    )
    all_c2 = [
        services.register(actor=None, training_class=c2, participant=people[w]).pk
        for w in ("a_off", "a_ctv", "a_head", "e_hoi")
    ]
    for session in sessions(c2, 2):
        services.attendance_record(actor=None, session=session, present=all_c2)
    services.cost_add(
        actor=None, training_class=c2, item_type="materials", quantity=4, unit_price=50_000
    )
    services.cost_add(
        actor=None, training_class=c2, item_type="refreshments", quantity=4, unit_price=30_000
    )

    c3 = make_class(plan, "C3", topics=["survey_methods"], start=dt.date(2025, 6, 5), commune=b)
    all_c3 = [
        services.register(actor=None, training_class=c3, participant=people[w]).pk
        for w in ("b_off", "e_ap", "a_ctv")
    ]
    (s3,) = sessions(c3, 1)
    services.attendance_record(actor=None, session=s3, present=all_c3)

    return TrainingWorld(world, plan, plan_a, c0, c1, c2, c3, workers, people)
