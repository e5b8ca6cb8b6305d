"""Writes on jobs: enqueue and cancel. (Progress and outcomes are written by the worker.)

Jobs are not audited here: a job row is itself the record of who asked for what and when, and
the job bodies write the audit events of the data they change (an import, an export).
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.types import Actor, acting_user
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.jobs import kinds
from giamngheo.jobs.models import Job, JobStatus
from giamngheo.jobs.rows import LOCK_BASE, clean_json, clean_text
from giamngheo.lib.errors import DomainError


class JobError(DomainError):
    """A refused job operation; the message is for the user (Vietnamese)."""


def job_enqueue(
    *,
    actor: Actor,
    kind: str,
    parameters: dict[str, Any] | None = None,
    province: AdministrativeUnit | None = None,
    commune: AdministrativeUnit | None = None,
    message: str = "",
) -> Job:
    kinds.get_kind(kind)  # unknown kinds fail here, not later in the worker
    # Cleaned of NUL characters (jsonb and text refuse them), e.g. in an uploaded file's name.
    return Job.objects.create(
        kind=kind,
        parameters=clean_json(parameters or {}),
        created_by=acting_user(actor),
        province=province,
        commune=commune,
        message=clean_text(message or _("Đang chờ xử lý…"), 500),
    )


def _worker_alive(job_id: int) -> bool:
    """Whether a worker holds the job's advisory lock (see worker.py). This connection never
    holds job locks itself, so a successful try means nobody does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_BASE + job_id])
        if not cursor.fetchone()[0]:
            return True
        cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_BASE + job_id])
    return False


@transaction.atomic
def job_cancel(*, actor: Actor, job: Job) -> Job:
    """A queued job is cancelled at once; a running one at its next progress report, or
    killed by its worker after ``JOB_CANCEL_GRACE_SECONDS`` (see worker.py)."""
    locked = Job.objects.select_for_update().get(pk=job.pk)
    if locked.status == JobStatus.QUEUED:
        locked.status = JobStatus.CANCELLED
        locked.finished_at = timezone.now()
        locked.message = _("Đã hủy theo yêu cầu.")
        locked.save(update_fields=["status", "finished_at", "message", "updated_at"])
    elif locked.status == JobStatus.RUNNING and not _worker_alive(locked.pk):
        # Nothing runs it any more (its worker died): cancelled now, not "cancelling" for ever.
        locked.status = JobStatus.CANCELLED
        locked.finished_at = timezone.now()
        locked.message = _("Đã hủy theo yêu cầu.")
        locked.error = "cancelled while no worker held the job (worker lost)"
        locked.save(update_fields=["status", "finished_at", "message", "error", "updated_at"])
    elif locked.status == JobStatus.RUNNING:
        locked.cancel_requested = True
        locked.message = _("Đang hủy…")
        locked.save(update_fields=["cancel_requested", "message", "updated_at"])
    else:
        raise JobError(_("Công việc đã kết thúc, không thể hủy."))
    return locked
