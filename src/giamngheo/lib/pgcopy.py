"""PostgreSQL COPY for Polars frames: the one place that decides how values travel in bulk.

Bulk writers (the household import, the demo loader, the demo surveys, the audit log's bulk
events) send frames with :func:`copy_frame`; bulk readers get a query's rows as a typed frame
with :func:`read_frame`, about twice as fast as fetching hundreds of thousands of Python tuples.

**The null convention** (both ways, PostgreSQL's own CSV defaults, no sentinel):

- a null is an *unquoted* empty field;
- an empty string is a *quoted* empty field (``""``).

A sentinel such as ``\\N`` is not used: it would turn a real text ``\\N`` into a null unless
every writer remembered to quote it. Polars writes and reads CSV with exactly this convention,
so no value is rewritten on the way.

Other values: booleans as ``true``/``false`` (read back from ``t``/``f``), dates as ISO
``YYYY-MM-DD`` (independent of the server's DateStyle), timestamps in UTC (a naive one is
taken as UTC), lists as PostgreSQL
arrays (every element quoted, so commas, quotes, braces and spaces survive; null elements stay
null), structs as JSON text (for ``jsonb`` columns). Floats are written with their shortest
exact representation unless a caller asks for ``float_precision``.

Identifiers are quoted with psycopg's ``sql.Identifier``; table and column names still come
from the code (models, constants), never from input. This module imports no app.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Final, Protocol, TypeAlias

import polars as pl
from psycopg import sql

DataType: TypeAlias = pl.DataType | type[pl.DataType]
CHUNK_ROWS: Final = 50_000  # rows encoded at a time: bounded memory for any frame


class _CopyStream(Protocol):
    def write(self, buffer: bytes | str) -> None: ...

    def __iter__(self) -> Iterator[bytes]: ...


class Cursor(Protocol):
    """What COPY needs of a cursor: psycopg's, or Django's wrapper around it."""

    def copy(
        self, statement: sql.Composable, params: Sequence[object] | None = None
    ) -> AbstractContextManager[_CopyStream]: ...


def identifier(name: str) -> sql.Composable:
    """A table name, schema-qualified or not (``"public.t"``), safely quoted."""
    return sql.Identifier(*name.split("."))


def array_literal(expr: pl.Expr) -> pl.Expr:
    """A list expression as a PostgreSQL array literal: ``["a,b", None]`` → ``{"a,b",NULL}``."""
    quoted = pl.concat_str(
        [
            pl.lit('"'),
            pl.element()
            .cast(pl.String)
            .str.replace_all("\\", "\\\\", literal=True)
            .str.replace_all('"', '\\"', literal=True),
            pl.lit('"'),
        ]
    )
    # concat_str is null when the element is: that is the array's unquoted NULL.
    items = expr.list.eval(quoted.fill_null(pl.lit("NULL")))
    return pl.concat_str([pl.lit("{"), items.list.join(","), pl.lit("}")])


def _encoded(frame: pl.DataFrame) -> pl.DataFrame:
    """Columns CSV cannot carry as they are: lists as arrays, structs as JSON."""
    changes: list[pl.Expr] = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if isinstance(dtype, pl.List | pl.Array):
            changes.append(array_literal(column.cast(pl.List(dtype.inner))).alias(name))
        elif isinstance(dtype, pl.Struct):
            # A null struct is SQL NULL, not the JSON object of its null fields.
            encoded = column.struct.json_encode()
            changes.append(pl.when(column.is_null()).then(None).otherwise(encoded).alias(name))
        elif isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
            utc = column.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
            changes.append(utc.alias(name))
    return frame.with_columns(changes) if changes else frame


def copy_frame(
    cursor: Cursor,
    table: str,
    frame: pl.DataFrame,
    *,
    float_precision: int | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> int:
    """COPY ``frame`` into ``table`` (its columns named as the frame's). Returns the rows sent.

    Columns the frame lacks take the table's defaults (or null). ``float_precision`` rounds
    floats in the text sent (the database rounds numeric columns to their scale anyway).
    """
    if frame.height == 0:
        return 0
    statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
        identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in frame.columns)
    )
    encoded = _encoded(frame)
    with cursor.copy(statement) as copy:
        for part in encoded.iter_slices(chunk_rows):
            text = part.write_csv(
                include_header=False,
                float_precision=float_precision,
                # Timestamps are in UTC by now (naive ones are taken as UTC): say so.
                datetime_format="%Y-%m-%dT%H:%M:%S%.6f+00:00",
            )
            copy.write(text.encode())
    return frame.height


def _select(name: str, dtype: DataType) -> sql.Composable:
    """How one column of the query leaves the server: text Polars can parse unambiguously."""
    column = sql.SQL("q.{}").format(sql.Identifier(name))
    if isinstance(dtype, pl.List) or dtype == pl.List:
        return sql.SQL("array_to_json({})::text").format(column)
    if dtype == pl.Date:
        return sql.SQL("to_char({}, 'YYYY-MM-DD')").format(column)
    if dtype == pl.Datetime:
        return sql.SQL("""to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')""").format(
            column
        )
    if dtype in (pl.Float32, pl.Float64):
        # numeric columns too: their text would otherwise be read as exact decimals.
        return sql.SQL("{}::float8").format(column)
    return column


