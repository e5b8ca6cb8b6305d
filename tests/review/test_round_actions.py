"""The round's pages offer what the tables of ``review.states`` allow: for every round state and
every role, the buttons and links are the table's transitions and work for that role — and the
same ones the page offered when its template tested states by hand."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.review.models import Round
from giamngheo.review.states import FIELD, OFFICER, ROUND, ROUND_ACTS, VILLAGE, RoundState
from tests.conftest import PASSWORD
from tests.review.conftest import ReviewWorld, planned_round

pytestmark = pytest.mark.django_db

# What each persona holds on commune A (tests/conftest.py): officers decide and work in every
# village; the collaborator works in village A1 only; the inspector reads.
ROLES = {
    "xa_a": {OFFICER, FIELD, VILLAGE},
    "tinh": {OFFICER, FIELD, VILLAGE},
    "ctv": {FIELD, VILLAGE},
    "inspector": set(),
}


def offered(html: str) -> list[str]:
    return re.findall(r'data-action="(\w+)"', html)


def by_hand(state: str, held: set[str]) -> list[str]:
    """The conditions the round page's template wrote out before the table (the oracle)."""
    decide, change, villages = OFFICER in held, FIELD in held, VILLAGE in held
    shown = {
        "steering_add": decide and state not in ("decided", "reported", "closed"),
        "reviewer_add": decide and state not in ("decided", "reported", "closed"),
        "start": decide and state == "planning",
        "flag": change and state in ("planning", "reviewing"),
        "surveys": change and state == "reviewing",
        "meeting": villages and state in ("reviewing", "posting"),
        "post": decide and state in ("reviewing", "posting"),
        "decide": decide and state == "posting",
    }
    return [name for name, show in shown.items() if show]


def test_every_round_state_offers_each_role_the_tables_actions(
    review_world: ReviewWorld,
) -> None:
    round_ = planned_round(review_world)
    url = reverse("review:round_detail", args=[round_.pk])
    clients = {}
    for username in ROLES:
        clients[username] = Client()
        assert clients[username].login(username=username, password=PASSWORD)
    for state in RoundState.values:
        Round.objects.filter(pk=round_.pk).update(state=state)
        for username, held in ROLES.items():
            html = clients[username].get(url).content.decode()
            table = [
                a.name
                for a in ROUND_ACTS
                if a.page in ("plan", "next") and state in a.states and a.permission in held
            ]
            assert offered(html) == table == by_hand(state, held), (state, username)
            # The moves offered are exactly the round transitions the table allows from here
            # (the report step is offered on the report page).
            moves = [a.name for a in ROUND_ACTS if a.moves and a.name in offered(html)]
            allowed = [
                name
                for name in ROUND.actions_from(state)
                if name != "report" and ROUND.permission(name) in held
            ]
            assert moves == allowed, (state, username)


def test_the_report_page_offers_the_report_step_only_where_the_table_allows_it(
    review_world: ReviewWorld,
) -> None:
    round_ = planned_round(review_world)
    url = reverse("review:report", args=[round_.pk])
    client = Client()
    assert client.login(username="xa_a", password=PASSWORD)
    for state in RoundState.values:
        Round.objects.filter(pk=round_.pk).update(state=state)
        html = client.get(url).content.decode()
        assert ("report" in offered(html)) is ROUND.allowed("report", state), state
    inspector = Client()
    assert inspector.login(username="inspector", password=PASSWORD)
    Round.objects.filter(pk=round_.pk).update(state=RoundState.DECIDED)
    assert "report" not in offered(inspector.get(url).content.decode())
