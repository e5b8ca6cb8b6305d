"""Settings for the test suite: the embedded test server (var/pgdata-test, durability off)
unless DATABASE_URL points to an external PostgreSQL."""

from __future__ import annotations

import os

# The public demo key is allowed here (giamngheo.settings refuses it in production).
os.environ["GIAMNGHEO_TEST_SETTINGS"] = "1"
if not os.environ.get("DATABASE_URL"):
    os.environ["GIAMNGHEO_EMBEDDED_TEST_SERVER"] = "1"
    from giamngheo.lib import embedded_db

    embedded_db.start(for_tests=True)

from giamngheo.settings import *  # noqa: F403

# Fast; tests only. tests/web/test_security_settings.py checks that production uses Argon2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LANGUAGE_CODE = "vi"
