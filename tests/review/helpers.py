"""A decided round of commune A (for the tests of frozen records, documents and pages)."""

from __future__ import annotations

import datetime as dt

from giamngheo.review import services
from giamngheo.review.models import Decision, Round
from tests.review.conftest import ReviewWorld, entries_of, record_b2, started_round

D = dt.date
CONSULTED = D(2025, 11, 10)


def decided_round(rw: ReviewWorld) -> tuple[Round, Decision]:
    """Commune A 2025: A1-001 stays poor, A2-001 near-poor → poor; all votes pass."""
    w = rw.world
    round_ = started_round(rw)
    record_b2(rw.poor, "poor")
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
            secretary_name="Lò Thị Thư",
            attendees=20,
        )
        services.meeting_record_votes(actor=w.xa_a, meeting=meeting, votes={entries[code].pk: 15})
    services.posting_create(actor=w.xa_a, round_=round_, posted_on=D(2025, 11, 3))
    consult(rw, round_)
    decision = services.decision_issue(
        actor=w.xa_a,
        round_=round_,
        number="45/QĐ-UBND",
        signed_on=D(2025, 11, 12),
        signer_name="Nguyễn Văn Chủ",
    )
    round_.refresh_from_db()
    return round_, decision


def consult(rw: ReviewWorld, round_: Round, on: dt.date = CONSULTED) -> Round:
    """The step "báo cáo, xin ý kiến của Chủ tịch UBND cấp tỉnh" of a round after 1/7/2025
    (QĐ 24/2021 Art. 4.5 as adapted, unverified)."""
    return services.round_consult(
        actor=rw.world.xa_a, round_=round_, consulted_on=on, reference="30/BC-UBND"
    )
