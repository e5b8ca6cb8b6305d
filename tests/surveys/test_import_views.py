"""Importing survey results from the web: upload, dry run as a background job, import on
confirmation (the same job machinery as the household import), scope, hostile files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from giamngheo.audit.models import AuditEvent
from giamngheo.jobs import worker
from giamngheo.jobs.models import Job, JobStatus
from giamngheo.surveys.jobs import IMPORT_RESULTS_JOB
from giamngheo.surveys.models import Survey
from tests.conftest import World, log_in
from tests.surveys.test_imports import LINE, row, write

FILES = Path(__file__).resolve().parents[1] / "registry" / "hostile" / "files"


@pytest.mark.django_db(transaction=True)
def test_the_web_import_dry_runs_then_imports_on_confirmation(
    world: World, tmp_path: Path, settings: Any, job_processes_use_the_test_database: None
) -> None:
    settings.VAR_DIR = tmp_path
    path = write(
        tmp_path / "ket-qua.csv",
        [row("A1-001", income=LINE, deprived=3), row("A2-001", income=LINE, deprived=2)],
    )
    client = Client()
    log_in(client, "xa_a")
    page = client.get(reverse("surveys_field:index")).text
    assert reverse("surveys_field:import_start") in page
    assert reverse("registry_io:template", args=["surveys", "xlsx"]) in page
    with path.open("rb") as handle:
        response = client.post(reverse("surveys_field:import_start"), {"file": handle})
    assert response.status_code == 302
    dry = Job.objects.get()
    assert dry.kind == IMPORT_RESULTS_JOB and dry.parameters["dry_run"] is True
    assert dry.commune == world.commune_a and dry.created_by == world.xa_a
    assert response["Location"] == reverse("surveys_field:import_detail", args=[dry.pk])
    assert 'hx-trigger="every 1s"' in client.get(response["Location"]).text  # the bar polls

    finished = worker.run_next_job()
    assert finished is not None and finished.status == JobStatus.SUCCEEDED, finished.error
    page = client.get(response["Location"]).text
    assert "Chạy thử: sẽ nhập 2 kết quả rà soát" in page and "Nhập dữ liệu" in page
    assert "every 1s" not in page
    assert Survey.objects.count() == 0
    report = client.get(reverse("jobs:download", args=[dry.pk, "report.xlsx"]))
    assert report.status_code == 200

    confirm = client.post(reverse("surveys_field:import_confirm", args=[dry.pk]), {"mode": "all"})
    real = Job.objects.exclude(pk=dry.pk).get()
    assert confirm["Location"] == reverse("surveys_field:import_detail", args=[real.pk])
    assert real.parameters["file"] == dry.parameters["file"] and not real.parameters["dry_run"]
    finished = worker.run_next_job()
    assert finished is not None and finished.status == JobStatus.SUCCEEDED, finished.error
    assert {s.household.code: s.status for s in Survey.objects.select_related("household")} == {
        "A1-001": "poor",
        "A2-001": "near_poor",
    }
    assert "Đã nhập 2 kết quả rà soát" in client.get(confirm["Location"]).text
    assert AuditEvent.objects.filter(action="surveys.results_imported").count() == 1
    assert AuditEvent.objects.filter(action="surveys.survey_recorded").count() == 2
    # A confirmed import is not confirmed twice; another officer does not see the job.
    again = client.post(reverse("surveys_field:import_confirm", args=[real.pk]), {"mode": "all"})
    assert again.status_code == 404
    other = Client()
    log_in(other, "xa_b")
    assert other.get(confirm["Location"]).status_code == 404
    assert other.post(reverse("surveys_field:import_confirm", args=[dry.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_rows_of_another_commune_are_refused_row_by_row(
    world: World, tmp_path: Path, settings: Any, job_processes_use_the_test_database: None
) -> None:
    settings.VAR_DIR = tmp_path
    path = write(tmp_path / "ket-qua.csv", [row("A1-001"), row("B1-001"), row("X1-001")])
    client = Client()
    log_in(client, "xa_a")
    with path.open("rb") as handle:
        response = client.post(reverse("surveys_field:import_start"), {"file": handle})
    dry = Job.objects.get()
    assert worker.run_next_job() is not None
    page = client.get(response["Location"]).text
    assert "Hộ B1-001 không thuộc địa bàn bạn được nhập liệu." in page
    assert "X1-001" in page
    # Only the valid row may be imported; the other commune's household gets nothing.
    assert "Chỉ nhập các dòng hợp lệ" in page and 'value="all"' not in page
    assert client.get(reverse("jobs:download", args=[dry.pk, "errors.csv"])).status_code == 200
    client.post(reverse("surveys_field:import_confirm", args=[dry.pk]), {"mode": "only_valid"})
    finished = worker.run_next_job()
    assert finished is not None and finished.status == JobStatus.SUCCEEDED, finished.error
    assert list(Survey.objects.values_list("household__code", flat=True)) == ["A1-001"]


@pytest.mark.django_db
@override_settings(UPLOAD_MAX_BYTES=10_000)
def test_hostile_files_get_a_clear_message_and_queue_nothing(world: World) -> None:
    client = Client()
    log_in(client, "xa_a")
    url = reverse("surveys_field:import_start")
    big = SimpleUploadedFile("ket-qua.csv", b"Ma ho,Nam\n" + b"A1-001,2025\n" * 2_000)
    response = client.post(url, {"file": big})
    assert response.status_code == 400 and "vượt quá giới hạn 10 KB" in response.text
    fake = SimpleUploadedFile("ket-qua.xlsx", (FILES / "pdf_named.xlsx").read_bytes())
    response = client.post(url, {"file": fake})
    assert response.status_code == 400 and "nội dung là tệp PDF" in response.text
    wrong = SimpleUploadedFile("ket-qua.txt", b"a,b\n")
    response = client.post(url, {"file": wrong})
    assert response.status_code == 400
    assert "Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)." in response.text
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_who_may_not_change_anything_cannot_start_an_import(world: World) -> None:
    client = Client()
    log_in(client, "inspector")
    page = client.get(reverse("surveys_field:index")).text
    assert reverse("surveys_field:import_start") not in page
    upload = SimpleUploadedFile("ket-qua.csv", b"a,b\n1,2\n")
    assert client.post(reverse("surveys_field:import_start"), {"file": upload}).status_code == 403
    assert not Job.objects.exists()
