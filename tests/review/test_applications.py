"""In-year review (QĐ 24/2021/QĐ-TTg Art. 5): Mẫu 01 / Mẫu 04 received from the 15th, decided
within 15 days; a refusal is a letter with reasons; collaborators file on behalf of households."""

from __future__ import annotations

import datetime as dt

import pytest

from giamngheo.lib.pdf import extract_text
from giamngheo.registry.models import Household
from giamngheo.review import documents, services
from giamngheo.review.models import Round
from giamngheo.review.services import ReviewError, review_start_for
from giamngheo.review.states import TransitionRefused
from giamngheo.workforce import services as workforce_services
from giamngheo.workforce.models import ReviewFlag
from tests.review.conftest import ReviewWorld, record_a, record_b2

D = dt.date


@pytest.mark.parametrize(
    ("received", "start"),
    [
        (D(2025, 3, 3), D(2025, 3, 15)),
        (D(2025, 3, 15), D(2025, 3, 15)),
        (D(2025, 3, 16), D(2025, 4, 15)),
        (D(2025, 12, 20), D(2026, 1, 15)),
    ],
)
def test_the_in_year_review_starts_on_the_next_15th(received: dt.date, start: dt.date) -> None:
    assert review_start_for(received, 15) == start


@pytest.mark.django_db
def test_a_collaborator_files_on_behalf_and_an_officer_refuses_in_writing(
    review_world: ReviewWorld,
) -> None:
    w = review_world.world
    application = services.application_file(
        actor=w.ctv,
        household=review_world.flagged,
        form="mau01",
        reason="illness",
        reason_note="Chủ hộ mắc bệnh hiểm nghèo, không còn khả năng lao động",
        received_on=D(2025, 3, 3),
        applicant_name="Đặng Thị Hoa",
    )
    assert application.on_behalf
    assert (application.review_starts_on, application.due_on) == (D(2025, 3, 15), D(2025, 3, 30))
    round_ = application.entry.round
    assert (round_.kind, round_.month, round_.state) == ("regular", 3, "reviewing")
    assert application.entry.state == "listed"  # Phiếu A first

    with pytest.raises(ReviewError, match="chỉ cán bộ xã"):
        services.application_refuse(
            actor=w.ctv,
            application=application,
            reasons="…",
            number="1",
            signed_on=D(2025, 3, 20),
            signer_name="X",
        )
    with pytest.raises(ReviewError, match="đang được rà soát"):
        services.application_file(
            actor=w.xa_a,
            household=review_world.flagged,
            form="mau01",
            reason="other",
            received_on=D(2025, 3, 4),
            applicant_name="Đặng Thị Hoa",
        )
    refused = services.application_refuse(
        actor=w.xa_a,
        application=application,
        reasons="Thu nhập bình quân 4.000.000 đồng/người/tháng, cao hơn chuẩn cận nghèo.",
        number="15/UBND-LĐXH",
        signed_on=D(2025, 3, 25),
        signer_name="Nguyễn Văn Chủ",
    )
    assert refused.state == "refused" and refused.entry.state == "refused"
    text = extract_text(documents.refusal_letter_pdf(refused))
    assert "VĂN BẢN TRẢ LỜI" in text and "Số: 15/UBND-LĐXH" in text
    assert "cao hơn chuẩn cận nghèo" in text and "Đặng Thị Hoa" in text
    assert "Mẫu số 01" in text
    assert "CHỦ TỊCH" in text and "Nguyễn Văn Chủ" in text and "(Ký, ghi rõ họ tên)" in text
    assert "Nơi nhận:" in text and "- Như trên;" in text and "- Lưu: VT." in text


@pytest.mark.django_db
def test_an_escape_request_is_recognised_by_the_months_decision(review_world: ReviewWorld) -> None:
    w = review_world.world
    with pytest.raises(ReviewError, match="Mẫu số 04"):
        services.application_file(
            actor=w.xa_a,
            household=review_world.other,
            form="mau04",
            reason="improved",
            received_on=D(2025, 6, 2),
            applicant_name="Vũ Văn Khải",
        )
    application = services.application_file(
        actor=w.xa_a,
        household=review_world.poor,
        form="mau04",
        reason="improved",
        received_on=D(2025, 6, 2),
        applicant_name="Nguyễn Văn An",
    )
    entry = application.entry
    assert entry.state == "to_survey"  # a request to leave goes straight to B1/B2
    services.entry_attach_survey(
        actor=w.ctv, entry=entry, survey=record_b2(review_world.poor, "not_poor", D(2025, 6, 16))
    )
    meeting = services.meeting_create(
        actor=w.ctv,
        round_=entry.round,
        village=w.village_a1,
        held_on=D(2025, 6, 18),
        chair_name="Trưởng thôn",
        attendees=8,
    )
    services.meeting_record_votes(actor=w.ctv, meeting=meeting, votes={entry.pk: 4})
    services.posting_create(actor=w.xa_a, round_=entry.round, posted_on=D(2025, 6, 19))
    services.decision_issue(
        actor=w.xa_a,
        round_=entry.round,
        number="60/QĐ-UBND",
        signed_on=D(2025, 6, 25),
        signer_name="Nguyễn Văn Chủ",
    )
    application.refresh_from_db()
    assert application.state == "approved" and application.decided_on <= application.due_on
    assert Household.objects.get(pk=review_world.poor.pk).status == "not_poor"


