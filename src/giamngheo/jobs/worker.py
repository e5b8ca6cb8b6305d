"""Running jobs: claim the next queued job, run its body in a process of its own, record
progress and the outcome. No job stays "running" once nothing runs it.

Processes (``giamngheo serve`` starts the worker by default, see ``supervisor.py``)::

    serve (web, no limit) ──supervises──▶ worker (bookkeeping) ──one per job──▶ job runner
                                          holds the job's lock               memory-limited

- **One process per job.** The worker claims a job, then starts ``python -m
  giamngheo.jobs.runner`` (fork-exec, not a bare fork: the worker may have imported Polars,
  whose thread pool does not survive ``fork()``; a fresh interpreter costs ~1 s per job). The
  runner sets ``RLIMIT_DATA`` to ``JOB_MEMORY_LIMIT_MB`` before importing anything, so a
  hostile file that makes a reader allocate without bound ends in a ``MemoryError`` or an
  abort of that runner only; the web server and the worker never carry the limit, and the
  worker survives to record what happened (a limit on the worker alone would take its
  bookkeeping down with the job). Why ``RLIMIT_DATA``: see ``runner.limit_memory``. The
  runner dies with the worker (``PR_SET_PDEATHSIG``).
- **The worker watches.** While the runner lives the worker writes ``heartbeat_at`` every
  ``JOB_HEARTBEAT_SECONDS`` and reads ``cancel_requested``. A runner that exits without
  recording an outcome (killed, out of memory, segfault, its own write refused) leaves the
  row "running"; the worker then marks it failed with a message, its exit status, peak memory
  and the tail of its stderr, and takes the next job. A cancel request is honoured by the
  runner at its next progress report, else the worker kills it after
  ``JOB_CANCEL_GRACE_SECONDS``; a runner past ``JOB_TIMEOUT_SECONDS`` is killed too. Imports
  write in one transaction, so a killed runner leaves no half-written data.
- **Crashed workers.** Bookkeeping goes through a connection of its own (progress stays
  visible while a job body holds a long transaction), which holds a PostgreSQL advisory lock
  on the running job. If the worker dies, its session ends and the lock is released, so
  :func:`recover_stale_jobs` (at start and every minute) recognises the job exactly, on any
  machine; a job whose heartbeat is older than ``JOB_HEARTBEAT_TIMEOUT_SECONDS`` (a hung
  worker) is marked failed as well.
- **Writes that cannot fail.** Texts and JSON written to the job row are cleaned of NUL
  characters (PostgreSQL refuses them: a NUL byte in an uploaded CSV used to end in an error
  message that could not be stored, leaving the job running for ever), and every outcome
  write is conditional on the job still running, so a late writer never overwrites a
  recorded outcome.

``JOB_ISOLATION = False`` runs job bodies inside the worker process instead (debugging).

Entry points: :func:`run_next_job` (one step, used by tests and ``giamngheo worker --once``),
:func:`run_worker` (the loop of ``giamngheo worker``), :class:`BackgroundWorker` (the loop in
a thread, for tests and embedding).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import close_old_connections, connection, connections
from django.utils.translation import gettext as _

from giamngheo.jobs import files, kinds, retention

# Job bodies and tests may import these from here too: they are the worker's vocabulary.
from giamngheo.jobs.context import JobCancelledError, JobContext, JobFailure
from giamngheo.jobs.models import Job, JobStatus
from giamngheo.jobs.rows import LOCK_BASE, clean_json, clean_text

logger = logging.getLogger(__name__)

# At most this often a progress report reaches the database (the page polls every second).
DEFAULT_POLL_SECONDS = 1.0
# How often a long-running worker looks for jobs left running by a dead or hung worker.
RECOVER_INTERVAL_SECONDS = 60.0
# How often the supervising worker checks whether its job process has ended.
WAIT_STEP_SECONDS = 0.05
# Exit status of a runner whose outcome could not be written (the worker records it).
RUNNER_OUTCOME_NOT_WRITTEN = 3
STDERR_TAIL_CHARS = 4000


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"


def _json(value: Any) -> str:
    # Through DjangoJSONEncoder first (dates, decimals), then cleaned.
    plain = json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))
    return json.dumps(clean_json(plain), ensure_ascii=False)


def _stale_message() -> str:
    return _(
        "Công việc bị dừng giữa chừng vì chương trình xử lý đã tắt hoặc gặp sự cố. "
        "Dữ liệu không bị thay đổi dở dang; hãy chạy lại."
    )


class _Bookkeeper:
    """A dedicated autocommit connection for the job table (see the module docstring)."""

    def __init__(self) -> None:
        # psycopg.connect with Django's parameters (not get_new_connection, which would also
        # reset state on Django's own connection wrapper).

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
                "updated_at = now(), heartbeat_at = now(), worker = %s, message = %s "
                "WHERE id = %s",
                [JobStatus.RUNNING.value, clean_text(worker_id, 200), _("Đang xử lý…"), job_id],
            )
        return job_id

    def release(self, job_id: int) -> None:
        self.conn.execute("SELECT pg_advisory_unlock(%s)", [LOCK_BASE + job_id])

    def progress(self, job_id: int, done: int, total: int, message: str | None) -> bool:
        """Record progress; returns whether the job should stop (cancel requested, or its
        outcome already recorded by someone else)."""
        row = self.conn.execute(
            f"UPDATE {self.table} SET progress_done = %s, progress_total = %s, "  # noqa: S608
            "message = CASE WHEN status = %s THEN COALESCE(%s, message) ELSE message END, "
            "updated_at = now(), heartbeat_at = now() WHERE id = %s "
            "RETURNING cancel_requested, status",
            [
                max(done, 0),
                max(total, 0),
                JobStatus.RUNNING.value,
                clean_text(message, 500) if message else None,
                job_id,
            ],
        ).fetchone()
        return row is None or bool(row[0]) or row[1] != JobStatus.RUNNING.value

    def heartbeat(self, job_id: int, process_id: int | None = None) -> tuple[bool, bool]:
        """Mark the job alive; returns (cancel requested, still running)."""
        row = self.conn.execute(
            f"UPDATE {self.table} SET heartbeat_at = now(), "  # noqa: S608
            "process_id = COALESCE(%s, process_id) WHERE id = %s AND status = %s "
            "RETURNING cancel_requested",
            [process_id, job_id, JobStatus.RUNNING.value],
        ).fetchone()
        if row is None:
            return False, False
        return bool(row[0]), True

    def record_process(self, job_id: int, peak_memory_kb: int | None) -> None:
        self.conn.execute(
            f"UPDATE {self.table} SET peak_memory_kb = %s WHERE id = %s",  # noqa: S608
            [peak_memory_kb, job_id],
        )

    def finish(
        self,
        job_id: int,
        status: JobStatus,
        *,
        message: str,
        result: dict[str, Any] | None = None,
        error: str = "",
        outputs: dict[str, str] | None = None,
    ) -> bool:
        """Record the outcome, if the job is still running (a recovery pass or the
        supervising worker may have recorded one already). Returns whether it did.

        If the full outcome is refused (a value the database cannot store), a plain failure
        is recorded instead: the job must not stay "running"."""
        succeeded = status == JobStatus.SUCCEEDED
        sql = (
            f"UPDATE {self.table} SET status = %s, message = %s, "  # noqa: S608
            "result = %s::jsonb, error = %s, "
            "outputs = outputs || %s::jsonb, finished_at = now(), updated_at = now(), "
            "progress_done = CASE WHEN %s THEN GREATEST(progress_total, 1) "
            "ELSE progress_done END, "
            "progress_total = CASE WHEN %s THEN GREATEST(progress_total, 1) "
            "ELSE progress_total END "
            "WHERE id = %s AND status = %s"
        )
        try:
            cursor = self.conn.execute(
                sql,
                [
                    status.value,
                    clean_text(message, 500),
                    _json(result) if result is not None else None,
                    clean_text(error),
                    _json(outputs or {}),
                    succeeded,
                    succeeded,
                    job_id,
                    JobStatus.RUNNING.value,
                ],
            )
        except Exception as refused:
            if not self.usable:
                raise
            logger.exception("job %s: the outcome could not be written", job_id)
            cursor = self.conn.execute(
                sql,
                [
                    JobStatus.FAILED.value,
                    _("Không ghi được kết quả của công việc; hãy chạy lại hoặc báo quản trị."),
                    None,
                    clean_text(f"outcome {status.value!r} refused: {refused!r}\n{error}"),
                    "{}",
                    False,
                    False,
                    job_id,
                    JobStatus.RUNNING.value,
                ],
            )
        return bool(cursor.rowcount)

    def recover_stale(self, heartbeat_timeout: float | None = None) -> list[int]:
        """Mark failed the running jobs whose worker is gone (their advisory lock is free) or
        silent (no heartbeat for ``heartbeat_timeout`` seconds).

        Must run on a session that holds no job lock itself: advisory locks are re-entrant,
        so a session would "acquire" the lock of its own running job.
        """
        if heartbeat_timeout is None:
            heartbeat_timeout = float(_setting("JOB_HEARTBEAT_TIMEOUT_SECONDS", 120))
        running = [
            (int(row[0]), bool(row[1]))
            for row in self.conn.execute(
                "SELECT id, COALESCE(heartbeat_at, updated_at) < now() - make_interval("  # noqa: S608
                f"secs => %s) FROM {self.table} WHERE status = %s ORDER BY id",
                [heartbeat_timeout, JobStatus.RUNNING.value],
            ).fetchall()
        ]
        recovered: list[int] = []
        for job_id, silent in running:
            key = LOCK_BASE + job_id
            acquired = self.conn.execute("SELECT pg_try_advisory_lock(%s)", [key]).fetchone()[0]
            if not acquired and not silent:
                continue  # its worker is alive and reporting
            reason = (
                "worker lost (advisory lock free while status was running)"
                if acquired
                else f"no heartbeat for more than {heartbeat_timeout:g} s"
            )
            try:
                cursor = self.conn.execute(
                    f"UPDATE {self.table} SET status = %s, message = %s, "  # noqa: S608
                    "error = %s, finished_at = now(), updated_at = now() "
                    "WHERE id = %s AND status = %s",
                    [
                        JobStatus.FAILED.value,
                        clean_text(_stale_message(), 500),
                        reason,
                        job_id,
                        JobStatus.RUNNING.value,
                    ],
                )
                if cursor.rowcount:
                    recovered.append(job_id)
            finally:
                if acquired:
                    self.release(job_id)
        return recovered


def _missing_job_file(error: FileNotFoundError) -> bool:
    """Whether the missing file is one of the jobs directory (purged after retention)."""
    name = getattr(error, "filename", None)
    if not name:
        return False
    try:
        return files.jobs_dir().resolve() in Path(name).resolve().parents
    except (OSError, ValueError):
        return False


def execute(book: _Bookkeeper, job: Job) -> bool:
    """Run the body of a claimed job and record its outcome through ``book``. Returns whether
    the outcome was written by this call (False: someone else had recorded one)."""
    context = JobContext(job, book)
    try:
        kind = kinds.get_kind(job.kind)
        result = kind.function(context)
    except JobCancelledError:
        return book.finish(
            job.pk, JobStatus.CANCELLED, message=_("Đã hủy theo yêu cầu."), outputs=context.outputs
        )
    except JobFailure as failure:
        return book.finish(
            job.pk,
            JobStatus.FAILED,
            message=str(failure),
            error=str(failure),
            outputs=context.outputs,
        )
    except kinds.UnknownJobKindError:
        return book.finish(
            job.pk,
            JobStatus.FAILED,
            message=_("Không có loại công việc “%(kind)s”.") % {"kind": job.kind},
            error=f"unknown job kind {job.kind!r}",
        )
    except MemoryError:
        return book.finish(
            job.pk,
            JobStatus.FAILED,
            message=_(
                "Công việc dừng vì vượt giới hạn bộ nhớ (%(limit)s MB). Tệp có thể quá lớn "
                "hoặc không đúng định dạng; dữ liệu không bị thay đổi."
            )
            % {"limit": _setting("JOB_MEMORY_LIMIT_MB", 0)},
            error=traceback.format_exc(),
            outputs=context.outputs,
        )
    except FileNotFoundError as missing:
        if not _missing_job_file(missing):
            raise
        return book.finish(
            job.pk,
            JobStatus.FAILED,
            message=_(
                "Tệp của công việc này không còn: tệp tải lên và tệp kết quả chỉ được giữ "
                "%(days)s ngày. Hãy tải tệp lên lại."
            )
            % {"days": _setting("FILE_RETENTION_DAYS", 0)},
            error=traceback.format_exc(),
            outputs=context.outputs,
        )
    except Exception as error:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        return book.finish(
            job.pk,
            JobStatus.FAILED,
            message=_("Công việc gặp lỗi: %(error)s") % {"error": str(error)[:300]},
            error=traceback.format_exc(),
            outputs=context.outputs,
        )
    return book.finish(
        job.pk,
        JobStatus.SUCCEEDED,
        message=context.final_message or _("Hoàn tất."),
        result=result,
        outputs=context.outputs,
    )


# -- in-process mode ---------------------------------------------------------------------------


class _HeartbeatThread(threading.Thread):
    """Heartbeats for a job body running in this process (its progress reports may be rare)."""

    def __init__(self, job_id: int, interval: float) -> None:
        super().__init__(name=f"giamngheo-job-{job_id}-heartbeat", daemon=True)
        self.job_id, self.interval = job_id, interval
        self.done = threading.Event()

    def run(self) -> None:
        book: _Bookkeeper | None = None
        try:
            book = _Bookkeeper()
            while not self.done.wait(self.interval):
                book.heartbeat(self.job_id, os.getpid())
        except Exception:
            logger.warning("job %s: heartbeat stopped", self.job_id, exc_info=True)
        finally:
            if book is not None:
                book.close()


def _run_in_process(book: _Bookkeeper, job_id: int) -> None:
    close_old_connections()
    heartbeat = _HeartbeatThread(job_id, float(_setting("JOB_HEARTBEAT_SECONDS", 2.0)))
    heartbeat.start()
    try:
        job = Job.objects.select_related("created_by").get(pk=job_id)
        execute(book, job)
    finally:
        heartbeat.done.set()
        close_old_connections()


# -- one process per job -------------------------------------------------------------------------


def _runner_payload(job_id: int, module: str) -> dict[str, Any]:
    """What the runner needs to work on the same database and files as this process (which
    may differ from the environment's: the test database, a test VAR_DIR)."""
    db = connection.settings_dict
    return {
        "job": job_id,
        "module": module,
        "parent_pid": os.getpid(),
        "memory_limit_mb": int(_setting("JOB_MEMORY_LIMIT_MB", 0)),
        "database": {
            key: db.get(key)
            for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")
            if db.get(key) is not None
        },
        "settings": {
            "VAR_DIR": str(settings.VAR_DIR),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "JOBS_DIR": str(files.jobs_dir()),
            "LANGUAGE_CODE": settings.LANGUAGE_CODE,
            "JOB_MEMORY_LIMIT_MB": int(_setting("JOB_MEMORY_LIMIT_MB", 0)),
            "FILE_RETENTION_DAYS": int(_setting("FILE_RETENTION_DAYS", 0)),
        },
    }


def _runner_environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "giamngheo.settings")
    env["GIAMNGHEO_VAR_DIR"] = str(settings.VAR_DIR)
    # The modules this process can import (a kind may live in a test module).
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    env.pop("GIAMNGHEO_WORKER_PARENT_PID", None)
    return env


