"""Stateless app processes: two app servers (``serve --production``, gunicorn) and two job
workers against one PostgreSQL serve one user as one server would. Each process has a
directory of its own (as on four machines); they share only the database and the configured
jobs directory (``GIAMNGHEO_JOBS_DIR``). The user logs in on A, goes on on B (the session is
in the database), uploads a household file on A, a worker runs the dry run, the user reads
the result and downloads the error list on B, confirms on B, and sees the import on A.

HTTP through Playwright's request context: one cookie jar for both servers (cookies belong to
a host, not a port), as a browser behind a load balancer would have.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.urls import reverse
from playwright.sync_api import APIRequestContext, sync_playwright

from giamngheo.jobs.models import Job, JobStatus
from giamngheo.registry.imports import IMPORT_JOB
from giamngheo.registry.models import Household
from tests.conftest import World
from tests.operations.processes import launch_app, launch_worker, stopping, wait_for
from tests.registry.io_helpers import household_rows, write_csv

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.once]

PASSWORD = "mat-khau-thu-nghiem-2026"  # a test user's


def _token(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found, page[:2000]
    return found.group(1)


def _finished(pk: int) -> Job:
    def done() -> Job | None:
        job = Job.objects.get(pk=pk)
        return job if job.status not in {JobStatus.QUEUED, JobStatus.RUNNING} else None

    job: Job = wait_for(done, 300, f"job {pk}")
    return job


def test_one_user_across_two_app_servers_and_two_workers(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The ORM is used between Playwright's calls (its event loop runs on this thread).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    user = world.xa_a
    # Hashed as production stores it (the test settings' fast hasher is not in its list).
    user.password = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    user.save(update_fields=["password"])
    shared = tmp_path / "shared-jobs"
    shared.mkdir()
    rows = household_rows("H-001", world.village_a1) + household_rows(
        "H-002", world.village_a1, income="abc"
    )
    upload = write_csv(tmp_path / "tai-len.csv", rows).read_bytes()

    with stopping([]) as processes:
        # All four start at once (as on four machines), then each is waited for.
        starting_a, a = launch_app(tmp_path, "a", GIAMNGHEO_JOBS_DIR=str(shared))
        starting_b, b = launch_app(tmp_path, "b", GIAMNGHEO_JOBS_DIR=str(shared))
        starting = [starting_a, starting_b] + [
            launch_worker(tmp_path, name, GIAMNGHEO_JOBS_DIR=str(shared)) for name in ("w1", "w2")
        ]
        processes.extend(each.process for each in starting)
        app_a, app_b, *workers = [each.ready() for each in starting]
        with sync_playwright() as playwright:
            http: APIRequestContext = playwright.request.new_context()
            try:
                # Log in on A.
                login = reverse("accounts:login")
                page = http.get(f"{a}{login}").text()
                # Static files: hashed names (collected at start), compressed, cached for ever.
                css = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page)
                assert css, page[:2000]
                asset = http.get(f"{a}{css.group(1)}", headers={"Accept-Encoding": "gzip"})
                assert asset.ok and asset.headers.get("content-encoding") == "gzip"
                assert "immutable" in asset.headers["cache-control"]
                answer = http.post(
                    f"{a}{login}",
                    form={
                        "csrfmiddlewaretoken": _token(page),
                        "username": user.username,
                        "password": PASSWORD,
                    },
                    max_redirects=0,
                )
                assert answer.status == 302, answer.text()[:2000]
                # Go on on B: the session is in the database.
                dashboard = http.get(f"{b}/", max_redirects=0)
                assert dashboard.status == 200
                assert "X-Request-ID".lower() in dashboard.headers
                io_page = http.get(f"{b}{reverse('registry_io:index')}")
                assert io_page.ok

                # Upload on A (the form's token came from B: the same secret key).
                started = http.post(
                    f"{a}{reverse('registry_io:import_start')}",
                    multipart={
                        "csrfmiddlewaretoken": _token(io_page.text()),
                        "file": {
                            "name": "tai-len.csv",
                            "mimeType": "text/csv",
                            "buffer": upload,
                        },
                    },
                    max_redirects=0,
                )
                assert started.status == 302, started.text()[:2000]
                dry = Job.objects.get(kind=IMPORT_JOB)
                assert started.headers["location"].endswith(
                    reverse("registry_io:import_detail", args=[dry.pk])
                )
                stored = list((shared / "uploads").rglob("*.csv"))
                assert [path.read_bytes() for path in stored] == [upload]
                assert not (tmp_path / "a" / "jobs").exists()  # nothing in A's own directory

                # A worker runs the dry run; B shows it and serves its error list.
                dry = _finished(dry.pk)
                assert dry.status == JobStatus.SUCCEEDED, dry.error
                detail = http.get(f"{b}{reverse('registry_io:import_detail', args=[dry.pk])}")
                assert "“abc” không phải số tiền hợp lệ" in detail.text()
                errors = http.get(f"{b}{reverse('jobs:download', args=[dry.pk, 'errors.csv'])}")
                assert errors.status == 200
                assert "abc" in errors.body().decode("utf-8-sig")
                # Written by a worker into the shared directory, served by B from there.
                assert errors.body() == (shared / dry.outputs["errors.csv"]).read_bytes()

                # Confirm on B; the import runs on a worker; A shows the outcome.
                confirmed = http.post(
                    f"{b}{reverse('registry_io:import_confirm', args=[dry.pk])}",
                    form={"csrfmiddlewaretoken": _token(detail.text()), "mode": "only_valid"},
                    max_redirects=0,
                )
                assert confirmed.status == 302, confirmed.text()[:2000]
                real = Job.objects.filter(kind=IMPORT_JOB).exclude(pk=dry.pk).get()
                real = _finished(real.pk)
                assert real.status == JobStatus.SUCCEEDED, real.error
                assert set(
                    Household.objects.filter(code__startswith="H-").values_list("code", flat=True)
                ) == {"H-001"}
                outcome = http.get(f"{a}{reverse('registry_io:import_detail', args=[real.pk])}")
                assert "Đã nhập: 1 hộ mới" in outcome.text()
            finally:
                http.dispose()
        ran_by = {job.worker.split(":")[1] for job in Job.objects.all()}
        assert ran_by <= {str(worker.pid) for worker in workers}, ran_by
        time.sleep(0.5)
        logs = app_a.output() + app_b.output()
    # The request lines of both servers are JSON with the request's fields.
    entries = [json.loads(line) for line in logs.splitlines() if '"giamngheo.request"' in line]
    assert entries, logs[-3000:]
    fields = {"time", "level", "request_id", "method", "path", "status", "duration_ms"}
    assert all(fields <= set(entry) for entry in entries)
    assert {entry["path"] for entry in entries} >= {"/readyz", "/accounts/login/"}
