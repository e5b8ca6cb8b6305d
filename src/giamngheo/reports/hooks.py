"""What the reports do when another app acts: the review's recognition decision refreshes the
commune's figures for the decision's year, through a job enqueued once the decision's
transaction commits (a queued refresh of the same area and year is not enqueued twice)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from giamngheo.jobs import services as job_services
from giamngheo.jobs.models import Job, JobStatus
from giamngheo.reports.jobs import REFRESH_JOB


def enqueue_refresh(*, actor: Any, area_code: str, year: int, province: Any, commune: Any) -> Job:
    """The refresh job of ``area_code`` and ``year``: the queued one if there is one."""
    parameters = {"area_code": area_code, "year": year}
    queued = Job.objects.filter(
        kind=REFRESH_JOB, status=JobStatus.QUEUED, parameters=parameters
    ).first()
    if queued is not None:
        return queued
    return job_services.job_enqueue(
        actor=actor,
        kind=REFRESH_JOB,
        parameters=parameters,
        province=province,
        commune=commune,
    )


def on_decision_recorded(sender: Any, *, decision: Any, actor: Any = None, **_kwargs: Any) -> None:
    commune = decision.commune
    year = decision.year

    def enqueue() -> None:
        enqueue_refresh(
            actor=actor,
            area_code=commune.code,
            year=year,
            province=commune.province,
            commune=commune,
        )

    transaction.on_commit(enqueue)
