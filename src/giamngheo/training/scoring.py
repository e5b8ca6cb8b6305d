"""The arithmetic of training figures: completion, test scores and gains. Pure, no database:
the selectors fetch the rows, these functions count them (docs/training.md, "Counting")."""

from __future__ import annotations

import statistics as pystats
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from giamngheo.training.errors import TrainingError
from giamngheo.training.models import AssessmentKind


def is_completed(present: int, session_count: int, min_percent: int) -> bool:
    """Completed when attended sessions ≥ ``min_percent`` % of the sessions (integer maths:
    4 of 5 sessions is exactly 80 %)."""
    return session_count > 0 and present * 100 >= min_percent * session_count


def score_answers(correct: Sequence[int], answers: Sequence[int | None]) -> int:
    """One point per item answered with its correct choice (blank or wrong: 0)."""
    if len(answers) != len(correct):
        raise TrainingError(_("Số câu trả lời không khớp với số câu hỏi."))
    return sum(1 for right, given in zip(correct, answers, strict=True) if given == right)


@dataclass
class GainRow:
    participant_id: int
    full_name: str
    pre: float | None  # percent of the maximum score
    post: float | None

    @property
    def gain(self) -> float | None:
        """Post-test minus pre-test, in percentage points (only with both tests)."""
        if self.pre is None or self.post is None:
            return None
        return self.post - self.pre


@dataclass
class ClassGains:
    rows: list[GainRow]

    def _mean(self, values: list[float]) -> float | None:
        return pystats.fmean(values) if values else None

    @property
    def paired(self) -> list[GainRow]:
        return [row for row in self.rows if row.gain is not None]

    @property
    def pre_mean(self) -> float | None:
        return self._mean([row.pre for row in self.rows if row.pre is not None])

    @property
    def post_mean(self) -> float | None:
        return self._mean([row.post for row in self.rows if row.post is not None])

    @property
    def gain_mean(self) -> float | None:
        """Mean gain over participants who took both tests: comparing the mean of everyone's
        post-test with the mean of everyone's pre-test would mix different people."""
        return self._mean([row.gain for row in self.paired if row.gain is not None])


def gains_from(attempts: list[dict[str, Any]]) -> dict[int, ClassGains]:
    per_class: dict[int, dict[int, GainRow]] = defaultdict(dict)
    for attempt in attempts:
        rows = per_class[attempt["assessment__training_class"]]
        row = rows.get(attempt["participant"])
        if row is None:
            row = rows[attempt["participant"]] = GainRow(
                attempt["participant"], attempt["participant__full_name"], None, None
            )
        percent = 100 * attempt["score"] / attempt["max_score"]
        if attempt["assessment__kind"] == AssessmentKind.PRE:
            row.pre = percent
        else:
            row.post = percent
    return {
        class_id: ClassGains(sorted(rows.values(), key=lambda r: (r.full_name, r.participant_id)))
        for class_id, rows in per_class.items()
    }
