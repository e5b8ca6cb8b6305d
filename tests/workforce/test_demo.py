"""The workforce of the demo province: what a load writes, determinism, idempotence."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction

from giamngheo.accounts.models import User
from giamngheo.areas import services as area_services
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.audit.models import AuditEvent
from giamngheo.demo import loader
from giamngheo.workforce import demo, selectors
from giamngheo.workforce.models import (
    Assignment,
    MonthlyReport,
    SupportRequest,
    SupportRequestStep,
    Worker,
)
from giamngheo.workforce.states import RequestState

pytestmark = pytest.mark.once  # demo content: not about the server

TODAY = dt.date(2025, 11, 20)
SEED = 11


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[demo.WorkforceDemoReport]:
    with django_db_blocker.unblock(), transaction.atomic():
        if not AdministrativeUnit.objects.filter(level=Level.PROVINCE).exists():
            area_services.load_official_units()
        loader.load_demo(households=2000, seed=3, parts=frozenset())
        province = AdministrativeUnit.objects.get(code="44")
        yield demo.load_workforce_demo(province=province, seed=SEED, today=TODAY)
        transaction.set_rollback(True)


@pytest.fixture
def report(loaded: demo.WorkforceDemoReport, db: None) -> demo.WorkforceDemoReport:
    return loaded


def province() -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(code="44")


def communes() -> int:
    return AdministrativeUnit.objects.filter(parent=province(), level=Level.COMMUNE).count()


def test_one_officer_and_one_collaborator_per_commune(report: demo.WorkforceDemoReport) -> None:
    roles = Counter(Worker.objects.filter(province=province()).values_list("role", flat=True))
    assert roles == {"commune_officer": communes(), "collaborator": communes()}
    assert report.workers == 2 * communes()
    # Every collaborator covers an area; every plan month has its report.
    assert (
        Assignment.objects.filter(worker__role="collaborator").values("worker").distinct().count()
        == communes()
    )
    assert report.reports == report.plans == demo.MONTHS * communes()


def test_requests_in_every_state_with_a_consistent_history(
    report: demo.WorkforceDemoReport,
) -> None:
    assert set(report.request_states) == set(RequestState.values)
    for state in RequestState.values:
        assert SupportRequest.objects.filter(state=state).exists()
    # Each request's last transition leads to its state (an "inform" step keeps it).
    last: dict[int, str] = {}
    for request_id, to_state in SupportRequestStep.objects.order_by("at", "id").values_list(
        "request_id", "to_state"
    ):
        last[request_id] = to_state
    states = dict(SupportRequest.objects.values_list("id", "state"))
    assert last == states
    assert SupportRequest.objects.filter(household_informed_on__isnull=False).exists()


def test_some_reports_are_late_or_missing(report: demo.WorkforceDemoReport) -> None:
    october = dt.date(2025, 10, 1)
    tinh = User.objects.get(username="tinh")
    rates = selectors.reporting_rates(tinh, month=october, today=TODAY).total
    assert rates.expected == communes()
    assert 0 < rates.on_time < rates.expected
    assert rates.late + rates.overdue > 0
    assert report.reports_late > 0
    # The current month's reports are expected, not yet due.
    november = MonthlyReport.objects.filter(month=dt.date(2025, 11, 1))
    assert november.count() == communes()
    assert not november.filter(submitted_at__isnull=False).exists()


def test_the_demo_users_are_linked_and_ctv1_sees_only_its_own(
    report: demo.WorkforceDemoReport,
) -> None:
    assert report.linked_users == ["ctv1", "xa1", "xa2"]
    ctv1 = User.objects.get(username="ctv1")
    assert [w.code for w in selectors.workers_visible_to(ctv1)] == [ctv1.worker.code]
    # ctv1's collaborator covers exactly ctv1's villages: its requests are visible to it.
    visible = selectors.requests_visible_to(ctv1)
    assert visible.count() == SupportRequest.objects.filter(collected_by=ctv1.worker).count() > 0


def test_one_audit_event_per_load(report: demo.WorkforceDemoReport) -> None:
    event = AuditEvent.objects.get(action="workforce.demo_loaded")
    assert event.after["requests"] == report.requests
    assert event.after["seed"] == SEED


def test_reloading_replaces_and_gives_the_same_rows(report: demo.WorkforceDemoReport) -> None:
    before = sorted(Worker.objects.values_list("code", "full_name", "sex", "ethnicity"))
    # The demo loader replaces its households; the workforce rows pointing to the old ones
    # must go too, or the deferred foreign keys fail at commit (checked here at once).
    loader.load_demo(households=2000, seed=3, parts=frozenset())
    again = demo.load_workforce_demo(province=province(), seed=SEED, today=TODAY)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    # The demo load's purge phase already removed the previous workforce (every part is
    # purged before the households are replaced), so the reload rebuilds it in full.
    assert (again.workers, again.requests) == (report.workers, report.requests)
    assert sorted(Worker.objects.values_list("code", "full_name", "sex", "ethnicity")) == before
    assert again.request_states == report.request_states
    assert (again.reports_submitted, again.reports_late) == (
        report.reports_submitted,
        report.reports_late,
    )
    assert AuditEvent.objects.filter(action="workforce.demo_loaded").count() == 2
