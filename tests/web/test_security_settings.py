"""Production settings: no start with the public demo key, a clean `check --deploy` once the
HTTPS switches are set, Argon2 for passwords."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

GIAMNGHEO = Path(sys.executable).with_name("giamngheo")
# What production sets (README, "Settings"). The database is never contacted by these commands.
PRODUCTION = {
    "DATABASE_URL": "postgres://giamngheo@127.0.0.1:5999/giamngheo",
    "GIAMNGHEO_ALLOWED_HOSTS": "giamngheo.example.vn",
    "GIAMNGHEO_SECURE_COOKIES": "1",
    "GIAMNGHEO_SSL_REDIRECT": "1",
    "GIAMNGHEO_HSTS_SECONDS": "31536000",
    "GIAMNGHEO_HSTS_INCLUDE_SUBDOMAINS": "1",
    "GIAMNGHEO_HSTS_PRELOAD": "1",
    "GIAMNGHEO_TRUSTED_PROXY_COUNT": "1",
}


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    # A clean environment: none of the test run's settings (GIAMNGHEO_TEST_SETTINGS, …).
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/")}
    return subprocess.run(
        args, env={**base, **env}, capture_output=True, text=True, timeout=120, check=False
    )


def test_production_settings_refuse_the_public_demo_key() -> None:
    result = run([sys.executable, "-c", "import giamngheo.settings"], **PRODUCTION)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("django.core.exceptions.ImproperlyConfigured: GIAMNGHEO_SECRET_KEY")
    message = last.split(": ", 1)[1]
    assert message.count(". ") == 0 and message.endswith(".")  # one sentence
    # The command says it in one line, without a traceback.
    result = run([str(GIAMNGHEO), "check"], **PRODUCTION)
    assert result.returncode == 1
    assert result.stderr.strip() == f"giamngheo: {message}"


@pytest.mark.parametrize(
    "env",
    [{}, {"GIAMNGHEO_DEMO": "1"}, {"DATABASE_URL": "", "GIAMNGHEO_DEMO": "0"}],
    ids=["debug", "demo-flag", "embedded-database"],
)
def test_debug_and_the_demo_keep_working_without_a_key(env: dict[str, str]) -> None:
    settings_env = {**PRODUCTION, **env}
    if not env:
        settings_env["GIAMNGHEO_DEBUG"] = "1"
    if settings_env.get("DATABASE_URL") == "":
        del settings_env["DATABASE_URL"]  # `make demo`: the embedded database (not started here)
    code = "import giamngheo.settings as s; print(s.SECRET_KEY == s.DEMO_SECRET_KEY)"
    result = run([sys.executable, "-c", code], **settings_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_check_deploy_is_clean_with_the_production_environment() -> None:
    key = secrets.token_urlsafe(50)
    result = run(
        [str(GIAMNGHEO), "check", "--deploy", "--fail-level", "WARNING"],
        **PRODUCTION,
        GIAMNGHEO_SECRET_KEY=key,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    # Without the HTTPS switches the same check names what is missing.
    kept = {"DATABASE_URL", "GIAMNGHEO_ALLOWED_HOSTS"}
    plain = {k: v for k, v in PRODUCTION.items() if k in kept}
    result = run([str(GIAMNGHEO), "check", "--deploy"], **plain, GIAMNGHEO_SECRET_KEY=key)
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stdout + result.stderr
    # HTTPS without a trusted proxy: the throttle would see one address for everybody.
    untrusted = {k: v for k, v in PRODUCTION.items() if k != "GIAMNGHEO_TRUSTED_PROXY_COUNT"}
    result = run([str(GIAMNGHEO), "check", "--deploy"], **untrusted, GIAMNGHEO_SECRET_KEY=key)
    assert "giamngheo.W001" in result.stdout + result.stderr


def test_production_hashes_passwords_with_argon2() -> None:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'giamngheo.settings'; "
        "django.setup(); "
        "from django.conf import settings; from django.contrib.auth.hashers import make_password;"
        "print(settings.PASSWORD_HASHERS[0]); print(make_password('mat-khau').split('$')[0]);"
        "from django.contrib.auth.hashers import check_password;"
        "old = make_password('mat-khau', hasher='pbkdf2_sha256');"
        "print(check_password('mat-khau', old))"  # hashes made before Argon2 still verify
    )
    result = run([sys.executable, "-c", code], **PRODUCTION, GIAMNGHEO_SECRET_KEY="k" * 60)
    assert result.returncode == 0, result.stderr
    first, algorithm, old_still_verifies = result.stdout.split()
    assert first == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert algorithm == "argon2"
    assert old_still_verifies == "True"


def test_production_security_settings() -> None:
    code = (
        "import giamngheo.settings as s; "
        "print(s.SESSION_COOKIE_HTTPONLY, s.X_FRAME_OPTIONS, s.SECURE_REFERRER_POLICY, "
        "s.SECURE_CONTENT_TYPE_NOSNIFF, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)"
    )
    result = run([sys.executable, "-c", code], **PRODUCTION, GIAMNGHEO_SECRET_KEY="k" * 60)
    assert result.stdout.split() == [
        "True",
        "DENY",
        "same-origin",
        "True",
        "True",
        "True",
        "True",
        "31536000",
    ]
    # The switches are off unless set (a demo over plain HTTP keeps working).
    result = run([sys.executable, "-c", code], GIAMNGHEO_DEMO="1")
    assert result.stdout.split()[4:] == ["False", "False", "False", "0"]
