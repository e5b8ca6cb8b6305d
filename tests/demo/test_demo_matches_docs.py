"""Issue 11: the demo matches its docs (docs/review.md, "Demo"): after ``demo load`` the 2026
round of ``xa1``'s commune has one village surveyed and met, ``xa2``'s is still planning.

The demo province is ``load_demo(households=1500, seed=3)`` on 22/11/2026, loaded once per
run (``demo_province``, tests/conftest.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from giamngheo.accounts.models import RoleGrant
from giamngheo.demo import extensions, loader
from giamngheo.lib import clock
from giamngheo.review.models import Entry, Meeting, Round

pytestmark = [pytest.mark.django_db, pytest.mark.once]  # demo content: not about the server


@pytest.fixture
def late_november() -> Iterator[None]:
    # The demo dates its 2026 acts up to today: a day after the village meeting (20/10/2026).
    clock.set_today(dt.date(2026, 11, 22))
    yield
    clock.set_today(None)


def _commune_of(username: str) -> int:
    grant = RoleGrant.objects.get(user__username=username)
    return grant.area_id


def test_xa1s_2026_round_has_a_surveyed_and_met_village(
    demo_province: loader.LoadReport, late_november: None
) -> None:
    # Enough households that xa1's lowland commune has some on its list in 2026.
    assert (demo_province.households, demo_province.seed) == (1500, 3)
    assert set(demo_province.part_reports) == {part.name for part in extensions.PARTS}
    round_ = Round.objects.get(commune_id=_commune_of("xa1"), year=2026, kind="annual")
    assert round_.state == "reviewing"
    meetings = Meeting.objects.filter(round=round_)
    assert meetings.count() == 1
    meeting = meetings.get()
    assert meeting.held_on <= clock.today()
    village_entries = Entry.objects.filter(round=round_, village=meeting.village)
    # The village's households were surveyed (Phiếu B2) and the meeting agreed on them.
    assert village_entries.exclude(survey=None).exists()
    assert village_entries.filter(state="agreed").exists()
    # The other villages have not met yet.
    assert not Meeting.objects.filter(round=round_).exclude(village=meeting.village).exists()
    planning = Round.objects.get(commune_id=_commune_of("xa2"), year=2026, kind="annual")
    assert planning.state == "planning"
