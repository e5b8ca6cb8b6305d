"""Uploaded and exported job files are purged after the retention period: never files of
unfinished jobs, never the review's signed minutes scans; each run audited once."""

from __future__ import annotations

import os
import time
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from giamngheo.audit.models import AuditEvent
from giamngheo.jobs import files, retention, services, worker
from giamngheo.jobs.models import Job, JobStatus
from giamngheo.registry.imports import IMPORT_JOB
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)

DAY = 24 * 3600


@pytest.fixture(autouse=True)
def job_files(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_RETENTION_DAYS = 7


def age(path: Path, days: float) -> Path:
    then = time.time() - days * DAY
    os.utime(path, (then, then))
    return path


def upload(name: str, days: float) -> str:
    relative = files.save_bytes(name, b"Ma ho,CCCD\nH-001,044080000001\n")
    age(files.resolve(relative), days)
    return relative


def output(job: Job, name: str, days: float) -> str:
    path = files.job_dir(job.pk) / name
    path.write_text("ID,phone\n", encoding="utf-8")
    age(path, days)
    return files.relative(path)


def test_old_files_of_finished_jobs_are_purged_and_unfinished_jobs_keep_theirs(
    settings: Any,
) -> None:
    finished = Job.objects.create(kind=IMPORT_JOB, status=JobStatus.SUCCEEDED)
    finished.parameters = {"file": upload("cu.csv", days=10)}
    finished.outputs = {
        "report.xlsx": output(finished, "bao-cao.xlsx", days=10),
        "errors.csv": output(finished, "loi.csv", days=1),  # recent: kept
    }
    finished.save()
    queued = Job.objects.create(kind=IMPORT_JOB, parameters={"file": upload("cho.csv", days=30)})
    running = Job.objects.create(kind=IMPORT_JOB, status=JobStatus.RUNNING)
    running_output = output(running, "dang-ghi.csv", days=30)
    orphan = upload("khong-ai-dung.csv", days=8)
    # Review minutes are legal records: kept even if MEDIA_ROOT were put inside var/jobs.
    settings.MEDIA_ROOT = files.jobs_dir() / "media"
    scan = files.jobs_dir() / "media" / "review" / "minutes" / "2025" / "bien-ban.pdf"
    scan.parent.mkdir(parents=True)
    scan.write_bytes(b"%PDF-1.4 signed")
    age(scan, 400)
    events = AuditEvent.objects.filter(action="jobs.files_purged")

    report = retention.purge_files()

    assert (report.files_deleted, report.outputs_detached) == (3, 1)
    assert report.files_kept_in_use == 2
    assert not files.resolve(finished.parameters["file"]).exists()
    assert not files.resolve(orphan).exists() and not files.resolve(orphan).parent.exists()
    assert files.resolve(queued.parameters["file"]).exists()
    assert files.resolve(running_output).exists()
    assert files.resolve(finished.outputs["errors.csv"]).exists()
    assert scan.read_bytes() == b"%PDF-1.4 signed"
    finished.refresh_from_db()
    assert set(finished.outputs) == {"errors.csv"}  # no dead download link
    event = events.get()
    assert event.after is not None
    assert event.after["files_deleted"] == 3 and event.after["retention_days"] == 7


def test_the_command_counts_with_dry_run_then_purges(settings: Any) -> None:
    old = upload("cu.csv", days=9)
    out = StringIO()
    call_command("purge_files", "--dry-run", stdout=out)
    assert "Sẽ xoá 1 tệp" in out.getvalue() and files.resolve(old).exists()
    assert not AuditEvent.objects.filter(action="jobs.files_purged").exists()
    call_command("purge_files", "--days", "10", stdout=out)
    assert files.resolve(old).exists()  # 9 days old, 10 days kept
    call_command("purge_files", stdout=out)
    assert "Đã xoá 1 tệp" in out.getvalue() and not files.resolve(old).exists()
    assert AuditEvent.objects.filter(action="jobs.files_purged").count() == 2
    settings.FILE_RETENTION_DAYS = 0
    upload("giu-mai.csv", days=1000)
    call_command("purge_files", stdout=out)
    assert "giữ mãi" in out.getvalue()


def test_the_worker_schedules_the_purge_hourly_and_runs_it_as_a_job() -> None:
    old = upload("cu.csv", days=8)
    job = retention.schedule_purge()
    assert job is not None and job.kind == retention.PURGE_JOB
    assert retention.schedule_purge() is None  # one per hour
    done = worker.run_next_job()
    assert done is not None and done.pk == job.pk and done.status == JobStatus.SUCCEEDED
    assert "Đã xoá 1 tệp" in done.message and not files.resolve(old).exists()
    assert retention.schedule_purge() is None
    Job.objects.filter(pk=job.pk).update(created_at=job.created_at - retention.PURGE_EVERY)
    assert retention.schedule_purge() is not None


def test_a_follow_up_on_a_purged_upload_fails_with_a_clear_message(world: World) -> None:
    relative = upload("cu.csv", days=8)
    retention.purge_files()
    job = services.job_enqueue(
        actor=world.xa_a, kind=IMPORT_JOB, parameters={"file": relative, "dry_run": False}
    )
    done = worker.run_next_job()
    assert done is not None and done.pk == job.pk and done.status == JobStatus.FAILED
    assert "chỉ được giữ 7 ngày" in done.message, done.message
