"""Settings for the test suite: the embedded test server (var/pgdata-test, durability off)
unless DATABASE_URL points to an external PostgreSQL."""

from __future__ import annotations

import os

if not os.environ.get("DATABASE_URL"):
    os.environ["GIAMNGHEO_EMBEDDED_TEST_SERVER"] = "1"
    from giamngheo.lib import embedded_db

    embedded_db.start(for_tests=True)

from giamngheo.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
LANGUAGE_CODE = "vi"