@pytest.mark.django_db
def test_a_request_the_review_does_not_grant_needs_a_letter_first(
    review_world: ReviewWorld,
) -> None:
    w = review_world.world
    application = services.application_file(
        actor=w.xa_a,
        household=review_world.other,
        form="mau01",
        reason="accident",
        received_on=D(2025, 6, 2),
        applicant_name="Vũ Văn Khải",
    )
    entry = application.entry
    services.entry_screen(
        actor=w.xa_a,
        entry=entry,
        survey=record_a(review_world.other, excluded=False, on=D(2025, 6, 16)),
    )
    services.entry_attach_survey(
        actor=w.xa_a, entry=entry, survey=record_b2(review_world.other, "not_poor", D(2025, 6, 16))
    )
    meeting = services.meeting_create(
        actor=w.xa_a,
        round_=entry.round,
        village=w.village_a1,
        held_on=D(2025, 6, 18),
        chair_name="Trưởng thôn",
        attendees=8,
    )
    services.meeting_record_votes(actor=w.xa_a, meeting=meeting, votes={entry.pk: 8})
    services.posting_create(actor=w.xa_a, round_=entry.round, posted_on=D(2025, 6, 19))
    with pytest.raises(TransitionRefused, match="trả lời bằng văn bản"):
        services.decision_issue(
            actor=w.xa_a,
            round_=entry.round,
            number="61/QĐ-UBND",
            signed_on=D(2025, 6, 25),
            signer_name="Nguyễn Văn Chủ",
        )


@pytest.mark.django_db
def test_a_collaborators_report_becomes_an_application_and_is_taken_up(
    review_world: ReviewWorld,
) -> None:
    w = review_world.world
    change = workforce_services.household_change_report(
        actor=w.ctv,
        household=review_world.flagged,
        kind="shock",
        occurred_on=D(2025, 5, 20),
        description="Lũ cuốn trôi nhà",
        request_review=True,
    )
    application = services.application_file(
        actor=w.ctv,
        household=review_world.flagged,
        form="mau01",
        reason="disaster",
        received_on=D(2025, 5, 21),
        applicant_name="Đặng Thị Hoa",
        household_change=change,
    )
    change.refresh_from_db()
    assert change.review_flag == ReviewFlag.PENDING  # a collaborator cannot close the flag
    services.application_refuse(
        actor=w.xa_a,
        application=application,
        reasons="Đã được hỗ trợ làm lại nhà, thu nhập ổn định.",
        number="20/UBND",
        signed_on=D(2025, 6, 20),
        signer_name="Nguyễn Văn Chủ",
    )
    change.refresh_from_db()
    assert change.review_flag == ReviewFlag.TAKEN_UP
    assert change.review_reference == f"review.application:{application.pk}"


@pytest.mark.django_db
def test_an_application_during_the_annual_window_joins_the_annual_round(
    review_world: ReviewWorld,
) -> None:
    from tests.review.conftest import started_round

    w = review_world.world
    annual = started_round(review_world)
    application = services.application_file(
        actor=w.xa_a,
        household=review_world.other,
        form="mau01",
        reason="illness",
        received_on=D(2025, 10, 2),
        applicant_name="Vũ Văn Khải",
    )
    assert application.entry.round == annual
    assert application.due_on == D(2025, 12, 14)
    assert not Round.objects.filter(kind="regular").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reasons", "message"),
    [
        ("x" * 2001, "dài quá 2000 ký tự"),
        ("Thu nhập cao\x00hơn chuẩn", "ký tự điều khiển"),
        ("   ", "phải nêu rõ lý do"),
    ],
)
def test_a_refusal_with_unusable_reasons_is_refused_and_changes_nothing(
    review_world: ReviewWorld, reasons: str, message: str
) -> None:
    w = review_world.world
    application = services.application_file(
        actor=w.xa_a,
        household=review_world.flagged,
        form="mau01",
        reason="illness",
        received_on=D(2025, 3, 3),
        applicant_name="Đặng Thị Hoa",
    )
    with pytest.raises(ReviewError, match=message):
        services.application_refuse(
            actor=w.xa_a,
            application=application,
            reasons=reasons,
            number="15/UBND-LĐXH",
            signed_on=D(2025, 3, 25),
            signer_name="Nguyễn Văn Chủ",
        )
    application.refresh_from_db()
    assert application.state != "refused" and application.refusal_reasons == ""
    # Two thousand characters (the letter's page) are accepted.
    refused = services.application_refuse(
        actor=w.xa_a,
        application=application,
        reasons="x" * 2000,
        number="15/UBND-LĐXH",
        signed_on=D(2025, 3, 25),
        signer_name="Nguyễn Văn Chủ",
    )
    assert refused.state == "refused" and len(refused.refusal_reasons) == 2000
