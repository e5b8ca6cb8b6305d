"""Issue 11: the monthly report follows the plan. The collaborator reports each planned task
(done, partly, not done, with a note); the officer comments, returns the report for
correction with a reason (the collaborator edits and resubmits) or approves it. Last month's
plan is copied into this month with one action."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.audit.models import AuditEvent
from giamngheo.workforce import services
from giamngheo.workforce.models import MonthlyReport, ReportStep, Task
from giamngheo.workforce.states import REPORT, ReportState, WorkforceError
from tests.conftest import PASSWORD, World
from tests.workforce.conftest import Staff

pytestmark = pytest.mark.django_db

MARCH = dt.date(2025, 3, 1)
APRIL = dt.date(2025, 4, 1)


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def march_plan(world: World, staff: Staff) -> tuple[Task, Task]:
    visit = services.task_add(
        actor=world.xa_a,
        worker=staff.ctv_a1,
        month=MARCH,
        duty=1,
        description="Thăm 10 hộ nghèo thôn A1",
        due_on=dt.date(2025, 3, 31),
    )
    meeting = services.task_add(
        actor=world.xa_a,
        worker=staff.ctv_a1,
        month=MARCH,
        duty=6,
        description="Họp dân tuyên truyền chính sách",
    )
    return visit, meeting


def report_url(staff: Staff, month: dt.date = MARCH) -> str:
    return reverse("workforce:report", args=[staff.ctv_a1.pk, month.year, month.month])


def form_data(report: MonthlyReport, **extra: str) -> dict[str, str]:
    return {
        "version": str(report.version),
        "households_visited": "10",
        "meetings_attended": "1",
        "summary": "",
        **extra,
    }


def test_the_state_table_is_the_documented_cycle() -> None:
    assert REPORT.check("submit", ReportState.DRAFT) == ReportState.SUBMITTED
    assert REPORT.check("return", ReportState.SUBMITTED) == ReportState.RETURNED
    assert REPORT.check("submit", ReportState.RETURNED) == ReportState.SUBMITTED
    assert REPORT.check("approve", ReportState.SUBMITTED) == ReportState.APPROVED
    with pytest.raises(WorkforceError, match="Duyệt báo cáo"):
        REPORT.check("approve", ReportState.DRAFT)
    assert REPORT.actions_from(ReportState.APPROVED) == []


def test_it_prefills_the_report_with_the_plan_and_goes_through_return_and_approval(
    world: World, staff: Staff
) -> None:
    visit, meeting = march_plan(world, staff)
    ctv = client_for("ctv")
    page = ctv.get(report_url(staff)).text
    assert "Thăm 10 hộ nghèo thôn A1" in page and "Họp dân tuyên truyền chính sách" in page
    assert f'name="task_{visit.pk}"' in page and " checked" not in page  # no outcome chosen
    report = MonthlyReport.objects.get(worker=staff.ctv_a1, month=MARCH)

    # Submitting with a task left unreported: a clear message, nothing changes.
    response = ctv.post(
        report_url(staff), form_data(report, action="submit", **{f"task_{visit.pk}": "done"})
    )
    assert response.status_code == 200
    assert "Họp dân tuyên truyền chính sách" in response.text and "còn thiếu" in response.text
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT and report.submitted_at is None

    response = ctv.post(
        report_url(staff),
        form_data(
            report,
            action="submit",
            **{
                f"task_{visit.pk}": "done",
                f"task_{visit.pk}_note": "Đã thăm đủ 10 hộ",
                f"task_{meeting.pk}": "partly",
                f"task_{meeting.pk}_note": "Hoãn một buổi vì mưa",
            },
        ),
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    first_submission = report.submitted_at
    assert {line.task_id: line.outcome for line in report.task_lines.all()} == {
        visit.pk: "done",
        meeting.pk: "partly",
    }
    visit.refresh_from_db()
    assert visit.done and visit.result == "Đã thăm đủ 10 hộ"  # the plan shows the same
    # Submitted: the collaborator can no longer edit, and may not review.
    assert ctv.post(report_url(staff), form_data(report, action="save")).status_code == 200
    assert ctv.post(report_url(staff), {"action": "approve"}).status_code == 403
    assert client_for("xa_b").get(report_url(staff)).status_code == 404

    # The officer sees the outcomes, returns the report without a reason: refused.
    officer = client_for("xa_a")
    page = officer.get(report_url(staff)).text
    assert "Hoàn thành" in page and "Thực hiện một phần" in page and "Hoãn một buổi vì mưa" in page
    response = officer.post(report_url(staff), {"action": "return", "note": " "}, follow=True)
    assert "Cần ghi lý do trả lại" in response.text
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    officer.post(report_url(staff), {"action": "return", "note": "Ghi rõ số hộ đã thăm"})
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED
    assert report.return_reason == "Ghi rõ số hộ đã thăm"

    # The collaborator sees why, corrects and resubmits.
    page = ctv.get(report_url(staff)).text
    assert "Ghi rõ số hộ đã thăm" in page and "Nộp lại báo cáo" in page
    assert " checked" in page  # prefilled with the answers given
    response = ctv.post(
        report_url(staff),
        form_data(
            report,
            action="submit",
            **{
                f"task_{visit.pk}": "done",
                f"task_{visit.pk}_note": "Đã thăm 10/10 hộ",
                f"task_{meeting.pk}": "not_done",
            },
        ),
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert report.submitted_at == first_submission  # timeliness is about the first submission

    officer.post(report_url(staff), {"action": "comment", "note": "Cần họp dân vào tháng 4"})
    officer.post(report_url(staff), {"action": "approve", "note": "Đạt"})
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED
    assert list(ReportStep.objects.filter(report=report).values_list("action", "to_state")) == [
        ("submit", "submitted"),
        ("return", "returned"),
        ("submit", "submitted"),
        ("comment", "submitted"),
        ("approve", "approved"),
    ]
    page = ctv.get(report_url(staff)).text
    assert "Cần họp dân vào tháng 4" in page and "Đã duyệt" in page
    actions = set(
        AuditEvent.objects.filter(
            object_id=str(report.pk), action__startswith="workforce.report"
        ).values_list("action", flat=True)
    )
    assert {
        "workforce.report_submitted",
        "workforce.report_returned",
        "workforce.report_commented",
        "workforce.report_approved",
    } <= actions
    # Approved is final.
    with pytest.raises(WorkforceError, match="không sửa được"):
        services.report_save(
            actor=world.xa_a,
            report=report,
            items={},
            households_visited=0,
            meetings_attended=0,
        )
    with pytest.raises(WorkforceError):
        services.report_return(actor=world.xa_a, report=report, reason="Sửa lại")


def test_a_task_of_another_month_cannot_be_reported(world: World, staff: Staff) -> None:
    march_plan(world, staff)
    april = services.task_add(
        actor=world.xa_a, worker=staff.ctv_a1, month=APRIL, duty=2, description="Theo dõi hộ"
    )
    report = MonthlyReport.objects.get(worker=staff.ctv_a1, month=MARCH)
    with pytest.raises(WorkforceError, match="không có trong kế hoạch"):
        services.report_save(
            actor=world.ctv,
            report=report,
            items={},
            households_visited=0,
            meetings_attended=0,
            tasks={april.pk: ("done", "")},
        )
    assert not report.task_lines.exists()


def test_last_months_plan_is_copied_with_one_action(world: World, staff: Staff) -> None:
    march_plan(world, staff)
    url = reverse("workforce:plan", args=[staff.ctv_a1.pk, APRIL.year, APRIL.month])
    assert client_for("ctv").post(url, {"action": "copy_previous"}).status_code == 403
    officer = client_for("xa_a")
    assert "Chép kế hoạch tháng 03/2025" in officer.get(url).text
    response = officer.post(url, {"action": "copy_previous"}, follow=True)
    assert "Đã chép 2 công việc" in response.text
    april = Task.objects.filter(plan__worker=staff.ctv_a1, plan__month=APRIL).order_by("duty")
    assert [(t.duty, t.description, t.due_on, t.done) for t in april] == [
        (1, "Thăm 10 hộ nghèo thôn A1", dt.date(2025, 4, 30), False),
        (6, "Họp dân tuyên truyền chính sách", None, False),
    ]
    # Again: nothing copied twice. The month's report is expected with the plan.
    assert services.plan_copy_previous(actor=world.xa_a, worker=staff.ctv_a1, month=APRIL) == 0
    assert MonthlyReport.objects.filter(worker=staff.ctv_a1, month=APRIL).exists()
    # A month with nothing before it: a clear message.
    response = officer.post(
        reverse("workforce:plan", args=[staff.ctv_a1.pk, 2025, 1]),
        {"action": "copy_previous"},
        follow=True,
    )
    assert "chưa có kế hoạch để chép" in response.text
