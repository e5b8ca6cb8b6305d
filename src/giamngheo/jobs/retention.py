"""Retention of job files: uploads and exports in ``<var>/jobs`` are deleted after
``FILE_RETENTION_DAYS`` days (0 keeps them for ever).

They hold ID and phone numbers of the registry's households, copied out of the database (an
uploaded spreadsheet, an export, an error report); the database keeps the record, so the
copies need not outlive their use. The worker enqueues the job ``jobs.purge_files`` once an
hour; ``giamngheo purge_files`` runs the same purge at once. Each run writes one audit event
with its counts.

Never deleted: files of jobs still queued or running (their job directory and every file
their parameters name), and anything outside the jobs directory, in particular the signed
minutes scans of the review process (``MEDIA_ROOT/review/minutes``), which are legal records
kept with the round (Decision 24/2021/QĐ-TTg).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giamngheo.accounts.types import Actor
from giamngheo.jobs import files
from giamngheo.jobs.kinds import job_kind
from giamngheo.jobs.models import Job, JobStatus

PURGE_JOB: Final = "jobs.purge_files"
PURGE_EVERY = dt.timedelta(hours=1)
# How often a running worker checks whether a purge is due.
SCHEDULE_CHECK_SECONDS = 600.0
# Serialises schedule_purge between workers (below the job lock keys of worker.LOCK_BASE).
_SCHEDULE_LOCK = (1 << 40) - 1
_UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING)


@dataclass
class PurgeReport:
    retention_days: int
    cutoff: str
    files_deleted: int = 0
    bytes_deleted: int = 0
    directories_removed: int = 0
    files_kept_in_use: int = 0
    outputs_detached: int = 0
    dry_run: bool = False

    def headline(self) -> str:
        from giamngheo.lib.formatting import format_number

        values = {
            "files": format_number(self.files_deleted),
            "megabytes": format_number(self.bytes_deleted / 1_000_000, 1),
            "days": self.retention_days,
            "kept": format_number(self.files_kept_in_use),
        }
        if self.dry_run:
            return (
                _(
                    "Sẽ xoá %(files)s tệp (%(megabytes)s MB) lưu quá %(days)s ngày; giữ "
                    "%(kept)s tệp của công việc chưa xong."
                )
                % values
            )
        return (
            _(
                "Đã xoá %(files)s tệp (%(megabytes)s MB) lưu quá %(days)s ngày; giữ %(kept)s "
                "tệp của công việc chưa xong."
            )
            % values
        )


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _in_use(root: Path) -> list[Path]:
    """Paths (resolved) of queued and running jobs: their directories and named files."""
    protected: list[Path] = []

    def strings(value: Any) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            return [s for v in value.values() for s in strings(v)]
        if isinstance(value, list):
            return [s for v in value for s in strings(v)]
        return []

    for job_id, parameters, outputs in Job.objects.filter(status__in=_UNFINISHED).values_list(
        "id", "parameters", "outputs"
    ):
        protected.append((root / str(job_id)).resolve())
        for value in strings(parameters) + strings(outputs):
            try:
                path = files.resolve(value)
            except (ValueError, OSError):
                continue  # not a path of the jobs directory
            # An upload lives alone in its random folder: keep the folder.
            protected.append(path.parent if path.parent != root else path)
    return protected


def purge_files(
    *,
    actor: Actor = None,
    days: int | None = None,
    now: dt.datetime | None = None,
    dry_run: bool = False,
) -> PurgeReport:
    """Delete the job files older than ``days`` (default ``FILE_RETENTION_DAYS``) and write
    one audit event. Download links of finished jobs whose files are gone are removed."""
    from giamngheo.audit import services as audit

    days = int(settings.FILE_RETENTION_DAYS if days is None else days)
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=days)
    report = PurgeReport(retention_days=days, cutoff=cutoff.isoformat(), dry_run=dry_run)
    if days <= 0:
        return report
    root = files.jobs_dir().resolve()
    if not root.is_dir():
        root.mkdir(parents=True, exist_ok=True)
    legal = Path(settings.MEDIA_ROOT).resolve()
    protected = _in_use(root)
    limit = cutoff.timestamp()
    deleted: set[str] = set()
    touched: set[Path] = set()
    for folder, dirnames, filenames in os.walk(root):
        here = Path(folder)
        if _inside(here, legal):
            dirnames[:] = []  # legal records, whatever the configuration
            continue
        if any(_inside(here, p) for p in protected):
            report.files_kept_in_use += len(filenames)
            continue
        for name in filenames:
            path = here / name
            if path in protected:
                report.files_kept_in_use += 1
                continue
            try:
                stat = path.lstat()
            except FileNotFoundError:
                continue
            if stat.st_mtime >= limit:
                continue
            report.files_deleted += 1
            report.bytes_deleted += stat.st_size
            deleted.add(str(path.relative_to(root)))
            touched.add(here)
            if not dry_run:
                path.unlink(missing_ok=True)
    if not dry_run:
        report.directories_removed = _remove_empty(root, touched, protected, limit)
        report.outputs_detached = _detach_outputs(deleted)
        with transaction.atomic():
            audit.record_bulk(
                actor=actor,
                action="jobs.files_purged",
                object_type="jobs.files",
                object_id=now.strftime("%Y%m%dT%H%M%S"),
                summary=asdict(report),
                note=_("Xoá tệp tải lên và tệp kết quả lưu quá %(days)s ngày.") % {"days": days},
            )
    return report


def _remove_empty(root: Path, touched: set[Path], protected: list[Path], limit: float) -> int:
    """Remove folders emptied by this run, and empty folders older than the cutoff."""
    removed = 0
    for folder, _dirnames, _filenames in os.walk(root, topdown=False):
        here = Path(folder)
        if here == root or here == root / "uploads":
            continue
        if any(_inside(here, p) or _inside(p, here) for p in protected):
            continue
        try:
            if any(here.iterdir()):
                continue
            if here not in touched and here.stat().st_mtime >= limit:
                continue
            here.rmdir()
        except OSError:
            continue
        removed += 1
        touched.add(here.parent)
    return removed


def _detach_outputs(deleted: set[str]) -> int:
    """Drop the output entries naming deleted files, so job pages offer no dead links."""
    if not deleted:
        return 0
    detached = 0
    jobs = Job.objects.exclude(outputs={}).exclude(status__in=_UNFINISHED)
    for job_id, outputs in jobs.values_list("id", "outputs").iterator():
        kept = {k: v for k, v in (outputs or {}).items() if v not in deleted}
        if len(kept) != len(outputs or {}):
            detached += len(outputs) - len(kept)
            Job.objects.filter(pk=job_id).update(outputs=kept)
    return detached


def schedule_purge(now: dt.datetime | None = None) -> Job | None:
    """Enqueue the purge job unless one ran or waits within the last hour (several workers
    may call this; an advisory lock makes it one decision)."""
    from giamngheo.jobs import services

    if int(settings.FILE_RETENTION_DAYS) <= 0:
        return None
    now = now or timezone.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SCHEDULE_LOCK])
        purges = Job.objects.filter(kind=PURGE_JOB)
        if purges.filter(created_at__gte=now - PURGE_EVERY).exists():
            return None
        if purges.filter(status__in=_UNFINISHED).exists():
            return None
        return services.job_enqueue(actor=None, kind=PURGE_JOB, parameters={})


@job_kind(PURGE_JOB, label=gettext_lazy("Xoá tệp quá thời hạn lưu"))
def purge_job(context: Any) -> dict[str, Any]:
    report = purge_files(actor=context.actor)
    context.final_message = report.headline()
    return asdict(report)
