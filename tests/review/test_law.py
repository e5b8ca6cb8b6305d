"""Corrections of the law (issue 11): dated acts in the process's order, the decision preview,
partial consolidations, certificate numbers and the public check, report deadlines, the
consultation step after 1/7/2025, the posting period's unverified flag, average-living-standard
households, the complaint re-check, the shipped-data loader and in-year rounds that close.
Every date rule runs on a fixed day (``lib.clock``, fixture ``today``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from giamngheo.lib import clock
from giamngheo.registry.models import Household
from giamngheo.review import calculations, calendar, rules, selectors, services, timeline
from giamngheo.review.models import (
    CalendarDay,
    Certificate,
    Complaint,
    ListKind,
    Round,
    RuleSet,
    RuleValue,
)
from giamngheo.review.rules import Params
from giamngheo.review.services import ReviewError
from giamngheo.surveys import services as survey_services
from tests.conftest import PASSWORD
from tests.review.conftest import (
    ReviewWorld,
    entries_of,
    record_b2,
    started_round,
)
from tests.review.helpers import consult, decided_round
from tests.surveys.conftest import b2_answers

pytestmark = pytest.mark.django_db
D = dt.date


def login(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def posted_round(rw: ReviewWorld, *, poor_result: str = "poor") -> Round:
    """Commune A 2025 up to the posting of 03/11/2025 (ends 05/11): A1-001 → ``poor_result``,
    A2-001 near-poor → poor; meetings on 15/10."""
    w = rw.world
    round_ = started_round(rw)
    record_b2(rw.poor, poor_result)
    record_b2(rw.near_poor, "poor")
    services.round_attach_latest_surveys(actor=w.xa_a, round_=round_)
    entries = entries_of(round_)
    for village, code in ((w.village_a1, "A1-001"), (w.village_a2, "A2-001")):
        meeting = services.meeting_create(
            actor=w.xa_a,
            round_=round_,
            village=village,
            held_on=D(2025, 10, 15),
            chair_name="Trưởng thôn Hà Văn Mạnh",
            attendees=20,
        )
        services.meeting_record_votes(actor=w.xa_a, meeting=meeting, votes={entries[code].pk: 15})
    services.posting_create(actor=w.xa_a, round_=round_, posted_on=D(2025, 11, 3))
    round_.refresh_from_db()
    return round_


# -- 1. dated acts cannot jump the process --------------------------------------------------


def test_a_decision_dated_after_today_is_refused_and_changes_nothing(
    review_world: ReviewWorld,
) -> None:
    rw, w = review_world, review_world.world
    clock.set_today(D(2025, 12, 9))
    round_ = posted_round(rw)
    consult(rw, round_, D(2025, 11, 10))
    with pytest.raises(ReviewError, match=r"10/12/2025.*09/12/2025"):
        services.decision_issue(
            actor=w.xa_a,
            round_=round_,
            number="45/QĐ-UBND",
            signed_on=D(2025, 12, 10),
            signer_name="Nguyễn Văn Chủ",
        )
    round_.refresh_from_db()
    assert round_.state == "posting" and not hasattr(round_, "decision")
    assert Household.objects.get(pk=rw.near_poor.pk).status == "near_poor"


def test_each_act_keeps_the_order_of_the_process(review_world: ReviewWorld) -> None:
    rw, w = review_world, review_world.world
    round_ = started_round(rw)
    with pytest.raises(ReviewError, match=r"Ngày họp 20/08/2025 trước ngày bắt đầu.*01/09/2025"):
        services.meeting_create(
            actor=w.xa_a,
            round_=round_,
            village=w.village_a1,
            held_on=D(2025, 8, 20),
            chair_name="Trưởng thôn",
            attendees=10,
        )
    record_b2(rw.poor, "poor")
    record_b2(rw.near_poor, "near_poor")
    services.round_attach_latest_surveys(actor=w.xa_a, round_=round_)
    entries = entries_of(round_)
    for village, code in ((w.village_a1, "A1-001"), (w.village_a2, "A2-001")):
        meeting = services.meeting_create(
            actor=w.xa_a,
            round_=round_,
            village=village,
            held_on=D(2025, 10, 15),
            chair_name="Trưởng thôn",
            attendees=10,
        )
        services.meeting_record_votes(actor=w.xa_a, meeting=meeting, votes={entries[code].pk: 6})
    with pytest.raises(ReviewError, match=r"10/10/2025 trước cuộc họp dân ngày 15/10/2025"):
        services.posting_create(actor=w.xa_a, round_=round_, posted_on=D(2025, 10, 10))
    posting = services.posting_create(actor=w.xa_a, round_=round_, posted_on=D(2025, 11, 3))
    line = posting.lines.get(household_code="A1-001")
    with pytest.raises(ReviewError, match=r"từ 03/11/2025 đến hết 05/11/2025"):
        services.complaint_file(
            actor=w.xa_a,
            line=line,
            complainant="Hàng xóm",
            content="Hộ vẫn nghèo",
            received_on=D(2025, 11, 6),
        )
    with pytest.raises(ReviewError, match=r"xin ý kiến 05/11/2025 chưa sau thời gian niêm yết"):
        consult(rw, round_, D(2025, 11, 5))
    consult(rw, round_, D(2025, 11, 6))
    decision = services.decision_issue(
        actor=w.xa_a,
        round_=round_,
        number="45/QĐ-UBND",
        signed_on=D(2025, 11, 7),
        signer_name="Nguyễn Văn Chủ",
    )
    with pytest.raises(ReviewError, match=r"Ngày cấp 06/11/2025 trước ngày ký quyết định"):
        services.certificates_issue(actor=w.xa_a, decision=decision, issued_on=D(2025, 11, 6))
    assert not Certificate.objects.exists()


def test_the_order_rules_name_the_dates() -> None:
    clock.set_today(D(2025, 12, 9))
    with pytest.raises(timeline.OutOfOrder, match="09/12/2025"):
        timeline.not_after_today(D(2025, 12, 10), "Ngày ký")
    timeline.not_after_today(D(2025, 12, 9), "Ngày ký")
    with pytest.raises(timeline.OutOfOrder, match="đến hết ngày 09/12/2025"):
        timeline.decision(
            D(2025, 12, 9), round_start=D(2025, 9, 1), posting_end=D(2025, 12, 9), open_complaints=0
        )
    timeline.decision(
        D(2025, 12, 9), round_start=D(2025, 9, 1), posting_end=D(2025, 12, 8), open_complaints=0
    )


def test_the_posting_page_closes_its_complaint_window_by_the_clock(
    review_world: ReviewWorld,
) -> None:
    round_ = posted_round(review_world)
    posting = round_.postings.get()
    url = reverse("review:posting_detail", args=[posting.pk])
    client = login("xa_a")
    clock.set_today(D(2025, 11, 5))
    assert "data-window-closed" not in client.get(url).content.decode()
    clock.set_today(D(2025, 11, 6))
    assert "data-window-closed" in client.get(url).content.decode()


# -- 2. the decision form shows what will be decided -----------------------------------------


def test_the_decision_form_previews_the_lists_and_asks_for_confirmation(
    review_world: ReviewWorld,
) -> None:
    rw = review_world
    round_ = posted_round(rw, poor_result="near_poor")
    consult(rw, round_)
    preview = selectors.decision_preview(round_)
    by_status = {s["status"]: s for s in preview.statuses}
    # A1-001 poor → near-poor, A2-001 near-poor → poor.
    assert (by_status["poor"]["before"], by_status["poor"]["after"]) == (1, 1)
    assert (by_status["near_poor"]["before"], by_status["near_poor"]["after"]) == (1, 1)
    counts = {lst["kind"]: lst["count"] for lst in preview.lists}
    assert counts["newly_poor"] == 1 and counts["escaped_poverty"] == 1
    assert counts["newly_near_poor"] == 1 and counts["remaining"] == 0
    client = login("xa_a")
    url = reverse("review:decision_new", args=[round_.pk])
    page = client.get(url).content.decode()
    assert 'data-list="escaped_poverty"' in page and "Tôi đã kiểm tra danh sách" in page
    data = {"number": "45/QĐ-UBND", "signed_on": "2025-11-12", "signer_name": "Nguyễn Văn Chủ"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Cần xác nhận đã kiểm tra danh sách" in response.content.decode()
    round_.refresh_from_db()
    assert round_.state == "posting"
    response = client.post(url, {**data, "confirm": "on"})
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.state == "decided"


# -- 3. partial consolidation on the dashboard panel ------------------------------------------


def test_the_dashboard_panel_says_a_consolidation_is_partial(review_world: ReviewWorld) -> None:
    w = review_world.world
    round_, _decision = decided_round(review_world)
    services.report_submit(actor=w.xa_a, round_=round_)
    services.province_consolidate(
        actor=w.tinh, province=w.province, year=2025, partial_reason="Báo cáo sơ bộ"
    )
    context = selectors.dashboard_panel(w.tinh, today=D(2025, 11, 20))
    html = render_to_string("review/_dashboard_panel.html", context)
    assert 'data-consolidation="partial"' in html and "Tổng hợp chưa đầy đủ: 1/" in html


# -- 5. the public check ----------------------------------------------------------------------


def test_the_public_check_tells_not_yet_in_force_and_who_replaced_it(
    review_world: ReviewWorld,
) -> None:
    w = review_world.world
    _round, decision = decided_round(review_world)
    first = services.certificates_issue(actor=w.xa_a, decision=decision, issued_on=D(2025, 11, 20))
    code = first[0].code
    assert selectors.check_certificate(code, today=D(2025, 11, 19)).state == "not_yet"
    client = Client()
    clock.set_today(D(2025, 11, 19))
    page = client.get(reverse("verify:check", args=[code])).content.decode()
    assert "chưa có hiệu lực" in page and "không còn giá trị" not in page
    assert selectors.check_certificate(code, today=D(2025, 12, 1)).state == "valid"
    assert first[0].number.endswith("/GCN-HN.HCN")


def test_the_public_check_names_the_certificate_that_replaced_it(
    review_world: ReviewWorld,
) -> None:
    from tests.review.test_round import run_round

    w = review_world.world
    old_round = run_round(
        review_world, year=2024, results={"A1-001": "near_poor", "A2-001": "near_poor"}
    )
    old = services.certificates_issue(actor=w.xa_a, decision=old_round.decision)  # type: ignore[attr-defined]
    new_round = run_round(
        review_world, year=2025, results={"A1-001": "poor", "A2-001": "near_poor"}
    )
    new = services.certificates_issue(actor=w.xa_a, decision=new_round.decision)  # type: ignore[attr-defined]
    replaced = next(c for c in old if c.household_id == review_world.poor.pk)
    replacement = next(c for c in new if c.household_id == review_world.poor.pk)
    result = selectors.check_certificate(replaced.code)
    assert result.state == "superseded" and not result.valid
    assert (result.replaced_by, result.replaced_on) == (replacement.number, replacement.issued_on)
    page = Client().get(reverse("verify:check", args=[replaced.code])).content.decode()
    assert f"giấy chứng nhận số {replacement.number}" in page


# -- 6. report deadlines ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("done_on", "state"),
    [(D(2025, 11, 14), "done"), (D(2025, 11, 15), "late_done"), (None, "open")],
)
def test_before_15_november_means_14_november_at_the_latest(
    done_on: dt.date | None, state: str
) -> None:
    p = Params(rules.read_default_rules()[0]["values"])
    last = p.deadline_before("province_preliminary_report_due", 2025)
    assert last == D(2025, 11, 14)
    assert p.deadline_before("province_official_report_due", 2025) == D(2025, 12, 19)
    assert calculations.deadline_state(last, done_on, D(2025, 11, 14)) == state
    assert calculations.deadline_state(last, None, D(2025, 11, 15)) == "overdue"


def test_the_province_page_shows_the_deadlines(review_world: ReviewWorld) -> None:
    w = review_world.world
    url = reverse("review:province", args=[w.province.code, 2025])
    client = login("tinh")
    clock.set_today(D(2025, 11, 14))
    page = client.get(url).content.decode()
    assert 'data-deadline="province_preliminary_report_due" data-deadline-state="open"' in page
    assert "hạn cuối 14/11/2025" in page and "hạn cuối 19/12/2025" in page
    clock.set_today(D(2025, 11, 15))
    page = client.get(url).content.decode()
    assert 'data-deadline="province_preliminary_report_due" data-deadline-state="overdue"' in page


# -- 7, 8. the consultation step and the posting period's flag -------------------------------


def test_the_round_shows_the_consultation_step_and_the_posting_its_unverified_period(
    review_world: ReviewWorld,
) -> None:
    round_ = posted_round(review_world)
    client = login("xa_a")
    page = client.get(reverse("review:round_detail", args=[round_.pk])).content.decode()
    assert 'data-step="consultation"' in page and "data-consult" in page
    assert "131/2025" in page  # the source of the rule value
    client.post(
        reverse("review:round_consult", args=[round_.pk]),
        {"consulted_on": "2025-11-10", "reference": "30/BC-UBND"},
    )
    round_.refresh_from_db()
    assert (round_.consulted_on, round_.consultation_reference) == (D(2025, 11, 10), "30/BC-UBND")
    page = client.get(reverse("review:round_detail", args=[round_.pk])).content.decode()
    assert "data-consulted" in page and "30/BC-UBND" in page
    posting = round_.postings.get()
    page = client.get(reverse("review:posting_detail", args=[posting.pk])).content.decode()
    assert 'data-unverified="posting_working_days"' in page and "03 working days" in page


def test_a_round_before_july_2025_has_no_consultation(review_world: ReviewWorld) -> None:
    round_ = started_round(review_world, 2024)
    assert not services.consultation_required(round_)
    with pytest.raises(ReviewError, match="không có bước xin ý kiến"):
        consult(review_world, round_, D(2024, 11, 10))


# -- 9. average-living-standard households ----------------------------------------------------


def test_average_living_standard_households_have_their_own_list() -> None:
    assert calculations.lists_for("poor", "average_living_standard") == [
        "escaped_poverty",
        "average_living_standard",
    ]
    assert calculations.lists_for("average_living_standard", "average_living_standard") == [
        ListKind.AVERAGE_LIVING_STANDARD
    ]


def test_an_average_living_standard_result_is_posted_decided_and_set(
    review_world: ReviewWorld,
) -> None:
    rw, w = review_world, review_world.world
    round_ = started_round(rw)
    survey = survey_services.survey_record(
        actor=None,
        household=rw.poor,
        form="b2-2022",
        review_year=2025,
        surveyed_on=D(2025, 10, 1),
        answers=b2_answers(rw.poor, income=2_000_000, deprived=0, on=D(2025, 10, 1)),
        surveyor_name="Rà soát viên Hồ Thị Ánh",
    )
    # Rural, 2.000.000 đ, no deprivation: 1.500.000 < income <= 2.250.000 (Decree 07 Art. 3(2)(c)).
    assert survey.status == "average_living_standard", survey.status
    record_b2(rw.near_poor, "near_poor")
    services.round_attach_latest_surveys(actor=w.xa_a, round_=round_)
    entries = entries_of(round_)
    for village, code in ((w.village_a1, "A1-001"), (w.village_a2, "A2-001")):
        meeting = services.meeting_create(
            actor=w.xa_a,
            round_=round_,
            village=village,
            held_on=D(2025, 10, 15),
            chair_name="Trưởng thôn",
            attendees=10,
        )
        services.meeting_record_votes(actor=w.xa_a, meeting=meeting, votes={entries[code].pk: 6})
    posting = services.posting_create(actor=w.xa_a, round_=round_, posted_on=D(2025, 11, 3))
    assert "average_living_standard" in posting.lines.get(household_code="A1-001").lists
    consult(rw, round_)
    decision = services.decision_issue(
        actor=w.xa_a,
        round_=round_,
        number="45/QĐ-UBND",
        signed_on=D(2025, 11, 12),
        signer_name="Nguyễn Văn Chủ",
    )
    line = decision.entries.get(household_code="A1-001")
    assert line.lists == ["escaped_poverty", "average_living_standard"]
    assert Household.objects.get(pk=rw.poor.pk).status == "average_living_standard"


# -- 10. the complaint re-check ---------------------------------------------------------------


def test_the_complaint_page_offers_a_recheck_survey_never_the_contested_one(
    review_world: ReviewWorld,
) -> None:
    rw, w = review_world, review_world.world
    round_ = posted_round(rw)
    line = round_.postings.get().lines.get(household_code="A1-001")
    complaint = services.complaint_file(
        actor=w.xa_a, line=line, complainant="Hàng xóm", content="…", received_on=D(2025, 11, 4)
    )
    contested = entries_of(round_)["A1-001"].survey
    assert selectors.recheck_survey_candidate(complaint) is None
    client = login("xa_a")
    url = reverse("review:complaint_detail", args=[complaint.pk])
    page = client.get(url).content.decode()
    new_url = reverse("surveys:survey_new", args=[rw.poor.pk, contested.form.code])
    assert "Nhập phiếu rà soát lại" in page and new_url in page
    assert f'value="{contested.pk}"' not in page
    recheck = record_b2(rw.poor, "near_poor", D(2025, 11, 5))
    page = client.get(url).content.decode()
    assert f'value="{recheck.pk}"' in page
    assert "05/11/2025" in page and "Rà soát viên Hồ Thị Ánh" in page
    assert Complaint.objects.get().state == "received"


# -- 11. the shipped data loader --------------------------------------------------------------


def test_a_load_does_not_revive_what_a_province_deleted() -> None:
    day = CalendarDay.objects.order_by("date").first()
    assert day is not None
    day.delete()
    value = RuleValue.objects.get(rule_set__code="qd24-2021", key="posting_working_days")
    value.delete()
    assert calendar.load_default_calendar(only_if_empty=False) == 0
    assert rules.load_default_rules(only_if_empty=False) == 0
    assert not CalendarDay.objects.filter(date=day.date).exists()
    assert not RuleValue.objects.filter(rule_set__code="qd24-2021", key="posting_working_days")


def test_a_load_adds_entries_it_never_loaded(tmp_path: object) -> None:
    from giamngheo.review.models import ShippedEntry

    day = CalendarDay.objects.order_by("date").first()
    assert day is not None
    ShippedEntry.objects.filter(kind="holiday", key=str(day.date)).delete()
    day.delete()  # as if the row had never been shipped
    RuleSet.objects.get(code="qd24-2021").values.filter(key="consultation_from").delete()
    ShippedEntry.objects.filter(kind="rule", key="qd24-2021.consultation_from").delete()
    assert calendar.load_default_calendar(only_if_empty=False) == 1
    assert rules.load_default_rules(only_if_empty=False) == 1
    assert CalendarDay.objects.filter(date=day.date).exists()


# -- 12. in-year rounds close -----------------------------------------------------------------


def test_an_in_year_round_closes_when_its_applications_are_answered(
    review_world: ReviewWorld,
) -> None:
    w = review_world.world
    application = services.application_file(
        actor=w.xa_a,
        household=review_world.flagged,
        form="mau01",
        reason="illness",
        received_on=D(2025, 6, 3),
        applicant_name="Đặng Thị Hoa",
    )
    assert application.entry is not None
    round_ = application.entry.round
    services.application_refuse(
        actor=w.xa_a,
        application=application,
        reasons="Thu nhập cao hơn chuẩn cận nghèo.",
        number="15/UBND-LĐXH",
        signed_on=D(2025, 6, 20),
        signer_name="Nguyễn Văn Chủ",
    )
    round_.refresh_from_db()
    assert round_.state == "closed"
    page = login("xa_a").get(reverse("review:round_detail", args=[round_.pk])).content.decode()
    assert 'data-round-state="closed"' in page and "Đã kết thúc" in page
