"""Every page of the review answers, renders Vietnamese, and serves readable PDFs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from giamngheo.lib import clock
from giamngheo.lib.pdf import extract_text
from giamngheo.review import selectors, services
from giamngheo.review.models import Complaint, Meeting
from tests.conftest import log_in
from tests.review.conftest import ReviewWorld
from tests.review.helpers import decided_round

pytestmark = pytest.mark.django_db


def login(username: str) -> Client:
    client = Client()
    log_in(client, username)
    return client


def test_the_pages_of_a_decided_round(review_world: ReviewWorld) -> None:
    w = review_world.world
    round_, decision = decided_round(review_world)
    certificate = services.certificates_issue(actor=w.xa_a, decision=decision)[0]
    services.report_submit(actor=w.xa_a, round_=round_)
    posting = round_.postings.get()
    meeting = Meeting.objects.filter(round=round_).first()
    assert meeting is not None
    client = login("xa_a")
    pages = [
        reverse("review:home"),
        reverse("review:round_detail", args=[round_.pk]),
        reverse("review:meeting_detail", args=[meeting.pk]),
        reverse("review:posting_detail", args=[posting.pk]),
        reverse("review:decision_detail", args=[decision.pk]),
        reverse("review:report", args=[round_.pk]),
        reverse("review:applications"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    html = client.get(reverse("review:round_detail", args=[round_.pk])).content.decode()
    assert "Đã báo cáo cấp trên" in html and "posting_working_days" in html
    for url in (
        reverse("review:meeting_minutes_pdf", args=[meeting.pk]),
        reverse("review:posting_pdf", args=[posting.pk]),
        reverse("review:decision_pdf", args=[decision.pk]),
        reverse("review:certificate_pdf", args=[certificate.pk]),
    ):
        response = client.get(url)
        assert response["Content-Type"] == "application/pdf", url
        assert "ỦY BAN NHÂN DÂN" in extract_text(response.content) or "BIÊN BẢN" in extract_text(
            response.content
        )
    text = extract_text(
        client.get(reverse("review:certificate_pdf", args=[certificate.pk])).content
    )
    assert f"/verify/{certificate.code}/" in text.replace("\n", "")
    report = client.get(reverse("review:report", args=[round_.pk])).content.decode()
    assert "Xã đã gửi" in report
    province_url = reverse("review:province", args=[w.province.code, 2025])
    assert client.get(province_url).status_code == 404  # a commune officer sees the commune only
    tinh = login("tinh")
    tinh.post(province_url)  # other communes missing: refused without a reason
    assert 'data-consolidation="partial"' not in tinh.get(province_url).content.decode()
    tinh.post(province_url, {"partial_reason": "Báo cáo sơ bộ"})
    province = tinh.get(province_url).content.decode()
    assert 'data-step="reported">1<' in province
    assert "1 xã đã gửi báo cáo." in province and "Tổng hợp lúc" in province
    assert 'data-consolidation="partial"' in province and "Tổng hợp chưa đầy đủ: 1/" in province
    report = client.get(reverse("review:report", args=[round_.pk])).content.decode()
    assert "Tổng hợp chưa đầy đủ: 1/" in report


def test_a_complaint_is_received_and_resolved_through_the_pages(review_world: ReviewWorld) -> None:
    from tests.review.conftest import entries_of, record_b2, started_round

    w = review_world.world
    round_ = started_round(review_world)
    record_b2(review_world.poor, "near_poor")
    record_b2(review_world.near_poor, "near_poor")
    services.round_attach_latest_surveys(actor=w.xa_a, round_=round_)
    entries = entries_of(round_)
    for village, code in ((w.village_a1, "A1-001"), (w.village_a2, "A2-001")):
        meeting = services.meeting_create(
            actor=w.xa_a,
            round_=round_,
            village=village,
            held_on=dt.date(2025, 10, 15),
            chair_name="Trưởng thôn",
            attendees=4,
        )
        services.meeting_record_votes(actor=w.xa_a, meeting=meeting, votes={entries[code].pk: 2})
    client = login("xa_a")
    today = clock.today()  # the fixed day of the review tests (the posting form's default)
    client.post(reverse("review:posting_new", args=[round_.pk]), {"posted_on": today.isoformat()})
    posting = round_.postings.get()
    line = posting.lines.get(household_code="A1-001")
    response = client.post(
        reverse("review:complaint_new", args=[line.pk]),
        {"complainant": "Hàng xóm", "content": "Hộ vẫn nghèo", "received_on": today.isoformat()},
    )
    complaint = Complaint.objects.get()
    assert response.url == reverse("review:complaint_detail", args=[complaint.pk])
    assert client.get(response.url).status_code == 200
    client.post(
        reverse("review:complaint_resolve", args=[complaint.pk]),
        {"resolved_on": today.isoformat(), "result_note": "Giữ nguyên kết quả"},
    )
    complaint.refresh_from_db()
    assert complaint.state == "resolved" and complaint.result_status == "near_poor"


def test_a_refused_action_comes_back_as_an_explanation(review_world: ReviewWorld) -> None:
    from tests.review.conftest import started_round

    round_ = started_round(review_world)
    client = login("xa_a")
    response = client.post(
        reverse("review:posting_new", args=[round_.pk]), {"posted_on": "2025-11-03"}, follow=True
    )
    assert "chưa được họp dân thống nhất" in response.content.decode()


def test_the_dashboard_partial_renders_the_steps_and_overdue_items(
    review_world: ReviewWorld,
) -> None:
    w = review_world.world
    round_ = services.round_create(actor=w.xa_a, commune=w.commune_a, year=dt.date.today().year)  # noqa: DTZ011
    context = selectors.dashboard_panel(w.xa_a)
    html = render_to_string("review/_dashboard_panel.html", context)
    assert 'data-review-step="planning">1<' in html
    assert context["review_rounds"] == 1
    assert selectors.dashboard_panel(w.xa_b)["review_rounds"] == 0
    _ = round_


def test_applications_are_filed_through_the_page(review_world: ReviewWorld) -> None:
    client = login("ctv")
    response = client.post(
        reverse("review:application_new"),
        {
            "household": str(review_world.flagged.pk),
            "form": "mau01",
            "reason": "illness",
            "reason_note": "Ốm nặng",
            "applicant_name": "Đặng Thị Hoa",
            "received_on": "2025-03-03",
        },
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "cộng tác viên nộp thay" in page and "30/03/2025" in page
