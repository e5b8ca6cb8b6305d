"""The workforce's figures as a report form, recounted in plain Python over the fixture's
workers, monthly reports and support requests (March 2025: reports due on 5 April, counted on
10 April)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from giamngheo.lib import clock
from giamngheo.lib.pdf import extract_text
from giamngheo.lib.report_pdf import write_pdf
from giamngheo.lib.report_xlsx import write_xlsx
from giamngheo.reports.builders.workforce import build, rate
from giamngheo.workforce import services
from giamngheo.workforce.models import MonthlyPlan, MonthlyReport, SupportRequest, Task, Worker
from tests.conftest import World
from tests.reports.files import read_xlsx, row_with
from tests.workforce.conftest import START, Staff, make_worker, staff  # noqa: F401 (fixture)

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH = dt.date(2025, 3, 1)
TODAY = dt.date(2025, 4, 10)


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    clock.set_today(TODAY)
    yield
    clock.set_today(None)


def collaborator(world: World, in_a: bool, code: str) -> Worker:
    commune = world.commune_a if in_a else world.commune_b
    village = world.village_a2 if in_a else world.village_b1
    worker = make_worker(commune, code, "collaborator")
    services.assignment_add(actor=None, worker=worker, area=village, starts_on=START)
    return worker


def submit(worker: Worker, day: int, hour: int) -> None:
    report = MonthlyReport.objects.get(worker=worker, month=MARCH)
    planned = Task.objects.filter(plan__worker=worker, plan__month=MARCH)
    services.report_save(
        actor=None,
        report=report,
        tasks={task.pk: ("done", "") for task in planned},
        items={1: "Tiếp nhận yêu cầu"},
        households_visited=5,
        meetings_attended=1,
        submit=True,
    )
    when = dt.datetime(2025, 4, day, hour, tzinfo=VIETNAM)
    MonthlyReport.objects.filter(pk=report.pk).update(submitted_at=when)


def request(world: World, household, on: dt.date) -> SupportRequest:  # type: ignore[no-untyped-def]
    return services.request_create(
        actor=None,
        household=household,
        need_type="housing",
        description="Nhà dột nát",
        received_on=on,
    )


@pytest.fixture
def march(world: World, staff: Staff) -> World:  # noqa: F811
    w = world
    early, late = collaborator(w, True, "A1"), collaborator(w, True, "A2")
    missing = collaborator(w, True, "A3")
    b_early = collaborator(w, False, "B1")
    services.reports_open_month(actor=w.xa_a, area=w.commune_a, month=MARCH)
    services.reports_open_month(actor=w.tinh, area=w.commune_b, month=MARCH)
    for worker in (early, late):
        services.task_add(
            actor=w.xa_a, worker=worker, month=MARCH, duty=1, description="Tiếp nhận yêu cầu"
        )
    submit(early, 3, 9)
    submit(late, 6, 0)  # after the 5th (Vietnam time)
    submit(b_early, 1, 8)
    assert missing.pk
    resolved = request(w, w.household_a1, dt.date(2025, 3, 4))
    for name, actor, note in (
        ("forward", w.ctv, ""),
        ("start", w.xa_a, ""),
        ("resolve", w.xa_a, "Đưa vào danh sách hỗ trợ nhà ở"),
    ):
        resolved = services.request_transition(actor=actor, request=resolved, name=name, note=note)
    refused = request(w, w.household_a2, dt.date(2025, 3, 10))
    services.request_transition(
        actor=w.xa_a, request=refused, name="refuse", note="Không đủ điều kiện"
    )
    request(w, w.household_a2, dt.date(2025, 3, 20))  # open
    request(w, w.household_a1, dt.date(2025, 4, 2))  # April: not March's
    request(w, w.household_b1, dt.date(2025, 3, 15))  # commune B, open
    return w


def recount(commune_id: int) -> dict[str, int]:
    """The form's counts of one commune, from the objects."""
    workers = Worker.objects.filter(commune_id=commune_id)
    reports = list(MonthlyReport.objects.filter(commune_id=commune_id, month=MARCH))
    requests = list(
        SupportRequest.objects.filter(
            commune_id=commune_id, received_on__gte=MARCH, received_on__lt=dt.date(2025, 4, 1)
        )
    )
    return {
        "collaborators": sum(
            1 for x in workers if x.role == "collaborator" and x.status == "active"
        ),
        "plans": MonthlyPlan.objects.filter(commune_id=commune_id, month=MARCH).count(),
        "reports_expected": len(reports),
        "reports_submitted": sum(1 for r in reports if r.submitted_at),
        "reports_on_time": sum(
            1
            for r in reports
            if r.submitted_at and timezone.localtime(r.submitted_at).date() <= r.due_on
        ),
        "reports_overdue": sum(1 for r in reports if not r.submitted_at and r.due_on < TODAY),
        "requests_received": len(requests),
        "requests_resolved": sum(1 for r in requests if r.state == "resolved"),
        "requests_refused": sum(1 for r in requests if r.state == "refused"),
        "requests_open": sum(
            1 for r in requests if r.state in ("received", "forwarded", "in_progress")
        ),
    }


