"""The outcome summary of a model, against the counts done by hand in conftest.py."""

from __future__ import annotations

from decimal import Decimal

import pytest

from giamngheo.livelihoods import selectors
from tests.livelihoods.conftest import LivelihoodWorld

pytestmark = pytest.mark.django_db


def test_the_summary_matches_the_hand_count(lw: LivelihoodWorld) -> None:
    summary = selectors.outcome_summary(selectors.participations_of(lw.world.xa_a, lw.model))
    assert summary.participants == 4
    assert summary.with_outcome == 3
    assert summary.income_before_avg == Decimal("1433333")
    assert summary.income_after_avg == Decimal("2133333")
    assert summary.income_change_avg == Decimal("700000")
    assert summary.income_rose == 2
    assert summary.escaped == 1
    assert summary.left_poverty == 1
    assert summary.fell_back == 1
    assert summary.inputs_amount == Decimal("5500000")


def test_a_collaborator_of_one_village_counts_only_its_households(lw: LivelihoodWorld) -> None:
    # ctv is granted village A1: h1 and h3 (1.0 M → 2.2 M near-poor; 1.8 M → 1.7 M poor).
    summary = selectors.outcome_summary(selectors.participations_of(lw.world.ctv, lw.model))
    assert (summary.participants, summary.with_outcome) == (2, 2)
    assert summary.income_before_avg == Decimal("1400000")
    assert summary.income_after_avg == Decimal("1950000")
    assert (summary.escaped, summary.left_poverty, summary.fell_back) == (0, 1, 1)
    assert summary.inputs_amount == Decimal("3500000")


def test_an_empty_model_summarises_to_zero(lw: LivelihoodWorld) -> None:
    summary = selectors.outcome_summary(selectors.participations_of(lw.world.xa_b, lw.model))
    assert summary.participants == 0
    assert summary.income_before_avg is None and summary.income_change_avg is None
    assert summary.inputs_amount == Decimal(0)
