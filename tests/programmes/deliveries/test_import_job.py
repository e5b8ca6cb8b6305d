"""A large delivery sheet is imported by a background job (the same checks as inline)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from giamngheo.jobs import worker
from giamngheo.jobs.models import Job, JobStatus
from giamngheo.programmes.deliveries import imports, views
from giamngheo.programmes.deliveries.jobs import IMPORT_JOB
from giamngheo.programmes.models import SupportRecord
from tests.conftest import World, log_in
from tests.programmes.deliveries.conftest import Tree


def _upload(rows: list[list[object]]) -> SimpleUploadedFile:
    book = Workbook()
    book.remove(book.worksheets[0])
    page = book.create_sheet(imports.SHEET)
    page.append(["Mã hộ", "Hình thức", "Thành tiền (đồng)", "Ngày hỗ trợ", "Nguồn vốn"])
    for row in rows:
        page.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("cap-phat.xlsx", out.getvalue())


@pytest.mark.django_db(transaction=True)
def test_a_large_sheet_goes_to_a_job(
    world: World,
    tree: Tree,
    tmp_path: Path,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    job_processes_use_the_test_database: None,
) -> None:
    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(views, "INLINE_MAX_BYTES", 10)  # every file is "large"
    client = Client()
    log_in(client, "xa_a")
    bad = client.post(
        reverse("deliveries:import"),
        {
            "programme": tree.project.pk,
            "file": _upload(
                [
                    ["A1-001", "Tiền mặt", 100, "01/02/2026", "local"],
                    ["A1-001", "Tiền mặt", 100, "01/02/2099", "local"],
                ]
            ),
        },
    )
    job = Job.objects.get()
    assert job.kind == IMPORT_JOB and bad["Location"] == reverse(
        "deliveries:import_detail", args=[job.pk]
    )
    finished = worker.run_next_job()
    assert finished is not None and finished.status == JobStatus.SUCCEEDED, finished.error
    page = client.get(bad["Location"]).content.decode()
    assert "chưa ghi dòng nào" in page and "tương lai" in page
    assert not SupportRecord.objects.exists()

    good = client.post(
        reverse("deliveries:import"),
        {
            "programme": tree.project.pk,
            "file": _upload([["A1-001", "Tiền mặt", 100, "01/02/2026", "local"]]),
        },
    )
    finished = worker.run_next_job()
    assert finished is not None and finished.status == JobStatus.SUCCEEDED, finished.error
    assert "Đã ghi 1 khoản hỗ trợ" in client.get(good["Location"]).content.decode()
    record = SupportRecord.objects.get()
    assert record.programme == tree.project and record.created_by == world.xa_a
    other = Client()
    log_in(other, "xa_b")
    assert other.get(good["Location"]).status_code == 404
