"""The field-collection pages: package download, upload → dry-run job → confirm, conflicts
resolved by an officer, scoping and refusals of bad uploads."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.test import Client
from django.urls import reverse

from giamngheo.fieldcollection.models import FieldSubmission, SubmissionStatus
from giamngheo.jobs import worker
from giamngheo.jobs.models import Job, JobStatus
from giamngheo.registry.models import Household
from giamngheo.surveys.models import Survey
from tests.conftest import World, log_in
from tests.fieldcollection import helpers
from tests.surveys.conftest import b2_answers


def _client(username: str) -> Client:
    client = Client()
    log_in(client, username)
    return client


@pytest.mark.django_db
def test_package_download_and_scope(world: World) -> None:
    client = _client("xa_a")
    page = client.get(reverse("fieldcollection:index"))
    assert page.status_code == 200 and world.village_a1.name in page.text
    assert world.village_b1.name not in page.text  # another commune's village is not offered
    response = client.post(
        reverse("fieldcollection:package"), {"village": world.village_a1.pk, "year": 2025}
    )
    assert response.status_code == 200
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert "households.csv" in names and "members.csv" in names
        assert b"A1-001" in archive.read("households.csv")
    refused = client.post(
        reverse("fieldcollection:package"), {"village": world.village_b1.pk, "year": 2025}
    )
    assert refused.status_code == 400
    assert _client("inspector").get(reverse("fieldcollection:index")).status_code == 403


@pytest.mark.django_db
def test_bad_uploads_are_refused_in_the_request(world: World) -> None:
    client = _client("xa_a")
    for name, content in (("x.zip", b"not a zip"), ("x.json", b"\x00\x01"), ("x.exe", b"MZ")):
        response = client.post(
            reverse("fieldcollection:import_start"), {"file": SimpleUploadedFile(name, content)}
        )
        assert response.status_code == 400, name
    assert Job.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_upload_dry_run_confirm_and_resolve(
    world: World, tmp_path: Path, settings: Any, job_processes_use_the_test_database: None
) -> None:
    settings.VAR_DIR = tmp_path
    a1, a2 = world.household_a1, world.household_a2
    subs = [
        helpers.submission(a1, b2_answers(a1)),
        helpers.submission(a2, b2_answers(a2), version=a2.version),
    ]
    Household.objects.filter(pk=a2.pk).update(version=F("version") + 1)  # changed since
    path = helpers.central_zip(tmp_path / "export.zip", subs)
    client = _client("xa_a")
    with path.open("rb") as handle:
        response = client.post(reverse("fieldcollection:import_start"), {"file": handle})
    assert response.status_code == 302
    dry = Job.objects.get()
    assert 'hx-trigger="every 1s"' in client.get(response["Location"]).text
    finished = worker.run_next_job()
    assert finished is not None and finished.status == JobStatus.SUCCEEDED, finished.error
    page = client.get(response["Location"]).text
    assert "Kiểm tra thử" in page and "confirm-import" in page
    assert Survey.objects.count() == 0 and FieldSubmission.objects.count() == 0
    client.post(reverse("fieldcollection:import_confirm", args=[dry.pk]))
    finished = worker.run_next_job()
    assert finished is not None and finished.status == JobStatus.SUCCEEDED, finished.error
    assert Survey.objects.count() == 1
    held = FieldSubmission.objects.get(status=SubmissionStatus.CONFLICT)
    assert held.household_id == a2.pk
    # Another commune's officer does not see it; the commune's officer resolves it.
    assert (
        _client("xa_b").get(reverse("fieldcollection:conflict_detail", args=[held.pk])).status_code
        == 404
    )
    listing = client.get(reverse("fieldcollection:conflicts")).text
    assert "A2-001" in listing
    # The held answers read as on the survey page: money and numbers the Vietnamese way.
    detail = client.get(reverse("fieldcollection:conflict_detail", args=[held.pk])).text
    assert "1.500.000 đ" in detail and "40,0" in detail
    client.post(reverse("fieldcollection:conflict_detail", args=[held.pk]), {"action": "accept"})
    held.refresh_from_db()
    assert held.status == SubmissionStatus.ACCEPTED and Survey.objects.count() == 2
