"""Job pages: the progress bar polled by htmx, scoped reads and downloads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.jobs import files
from giamngheo.jobs.models import Job, JobStatus
from tests.conftest import World, log_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def job_files(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path


def client_for(user: Any) -> Client:
    client = Client()
    log_in(client, user.username)
    return client


def test_the_progress_page_returns_the_bar_and_polls_until_the_job_ends(world: World) -> None:
    job = Job.objects.create(
        kind="registry.export_households",
        created_by=world.xa_a,
        status=JobStatus.RUNNING,
        progress_done=3,
        progress_total=10,
        message="Đang ghi tệp…",
    )
    client = client_for(world.xa_a)
    url = reverse("jobs:progress", args=[job.pk])
    html = client.get(url).content.decode()
    assert '<progress max="100" value="30"' in html
    assert f'hx-get="{url}"' in html and 'hx-trigger="every 1s"' in html
    assert "Đang ghi tệp…" in html
    job.status, job.progress_done = JobStatus.SUCCEEDED, 10
    job.save()
    finished = client.get(url + "?reload=1", HTTP_HX_REQUEST="true")
    assert "every 1s" not in finished.content.decode()
    assert 'value="100"' in finished.content.decode()
    assert finished["HX-Refresh"] == "true"  # the page reloads once to show the result
    page = client.get(reverse("jobs:detail", args=[job.pk]))
    assert page.status_code == 200 and "job-progress" in page.content.decode()


def test_a_user_sees_and_downloads_only_their_own_jobs(world: World) -> None:
    job = Job.objects.create(kind="registry.export_households", created_by=world.xa_a)
    path = files.job_dir(job.pk) / "ho-gia-dinh.csv"
    path.write_text("Mã hộ\nA1-001\n", encoding="utf-8")
    job.outputs = {"export": files.relative(path)}
    job.status = JobStatus.SUCCEEDED
    job.save()
    download = reverse("jobs:download", args=[job.pk, "export"])
    owner = client_for(world.xa_a)
    response = owner.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == "Mã hộ\nA1-001\n"  # type: ignore[attr-defined]
    assert owner.get(reverse("jobs:download", args=[job.pk, "other"])).status_code == 404
    # Issue 11: the link names the file, not the internal output name ("export").
    page = owner.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert f'href="{download}" download>Tải về: ho-gia-dinh.csv</a>' in page
    assert ">export<" not in page and "(CSV)" in page
    for other in (world.xa_b, world.tinh):
        client = client_for(other)
        assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
        assert client.get(reverse("jobs:progress", args=[job.pk])).status_code == 404
        assert client.get(download).status_code == 404
    assert client_for(world.admin).get(download).status_code == 200
    listing = client_for(world.xa_b).get(reverse("jobs:list")).content.decode()
    assert f">{job.pk}<" not in listing


def test_paths_outside_the_jobs_directory_are_refused() -> None:
    with pytest.raises(ValueError):
        files.resolve("../../etc/passwd")
