"""Workflows declared in one table; refused transitions explain themselves in Vietnamese."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from giamngheo.review import states
from giamngheo.review.models import Vote
from giamngheo.review.services import vote_stands
from giamngheo.review.states import ENTRY, ROUND, TransitionRefused


def test_every_workflow_names_only_its_own_states() -> None:
    for workflow in states.WORKFLOWS.values():
        for transition in workflow.transitions.values():
            assert transition.target in workflow.states.values
            assert transition.source <= set(workflow.states.values)


def test_a_refused_round_step_says_where_it_is_and_why() -> None:
    with pytest.raises(TransitionRefused) as refused:
        ROUND.check("decide", "reviewing")
    message = refused.value.message
    assert "Lập danh sách, khảo sát, họp dân" in message  # where the round is
    assert "Niêm yết công khai" in message  # where it must be
    assert "QĐ 24/2021" in message  # why


def test_a_household_cannot_be_posted_before_the_meeting_agrees() -> None:
    with pytest.raises(TransitionRefused) as refused:
        ENTRY.check("post", "surveyed")
    assert "≥ 50 %" in refused.value.message


@pytest.mark.parametrize(
    ("agree", "attendees", "stands"),
    [(5, 10, True), (4, 9, False), (5, 9, True), (0, 1, False), (1, 2, True), (50, 101, False)],
)
def test_a_result_stands_when_at_least_half_of_the_attendees_agree(
    agree: int, attendees: int, stands: bool
) -> None:
    # QĐ 24/2021 Art. 4.3, exact integers: 2·agree ≥ attendees.
    assert vote_stands(agree, attendees, (1, 2)) is stands


@pytest.mark.django_db
def test_the_database_check_refuses_a_vote_whose_outcome_contradicts_the_threshold() -> None:
    vote = Vote(attendees=10, agree=4, threshold_num=1, threshold_den=2, stands=True)
    check = next(
        c for c in Vote._meta.constraints if c.name == "review_vote_stands_matches_threshold"
    )
    with pytest.raises(ValidationError):
        check.validate(Vote, vote)
    vote.stands = False
    check.validate(Vote, vote)
