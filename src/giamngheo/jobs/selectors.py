"""Reads of jobs, scoped: a user sees the jobs they started; system administrators see all."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer, acting_user
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.jobs.models import Job


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
