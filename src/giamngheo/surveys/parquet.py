"""The ``surveys`` table of the Parquet export (``registry.parquet``): one row per survey of the
exported households, with its engine result (status, deprivation count, every indicator flag
as a boolean column ``deprived_<indicator>``, scores, the standard's code and version), and
without the answers as typed, the surveyor or any free text. Registered in
``SurveysConfig.ready``; the columns are documented in docs/analytics.md.
"""

from __future__ import annotations

from functools import cache
from typing import Final

import polars as pl

from giamngheo.lib import pgcopy
from giamngheo.registry import parquet
from giamngheo.standards.packs import load_all
from giamngheo.surveys.models import Survey

_COLUMNS: Final[parquet.Schema] = {
    "survey_key": pl.String,
    "household_key": pl.String,
    "commune": pl.String,
    "village": pl.String,
    "review_year": pl.Int16,
    "surveyed_on": pl.Date,
    "form": pl.String,
    "form_version": pl.String,
    "form_kind": pl.String,
    "standard_code": pl.String,
    "standard_version": pl.String,
    "method": pl.String,
    "status": pl.String,
    "screening": pl.String,
    "income": pl.Int64,
    "score_a": pl.Int32,
    "score_b": pl.Int16,
    "deprivation_count": pl.Int16,
}
_SOURCES: Final = {
    "form": "form__code",
    "form_version": "form__version",
    "form_kind": "form__kind",
}


@cache
def indicator_codes() -> tuple[str, ...]:
    """Every indicator of the installed rule packs, in pack order (one flag column each)."""
    codes: dict[str, None] = {}
    for pack in load_all():
        codes.update(dict.fromkeys(pack.indicator_codes))
    return tuple(codes)


def schema() -> parquet.Schema:
    return {**_COLUMNS, **{f"deprived_{code}": pl.Boolean for code in indicator_codes()}}


def _read(chunk: parquet.Chunk) -> pl.DataFrame:
    names = [n for n in _COLUMNS if n not in ("survey_key", "household_key", "commune", "village")]
    rows = (
        Survey.objects.filter(household__in=chunk.households.values("pk"))
        .order_by("household_id", "review_year", "id")
        .values_list(
            "id",
            "household_id",
            "commune__code",
            "village__code",
            *(_SOURCES.get(n, n) for n in names),
            "deprivation_flags",
        )
    )
    read_schema: dict[str, pgcopy.DataType] = {
        "id": pl.Int64,
        "household_id": pl.Int64,
        "commune": pl.String,
        "village": pl.String,
    }
    read_schema |= {n: _COLUMNS[n] for n in names}
    frame = parquet.read_values(rows, read_schema | {"flags": pl.String})
    codes = indicator_codes()
    flags = pl.col("flags").str.json_decode(pl.Struct({c: pl.Boolean for c in codes}))
    blank = ["method", "status", "screening"]
    return frame.with_columns(
        survey_key=chunk.keys(frame["id"], "survey"),
        household_key=chunk.keys(frame["household_id"], "household"),
        **{f"deprived_{c}": flags.struct.field(c) for c in codes},
        **{n: pl.when(pl.col(n) == "").then(None).otherwise(pl.col(n)) for n in blank},
    ).select(list(schema()))


def register() -> None:
    parquet.register_table(parquet.ParquetTable("surveys", schema, _read))
