"""What every stage of the import shares: the request, the report being filled, the error log,
the columns of the template, the stage clock; and the fields an import writes."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

import polars as pl
from django.utils import timezone

from giamngheo.accounts.types import Actor
from giamngheo.registry import spreadsheets as sheets
from giamngheo.registry.fields import HOUSEHOLD_VALUE_KEYS, PERSON_VALUE_KEYS
from giamngheo.registry.imports.frames import ERROR_SCHEMA
from giamngheo.registry.imports.report import ImportReport
from giamngheo.registry.spreadsheets import Column, Kind

Progress = Callable[[int, int, str], None]

# The fields an import writes (HOUSEHOLD_VALUE_KEYS, PERSON_VALUE_KEYS) come from
# registry.fields, derived from the engine's schema.
LEGACY_KEYS: Final = ("legacy_province", "legacy_district", "legacy_commune")
MEMBER_REQUIRED: Final = ("code", "full_name", "relation", "sex", "ethnicity")
HOUSEHOLD_DB_COLUMNS: Final = (
    "id",
    "code",
    "village_id",
    "commune_id",
    "version",
    "area_kind",
    "area_kind_override_reason",
    "head_name",
    *HOUSEHOLD_VALUE_KEYS,
)
PERSON_DB_COLUMNS: Final = ("birth_date", "birth_year", *PERSON_VALUE_KEYS)


class ErrorLog:
    """Every problem found, as frames of (row, column, household, message) rows."""

    def __init__(self) -> None:
        self.frames: list[pl.DataFrame] = []

    def add(self, frame: pl.DataFrame) -> None:
        self.frames.append(frame)

    def one(self, row: int, column: str, message: str, household: str | None = None) -> None:
        self.add(
            pl.DataFrame(
                [{"row": row, "column": column, "household": household, "message": message}],
                schema=ERROR_SCHEMA,
            )
        )

    def clear(self) -> None:
        self.frames = []

    def frame(self) -> pl.DataFrame:
        """All errors, without repeats, by row and then by the template's column order."""
        frames = [e for e in self.frames if e.height]
        if not frames:
            return pl.DataFrame(schema=ERROR_SCHEMA)
        order = {c.header: i for i, c in enumerate(sheets.household_columns())}
        return (
            pl.concat(frames)
            .unique(keep="first", maintain_order=True)
            .with_columns(
                pl.col("column")
                .replace_strict(order, default=len(order), return_dtype=pl.Int64)
                .alias("_order")
            )
            .sort("row", "_order", maintain_order=True)
            .drop("_order")
        )

    def invalid_codes(self) -> set[str]:
        """Households with at least one error."""
        return set(self.frame()["household"].drop_nulls().to_list())


@dataclass
class Context:
    """One import run: what was asked, and what the stages found so far."""

    actor: Actor  # None: the system (command line), which reaches every area
    file_name: str
    dry_run: bool
    only_valid: bool
    complete: bool
    province_code: str | None
    resolutions: dict[str, str]
    job_id: int | None
    progress: Progress | None
    report: ImportReport
    errors: ErrorLog = field(default_factory=ErrorLog)
    columns: dict[str, Column] = field(
        default_factory=lambda: sheets.columns_by_key(sheets.household_columns())
    )
    today: dt.date = field(default_factory=timezone.localdate)
    clock: float = field(default_factory=time.perf_counter)

    def lap(self, stage: str) -> None:
        """Seconds since the previous lap, stored in the report under ``stage``."""
        now = time.perf_counter()
        self.report.seconds[stage] = round(now - self.clock, 3)
        self.clock = now

    def say(self, percent: int, message: str) -> None:
        if self.progress is not None:
            self.progress(percent, 100, message)

    def header(self, key: str) -> str:
        return self.columns[key].header

    def dtype(self, key: str) -> Any:
        """The Polars type of a parsed column (or of a stored one read for comparison)."""
        if key in ("id", "village_id", "commune_id", "version"):
            return pl.Int64
        column = self.columns.get(key)
        kinds = {
            Kind.BOOL: pl.Boolean,
            Kind.MONEY: pl.Int64,
            Kind.YEAR: pl.Int64,
            Kind.DECIMAL: pl.Float64,
            Kind.DATE: pl.Date,
            Kind.COMMUNE: pl.Int64,
        }
        return kinds.get(column.kind, pl.String) if column is not None else pl.String
