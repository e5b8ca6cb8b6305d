"""Periodic evaluations of a worker, scored per criterion of ``evaluation_criteria.csv``."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts.types import Actor
from giamngheo.audit import services as audit
from giamngheo.lib import idempotency
from giamngheo.workforce import reference
from giamngheo.workforce.models import (
    Evaluation,
    EvaluationScore,
    Worker,
)
from giamngheo.workforce.services._shared import (
    require_manager,
    user_or_none,
)
from giamngheo.workforce.states import WorkforceError


@transaction.atomic
def evaluation_record(
    *,
    actor: Actor,
    worker: Worker,
    period_start: dt.date,
    period_end: dt.date,
    evaluator_body: str,
    scores: dict[str, int],
    remarks: str = "",
    submission_key: uuid.UUID | None = None,
) -> Evaluation:
    """Record one evaluation, scored on every criterion of ``evaluation_criteria.csv``; the
    rating follows ``ratings.csv``. Earlier evaluations stay (history). ``submission_key``:
    the form's one-time key (``lib.idempotency``)."""
    require_manager(actor, worker)
    same_worker = Evaluation.objects.filter(worker=worker)
    recorded = idempotency.earlier(same_worker, submission_key)
    if recorded is not None:
        return recorded
    if period_end < period_start:
        raise WorkforceError(_("Kỳ đánh giá: ngày kết thúc phải sau ngày bắt đầu."))
    if evaluator_body not in reference.evaluator_bodies():
        raise WorkforceError(_("Đơn vị đánh giá không có trong danh mục."))
    criteria = reference.evaluation_criteria()
    if set(scores) != set(criteria):
        raise WorkforceError(_("Cần chấm điểm đủ các tiêu chí."))
    for code, score in scores.items():
        if not 0 <= score <= criteria[code].max_score:
            raise WorkforceError(
                _("Điểm «%(criterion)s» phải từ 0 đến %(max)d.")
                % {"criterion": criteria[code].name, "max": criteria[code].max_score}
            )
    total = sum(scores.values())
    maximum = sum(c.max_score for c in criteria.values())

    def create(key: uuid.UUID | None) -> Evaluation:
        return Evaluation.objects.create(
            submission_key=key,
            worker=worker,
            province_id=worker.province_id,
            commune_id=worker.commune_id,
            period_start=period_start,
            period_end=period_end,
            evaluator_body=evaluator_body,
            evaluated_by=user_or_none(actor),
            total=total,
            max_total=maximum,
            rating=reference.rating_for(total, maximum),
            remarks=remarks.strip(),
        )

    evaluation = idempotency.create_once(same_worker, submission_key, create)
    if idempotency.replayed(evaluation):
        return evaluation
    EvaluationScore.objects.bulk_create(
        EvaluationScore(
            evaluation=evaluation,
            criterion=code,
            score=scores[code],
            max_score=criteria[code].max_score,
        )
        for code in criteria
    )
    audit.record(
        actor=actor,
        action="workforce.evaluation_recorded",
        obj=evaluation,
        after={
            **audit.snapshot(
                evaluation,
                ["worker_id", "period_start", "period_end", "evaluator_body", "total", "rating"],
            ),
            "scores": scores,
        },
    )
    return evaluation
