"""A full annual round through the services (QĐ 24/2021/QĐ-TTg Art. 4 and 7): plan, list,
Phiếu A, B2, village meetings (with a vote that fails and a second meeting), posting, a
complaint re-checked, the decision (statuses changed only there, audited), certificates, the
commune's report and the province's consolidation."""

from __future__ import annotations

import datetime as dt

import pytest

from giamngheo.audit.models import AuditEvent
from giamngheo.registry.models import Household
from giamngheo.review import services
from giamngheo.review.models import Certificate, CommuneReport, DecisionEntry
from giamngheo.review.services import ReviewError
from giamngheo.review.states import TransitionRefused
from tests.review.conftest import (
    ReviewWorld,
    entries_of,
    planned_round,
    record_a,
    record_b2,
    started_round,
)
from tests.review.helpers import consult

pytestmark = pytest.mark.django_db
D = dt.date


def test_a_full_round_from_plan_to_the_provinces_consolidation(review_world: ReviewWorld) -> None:
    rw, w = review_world, review_world.world
    round_ = planned_round(rw)
    assert round_.window_start == D(2025, 9, 1) and round_.window_end == D(2025, 12, 14)
    assert round_.parameters["posting_working_days"]["verified"] is False

    # Step 1: the list — the current list, plus a household the collaborator flags.
    round_ = services.round_start(actor=w.xa_a, round_=round_)
    services.entry_add(actor=w.ctv, round_=round_, household=rw.flagged, note="Chủ hộ bị tai nạn")
    entries = entries_of(round_)
    assert {code: e.state for code, e in entries.items()} == {
        "A1-001": "to_survey",
        "A2-001": "to_survey",
        "A1-002": "listed",
    }

    # Steps 1–2: Phiếu A for the flagged household, B2 for everyone.
    record_a(rw.flagged, excluded=False)
    record_b2(rw.poor, "near_poor")
    record_b2(rw.near_poor, "poor")
    record_b2(rw.flagged, "poor")
    counts = services.round_attach_latest_surveys(actor=w.xa_a, round_=round_)
    assert counts == {"screened_in": 1, "screened_out": 0, "surveyed": 2}
    counts = services.round_attach_latest_surveys(actor=w.xa_a, round_=round_)
    assert counts["surveyed"] == 1
    entries = entries_of(round_)
    assert {e.proposed_status for e in entries.values()} == {"poor", "near_poor"}

    # Posting is refused while households wait for their village meeting.
    with pytest.raises(TransitionRefused, match="chưa được họp dân"):
        services.posting_create(actor=w.xa_a, round_=round_, posted_on=D(2025, 11, 3))

    # Step 3: village meetings. 4 of 10 is below 50 %: back to survey, then a second meeting.
    m1 = services.meeting_create(
        actor=w.ctv,
        round_=round_,
        village=w.village_a1,
        held_on=D(2025, 10, 20),
        chair_name="Trưởng thôn Hà Văn Mạnh",
        attendees=10,
    )
    services.meeting_record_votes(
        actor=w.ctv,
        meeting=m1,
        votes={entries["A1-001"].pk: 5, entries["A1-002"].pk: 4},
    )
    entries = entries_of(round_)
    assert entries["A1-001"].state == "agreed" and entries["A1-001"].final_status == "near_poor"
    assert entries["A1-002"].state == "to_survey"
    services.round_attach_latest_surveys(actor=w.xa_a, round_=round_)  # same survey: nothing new
    services.entry_attach_survey(
        actor=w.ctv, entry=entries["A1-002"], survey=record_b2(rw.flagged, "poor", D(2025, 10, 22))
    )
    m2 = services.meeting_create(
        actor=w.xa_a,
        round_=round_,
        village=w.village_a1,
        held_on=D(2025, 10, 25),
        chair_name="Trưởng thôn Hà Văn Mạnh",
        attendees=11,
    )
    services.meeting_record_votes(actor=w.xa_a, meeting=m2, votes={entries["A1-002"].pk: 6})
    m3 = services.meeting_create(
        actor=w.xa_a,
        round_=round_,
        village=w.village_a2,
        held_on=D(2025, 10, 21),
        chair_name="Trưởng thôn Lò Văn Pọm",
        attendees=12,
    )
    services.meeting_record_votes(actor=w.xa_a, meeting=m3, votes={entries["A2-001"].pk: 6})
    with pytest.raises(TransitionRefused, match="Đã họp, đã biểu quyết"):
        services.meeting_record_votes(actor=w.xa_a, meeting=m3, votes={entries["A2-001"].pk: 7})

    # Step 4: posting for 3 working days (Mon 03/11 → Wed 05/11), complaints until its end.
    posting = services.posting_create(actor=w.xa_a, round_=round_, posted_on=D(2025, 11, 3))
    assert (posting.ends_on, posting.complaints_until) == (D(2025, 11, 5), D(2025, 11, 5))
    lines = {line.household_code: line for line in posting.lines.all()}
    assert lines["A1-001"].lists == ["newly_near_poor", "escaped_poverty"]
    assert lines["A2-001"].lists == ["newly_poor"]
    with pytest.raises(ReviewError, match="thời gian niêm yết"):
        services.complaint_file(
            actor=w.ctv,
            line=lines["A1-001"],
            complainant="Nguyễn Văn An",
            content="Hộ vẫn khó khăn",
            received_on=D(2025, 11, 6),
        )
    complaint = services.complaint_file(
        actor=w.ctv,
        line=lines["A1-001"],
        complainant="Nguyễn Văn An",
        content="Gia đình vẫn thiếu nước sạch, nhà dột",
        received_on=D(2025, 11, 4),
    )
    assert complaint.due_on == D(2025, 11, 7)  # 3 working days after receipt [unverified]

    # The decision waits for the posting period and the complaint.
    with pytest.raises(TransitionRefused, match="chưa kết thúc"):
        services.decision_issue(
            actor=w.xa_a,
            round_=round_,
            number="45/QĐ-UBND",
            signed_on=D(2025, 11, 5),
            signer_name="Nguyễn Văn Chủ",
        )
    with pytest.raises(TransitionRefused, match="khiếu nại chưa giải quyết"):
        services.decision_issue(
            actor=w.xa_a,
            round_=round_,
            number="45/QĐ-UBND",
            signed_on=D(2025, 11, 20),
            signer_name="Nguyễn Văn Chủ",
        )
    services.complaint_recheck(
        actor=w.ctv, complaint=complaint, survey=record_b2(rw.poor, "poor", D(2025, 11, 5))
    )
    complaint = services.complaint_resolve(
        actor=w.xa_a,
        complaint=complaint,
        resolved_on=D(2025, 11, 6),
        result_note="Phúc tra: hộ thiếu hụt 3 chỉ số, vẫn là hộ nghèo.",
    )
    assert complaint.result_status == "poor"
    assert complaint.result_posting is not None
    assert complaint.result_posting.ends_on == D(2025, 11, 10)

    # After 1/7/2025 the commune reports to and consults the provincial chairman first
    # (QĐ 24/2021 Art. 4.5 as adapted; unverified, a rule value).
    with pytest.raises(TransitionRefused, match="xin ý kiến"):
        services.decision_issue(
            actor=w.xa_a,
            round_=round_,
            number="45/QĐ-UBND",
            signed_on=D(2025, 11, 12),
            signer_name="Nguyễn Văn Chủ",
        )
    consult(rw, round_, D(2025, 11, 11))

    # Step 5: the decision changes statuses (and only it), one audit event per household.
    untouched_version = Household.objects.get(pk=rw.other.pk).version
    decision = services.decision_issue(
        actor=w.xa_a,
        round_=round_,
        number="45/QĐ-UBND",
        signed_on=D(2025, 11, 12),
        signer_name="Nguyễn Văn Chủ",
    )
    statuses = dict(Household.objects.values_list("code", "status"))
    assert statuses["A1-001"] == "poor"
    assert statuses["A2-001"] == "poor"
    assert statuses["A1-002"] == "poor"
    assert statuses["A1-003"] == ""
    assert Household.objects.get(pk=rw.other.pk).version == untouched_version
    household = Household.objects.get(pk=rw.near_poor.pk)
    assert (household.status_standard, household.status_year) == ("2022-2025", 2025)
    changed = AuditEvent.objects.filter(action="registry.household_status_changed", actor=w.xa_a)
    assert changed.count() == 3
    event = changed.get(object_id=str(rw.near_poor.pk))
    assert event.before["status"] == "near_poor" and event.after["status"] == "poor"
    assert "45/QĐ-UBND" in event.note
    decided = {e.household_code: e for e in DecisionEntry.objects.filter(decision=decision)}
    assert decided["A1-001"].lists == ["remaining"]
    assert decided["A2-001"].lists == ["newly_poor"]  # near-poor → poor: not an "escape"
    assert [m["name"] for m in decided["A1-002"].members] == ["Đặng Thị Hoa", "Đặng Thị Hoa Con"]

    # Certificates: one per poor / near-poor household, numbered, each with its own code.
    certificates = services.certificates_issue(actor=w.xa_a, decision=decision)
    # The number form of the certificate annexed to QĐ 24/2021: "Số: …/GCN-HN.HCN".
    numbers = ["001/GCN-HN.HCN", "002/GCN-HN.HCN", "003/GCN-HN.HCN"]
    assert [c.number for c in certificates] == numbers
    assert len({c.code for c in certificates}) == 3
    assert certificates[0].valid_until == D(2026, 12, 31)
    assert services.certificates_issue(actor=w.xa_a, decision=decision) == []

    # Report upward: figures from the frozen lists, frozen at submission.
    report = services.report_submit(actor=w.xa_a, round_=round_)
    poor, near = report.figures["poor"], report.figures["near_poor"]
    assert (poor["start"], poor["escaped"], poor["newly"], poor["end"]) == (1, 0, 2, 3)
    assert (near["start"], near["escaped"], near["end"]) == (1, 1, 0)
    assert poor["people"] == 6
    assert report.figures["households"] == 4  # all households of commune A
    assert poor["rate"] == 0.75
    assert report.recipient == "province"
    # The other communes (B among them) have not reported: the province waits, or saves a
    # partial consolidation with a reason.
    with pytest.raises(ReviewError, match=r"Còn \d+/\d+ xã chưa gửi báo cáo năm 2025"):
        services.province_consolidate(actor=w.tinh, province=w.province, year=2025)
    consolidation = services.province_consolidate(
        actor=w.tinh, province=w.province, year=2025, partial_reason="Báo cáo sơ bộ trước 15/11"
    )
    assert consolidation.partial and consolidation.figures["communes_reported"] == 1
    assert w.commune_b.code in {m["code"] for m in consolidation.figures["missing"]}
    assert consolidation.figures["total"]["poor"]["end"] == 3
    assert consolidation.figures["communes_reported"] == 1
    report.refresh_from_db()
    assert report.state == "consolidated"
    assert Certificate.objects.count() == 3
    assert CommuneReport.objects.get().figures == report.figures


