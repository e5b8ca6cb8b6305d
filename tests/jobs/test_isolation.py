"""Job bodies run in processes of their own: a process that dies, exhausts its memory limit,
hangs or is cancelled ends with its job recorded (failed or cancelled, with a message), and
the worker goes on with the next job. No job stays "running".

These tests commit (transactional_db): the job processes and the worker's bookkeeping use
connections of their own, which see only committed rows, as in production.
"""

from __future__ import annotations

import os
import resource
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection, connections

from giamngheo.jobs import files, services, worker
from giamngheo.jobs.kinds import job_kind
from giamngheo.jobs.models import Job, JobStatus
from giamngheo.jobs.worker import JobContext
from giamngheo.registry.imports import IMPORT_JOB
from tests.conftest import World
from tests.registry.io_helpers import household_rows, write_csv

pytestmark = pytest.mark.django_db(transaction=True)

MEMORY_LIMIT_MB = 700  # a runner needs ~250 MB of data segment for Django and Polars


@job_kind("tests.isolation.dies", label="Chết giữa chừng")
def dies(context: JobContext) -> None:
    context.progress(1, 2, "Nửa đường")
    os.kill(os.getpid(), signal.SIGKILL)


@job_kind("tests.isolation.ok", label="Bình thường")
def ok(context: JobContext) -> dict[str, Any]:
    context.progress(1, 1, "Xong")
    return {"pid": os.getpid()}


@job_kind("tests.isolation.hog_python", label="Ngốn bộ nhớ (Python)")
def hog_python(context: JobContext) -> None:
    context.progress(0, 1, "Cấp phát")
    hoard = bytearray(3 * MEMORY_LIMIT_MB * 1024 * 1024)  # beyond the limit: MemoryError
    context.progress(len(hoard), len(hoard))


@job_kind("tests.isolation.hog_native", label="Ngốn bộ nhớ (Polars)")
def hog_native(context: JobContext) -> None:
    import polars as pl

    context.progress(0, 1, "Cấp phát")
    # 8 bytes × 200 M = 1.6 GB in Rust, past the limit: the allocator aborts the process.
    pl.repeat(1, 200_000_000, eager=True, dtype=pl.Int64)


@job_kind("tests.isolation.stuck", label="Treo")
def stuck(context: JobContext) -> None:
    context.progress(0, 1, "Đang chờ mãi")
    time.sleep(60)  # no progress report: only the worker can stop it


@job_kind("tests.isolation.steps", label="Nhiều bước")
def steps(context: JobContext) -> None:
    for step in range(400):
        context.progress(step, 400, f"Bước {step}")
        time.sleep(0.02)


