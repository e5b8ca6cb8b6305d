"""The review's decision refreshes the commune's figures: signal → job (on commit) → rows."""

from __future__ import annotations

import pytest

from giamngheo.jobs.models import Job
from giamngheo.reports import services
from giamngheo.reports.models import AreaFigures
from tests.reports.conftest import YEAR, run_job
from tests.review.conftest import ReviewWorld
from tests.review.helpers import decided_round

pytestmark = pytest.mark.django_db


def test_a_decision_enqueues_the_refresh_whose_job_writes_the_figures(
    review_world: ReviewWorld, django_capture_on_commit_callbacks: object
) -> None:
    w = review_world.world
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        _round, decision = decided_round(review_world)
    job = Job.objects.get(kind="reports.refresh")
    assert job.parameters == {"area_code": w.commune_a.code, "year": YEAR}
    assert job.commune_id == w.commune_a.pk and job.created_by == w.xa_a
    assert not AreaFigures.objects.exists()  # not before the job runs
    result = run_job(job)
    assert result is not None and result["area"] == w.commune_a.code
    commune = AreaFigures.objects.get(unit=w.commune_a, year=YEAR)
    decided = decision.entries.filter(status_after="poor").count()
    assert commune.values["poor"] >= decided == 2
    assert AreaFigures.objects.filter(unit=w.province, year=YEAR).exists()
    assert not AreaFigures.objects.filter(commune=w.commune_b).exists()


def test_no_job_without_a_commit(review_world: ReviewWorld) -> None:
    decided_round(review_world)  # the test's transaction never commits
    assert not Job.objects.filter(kind="reports.refresh").exists()


def test_no_job_when_the_figures_were_refreshed_after_the_decision(
    review_world: ReviewWorld, django_capture_on_commit_callbacks: object
) -> None:
    w = review_world.world
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        decided_round(review_world)
        services.figures_refresh(actor=None, area=w.province, year=YEAR)
    assert not Job.objects.filter(kind="reports.refresh").exists()
