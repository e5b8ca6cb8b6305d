"""Reads of jobs, scoped: a user sees the jobs they started; system administrators see all."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from giamngheo.accounts import access
from giamngheo.jobs.models import Job


def jobs_visible_to(user: Any) -> QuerySet[Job]:
    jobs = Job.objects.select_related("created_by")
    if not getattr(user, "is_authenticated", False):
        return jobs.none()
    if access.is_system_admin(user):
        return jobs
    return jobs.filter(created_by=user)


def job_for(user: Any, pk: int, *, kinds: tuple[str, ...] = ()) -> Job:
    """The job if the user may see it (and it is of one of ``kinds``, if given), else 404."""
    jobs = jobs_visible_to(user)
    if kinds:
        jobs = jobs.filter(kind__in=kinds)
    job = jobs.filter(pk=pk).first()
    if job is None:
        raise Http404
    return job