def _parsed(name: str, dtype: DataType) -> pl.Expr | None:
    column = pl.col(name)
    if dtype == pl.String:
        return None
    if dtype == pl.Boolean:
        return (column == "t").alias(name)
    if dtype == pl.Date:
        return column.str.to_date("%Y-%m-%d").alias(name)
    if isinstance(dtype, pl.Datetime) or dtype == pl.Datetime:
        zone = dtype.time_zone if isinstance(dtype, pl.Datetime) else "UTC"
        parsed = column.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", time_unit="us")
        if zone:
            parsed = parsed.dt.replace_time_zone("UTC").dt.convert_time_zone(zone)
        return parsed.alias(name)
    if isinstance(dtype, pl.List) or dtype == pl.List:
        inner = dtype.inner if isinstance(dtype, pl.List) else pl.String
        return column.str.json_decode(pl.List(inner)).alias(name)
    if dtype.is_numeric():
        return column.cast(dtype).alias(name)
    raise TypeError(f"pgcopy.read_frame: unsupported type {dtype} for column {name}")


def read_frame(
    cursor: Cursor,
    query: str,
    params: Sequence[object] | None,
    schema: Mapping[str, DataType],
) -> pl.DataFrame:
    """The rows of ``query`` as a frame with ``schema`` (names by position: the query's own
    column names do not matter), read with ``COPY (…) TO STDOUT``.

    Supported types: strings, integers, floats (numeric columns too), booleans, dates,
    timestamps (``pl.Datetime``: in UTC, or naive UTC when the dtype has no zone) and lists of
    those scalars (PostgreSQL arrays). ``params`` should be small values (ids): psycopg binds
    them into the statement on the client, as COPY takes no server-side parameters.
    """
    names = list(schema)
    wrapped = sql.SQL("COPY (SELECT {} FROM ({}) AS q ({})) TO STDOUT (FORMAT csv)").format(
        sql.SQL(", ").join(_select(n, d) for n, d in schema.items()),
        sql.SQL(query),  # the callers' own SQL, never input
        sql.SQL(", ").join(sql.Identifier(n) for n in names),
    )
    buffer = io.BytesIO()
    with cursor.copy(wrapped, list(params) if params else None) as copy:
        for chunk in copy:
            buffer.write(chunk)
    if buffer.tell() == 0:
        return pl.DataFrame(schema=_empty_schema(schema))
    buffer.seek(0)
    text = pl.read_csv(buffer, has_header=False, new_columns=names, infer_schema=False)
    casts = [e for e in (_parsed(n, d) for n, d in schema.items()) if e is not None]
    frame = text.with_columns(casts) if casts else text
    return frame.cast(_empty_schema(schema))  # type: ignore[arg-type]


def _empty_schema(schema: Mapping[str, DataType]) -> dict[str, DataType]:
    """Bare classes (``pl.List``, ``pl.Datetime``) as the concrete types ``read_frame`` makes."""
    concrete: dict[str, DataType] = {}
    for name, dtype in schema.items():
        if dtype == pl.List and not isinstance(dtype, pl.List):
            concrete[name] = pl.List(pl.String)
        elif dtype == pl.Datetime and not isinstance(dtype, pl.Datetime):
            concrete[name] = pl.Datetime("us", "UTC")
        else:
            concrete[name] = dtype
    return concrete