def _describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"signal {-code} ({signal.Signals(-code).name})"
        except ValueError:
            return f"signal {-code}"
    return f"exit status {code}"


def _head_and_tail(stream: Any) -> str:
    """The start (the first error line, e.g. "memory allocation of … failed") and the end of
    what the runner wrote to stderr."""
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size <= STDERR_TAIL_CHARS:
        return str(stream.read().decode("utf-8", "replace"))
    head = stream.read(STDERR_TAIL_CHARS // 4).decode("utf-8", "replace")
    stream.seek(size - STDERR_TAIL_CHARS * 3 // 4)
    return f"{head}\n…\n{stream.read().decode('utf-8', 'replace')}"


@dataclass
class _Watch:
    """What the worker saw while a job process ran."""

    killed: str | None = None  # why the worker killed it: cancelled, timeout, stopped, gone
    cancel_seen: float | None = None
    outcome_seen: float | None = None  # when the row stopped being "running"


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGKILL)


def _supervise(
    book: _Bookkeeper, job_id: int, module: str, abort: threading.Event | None
) -> tuple[int, int | None, str, _Watch]:
    """Start the runner of ``job_id`` and watch it until it ends. Returns its exit code
    (negative: killed by that signal), peak memory in KB, stderr tail and what was seen."""
    heartbeat_every = float(_setting("JOB_HEARTBEAT_SECONDS", 2.0))
    grace = float(_setting("JOB_CANCEL_GRACE_SECONDS", 10.0))
    timeout = float(_setting("JOB_TIMEOUT_SECONDS", 4 * 3600))
    payload = json.dumps(_runner_payload(job_id, module)).encode()
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "giamngheo.jobs.runner"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env=_runner_environment(),
        )
        # If it died at once, its exit status tells why.
        with contextlib.suppress(BrokenPipeError):
            if process.stdin is not None:
                process.stdin.write(payload)
                process.stdin.close()
        started = time.monotonic()
        watch = _Watch()
        next_beat = started
        high_water_kb: int | None = None
        try:
            while True:
                pid, status, usage = os.wait4(process.pid, os.WNOHANG)
                if pid:
                    break
                high_water_kb = _high_water_kb(process.pid) or high_water_kb
                now = time.monotonic()
                if now >= next_beat:
                    next_beat = now + heartbeat_every
                    cancel, running = book.heartbeat(job_id, process.pid)
                    if not running and watch.outcome_seen is None:
                        watch.outcome_seen = now
                    if cancel and watch.cancel_seen is None:
                        watch.cancel_seen = now
                if watch.killed is None:
                    if watch.outcome_seen is not None and now - watch.outcome_seen >= max(grace, 2):
                        # An outcome is recorded (by the runner, which is exiting, or by a recovery
                        # pass): nothing this process may still do counts.
                        watch.killed = "gone"
                    elif watch.cancel_seen is not None and now - watch.cancel_seen >= grace:
                        watch.killed = "cancelled"
                    elif now - started >= timeout:
                        watch.killed = "timeout"
                    elif abort is not None and abort.is_set():
                        watch.killed = "stopped"
                    if watch.killed is not None:
                        _kill(process)
                time.sleep(WAIT_STEP_SECONDS)
        except BaseException:
            # Unsupervised, the job could still commit after a recovery pass marked it failed:
            # it ends with its watcher (e.g. the bookkeeping connection broke).
            _kill(process)
            os.waitpid(process.pid, 0)
            process.returncode = -signal.SIGKILL
            raise
        code = os.waitstatus_to_exitcode(status)
        process.returncode = code  # reaped by wait4: tell Popen so it does not try again
        # The child's own high-water mark, read while it ran: ru_maxrss survives exec, so for a
        # child forked from a big process (a test run, a busy worker) it reports the parent's
        # size. ru_maxrss (kilobytes on Linux) only when /proc could not be read.
        peak_kb = high_water_kb or (int(usage.ru_maxrss) if usage.ru_maxrss else None)
        tail = _head_and_tail(stderr)
    return code, peak_kb, tail, watch