def test_a_screened_out_applicant_leaves_the_list(review_world: ReviewWorld) -> None:
    w = review_world.world
    round_ = started_round(review_world)
    entry = services.entry_add(actor=w.xa_a, round_=round_, household=review_world.flagged)
    services.entry_screen(
        actor=w.xa_a, entry=entry, survey=record_a(review_world.flagged, excluded=True)
    )
    entry.refresh_from_db()
    assert entry.state == "screened_out"


def test_households_reenter_poverty_after_an_earlier_escape(review_world: ReviewWorld) -> None:
    """Tái nghèo: escaped in 2024's decision, poor again in 2025's."""
    w = review_world.world
    run_round(review_world, year=2024, results={"A1-001": "near_poor", "A2-001": "near_poor"})
    round_ = run_round(review_world, year=2025, results={"A1-001": "poor", "A2-001": "near_poor"})
    decided = DecisionEntry.objects.get(decision__round=round_, household_code="A1-001")
    assert decided.reentered
    figures = services.report_figures(round_)
    assert (figures["poor"]["reentered"], figures["poor"]["newly"]) == (1, 0)
    _ = w


def run_round(rw: ReviewWorld, *, year: int, results: dict[str, str]) -> object:
    """A round of commune A where each listed household's B2 gives ``results[code]`` and every
    vote passes; returns the decided round."""
    w = rw.world
    round_ = started_round(rw, year)
    day = D(year, 10, 1)
    entries = entries_of(round_)
    for code, status in results.items():
        record_b2(entries[code].household, status, day)
    services.round_attach_latest_surveys(actor=w.xa_a, round_=round_)
    for village in (w.village_a1, w.village_a2):
        ids = {e.pk: 9 for e in entries_of(round_).values() if e.village_id == village.pk}
        if ids:
            meeting = services.meeting_create(
                actor=w.xa_a,
                round_=round_,
                village=village,
                held_on=D(year, 10, 15),
                chair_name="Trưởng thôn",
                attendees=10,
            )
            services.meeting_record_votes(actor=w.xa_a, meeting=meeting, votes=ids)
    services.posting_create(actor=w.xa_a, round_=round_, posted_on=D(year, 11, 3))
    if year >= 2025:  # the consultation step of the two-level government (rule value)
        consult(rw, round_, D(year, 11, 12))
    services.decision_issue(
        actor=w.xa_a,
        round_=round_,
        number=f"{year}/QĐ-UBND",
        signed_on=D(year, 11, 20),
        signer_name="Nguyễn Văn Chủ",
    )
    return round_