@pytest.mark.django_db
def test_the_province_form_recounts_each_commune(march: World) -> None:
    w = march
    table = build(viewer=w.tinh, unit=w.province, year=2025, month=3)
    rows = {r.values["area"]: dict(r.values) for r in table.rows}
    for commune in (w.commune_a, w.commune_b):
        row = rows[commune.name]
        expected = recount(commune.pk)
        assert {k: row[k] for k in expected} == expected, commune.name
        assert row["reports_rate"] == rate(
            expected["reports_submitted"], expected["reports_expected"]
        )
    a = rows[w.commune_a.name]
    # By hand: A has ctv_a1 + 3 collaborators; 3 reports of 4 submitted (1 late, 1 missing).
    assert (a["collaborators"], a["reports_expected"], a["reports_submitted"]) == (4, 4, 2)
    assert (a["reports_on_time"], a["reports_overdue"], a["plans"]) == (1, 2, 2)
    assert a["reports_rate"] == Decimal("50.00")
    assert (a["requests_received"], a["requests_resolved"], a["requests_refused"]) == (3, 1, 1)
    total = table.total
    assert total is not None
    for key in ("collaborators", "reports_expected", "requests_received", "requests_open"):
        assert total.values[key] == sum(r[key] for r in rows.values())  # type: ignore[misc]
    assert "THÁNG 3 NĂM 2025" in table.title and table.columns()[8].number == "7=4/3*100"
    assert not table.verified and table.signatures[1].title == "THỦ TRƯỞNG ĐƠN VỊ"


@pytest.mark.django_db
def test_the_commune_form_and_the_year(march: World) -> None:
    w = march
    commune = build(viewer=w.xa_a, unit=w.commune_a, year=2025, month=3)
    assert [r.values["area"] for r in commune.rows] == [w.commune_a.name]
    assert commune.total is not None
    assert commune.total.values["requests_received"] == recount(w.commune_a.pk)["requests_received"]
    year = build(viewer=w.xa_a, unit=w.commune_a, year=2025)
    # The year: March's reports, and every request of 2025 (April's too).
    assert year.rows[0].values["reports_expected"] == 4
    assert year.rows[0].values["requests_received"] == 4
    assert "NĂM 2025" in year.title


@pytest.mark.django_db
def test_scoping(march: World) -> None:
    w = march
    for viewer, unit in (
        (w.xa_b, w.commune_a),
        (w.ctv, w.commune_a),
        (w.xa_a, w.province),
        (w.outsider, w.province),
    ):
        with pytest.raises(Http404):
            build(viewer=viewer, unit=unit, year=2025, month=3)


@pytest.mark.django_db
def test_queries_do_not_grow_with_workers_and_requests(march: World) -> None:
    w = march

    def queries() -> int:
        w.tinh.__dict__.pop("_giamngheo_grants", None)
        with CaptureQueriesContext(connection) as captured:
            build(viewer=w.tinh, unit=w.province, year=2025, month=3)
        return len(captured)

    queries()
    before = queries()
    for i in range(5):
        collaborator(w, i % 2 == 0, f"X{i}")
        request(w, w.household_b1, dt.date(2025, 3, 21))
    services.reports_open_month(actor=w.tinh, area=w.commune_b, month=MARCH)
    assert queries() == before <= 10


@pytest.mark.django_db
def test_the_xlsx_and_pdf_read_back(march: World) -> None:
    w = march
    table = build(viewer=w.tinh, unit=w.province, year=2025, month=3)
    sheet = read_xlsx(write_xlsx(table))
    keys = [c.key for c in table.columns()]
    row = row_with(sheet, w.commune_a.name)
    offset = row.index(w.commune_a.name) - keys.index("area")
    expected = recount(w.commune_a.pk)
    for key in ("collaborators", "reports_expected", "reports_submitted", "requests_received"):
        assert row[offset + keys.index(key)] == expected[key], key
    assert row[offset + keys.index("reports_rate")] == 50  # a number formatted 0.00
    text = extract_text(write_pdf(table))
    assert "CỘNG TÁC VIÊN GIẢM NGHÈO THÁNG 3 NĂM 2025" in text and w.commune_a.name in text
    assert "50,00" in text and "THỦ TRƯỞNG ĐƠN VỊ" in text


def test_rates_are_exact_with_two_decimals_halves_up() -> None:
    assert rate(1, 3) == Decimal("33.33") and str(rate(2, 3)) == "66.67"
    assert str(rate(1, 800)) == "0.13"  # 0.125 %: the half goes up
    assert str(rate(2, 4)) == "50.00" and rate(5, 0) is None
    assert str(rate(3, 3)) == "100.00"
