"""The test databases of one run cloned from one migrated template (``CREATE DATABASE … TEMPLATE``).

pytest-django migrates a test database per xdist worker: every worker runs the ~150 migrations
itself, at the same time as the others, on the same cores (about 27 s each on the CI machine
under load). Here the first worker to take a PostgreSQL advisory lock migrates one template
database, ``<test database>_template``; each worker then copies it (a file-level copy: about a
second) into its own test database, which pytest-django finds in place (``keepdb``) and checks
with a ``migrate`` that has nothing left to apply.

The template is kept after the run with a fingerprint of every migration file (its database
comment): the next run on the same server reuses it, a changed migration rebuilds it.
``--create-db``, ``--reuse-db`` and ``--no-migrations`` keep pytest-django's own behaviour.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import django
from django.core.management import call_command
from django.db import connection

_MARK = "giamngheo-test-template:"


def fingerprint() -> str:
    """Every migration file of the project and Django's version: a template made from other
    migrations is never reused."""
    import giamngheo

    digest = hashlib.sha256(django.get_version().encode())
    root = Path(giamngheo.__file__).parent
    for path in sorted(root.rglob("migrations/*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def template_name(test_name: str, worker: str | None) -> str:
    """``test_x_gw0`` → ``test_x_template``: one template for the run's workers."""
    if worker and test_name.endswith(f"_{worker}"):
        test_name = test_name[: -len(worker) - 1]
    return f"{test_name}_template"


def _exists(cursor: object, name: str) -> tuple[bool, str]:
    cursor.execute(  # type: ignore[attr-defined]
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
    )
    row = cursor.fetchone()  # type: ignore[attr-defined]
    return row is not None, (row[0] or "") if row else ""


def _migrate_template(cursor: object, name: str, mark: str) -> None:
    """Create and migrate the template, as Django's ``create_test_db`` migrates a test database;
    its comment is written last, so a half-made template is never taken for a finished one."""
    qn = connection.ops.quote_name
    cursor.execute(f"DROP DATABASE IF EXISTS {qn(name)}")  # type: ignore[attr-defined]
    cursor.execute(f"CREATE DATABASE {qn(name)}")  # type: ignore[attr-defined]
    own = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        call_command(
            "migrate", verbosity=0, interactive=False, database=connection.alias, run_syncdb=True
        )
        call_command("createcachetable", database=connection.alias)
    finally:
        connection.close()
        connection.settings_dict["NAME"] = own
    cursor.execute(f"COMMENT ON DATABASE {qn(name)} IS %s", [mark])  # type: ignore[attr-defined]


def clone_test_database(worker: str | None) -> str:
    """The worker's test database (its settings' TEST NAME), copied from the migrated template
    (made first if missing or out of date). Returns the test database's name."""
    qn = connection.ops.quote_name
    test_name = connection.creation._get_test_db_name()
    name = template_name(test_name, worker)
    mark = _MARK + fingerprint()
    connection.close()
    with connection._nodb_cursor() as cursor:
        # One worker at a time: the first makes the template, the others wait for it. The lock
        # is the session's: it goes with this connection whatever happens.
        cursor.execute("SELECT pg_advisory_lock(hashtext(%s))", [name])
        try:
            exists, comment = _exists(cursor, name)
            if not exists or comment != mark:
                _migrate_template(cursor, name, mark)
            cursor.execute(f"DROP DATABASE IF EXISTS {qn(test_name)}")
            cursor.execute(f"CREATE DATABASE {qn(test_name)} TEMPLATE {qn(name)}")
        finally:
            cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [name])
    return test_name


def drop_test_database(test_name: str) -> None:
    """The worker's copy at the end of the run (the template stays for the next run)."""
    connection.close()
    with connection._nodb_cursor() as cursor:
        # FORCE (PostgreSQL 13+): a process a test left behind does not keep the copy alive.
        cursor.execute(
            f"DROP DATABASE IF EXISTS {connection.ops.quote_name(test_name)} WITH (FORCE)"
        )