def test_the_registry_sets_statuses_in_bulk_only_with_a_basis(review_world: ReviewWorld) -> None:
    # The decision's bulk status change lives in registry (the one app that writes a status).
    from giamngheo.registry import services as registry_services

    rw = review_world
    household = Household.objects.get(pk=rw.near_poor.pk)
    with pytest.raises(registry_services.RegistryError, match="căn cứ"):
        registry_services.households_status_set_bulk(
            actor=rw.world.xa_a,
            statuses={household.pk: "poor"},
            standard="2022-2025",
            year=2025,
            basis=" ",
        )
    written = registry_services.households_status_set_bulk(
        actor=rw.world.xa_a,
        statuses={household.pk: "poor"},
        standard="2022-2025",
        year=2025,
        basis="Quyết định số 1/QĐ-UBND",
    )
    assert written == 1
    after = Household.objects.get(pk=household.pk)
    assert (after.status, after.version) == ("poor", household.version + 1)
    event = AuditEvent.objects.get(
        action="registry.household_status_changed", note="Quyết định số 1/QĐ-UBND"
    )
    assert event.before == {
        "status": "near_poor",
        "status_standard": household.status_standard,
        "status_year": household.status_year,
    }
    assert (event.commune_id, event.village_id) == (household.commune_id, household.village_id)
