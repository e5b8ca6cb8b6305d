"""The job runner: claim with SKIP LOCKED, progress visible while the job runs, failures
captured, cancellation, and jobs left running by a dead worker marked failed on start.

These tests commit (transactional_db): the worker's bookkeeping uses a connection of its own,
which sees only committed rows, as in production.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from giamngheo.jobs import services, worker
from giamngheo.jobs.kinds import job_kind
from giamngheo.jobs.models import Job, JobStatus
from giamngheo.jobs.worker import JobContext

pytestmark = pytest.mark.django_db(transaction=True)


@job_kind("tests.count", label="Đếm")
def count(context: JobContext) -> dict[str, Any]:
    """Report progress step by step and record what another connection saw each time."""
    steps = int(context.parameters["steps"])
    seen = []
    for step in range(1, steps + 1):
        context.progress(step, steps, f"Bước {step}")
        seen.append(Job.objects.values_list("progress_done", "message").get(pk=context.job.pk))
    path = context.output_path("result", "ket-qua.txt")
    path.write_text("xong", encoding="utf-8")
    context.final_message = "Đã đếm xong."
    return {"seen": seen}


@job_kind("tests.fail", label="Hỏng")
def fail(context: JobContext) -> None:
    context.progress(1, 4, "Bắt đầu")
    raise ValueError("ổ đĩa đầy")


@job_kind("tests.refuse", label="Từ chối")
def refuse(context: JobContext) -> None:
    raise worker.JobFailure("Tệp không đọc được.")


@job_kind("tests.cancel_midway", label="Hủy giữa chừng")
def cancel_midway(context: JobContext) -> None:
    context.progress(1, 3, "Một")
    services.job_cancel(actor=None, job=context.job)
    context.progress(2, 3, "Hai")  # raises: the user asked to cancel


@pytest.fixture(autouse=True)
def job_files(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path


def enqueue(kind: str, **parameters: Any) -> Job:
    return services.job_enqueue(actor=None, kind=kind, parameters=parameters)


def test_a_job_runs_and_its_progress_is_visible_while_it_runs() -> None:
    job = enqueue("tests.count", steps=3)
    done = worker.run_next_job()
    assert done is not None and done.pk == job.pk
    assert done.status == JobStatus.SUCCEEDED
    assert (done.progress_done, done.progress_total, done.percent) == (3, 3, 100)
    assert done.message == "Đã đếm xong."
    assert done.result == {"seen": [[1, "Bước 1"], [2, "Bước 2"], [3, "Bước 3"]]}
    assert done.started_at is not None and done.finished_at is not None
    assert set(done.outputs) == {"result"}
    assert worker.run_next_job() is None  # the queue is empty


def test_a_failure_is_captured_on_the_job() -> None:
    enqueue("tests.fail")
    failed = worker.run_next_job()
    assert failed is not None and failed.status == JobStatus.FAILED
    assert "ổ đĩa đầy" in failed.message
    assert "Traceback" in failed.error and "ValueError" in failed.error
    assert (failed.progress_done, failed.progress_total) == (1, 4)
    enqueue("tests.refuse")
    refused = worker.run_next_job()
    assert refused is not None and refused.status == JobStatus.FAILED
    assert refused.message == "Tệp không đọc được." and "Traceback" not in refused.error


def test_cancelled_jobs_stop() -> None:
    queued = enqueue("tests.count", steps=2)
    services.job_cancel(actor=None, job=queued)
    assert Job.objects.get(pk=queued.pk).status == JobStatus.CANCELLED
    assert worker.run_next_job() is None
    enqueue("tests.cancel_midway")
    stopped = worker.run_next_job()
    assert stopped is not None and stopped.status == JobStatus.CANCELLED
    assert stopped.message == "Đã hủy theo yêu cầu."
    assert stopped.progress_done == 2  # the report that noticed the request is recorded


def _other_session() -> Any:
    return psycopg.connect(**connection.get_connection_params(), autocommit=True)


def test_workers_skip_a_job_another_worker_holds() -> None:
    first, second = enqueue("tests.count", steps=1), enqueue("tests.count", steps=1)
    with _other_session() as other, other.transaction():
        other.execute("SELECT id FROM jobs_job WHERE id = %s FOR UPDATE", [first.pk])
        done = worker.run_next_job()  # does not wait for the locked row
    assert done is not None and done.pk == second.pk
    assert Job.objects.get(pk=first.pk).status == JobStatus.QUEUED


def test_jobs_left_running_by_a_dead_worker_are_marked_failed_on_start() -> None:
    dead = Job.objects.create(kind="tests.count", status=JobStatus.RUNNING, message="Đang chạy")
    alive = Job.objects.create(kind="tests.count", status=JobStatus.RUNNING, message="Đang chạy")
    with _other_session() as live_worker:
        live_worker.execute("SELECT pg_advisory_lock(%s)", [worker.LOCK_BASE + alive.pk])
        assert worker.recover_stale_jobs() == [dead.pk]
    dead.refresh_from_db()
    assert dead.status == JobStatus.FAILED and dead.finished_at is not None
    assert "dừng giữa chừng" in dead.message
    assert Job.objects.get(pk=alive.pk).status == JobStatus.RUNNING


def test_the_worker_command_runs_the_queue_once(capsys: Any) -> None:
    stale = Job.objects.create(kind="tests.count", status=JobStatus.RUNNING)
    enqueue("tests.count", steps=2)
    enqueue("tests.fail")
    call_command("worker", "--once")
    out = capsys.readouterr().out
    assert "Đã chạy 2 công việc." in out
    assert Job.objects.get(pk=stale.pk).status == JobStatus.FAILED
    assert not Job.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).exists()


def test_the_background_worker_thread_runs_jobs() -> None:
    import time

    background = worker.BackgroundWorker(poll_seconds=0.05)
    background.start()
    try:
        job = enqueue("tests.count", steps=1)
        deadline = time.monotonic() + 30  # generous: a loaded machine starts processes slowly
        while Job.objects.get(pk=job.pk).status != JobStatus.SUCCEEDED:
            assert time.monotonic() < deadline, "the background worker did not run the job"
            time.sleep(0.05)
    finally:
        background.stop()
    assert not background.alive
