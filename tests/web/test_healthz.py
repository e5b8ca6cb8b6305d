from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client


@pytest.mark.django_db
def test_it_reports_ok_when_the_database_answers() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db(transaction=True)
def test_it_answers_503_naming_the_database_when_it_is_unreachable() -> None:
    settings_dict = connection.settings_dict
    original = settings_dict["PORT"]
    connection.close()
    settings_dict["PORT"] = "1"  # nothing listens there
    try:
        response = Client().get("/healthz")
    finally:
        connection.close()
        settings_dict["PORT"] = original
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