@pytest.fixture(autouse=True)
def quick_jobs(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    settings.JOB_ISOLATION = True
    settings.JOB_MEMORY_LIMIT_MB = MEMORY_LIMIT_MB
    settings.JOB_HEARTBEAT_SECONDS = 0.1
    settings.JOB_CANCEL_GRACE_SECONDS = 0.5


def enqueue(kind: str, **parameters: Any) -> Job:
    return services.job_enqueue(actor=None, kind=kind, parameters=parameters)


def wait_for(condition: Callable[[], bool], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def in_background() -> Iterator[Callable[[], threading.Thread]]:
    """Run the next job in a worker thread (the test plays the user meanwhile)."""
    threads: list[threading.Thread] = []

    def start() -> threading.Thread:
        def run() -> None:
            try:
                worker.run_next_job()
            finally:
                connections.close_all()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        threads.append(thread)
        return thread

    yield start
    for thread in threads:
        thread.join(30)


def test_a_job_process_killed_midway_is_marked_failed_and_the_worker_goes_on() -> None:
    killed, after = enqueue("tests.isolation.dies"), enqueue("tests.isolation.ok")
    assert worker.run_worker(once=True, recover=False, poll_seconds=0.05) == 2
    killed.refresh_from_db()
    assert killed.status == JobStatus.FAILED and killed.finished_at is not None
    assert "dừng bất thường" in killed.message
    assert "SIGKILL" in killed.error
    assert killed.progress_done == 1  # what it reported before dying stays visible
    assert killed.process_id and killed.process_id != os.getpid()
    assert killed.peak_memory_kb and killed.peak_memory_kb > 10_000
    after.refresh_from_db()
    assert after.status == JobStatus.SUCCEEDED
    assert after.result is not None and after.result["pid"] not in (os.getpid(), killed.process_id)


def test_a_job_past_the_memory_limit_fails_and_only_its_process_stops() -> None:
    before = resource.getrlimit(resource.RLIMIT_DATA)
    python_hog = enqueue("tests.isolation.hog_python")
    native_hog = enqueue("tests.isolation.hog_native")
    after = enqueue("tests.isolation.ok")
    assert worker.run_worker(once=True, recover=False, poll_seconds=0.05) == 3
    python_hog.refresh_from_db()
    assert python_hog.status == JobStatus.FAILED
    assert f"vượt giới hạn bộ nhớ ({MEMORY_LIMIT_MB} MB)" in python_hog.message
    native_hog.refresh_from_db()
    assert native_hog.status == JobStatus.FAILED
    assert "dừng bất thường" in native_hog.message and "SIGABRT" in native_hog.error
    assert "memory allocation" in native_hog.error  # the runner's stderr tail
    for hog in (python_hog, native_hog):  # measured, and held under the limit
        assert hog.peak_memory_kb is not None
        assert hog.peak_memory_kb < MEMORY_LIMIT_MB * 1024
    assert Job.objects.get(pk=after.pk).status == JobStatus.SUCCEEDED
    # The limit never applied to this (the web/test) process.
    assert resource.getrlimit(resource.RLIMIT_DATA) == before


def nul_csv(world: World, tmp_path: Path) -> str:
    rows = household_rows("H-001", world.village_a1, head_id="044080000001")
    rows[0]["income"] = "1200000\x00x"
    rows[0]["full_name"] = "Nguyễn\x00 Văn Ba"
    path = write_csv(tmp_path / "nul.csv", rows)
    return files.save_bytes("nul.csv", path.read_bytes())


@pytest.mark.parametrize("isolated", [True, False], ids=["own-process", "in-process"])
def test_a_csv_with_a_nul_byte_never_leaves_its_import_job_running(
    world: World, tmp_path: Path, isolated: bool
) -> None:
    job = services.job_enqueue(
        actor=world.xa_a,
        kind=IMPORT_JOB,
        parameters={"file": nul_csv(world, tmp_path), "file_name": "nul\x00.csv", "dry_run": True},
    )
    assert job.parameters["file_name"] == "nul.csv"  # jsonb refuses NUL: cleaned on enqueue
    done = worker.run_next_job(isolated=isolated)
    assert done is not None and done.pk == job.pk
    assert done.status in (JobStatus.FAILED, JobStatus.SUCCEEDED)
    assert done.finished_at is not None and done.message
    assert "\x00" not in done.message + done.error
    assert services.job_cancel is not None
    with pytest.raises(services.JobError):  # finished: nothing left to cancel
        services.job_cancel(actor=world.xa_a, job=done)


def test_outcomes_with_nul_characters_are_stored_cleaned() -> None:
    job = enqueue("tests.isolation.ok")
    book = worker._Bookkeeper()
    try:
        assert book.claim("test") == job.pk
        assert not book.progress(job.pk, 1, 2, "bước\x00 một")
        assert book.finish(
            job.pk,
            JobStatus.FAILED,
            message="“1200000\x00x” không hợp lệ",
            result={"errors": ["a\x00b"], "k\x00": 1},
            error="trace\x00back",
        )
        # A second outcome never overwrites the first.
        assert not book.finish(job.pk, JobStatus.SUCCEEDED, message="muộn")
    finally:
        book.close()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == "“1200000x” không hợp lệ"
    assert job.result == {"errors": ["ab"], "k": 1} and job.error == "traceback"


def test_cancelling_a_queued_job() -> None:
    job = enqueue("tests.isolation.ok")
    services.job_cancel(actor=None, job=job)
    assert Job.objects.get(pk=job.pk).status == JobStatus.CANCELLED
    assert worker.run_next_job() is None


def test_cancelling_a_job_left_running_by_a_dead_worker_cancels_it_at_once() -> None:
    orphan = Job.objects.create(kind="tests.isolation.ok", status=JobStatus.RUNNING)
    held = Job.objects.create(kind="tests.isolation.ok", status=JobStatus.RUNNING)
    with _other_session() as live_worker:
        live_worker.execute("SELECT pg_advisory_lock(%s)", [worker.LOCK_BASE + held.pk])
        assert services.job_cancel(actor=None, job=orphan).status == JobStatus.CANCELLED
        cancelling = services.job_cancel(actor=None, job=held)
    assert cancelling.status == JobStatus.RUNNING and cancelling.cancel_requested
    assert Job.objects.get(pk=orphan.pk).finished_at is not None


def test_cancelling_a_running_job_that_reports_progress(
    in_background: Callable[[], threading.Thread],
) -> None:
    job = enqueue("tests.isolation.steps")
    thread = in_background()
    wait_for(lambda: Job.objects.get(pk=job.pk).progress_done >= 5)
    services.job_cancel(actor=None, job=Job.objects.get(pk=job.pk))
    thread.join(30)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.message == "Đã hủy theo yêu cầu."
    assert job.progress_done < 400
    assert "signal" not in job.error  # it stopped by itself, at a progress report


def test_cancelling_a_job_stuck_without_progress_kills_its_process(
    in_background: Callable[[], threading.Thread],
) -> None:
    job = enqueue("tests.isolation.stuck")
    thread = in_background()
    # Cancel only once the body has made its one progress report: a cancel seen at that report
    # ends the job cleanly (no kill), which is not what this test is about.
    wait_for(lambda: Job.objects.get(pk=job.pk).message == "Đang chờ mãi")
    pid = Job.objects.get(pk=job.pk).process_id
    assert pid is not None and alive(pid)
    started = time.monotonic()
    services.job_cancel(actor=None, job=Job.objects.get(pk=job.pk))
    thread.join(30)
    assert time.monotonic() - started < 20  # the grace period (0.5 s), not the 60 s sleep
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.finished_at is not None
    assert "SIGKILL" in job.error
    assert not alive(pid)


def test_a_job_past_its_time_limit_is_stopped(settings: Any) -> None:
    settings.JOB_TIMEOUT_SECONDS = 1
    job = enqueue("tests.isolation.stuck")
    started = time.monotonic()
    done = worker.run_next_job()
    assert time.monotonic() - started < 30  # not the 60 s sleep
    assert done is not None and done.pk == job.pk and done.status == JobStatus.FAILED
    assert "quá thời hạn (1 giây)" in done.message and "SIGKILL" in done.error


def _other_session() -> Any:
    return psycopg.connect(**connection.get_connection_params(), autocommit=True)


def test_a_running_job_without_heartbeat_is_marked_failed_even_if_its_worker_holds_it() -> None:
    silent = Job.objects.create(kind="tests.isolation.ok", status=JobStatus.RUNNING)
    beating = Job.objects.create(kind="tests.isolation.ok", status=JobStatus.RUNNING)
    with _other_session() as hung_worker:
        for job in (silent, beating):
            hung_worker.execute("SELECT pg_advisory_lock(%s)", [worker.LOCK_BASE + job.pk])
        hung_worker.execute(
            "UPDATE jobs_job SET heartbeat_at = now() - interval '10 minutes' WHERE id = %s",
            [silent.pk],
        )
        hung_worker.execute("UPDATE jobs_job SET heartbeat_at = now() WHERE id = %s", [beating.pk])
        assert worker.recover_stale_jobs() == [silent.pk]
    silent.refresh_from_db()
    assert silent.status == JobStatus.FAILED and "dừng giữa chừng" in silent.message
    assert "heartbeat" in silent.error
    assert Job.objects.get(pk=beating.pk).status == JobStatus.RUNNING