def _high_water_kb(pid: int) -> int | None:
    """VmHWM of a running process (its peak resident memory since exec), or None."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _duration(seconds: int) -> str:
    if seconds < 120:
        return _("%(n)s giây") % {"n": seconds}
    return _("%(n)s phút") % {"n": seconds // 60}


def _run_isolated(book: _Bookkeeper, job_id: int, abort: threading.Event | None) -> None:
    job = Job.objects.get(pk=job_id)
    try:
        module = kinds.get_kind(job.kind).function.__module__
    except kinds.UnknownJobKindError:
        book.finish(
            job_id,
            JobStatus.FAILED,
            message=_("Không có loại công việc “%(kind)s”.") % {"kind": job.kind},
            error=f"unknown job kind {job.kind!r}",
        )
        return
    code, peak_kb, tail, watch = _supervise(book, job_id, module, abort)
    book.record_process(job_id, peak_kb)
    if code != 0:
        logger.warning(
            "job %s (%s): its process ended with %s; peak memory %s KB\n%s",
            job_id,
            job.kind,
            _describe_exit(code),
            peak_kb,
            tail,
        )
    limit = int(_setting("JOB_MEMORY_LIMIT_MB", 0))
    details = (
        f"job process {_describe_exit(code)}; peak memory {(peak_kb or 0) // 1024} MB; "
        f"memory limit {limit or 'none'} MB\n{tail}"
    )
    if watch.killed == "cancelled":
        book.finish(job_id, JobStatus.CANCELLED, message=_("Đã hủy theo yêu cầu."), error=details)
    elif watch.killed == "timeout":
        book.finish(
            job_id,
            JobStatus.FAILED,
            message=_(
                "Công việc chạy quá thời hạn (%(limit)s) nên đã bị dừng. Dữ liệu không bị thay "
                "đổi dở dang."
            )
            % {"limit": _duration(int(_setting("JOB_TIMEOUT_SECONDS", 0)))},
            error=details,
        )
    elif watch.killed == "stopped":
        book.finish(job_id, JobStatus.FAILED, message=_stale_message(), error=details)
    else:
        # Whatever the runner recorded stands; this writes only if it recorded nothing.
        book.finish(
            job_id,
            JobStatus.FAILED,
            message=_(
                "Công việc dừng bất thường (hết bộ nhớ hoặc lỗi chương trình). Dữ liệu không "
                "bị thay đổi dở dang; hãy thử lại với tệp nhỏ hơn hoặc báo quản trị hệ thống."
            ),
            error=details,
        )


def run_next_job(
    *,
    worker_id: str | None = None,
    isolated: bool | None = None,
    abort: threading.Event | None = None,
    _book: _Bookkeeper | None = None,
) -> Job | None:
    """Claim the oldest queued job and run it to the end (in a process of its own unless
    ``isolated`` is False or ``JOB_ISOLATION`` is off). Returns the finished job, or None when
    the queue is empty. ``abort`` set while the job runs kills its process."""
    if isolated is None:
        isolated = bool(_setting("JOB_ISOLATION", True))
    book = _book or _Bookkeeper()
    try:
        job_id = book.claim(worker_id or default_worker_id())
        if job_id is None:
            return None
        try:
            if isolated:
                _run_isolated(book, job_id, abort)
            else:
                _run_in_process(book, job_id)
        finally:
            if book.usable:
                book.release(job_id)
        return Job.objects.get(pk=job_id)
    finally:
        if _book is None:
            book.close()


def recover_stale_jobs() -> list[int]:
    """Mark failed, with a message, the jobs left running by a worker that is gone or hung."""
    book = _Bookkeeper()
    try:
        recovered = book.recover_stale()
    finally:
        book.close()
    if recovered:
        logger.warning("marked %d interrupted job(s) as failed: %s", len(recovered), recovered)
    return recovered


def _parent_gone() -> bool:
    """Whether the ``serve`` process that started this worker is gone (see supervisor.py)."""
    expected = os.environ.get("GIAMNGHEO_WORKER_PARENT_PID")
    return bool(expected) and str(os.getppid()) != expected


def run_worker(
    *,
    once: bool = False,
    poll_seconds: float = DEFAULT_POLL_SECONDS,
    stop: threading.Event | None = None,
    abort: threading.Event | None = None,
    worker_id: str | None = None,
    on_job: Callable[[Job], None] | None = None,
    recover: bool = True,
    schedule: bool | None = None,
) -> int:
    """Run jobs until stopped (or, with ``once``, until the queue is empty). Stale jobs are
    recovered first (unless the caller did) and then every minute; the periodic file purge is
    scheduled (unless ``once``). ``stop`` ends the loop after the current job, ``abort``
    also kills the current job's process. Returns the number of jobs run."""
    kinds.discover()
    if recover:
        recover_stale_jobs()
    schedule = not once if schedule is None else schedule
    stop = stop or threading.Event()
    worker_id = worker_id or default_worker_id()
    count = 0
    book: _Bookkeeper | None = None
    last_recovery = last_schedule = time.monotonic()
    if schedule:
        retention.schedule_purge()
    while not stop.is_set():
        if _parent_gone():
            logger.warning("the process that started this worker is gone; stopping")
            break
        try:
            now = time.monotonic()
            if now - last_recovery >= RECOVER_INTERVAL_SECONDS:
                last_recovery = now
                recover_stale_jobs()
            if schedule and now - last_schedule >= retention.SCHEDULE_CHECK_SECONDS:
                last_schedule = now
                retention.schedule_purge()
            if book is None or not book.usable:
                book = _Bookkeeper()
            job = run_next_job(worker_id=worker_id, abort=abort, _book=book)
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
    """A daemon thread running :func:`run_worker` inside another process (tests, embedding;
    ``giamngheo serve`` runs the worker as a separate process instead, see supervisor.py)."""

    def __init__(self, poll_seconds: float = DEFAULT_POLL_SECONDS) -> None:
        self.stop_event = threading.Event()
        self.abort_event = threading.Event()
        self.poll_seconds = poll_seconds
        self.thread = threading.Thread(target=self._run, name="giamngheo-jobs", daemon=True)

    def _run(self) -> None:
        try:
            run_worker(
                poll_seconds=self.poll_seconds,
                stop=self.stop_event,
                abort=self.abort_event,
                schedule=False,
            )
        except Exception:
            logger.exception("the background job worker stopped")
        finally:
            connections.close_all()

    def start(self) -> None:
        self.thread.start()

    def stop(self, timeout: float | None = 10.0) -> None:
        self.stop_event.set()
        self.abort_event.set()
        self.thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self.thread.is_alive()
