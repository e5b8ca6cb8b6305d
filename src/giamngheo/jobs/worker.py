"""Running jobs: claim the next queued job, run its kind, record progress and the outcome.

Bookkeeping (claim, progress, outcome) goes through a connection of its own, separate from the
Django connection the job body uses. Two reasons:

- a job body may run a long transaction (an import writes everything or nothing): progress
  written on the same connection would stay invisible to the status page until the commit;
- the bookkeeping session holds a PostgreSQL advisory lock on the running job. If the worker
  process dies, its connection dies and the lock is released, so :func:`recover_stale_jobs`
  recognises a crashed job exactly (no timeout to guess), on any machine.

Entry points: :func:`run_next_job` (one step, used by tests and ``giamngheo worker --once``),
:func:`run_worker` (the loop of ``giamngheo worker``) and :func:`start_background_worker` (a
thread inside ``giamngheo serve``).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import close_old_connections, connection, connections
from django.utils.translation import gettext as _

from giamngheo.jobs import files, kinds
from giamngheo.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)

# Advisory lock keys of running jobs: job id + this base. hashtext() keys used elsewhere in the
# project are 32-bit, so they never collide with keys at or above 2^40.
LOCK_BASE = 1 << 40
# At most this often a progress report reaches the database (the page polls every second).
PROGRESS_INTERVAL_SECONDS = 0.25
DEFAULT_POLL_SECONDS = 1.0


class JobCancelledError(Exception):
    """Raised inside a job body when its user asked to cancel it."""


class JobFailure(Exception):
    """A job stops with a message for the user (Vietnamese), without a traceback."""


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"


def _json(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


class _Bookkeeper:
    """A dedicated autocommit connection for the job table (see the module docstring)."""

    def __init__(self) -> None:
        # psycopg.connect with Django's parameters (not get_new_connection, which would also
        # reset state on Django's own connection wrapper).
        import psycopg

        self.conn: Any = psycopg.connect(**connection.get_connection_params())
        self.conn.autocommit = True
        self.table = connection.ops.quote_name(Job._meta.db_table)

    def close(self) -> None:
        try:
            self.conn.close()
        except Exception:
            logger.debug("closing the job bookkeeping connection failed", exc_info=True)

    @property
    def usable(self) -> bool:
        return not self.conn.closed and not self.conn.broken

    def claim(self, worker_id: str) -> int | None:
        with self.conn.transaction():
            row = self.conn.execute(
                f"SELECT id FROM {self.table} WHERE status = %s "  # noqa: S608 - model table
                "ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED",
                [JobStatus.QUEUED.value],
            ).fetchone()
            if row is None:
                return None
            job_id = int(row[0])
            # Taken before the commit that makes the job "running": whoever sees it running
            # also sees it locked, until this session ends.
            self.conn.execute("SELECT pg_advisory_lock(%s)", [LOCK_BASE + job_id])
            self.conn.execute(
                f"UPDATE {self.table} SET status = %s, started_at = now(), "  # noqa: S608
                "updated_at = now(), worker = %s, message = %s WHERE id = %s",
                [JobStatus.RUNNING.value, worker_id[:200], _("Đang xử lý…"), job_id],
            )
        return job_id

    def progress(self, job_id: int, done: int, total: int, message: str | None) -> bool:
        """Record progress; returns whether the user asked to cancel."""
        row = self.conn.execute(
            f"UPDATE {self.table} SET progress_done = %s, progress_total = %s, "  # noqa: S608
            "message = COALESCE(%s, message), updated_at = now() WHERE id = %s "
            "RETURNING cancel_requested",
            [max(done, 0), max(total, 0), message[:500] if message else None, job_id],
        ).fetchone()
        return bool(row and row[0])

    def finish(
        self,
        job_id: int,
        status: JobStatus,
        *,
        message: str,
        result: dict[str, Any] | None = None,
        error: str = "",
        outputs: dict[str, str] | None = None,
    ) -> None:
        try:
            self.conn.execute(
                f"UPDATE {self.table} SET status = %s, message = %s, "  # noqa: S608
                "result = %s::jsonb, error = %s, "
                "outputs = outputs || %s::jsonb, finished_at = now(), updated_at = now(), "
                "progress_done = CASE WHEN %s THEN GREATEST(progress_total, 1) "
                "ELSE progress_done END, "
                "progress_total = CASE WHEN %s THEN GREATEST(progress_total, 1) "
                "ELSE progress_total END "
                "WHERE id = %s",
                [
                    status.value,
                    message[:500],
                    _json(result) if result is not None else None,
                    error,
                    _json(outputs or {}),
                    status == JobStatus.SUCCEEDED,
                    status == JobStatus.SUCCEEDED,
                    job_id,
                ],
            )
        finally:
            self.conn.execute("SELECT pg_advisory_unlock(%s)", [LOCK_BASE + job_id])

    def recover_stale(self) -> list[int]:
        """Mark failed the running jobs whose worker is gone (their advisory lock is free).

        Must run on a session that holds no job lock itself: advisory locks are re-entrant,
        so a session would "acquire" the lock of its own running job.
        """
        running = [
            int(row[0])
            for row in self.conn.execute(
                f"SELECT id FROM {self.table} WHERE status = %s ORDER BY id",  # noqa: S608
                [JobStatus.RUNNING.value],
            ).fetchall()
        ]
        recovered: list[int] = []
        message = _(
            "Công việc bị dừng giữa chừng vì chương trình xử lý đã tắt hoặc gặp sự cố. "
            "Dữ liệu không bị thay đổi dở dang; hãy chạy lại."
        )
        for job_id in running:
            key = LOCK_BASE + job_id
            acquired = self.conn.execute("SELECT pg_try_advisory_lock(%s)", [key]).fetchone()[0]
            if not acquired:
                continue  # its worker is alive
            try:
                cursor = self.conn.execute(
                    f"UPDATE {self.table} SET status = %s, message = %s, "  # noqa: S608
                    "error = %s, finished_at = now(), updated_at = now() "
                    "WHERE id = %s AND status = %s",
                    [
                        JobStatus.FAILED.value,
                        message[:500],
                        "worker lost (advisory lock free while status was running)",
                        job_id,
                        JobStatus.RUNNING.value,
                    ],
                )
                if cursor.rowcount:
                    recovered.append(job_id)
            finally:
                self.conn.execute("SELECT pg_advisory_unlock(%s)", [key])
        return recovered


@dataclass
class JobContext:
    """What a job body gets: its job row, progress reporting and output files."""

    job: Job
    _book: _Bookkeeper
    outputs: dict[str, str] = field(default_factory=dict)
    final_message: str | None = None
    _last_write: float = 0.0
    _last_message: str | None = None

    @property
    def actor(self) -> Any:
        return self.job.created_by

    @property
    def parameters(self) -> dict[str, Any]:
        return dict(self.job.parameters or {})

    def progress(self, done: int, total: int, message: str | None = None) -> None:
        """Report progress. Written at most every 0.25 s unless the message changes or the
        step is complete; raises :class:`JobCancelledError` when a cancel was requested."""
        now = time.monotonic()
        changed = message is not None and message != self._last_message
        if not changed and done < total and now - self._last_write < PROGRESS_INTERVAL_SECONDS:
            return
        self._last_write = now
        if message is not None:
            self._last_message = message
        if self._book.progress(self.job.pk, done, total, message):
            raise JobCancelledError

    def output_path(self, name: str, filename: str) -> Path:
        """A path for an output file, registered on the job under ``name``."""
        path = files.job_dir(self.job.pk) / files.safe_name(filename)
        self.outputs[name] = files.relative(path)
        return path


def _run_claimed(book: _Bookkeeper, job_id: int) -> Job:
    close_old_connections()
    job = Job.objects.select_related("created_by").get(pk=job_id)
    context = JobContext(job, book)
    try:
        kind = kinds.get_kind(job.kind)
        result = kind.function(context)
    except JobCancelledError:
        book.finish(
            job_id,
            JobStatus.CANCELLED,
            message=_("Đã hủy theo yêu cầu."),
            outputs=context.outputs,
        )
    except JobFailure as failure:
        book.finish(
            job_id,
            JobStatus.FAILED,
            message=str(failure),
            error=str(failure),
            outputs=context.outputs,
        )
    except kinds.UnknownJobKindError:
        book.finish(
            job_id,
            JobStatus.FAILED,
            message=_("Không có loại công việc “%(kind)s”.") % {"kind": job.kind},
            error=f"unknown job kind {job.kind!r}",
        )
    except Exception as error:
        logger.exception("job %s (%s) failed", job_id, job.kind)
        book.finish(
            job_id,
            JobStatus.FAILED,
            message=_("Công việc gặp lỗi: %(error)s") % {"error": str(error)[:300]},
            error=traceback.format_exc(),
            outputs=context.outputs,
        )
    else:
        book.finish(
            job_id,
            JobStatus.SUCCEEDED,
            message=context.final_message or _("Hoàn tất."),
            result=result,
            outputs=context.outputs,
        )
    finally:
        close_old_connections()
    return Job.objects.get(pk=job_id)


def run_next_job(*, worker_id: str | None = None, _book: _Bookkeeper | None = None) -> Job | None:
    """Claim the oldest queued job and run it to the end. Returns the finished job, or None
    when the queue is empty."""
    book = _book or _Bookkeeper()
    try:
        job_id = book.claim(worker_id or default_worker_id())
        if job_id is None:
            return None
        return _run_claimed(book, job_id)
    finally:
        if _book is None:
            book.close()


def recover_stale_jobs() -> list[int]:
    """Mark failed, with a message, the jobs left running by a worker that is gone."""
    book = _Bookkeeper()
    try:
        recovered = book.recover_stale()
    finally:
        book.close()
    if recovered:
        logger.warning("marked %d interrupted job(s) as failed: %s", len(recovered), recovered)
    return recovered


def run_worker(
    *,
    once: bool = False,
    poll_seconds: float = DEFAULT_POLL_SECONDS,
    stop: threading.Event | None = None,
    worker_id: str | None = None,
    on_job: Callable[[Job], None] | None = None,
    recover: bool = True,
) -> int:
    """Run jobs until stopped (or, with ``once``, until the queue is empty). Stale jobs are
    recovered first (unless the caller did). Returns the number of jobs run."""
    kinds.discover()
    if recover:
        recover_stale_jobs()
    stop = stop or threading.Event()
    worker_id = worker_id or default_worker_id()
    count = 0
    book: _Bookkeeper | None = None
    while not stop.is_set():
        try:
            if book is None or not book.usable:
                book = _Bookkeeper()
            job = run_next_job(worker_id=worker_id, _book=book)
        except Exception:
            logger.exception("job worker step failed; retrying in %s s", poll_seconds)
            if book is not None:
                book.close()
                book = None
            if once:
                raise
            stop.wait(max(poll_seconds, 5.0))
            continue
        if job is not None:
            count += 1
            if on_job is not None:
                on_job(job)
            continue
        if once:
            break
        stop.wait(poll_seconds)
    if book is not None:
        book.close()
    return count


class BackgroundWorker:
    """A daemon thread running :func:`run_worker` inside another process (``serve``)."""

    def __init__(self, poll_seconds: float = DEFAULT_POLL_SECONDS) -> None:
        self.stop_event = threading.Event()
        self.poll_seconds = poll_seconds
        self.thread = threading.Thread(target=self._run, name="giamngheo-jobs", daemon=True)

    def _run(self) -> None:
        try:
            run_worker(poll_seconds=self.poll_seconds, stop=self.stop_event)
        except Exception:
            logger.exception("the background job worker stopped")
        finally:
            connections.close_all()

    def start(self) -> None:
        self.thread.start()

    def stop(self, timeout: float | None = 10.0) -> None:
        self.stop_event.set()
        self.thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self.thread.is_alive()


_background: BackgroundWorker | None = None
_background_lock = threading.Lock()


def start_background_worker(
    *, poll_seconds: float = DEFAULT_POLL_SECONDS
) -> BackgroundWorker | None:
    """Start the in-process worker thread once per process (``giamngheo serve`` calls this
    after ``django.setup()``). ``GIAMNGHEO_BACKGROUND_WORKER=0`` disables it, for deployments
    that run ``giamngheo worker`` as separate processes instead."""
    global _background
    if os.environ.get("GIAMNGHEO_BACKGROUND_WORKER", "1").strip() == "0":
        return None
    with _background_lock:
        if _background is None or not _background.alive:
            _background = BackgroundWorker(poll_seconds)
            _background.start()
        return _background
