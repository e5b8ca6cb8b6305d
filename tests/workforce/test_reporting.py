"""Monthly plans and reports: deadlines, completeness and timeliness against a hand count."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from pytest_django import DjangoAssertNumQueries

from giamngheo.audit.models import AuditEvent
from giamngheo.workforce import selectors, services
from giamngheo.workforce.models import MonthlyReport, Worker
from tests.conftest import World
from tests.workforce.conftest import START, Staff, make_worker

pytestmark = pytest.mark.django_db

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH = dt.date(2025, 3, 1)
TODAY = dt.date(2025, 4, 10)


def local(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2025, 4, day, hour, minute, tzinfo=VIETNAM)


def collaborator(world: World, commune_is_a: bool, code: str) -> Worker:
    commune = world.commune_a if commune_is_a else world.commune_b
    village = world.village_a2 if commune_is_a else world.village_b1
    worker = make_worker(commune, code, "collaborator")
    services.assignment_add(actor=None, worker=worker, area=village, starts_on=START)
    return worker


def submit_at(worker: Worker, when: dt.datetime) -> None:
    report = MonthlyReport.objects.get(worker=worker, month=MARCH)
    services.report_save(
        actor=None,
        report=report,
        items={1: "Tiếp nhận 3 yêu cầu"},
        households_visited=12,
        meetings_attended=2,
        submit=True,
    )
    # The submission time is the server's clock; set it to the case being counted.
    MonthlyReport.objects.filter(pk=report.pk).update(submitted_at=when)


@pytest.fixture
def march(world: World) -> dict[str, Worker]:
    """Commune A: on time, on time at 23:30 of the deadline day, late by 30 minutes, missing.
    Commune B: on time, missing. Hand count: A 4/3/2 on time/1 late/1 overdue; B 2/1/1/0/1."""
    workers = {
        "a_early": collaborator(world, True, "A1"),
        "a_last_minute": collaborator(world, True, "A2"),
        "a_late": collaborator(world, True, "A3"),
        "a_missing": collaborator(world, True, "A4"),
        "b_early": collaborator(world, False, "B1"),
        "b_missing": collaborator(world, False, "B2"),
    }
    assert services.reports_open_month(actor=world.xa_a, area=world.commune_a, month=MARCH) == 4
    assert services.reports_open_month(actor=world.tinh, area=world.commune_b, month=MARCH) == 2
    submit_at(workers["a_early"], local(3, 9))
    submit_at(workers["a_last_minute"], local(5, 23, 30))
    submit_at(workers["a_late"], local(6, 0, 30))  # 17:30 UTC on the 5th: late in Vietnam
    submit_at(workers["b_early"], local(1, 8))
    return workers


def test_the_deadline_is_the_configured_day_of_the_next_month(world: World) -> None:
    rules = services.rules_for(world.province)
    assert rules.report_deadline_day == 5  # data/rules.toml
    assert services.report_due_on(MARCH, rules) == dt.date(2025, 4, 5)
    assert services.report_due_on(dt.date(2025, 12, 1), rules) == dt.date(2026, 1, 5)
    services.province_rule_set(
        actor=world.tinh,
        province=world.province,
        report_deadline_day=10,
        forward_within_days=5,
        resolve_within_days=15,
        legal_basis="Quyết định của UBND tỉnh (ví dụ)",
    )
    assert services.rules_for(world.province).report_deadline_day == 10
    with pytest.raises(services.WorkforceError):
        services.province_rule_set(
            actor=world.xa_a,
            province=world.province,
            report_deadline_day=10,
            forward_within_days=5,
            resolve_within_days=15,
            legal_basis="x",
        )


def test_reporting_rates_match_the_hand_count(
    world: World, march: dict[str, Worker], django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    world.tinh.refresh_from_db()  # no cached grants: count them in
    with django_assert_max_num_queries(2):
        result = selectors.reporting_rates(world.tinh, month=MARCH, today=TODAY)
    by_commune = {row.label: row for row in result.rows}
    a, b = by_commune[world.commune_a.name], by_commune[world.commune_b.name]
    assert (a.expected, a.submitted, a.on_time, a.late, a.overdue) == (4, 3, 2, 1, 1)
    assert (b.expected, b.submitted, b.on_time, b.late, b.overdue) == (2, 1, 1, 0, 1)
    total = result.total
    assert (total.expected, total.submitted, total.on_time, total.late, total.overdue) == (
        6,
        4,
        3,
        1,
        2,
    )
    assert total.share(total.on_time) == 0.5


def test_the_late_list_names_who_is_late_and_by_how_many_days(
    world: World, march: dict[str, Worker], django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_max_num_queries(2):
        late = selectors.late_reports(world.tinh, month=MARCH, today=TODAY)
    rows = {(row.report.worker.code, row.submitted, row.days_late) for row in late}
    assert rows == {("A3", True, 1), ("A4", False, 5), ("B2", False, 5)}
    # A commune officer sees the late of their commune only.
    codes = {
        row.report.worker.code
        for row in selectors.late_reports(world.xa_a, month=MARCH, today=TODAY)
    }
    assert codes == {"A3", "A4"}


def test_before_the_deadline_nobody_is_overdue(world: World, march: dict[str, Worker]) -> None:
    result = selectors.reporting_rates(world.tinh, month=MARCH, today=dt.date(2025, 4, 5))
    assert result.total.overdue == 0


def test_opening_a_month_twice_expects_nothing_more_and_writes_one_event(
    world: World, march: dict[str, Worker]
) -> None:
    assert services.reports_open_month(actor=world.xa_a, area=world.commune_a, month=MARCH) == 0
    assert MonthlyReport.objects.filter(month=MARCH).count() == 6
    assert AuditEvent.objects.filter(action="workforce.reports_opened").count() == 3


def test_a_task_plan_makes_the_report_expected_with_its_deadline(
    world: World, staff: Staff
) -> None:
    task = services.task_add(
        actor=world.xa_a,
        worker=staff.ctv_a1,
        month=MARCH,
        duty=2,
        description="Theo dõi 5 hộ cận nghèo có nguy cơ tái nghèo",
    )
    report = MonthlyReport.objects.get(worker=staff.ctv_a1, month=MARCH)
    assert report.due_on == dt.date(2025, 4, 5)
    assert report.submitted_at is None
    # The collaborator marks the task done; another collaborator's officer cannot plan here.
    services.task_update(actor=world.ctv, task=task, done=True, result="Đã thăm 5 hộ")
    with pytest.raises(services.WorkforceError):
        services.task_add(
            actor=world.ctv, worker=staff.ctv_a1, month=MARCH, duty=1, description="Tự giao"
        )
    with pytest.raises(services.WorkforceError, match="sáu nhiệm vụ"):
        services.task_add(
            actor=world.xa_a, worker=staff.ctv_a1, month=MARCH, duty=7, description="Khác"
        )
    with pytest.raises(services.WorkforceError):
        services.task_add(
            actor=world.xa_b, worker=staff.ctv_a1, month=MARCH, duty=1, description="Khác"
        )


def test_a_submitted_report_is_final(world: World, staff: Staff) -> None:
    report = services.report_expect(actor=world.ctv, worker=staff.ctv_a1, month=MARCH)
    with pytest.raises(services.WorkforceError, match="ít nhất một nhiệm vụ"):
        services.report_save(
            actor=world.ctv,
            report=report,
            items={},
            households_visited=0,
            meetings_attended=0,
            submit=True,
        )
    services.report_save(
        actor=world.ctv,
        report=report,
        items={1: "Tiếp nhận 2 yêu cầu", 6: "Tuyên truyền tại họp thôn"},
        households_visited=9,
        meetings_attended=1,
        submit=True,
    )
    report.refresh_from_db()
    assert report.submitted_by == world.ctv
    assert [i.duty for i in report.items.all()] == [1, 6]
    with pytest.raises(services.WorkforceError, match="đã nộp"):
        services.report_save(
            actor=world.ctv,
            report=report,
            items={1: "sửa"},
            households_visited=1,
            meetings_attended=0,
        )


def test_a_report_month_is_a_first_day_in_the_database(world: World, staff: Staff) -> None:
    with transaction.atomic(), pytest.raises(IntegrityError):
        MonthlyReport.objects.create(
            worker=staff.ctv_a1,
            month=dt.date(2025, 3, 2),
            province=world.province,
            commune=world.commune_a,
            due_on=dt.date(2025, 4, 5),
        )


def test_a_collaborator_sees_only_their_own_plans_and_reports(world: World, staff: Staff) -> None:
    other = make_worker(world.commune_a, "CTV-A9", "collaborator")
    services.task_add(actor=None, worker=staff.ctv_a1, month=MARCH, duty=1, description="Việc 1")
    services.task_add(actor=None, worker=other, month=MARCH, duty=1, description="Việc 2")
    assert {r.worker_id for r in selectors.reports_visible_to(world.ctv)} == {staff.ctv_a1.pk}
    assert {p.worker_id for p in selectors.plans_visible_to(world.ctv)} == {staff.ctv_a1.pk}
    assert {r.worker_id for r in selectors.reports_visible_to(world.xa_a)} == {
        staff.ctv_a1.pk,
        other.pk,
    }
    assert not selectors.reports_visible_to(world.xa_b).exists()
    assert not selectors.reports_visible_to(world.outsider).exists()
    # The collaborator cannot write the other collaborator's report either.
    report = MonthlyReport.objects.get(worker=other)
    with pytest.raises(services.WorkforceError):
        services.report_save(
            actor=world.ctv,
            report=report,
            items={1: "x"},
            households_visited=0,
            meetings_attended=0,
        )
