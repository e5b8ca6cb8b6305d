"""Production mode refuses unsafe settings at start, in Vietnamese (web.production), and
static files are served hashed, compressed and cached for ever (WhiteNoise)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core import checks

from giamngheo.web.production import check_production_settings, production_problems
from tests.conftest import test_database_url

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = secrets.token_urlsafe(64)


def test_safe_production_settings_have_no_problem(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GIAMNGHEO_DEMO", raising=False)
    settings.DEBUG, settings.SECRET_KEY = False, GOOD_KEY
    settings.ALLOWED_HOSTS, settings.PRODUCTION = ["giamngheo.example.org"], True
    assert production_problems() == []
    assert check_production_settings() == []


def test_each_unsafe_setting_is_named_and_is_a_deploy_check_error(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIAMNGHEO_DEMO", "1")
    settings.DEBUG, settings.SECRET_KEY = True, settings.DEMO_SECRET_KEY
    settings.ALLOWED_HOSTS, settings.PRODUCTION = [], True
    problems = production_problems()
    assert len(problems) == 4
    for name in (
        "GIAMNGHEO_DEBUG",
        "GIAMNGHEO_SECRET_KEY",
        "GIAMNGHEO_ALLOWED_HOSTS",
        "GIAMNGHEO_DEMO",
    ):
        assert sum(name in problem for problem in problems) == 1, name
    errors = check_production_settings()
    assert [e.level for e in errors] == [checks.ERROR] * 4
    settings.PRODUCTION = False  # outside production mode nothing is required
    assert check_production_settings() == []


def _serve(env_changes: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"GIAMNGHEO_DEMO", "GIAMNGHEO_DEBUG", "GIAMNGHEO_TEST_SETTINGS"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="giamngheo.settings",
        DATABASE_URL=test_database_url(),
        GIAMNGHEO_VAR_DIR=str(tmp_path),
        PYTHONPATH=str(ROOT / "src"),
        **env_changes,
    )
    return subprocess.run(
        [sys.executable, "-m", "giamngheo", "serve", "--production", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.django_db
def test_serve_production_refuses_to_start_and_says_why(tmp_path: Path) -> None:
    no_hosts = _serve(
        {"GIAMNGHEO_SECRET_KEY": GOOD_KEY, "GIAMNGHEO_DEBUG": "1", "GIAMNGHEO_ALLOWED_HOSTS": ""},
        tmp_path,
    )
    assert no_hosts.returncode == 1
    assert "không chạy ở chế độ thật vì cấu hình chưa an toàn" in no_hosts.stderr
    assert "GIAMNGHEO_DEBUG đang bật" in no_hosts.stderr
    assert "GIAMNGHEO_ALLOWED_HOSTS chưa được đặt" in no_hosts.stderr
    no_key = _serve({"GIAMNGHEO_ALLOWED_HOSTS": "giamngheo.example.org"}, tmp_path)
    assert no_key.returncode == 1
    assert "GIAMNGHEO_SECRET_KEY chưa được đặt" in no_key.stderr
