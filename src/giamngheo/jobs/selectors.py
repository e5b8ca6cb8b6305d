"""Reads of jobs, scoped: a user sees the jobs they started; system administrators see all."""

from __future__ import annotations

from django.db.models import Count, Min, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer, acting_user
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.jobs.models import Job, JobStatus


def jobs_visible_to(user: Viewer) -> QuerySet[Job]:
    jobs = Job.objects.select_related("created_by")
    author = acting_user(user)
    if author is None:
        return jobs.none()
    if access.is_system_admin(author):
        return jobs
    return jobs.filter(created_by=author)


def job_for(user: Viewer, pk: int, *, kinds: tuple[str, ...] = ()) -> Job:
    """The job if the user may see it (and it is of one of ``kinds``, if given), else 404."""
    jobs = jobs_visible_to(user)
    if kinds:
        jobs = jobs.filter(kind__in=kinds)
    job = jobs.filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


def filing_area(user: Viewer) -> tuple[AdministrativeUnit | None, AdministrativeUnit | None]:
    """The province and commune a user's job is filed under (their home unit; none for an
    administrator): the imports' jobs (households, survey results) use it."""
    home = access.home_unit(user)
    if home is None:
        return None, None
    if home.level == Level.PROVINCE:
        return home, None
    return home.province, home if home.level == Level.COMMUNE else home.parent


def queue_state() -> dict[str, int]:
    """For monitoring (``/readyz``): how many jobs wait and run, and the age in seconds of the
    oldest waiting one (0 when none waits). One query on the status index."""
    row = Job.objects.aggregate(
        queued=Count("pk", filter=Q(status=JobStatus.QUEUED)),
        running=Count("pk", filter=Q(status=JobStatus.RUNNING)),
        oldest=Min("created_at", filter=Q(status=JobStatus.QUEUED)),
    )
    oldest = row["oldest"]
    waited = (timezone.now() - oldest).total_seconds() if oldest is not None else 0.0
    return {
        "queued": row["queued"],
        "running": row["running"],
        "oldest_queued_seconds": int(waited),
    }
