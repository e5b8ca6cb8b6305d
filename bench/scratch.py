"""A scratch database for benchmarks: created, migrated and dropped by the benchmark, on the
embedded server or on the server of DATABASE_URL. Not a benchmark itself."""

from __future__ import annotations

import os
from urllib.parse import quote, urlsplit, urlunsplit


def server_url(database: str) -> str:
    """A DATABASE_URL for ``database`` on the configured server."""
    configured = os.environ.get("DATABASE_URL")
    if configured:
        parts = urlsplit(configured)
        return urlunsplit(parts._replace(path=f"/{database}"))
    from giamngheo.lib import embedded_db

    status = embedded_db.start()
    host = quote(str(status.socket_dir or status.data_dir), safe="")
    return f"postgres://{embedded_db.DEFAULT_USER}@{host}:{status.port or 5432}/{database}"


def admin(sql: str, url: str, database: str) -> None:
    """Run ``sql`` (with ``{}`` standing for the database name) on the server's postgres db."""
    import psycopg
    from psycopg import sql as pgsql

    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(pgsql.SQL(sql).format(pgsql.Identifier(database)))


def create(url: str, database: str) -> None:
    """A fresh, migrated database with the official units, and Django set up on it."""
    admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", url, database)
    admin("CREATE DATABASE {}", url, database)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "giamngheo.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from giamngheo.areas import services as area_services

    call_command("migrate", verbosity=0)
    area_services.load_official_units()


def connect(url: str) -> None:
    """Django set up on an existing database (one kept by an earlier run)."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "giamngheo.settings")
    import django

    django.setup()


def open_database(database: str, *, reuse: bool) -> str:
    """Connect Django to ``database``: a kept one as it is (``--reuse``), else a new one made
    and migrated. Returns its URL (for ``drop``)."""
    url = server_url(database)
    if reuse:
        connect(url)
    else:
        create(url, database)
    return url


def drop(url: str, database: str) -> None:
    from django.db import connections

    connections.close_all()
    admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", url, database)
