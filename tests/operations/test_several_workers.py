"""Several ``giamngheo worker`` processes on one queue: every job runs exactly once (claimed
with ``FOR UPDATE SKIP LOCKED``), and the work is shared between them."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from giamngheo.jobs import services
from giamngheo.jobs.models import Job, JobStatus
from tests.operations import job_kinds
from tests.operations.processes import launch_worker, stopping, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.once]

JOBS = 8


def test_two_workers_on_one_queue_run_each_job_exactly_once(tmp_path: Path) -> None:
    shared = tmp_path / "shared-jobs"
    shared.mkdir()
    env = {"GIAMNGHEO_JOBS_DIR": str(shared), "GIAMNGHEO_JOB_MODULES": job_kinds.__name__}
    with stopping([]) as processes:
        starting = [launch_worker(tmp_path, name, **env) for name in ("w1", "w2")]  # in parallel
        processes.extend(each.process for each in starting)
        for each in starting:
            each.ready()
        pids = {processes[0].pid, processes[1].pid}
        enqueued = [
            services.job_enqueue(actor=None, kind="tests.operations.tally").pk for _ in range(JOBS)
        ]
        wait_for(
            lambda: (
                Job.objects.filter(pk__in=enqueued, status=JobStatus.SUCCEEDED).count() == JOBS
                or Job.objects.filter(pk__in=enqueued, status=JobStatus.FAILED).exists()
            ),
            300,
            "the jobs to finish",
        )
        outputs = [process.output() for process in processes]
    jobs = list(Job.objects.filter(pk__in=enqueued))
    assert {job.status for job in jobs} == {JobStatus.SUCCEEDED}, [
        (job.pk, job.message, job.error) for job in jobs
    ]
    pairs = [line.split() for line in (shared / "tally.txt").read_text().splitlines()]
    runs = Counter(int(job_id) for job_id, _pid in pairs)
    assert runs == Counter(enqueued), outputs  # each job once, none twice, none missed
    by_worker = Counter(int(pid) for _job_id, pid in pairs)
    assert set(by_worker) == pids, (by_worker, pids)  # both took jobs
    assert {int(job.result["worker_pid"]) for job in jobs} == pids
    for job in jobs:  # the row names the worker that claimed it
        assert f":{job.result['worker_pid']}:" in job.worker
