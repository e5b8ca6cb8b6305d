"""``lib.pgcopy`` against the real PostgreSQL: what goes in comes out exactly."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import polars as pl
import pytest
from django.db import connection
from polars.testing import assert_frame_equal

from giamngheo.lib import pgcopy

pytestmark = pytest.mark.django_db

TRICKY_TEXT = [
    "",
    None,
    "a,b",
    'say "hi"',
    "two\nlines",
    "\\N",
    "NULL",
    " padded ",
    "Nguyễn Thị Hoà 👍",
    "{braces}",
    "back\\slash",
    "\r\nCRLF",
]

SCHEMA: dict[str, pgcopy.DataType] = {
    "id": pl.Int64,
    "text": pl.String,
    "flag": pl.Boolean,
    "day": pl.Date,
    "amount": pl.Float64,
    "tags": pl.List(pl.String),
    "numbers": pl.List(pl.Int64),
    "at": pl.Datetime("us", "UTC"),
}


@pytest.fixture
def cursor() -> Iterator[Any]:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE pgcopy_t (id bigint, text text, flag boolean, day date, "
            "amount float8, tags text[], numbers bigint[], at timestamptz, "
            "doc jsonb, fixed numeric(6, 1), filled text DEFAULT 'default')"
        )
        yield cursor
        cursor.execute("DROP TABLE pgcopy_t")


def sample() -> pl.DataFrame:
    n = len(TRICKY_TEXT)
    return pl.DataFrame(
        {
            "id": list(range(n)),
            "text": TRICKY_TEXT,
            "flag": [True, False, None] * (n // 3),
            "day": [dt.date(1900, 1, 1), None, dt.date(2025, 7, 1)] * (n // 3),
            "amount": [0.1 + 0.2, None, -1e-7, 1234567.25] * (n // 4),
            "tags": [["a,b", 'q"q', "", None, "x y"], [], None, ["{}", "\\", "NULL"]] * (n // 4),
            "numbers": [[1, 2], [], None, [-3, None]] * (n // 4),
            "at": [
                dt.datetime(2025, 7, 1, 8, 30, 0, 123456, tzinfo=dt.UTC),
                None,
                dt.datetime(1999, 12, 31, 23, 59, 59, tzinfo=dt.UTC),
            ]
            * (n // 3),
        },
        schema=SCHEMA,
    )


def test_it_round_trips_every_value_exactly(cursor: Any) -> None:
    frame = sample()
    assert pgcopy.copy_frame(cursor, "pgcopy_t", frame) == frame.height
    back = pgcopy.read_frame(cursor, "SELECT * FROM pgcopy_t ORDER BY id", None, SCHEMA)
    assert_frame_equal(back, frame)


def test_nulls_and_empty_strings_stay_apart_in_the_database(cursor: Any) -> None:
    pgcopy.copy_frame(cursor, "pgcopy_t", sample().select("id", "text"))
    cursor.execute("SELECT id FROM pgcopy_t WHERE text IS NULL")
    assert cursor.fetchall() == [(1,)]
    cursor.execute("SELECT id, text FROM pgcopy_t WHERE text IN ('', '\\N', 'NULL') ORDER BY id")
    assert cursor.fetchall() == [(0, ""), (5, "\\N"), (6, "NULL")]


def test_lists_are_real_arrays(cursor: Any) -> None:
    pgcopy.copy_frame(cursor, "pgcopy_t", sample().select("id", "tags", "numbers").head(4))
    cursor.execute("SELECT tags, numbers FROM pgcopy_t ORDER BY id")
    assert cursor.fetchall() == [
        (["a,b", 'q"q', "", None, "x y"], [1, 2]),
        ([], []),
        (None, None),
        (["{}", "\\", "NULL"], [-3, None]),
    ]


def test_structs_become_json_and_a_null_struct_is_null(cursor: Any) -> None:
    frame = pl.DataFrame(
        {"id": [1, 2], "doc": [{"name": 'Hoà, "A"', "n": 3}, None]},
        schema={"id": pl.Int64, "doc": pl.Struct({"name": pl.String, "n": pl.Int64})},
    )
    pgcopy.copy_frame(cursor, "pgcopy_t", frame)
    # Django's connection leaves jsonb as text: decoded here.
    cursor.execute("SELECT doc FROM pgcopy_t ORDER BY id")
    docs = [json.loads(doc) if doc is not None else None for (doc,) in cursor.fetchall()]
    assert docs == [{"name": 'Hoà, "A"', "n": 3}, None]


def test_missing_columns_take_the_table_default(cursor: Any) -> None:
    pgcopy.copy_frame(cursor, "pgcopy_t", pl.DataFrame({"id": [1]}))
    cursor.execute("SELECT filled, text FROM pgcopy_t")
    assert cursor.fetchall() == [("default", None)]


def test_float_precision_is_the_callers_choice(cursor: Any) -> None:
    frame = pl.DataFrame({"id": [1], "fixed": [12.34]})
    pgcopy.copy_frame(cursor, "pgcopy_t", frame, float_precision=1)
    back = pgcopy.read_frame(cursor, "SELECT fixed FROM pgcopy_t", None, {"fixed": pl.Float64})
    assert back["fixed"].to_list() == [12.3]


def test_it_reads_with_parameters_and_names_columns_by_position(cursor: Any) -> None:
    pgcopy.copy_frame(cursor, "pgcopy_t", sample().select("id", "text"))
    back = pgcopy.read_frame(
        cursor,
        "SELECT id AS whatever, text FROM pgcopy_t WHERE id = ANY(%s) ORDER BY id",
        [[2, 3]],
        {"row": pl.Int64, "value": pl.String},
    )
    assert back.to_dicts() == [{"row": 2, "value": "a,b"}, {"row": 3, "value": 'say "hi"'}]


def test_an_empty_result_has_the_schema(cursor: Any) -> None:
    back = pgcopy.read_frame(
        cursor, "SELECT id, tags FROM pgcopy_t", None, {"id": pl.Int64, "tags": pl.List}
    )
    assert back.height == 0
    assert back.schema == pl.Schema({"id": pl.Int64, "tags": pl.List(pl.String)})


def test_an_empty_frame_sends_nothing(cursor: Any) -> None:
    assert pgcopy.copy_frame(cursor, "pgcopy_t", pl.DataFrame(schema={"id": pl.Int64})) == 0


def test_large_frames_go_in_chunks(cursor: Any) -> None:
    frame = pl.DataFrame({"id": range(1_001), "text": [f"t{i}" for i in range(1_001)]})
    pgcopy.copy_frame(cursor, "pgcopy_t", frame, chunk_rows=100)
    back = pgcopy.read_frame(
        cursor,
        "SELECT id, text FROM pgcopy_t ORDER BY id",
        None,
        {"id": pl.Int64, "text": pl.String},
    )
    assert_frame_equal(back, frame)


def test_naive_timestamps_are_utc(cursor: Any) -> None:
    moment = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC).replace(tzinfo=None)
    pgcopy.copy_frame(cursor, "pgcopy_t", pl.DataFrame({"id": [1], "at": [moment]}))
    cursor.execute("SELECT at FROM pgcopy_t")
    assert cursor.fetchone()[0] == moment.replace(tzinfo=dt.UTC)
    back = pgcopy.read_frame(cursor, "SELECT at FROM pgcopy_t", None, {"at": pl.Datetime("us")})
    assert back["at"].to_list() == [moment]
