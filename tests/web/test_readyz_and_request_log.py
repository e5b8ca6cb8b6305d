"""/readyz (readiness for a load balancer) and the request log (web.request_log)."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import connection
from django.test import Client

from giamngheo.jobs import services
from giamngheo.lib.logs import JsonFormatter, MaskPersonalNumbers
from giamngheo.web import views


@pytest.mark.django_db
def test_ready_when_the_database_migrations_and_queue_answer() -> None:
    services.job_enqueue(actor=None, kind="jobs.purge_files")
    response = Client().get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"]["database"] == "ok" and body["checks"]["migrations"] == "ok"
    assert body["checks"]["jobs"]["queued"] == 1 and body["checks"]["jobs"]["running"] == 0
    assert "replica" not in body["checks"]  # none configured
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_not_ready_with_the_reason_when_a_migration_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(views, "_migrations_applied", False)
    with connection.cursor() as cursor:  # rolled back with the test
        cursor.execute(
            "DELETE FROM django_migrations WHERE id = (SELECT max(id) FROM django_migrations)"
        )
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not_ready" and body["checks"]["pending_migrations"] == 1
    assert "giamngheo migrate" in body["reason"]


@pytest.mark.django_db(transaction=True)
def test_not_ready_when_the_database_is_unreachable() -> None:
    settings_dict = connection.settings_dict
    original = settings_dict["PORT"]
    connection.close()
    settings_dict["PORT"] = "1"  # nothing listens there
    try:
        response = Client().get("/readyz")
    finally:
        connection.close()
        settings_dict["PORT"] = original
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unreachable"
    assert "cơ sở dữ liệu" in response.json()["reason"]


@pytest.mark.django_db
def test_each_request_is_one_masked_json_line_with_its_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="giamngheo.request"):
        response = Client().get("/verify/038201001234/0912345678/", HTTP_X_REQUEST_ID="lb-42")
    assert response["X-Request-ID"] == "lb-42"
    records = [r for r in caplog.records if r.name == "giamngheo.request"]
    assert len(records) == 1
    record = records[0]
    MaskPersonalNumbers().filter(record)
    line = JsonFormatter().format(record)
    assert "038201001234" not in line and "0912345678" not in line
    entry = json.loads(line)
    assert entry["request_id"] == "lb-42" and entry["method"] == "GET"
    assert entry["path"] == "/verify/**********34/********78/"
    assert entry["status"] == response.status_code and entry["duration_ms"] >= 0


@pytest.mark.django_db
def test_a_request_id_that_is_not_an_id_is_replaced() -> None:
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="<script>" * 20)
    assert response["X-Request-ID"].isalnum() and len(response["X-Request-ID"]) == 32
