"""Row counts and checksums of every table and the value of every sequence of a database.

A table's checksum is the sum, over its rows, of the row's MD5 (``md5(t::text)``) taken as two
64-bit integers: it does not depend on the order of the rows, needs no sort and no memory on
the server whatever the table's size, and changes when any value of any row changes. The text
of a row depends on the session's settings (time zone, date style, float digits), so they are
fixed first: the checksums of a backup and of its restore on another server compare equal.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql

# Fixed so that a row's text is the same on every server and every session.
SESSION_SETTINGS = {
    "TimeZone": "UTC",
    "DateStyle": "ISO, YMD",
    "IntervalStyle": "postgres",
    "extra_float_digits": "3",
    "bytea_output": "hex",
}

_USER_SCHEMAS = """
    n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp%%'
"""


def fix_session(conn: psycopg.Connection[Any]) -> None:
    for name, value in SESSION_SETTINGS.items():
        conn.execute("SELECT set_config(%s, %s, false)", [name, value])


def tables(conn: psycopg.Connection[Any]) -> list[tuple[str, str]]:
    """(schema, table) of every ordinary table outside the system schemas (extensions'
    own tables included: they are restored too)."""
    rows = conn.execute(
        "SELECT n.nspname, c.relname FROM pg_class c "  # noqa: S608 - constant text
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        f"WHERE c.relkind = 'r' AND {_USER_SCHEMAS} ORDER BY 1, 2"
    ).fetchall()
    return [(str(schema), str(name)) for schema, name in rows]


def sequences(conn: psycopg.Connection[Any]) -> list[tuple[str, str]]:
    rows = conn.execute(
        "SELECT n.nspname, c.relname FROM pg_class c "  # noqa: S608 - constant text
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        f"WHERE c.relkind = 'S' AND {_USER_SCHEMAS} ORDER BY 1, 2"
    ).fetchall()
    return [(str(schema), str(name)) for schema, name in rows]


def _label(schema: str, name: str) -> str:
    return name if schema == "public" else f"{schema}.{name}"


def table_state(conn: psycopg.Connection[Any], schema: str, name: str) -> dict[str, Any]:
    query = sql.SQL(
        "SELECT count(*), "
        "COALESCE(sum(('x' || substr(md5(t::text), 1, 16))::bit(64)::bigint::numeric), 0), "
        "COALESCE(sum(('x' || substr(md5(t::text), 17, 16))::bit(64)::bigint::numeric), 0) "
        "FROM {} AS t"
    ).format(sql.Identifier(schema, name))
    row = conn.execute(query).fetchone()
    if row is None:  # pragma: no cover - an aggregate returns one row
        raise LookupError(name)
    return {"rows": int(row[0]), "checksum": f"{row[1]}:{row[2]}"}


def database_state(conn: psycopg.Connection[Any]) -> dict[str, Any]:
    """{"tables": {name: {"rows", "checksum"}}, "sequences": {name: [last_value, is_called]}}
    of the database behind ``conn``, read in its current transaction (a backup reads them in
    the snapshot that pg_dump dumps)."""
    fix_session(conn)
    state: dict[str, Any] = {"tables": {}, "sequences": {}}
    for schema, name in tables(conn):
        state["tables"][_label(schema, name)] = table_state(conn, schema, name)
    for schema, name in sequences(conn):
        row = conn.execute(
            sql.SQL("SELECT last_value, is_called FROM {}").format(sql.Identifier(schema, name))
        ).fetchone()
        if row is None:  # pragma: no cover - a sequence has one row
            raise LookupError(name)
        state["sequences"][_label(schema, name)] = [int(row[0]), bool(row[1])]
    return state


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """What differs between two ``database_state`` results (empty: the same)."""
    problems: list[str] = []
    for kind in ("tables", "sequences"):
        want, got = expected.get(kind, {}), actual.get(kind, {})
        for name in sorted(set(want) | set(got)):
            if name not in got:
                problems.append(f"{kind}: {name} missing")
            elif name not in want:
                problems.append(f"{kind}: {name} not in the backup")
            elif want[name] != got[name]:
                problems.append(f"{kind}: {name} expected {want[name]}, found {got[name]}")
    return problems
