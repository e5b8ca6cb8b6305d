"""A collaborator of village A1 sees A1's figures on the round pages, never commune A's totals
(households of A2 are not theirs to count); the commune officer sees the whole commune."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.review import selectors, services
from giamngheo.review.models import Round
from tests.conftest import make_household
from tests.review.conftest import ReviewWorld, entries_of, record_a, record_b2, started_round

pytestmark = pytest.mark.django_db
D = dt.date


def posted_round(rw: ReviewWorld) -> Round:
    """Commune A 2025, posted: one entry in A1 and one in A2 (plus one flagged in A2), a
    meeting in each village, an open complaint against the A2 household."""
    w = rw.world
    round_ = started_round(rw)
    flagged_a2 = make_household(w.village_a2, "A2-002", "Lý Thị Hai")
    services.entry_add(actor=w.xa_a, round_=round_, household=flagged_a2, note="Biến động")
    record_b2(rw.poor, "poor")
    record_b2(rw.near_poor, "poor")
    record_a(flagged_a2, excluded=False)
    record_b2(flagged_a2, "near_poor")
    services.round_attach_latest_surveys(actor=w.xa_a, round_=round_)  # screens A2-002 in
    services.round_attach_latest_surveys(actor=w.xa_a, round_=round_)  # then its Phiếu B2
    entries = entries_of(round_)
    for village, codes in ((w.village_a1, ["A1-001"]), (w.village_a2, ["A2-001", "A2-002"])):
        meeting = services.meeting_create(
            actor=w.xa_a,
            round_=round_,
            village=village,
            held_on=D(2025, 10, 15),
            chair_name="Trưởng thôn Hà Văn Mạnh",
            attendees=20,
        )
        services.meeting_record_votes(
            actor=w.xa_a, meeting=meeting, votes={entries[c].pk: 15 for c in codes}
        )
    posting = services.posting_create(actor=w.xa_a, round_=round_, posted_on=D(2025, 11, 3))
    services.complaint_file(
        actor=w.xa_a,
        line=posting.lines.get(household_code="A2-001"),
        complainant="Trần Văn Khiếu",
        content="Đề nghị xem lại",
        received_on=D(2025, 11, 4),
    )
    round_.refresh_from_db()
    return round_


@pytest.fixture
def round_(review_world: ReviewWorld) -> Round:
    return posted_round(review_world)


def _cards(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-count="([a-z_]+)">(\d+)<', html)}


def _page(user: object, url: str) -> tuple[int, str]:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    response = client.get(url)
    return response.status_code, response.content.decode()


def test_the_commune_officer_sees_the_whole_commune(
    review_world: ReviewWorld, round_: Round
) -> None:
    w = review_world.world
    status, html = _page(w.xa_a, reverse("review:round_detail", args=[round_.pk]))
    assert status == 200
    assert _cards(html)["total"] == 3
    assert w.village_a2.name in html
    assert 'data-figures="partial"' not in html
    progress = selectors.round_progress(round_, user=w.xa_a, with_villages=True)
    assert (progress.total, progress.meetings, progress.open_complaints) == (3, 2, 1)
    assert {v["village_id"] for v in progress.villages} == {w.village_a1.pk, w.village_a2.pk}


def test_a_collaborator_sees_only_their_villages_figures(
    review_world: ReviewWorld, round_: Round
) -> None:
    w = review_world.world
    status, html = _page(w.ctv, reverse("review:round_detail", args=[round_.pk]))
    assert status == 200
    cards = _cards(html)
    assert cards["total"] == 1  # A1-001 only; the commune has 3
    assert sum(n for k, n in cards.items() if k != "total") == 1
    assert 'data-figures="partial"' in html
    # No row, meeting, complaint or household of A2 on the page.
    assert w.village_a2.name not in html
    assert "A2-001" not in html and "A2-002" not in html
    assert "Trần Văn Khiếu" not in html
    progress = selectors.round_progress(round_, user=w.ctv, with_villages=True)
    assert (progress.total, progress.meetings, progress.open_complaints) == (1, 1, 0)
    assert [v["village_id"] for v in progress.villages] == [w.village_a1.pk]
    assert progress.partial


def test_the_commune_report_is_not_shown_to_a_collaborator(
    review_world: ReviewWorld, round_: Round
) -> None:
    w = review_world.world
    url = reverse("review:report", args=[round_.pk])
    assert _page(w.ctv, url)[0] == 404
    assert _page(w.xa_a, url)[0] == 200
    assert (
        reverse("review:report", args=[round_.pk])
        not in _page(w.ctv, reverse("review:round_detail", args=[round_.pk]))[1]
    )


def test_the_province_table_has_no_commune_row_for_a_collaborator(
    review_world: ReviewWorld, round_: Round
) -> None:
    w = review_world.world
    assert selectors.province_progress(w.ctv, w.province, round_.year)["rows"] == []
    assert _page(w.ctv, reverse("review:province", args=[w.province.code, round_.year]))[0] == 404
    rows = {
        r.commune.pk: r
        for r in selectors.province_progress(w.tinh, w.province, round_.year)["rows"]
    }
    assert rows[w.commune_a.pk].total == 3
