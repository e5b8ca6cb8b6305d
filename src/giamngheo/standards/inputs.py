"""Reading household data (CSV or Parquet) into validated columns.

Every problem is reported with the file, the 1-based data row (the header is not counted), the
column and, where known, the household id; all columns are checked before anything is returned,
so a caller can refuse the whole input without partial output.

Accepted cell values: booleans and 0/1 flags as `0`/`1` or `true`/`false` (any case); whole
numbers without decimals or thousands separators (`1500000`); decimal numbers with a dot
(`31.5`); enumerated values exactly as listed in `schema`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from giamngheo.standards.columns import Array, BoolArray, IntArray, RawColumns
from giamngheo.standards.errors import InputError, InputProblem
from giamngheo.standards.schema import (
    HOUSEHOLD_FIELD_BY_NAME,
    MEMBER_FIELD_BY_NAME,
    Field,
    Kind,
)

_TRUE = ("1", "true")
_FALSE = ("0", "false")


def read_table(path: str | Path) -> pl.DataFrame:
    """Read a CSV (every cell as text) or Parquet file (typed columns)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError.single("file not found", file=str(path))
    if suffix not in (".parquet", ".pq", ".csv", ".txt"):
        raise InputError.single(
            f"unsupported file type {suffix!r}; use .csv or .parquet", file=str(path)
        )
    try:
        if suffix in (".parquet", ".pq"):
            return pl.read_parquet(path)
        return pl.read_csv(path, infer_schema=False)
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError) as error:
        problem = _csv_shape_problem(path) if suffix in (".csv", ".txt") else None
        if problem is not None:
            raise InputError([problem]) from error
        raise InputError.single(f"cannot read the file: {error}", file=str(path)) from error


def _csv_shape_problem(path: Path) -> InputProblem | None:
    """The first data row whose number of fields differs from the header's."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle)
            header = next(rows, [])
            for number, row in enumerate(rows, start=1):
                if len(row) != len(header):
                    return InputProblem(
                        f"{len(row)} fields where the header has {len(header)} (a comma inside "
                        "a number? write 1500000, not 1,500,000)",
                        row=number,
                        file=str(path),
                    )
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        return InputProblem(f"cannot read the file: {error}", file=str(path))
    return None


class ColumnReader:
    """Validates and converts the columns of one table, collecting all problems."""

    def __init__(self, frame: pl.DataFrame, file: str | None, id_column: str = "household_id"):
        self.frame = frame
        self.file = file
        self.problems: list[InputProblem] = []
        # Only read when a problem is reported (converting ids up front costs more than
        # validating every column).
        self._id_column = id_column if id_column in frame.columns else None

    @property
    def n(self) -> int:
        return self.frame.height

    def _report(self, column: str, bad: np.ndarray[Any, np.dtype[np.bool_]], message: str) -> None:
        rows = np.flatnonzero(bad)
        first = int(rows[0])
        value = self.frame[column][first]
        more = f" ({rows.shape[0]} rows in all)" if rows.shape[0] > 1 else ""
        household_id = None
        if self._id_column is not None and column != self._id_column:
            ident = self.frame[self._id_column][first]
            household_id = None if ident is None else str(ident)
        self.problems.append(
            InputProblem(
                f"{value!r}: {message}{more}",
                row=first + 1,
                column=column,
                file=self.file,
                household_id=household_id,
            )
        )

    def has(self, column: str) -> bool:
        return column in self.frame.columns

    def require(self, columns: Sequence[str], *, what: str = "") -> bool:
        missing = [c for c in columns if c not in self.frame.columns]
        for column in missing:
            self.problems.append(
                InputProblem(
                    f"missing column{(' (' + what + ')') if what else ''}",
                    column=column,
                    file=self.file,
                )
            )
        return not missing

    def _nulls(self, column: str) -> bool:
        series = self.frame[column]
        nulls = series.is_null()
        if series.dtype == pl.String:
            nulls = nulls | (series.str.strip_chars() == "")
        if nulls.any():
            self._report(column, nulls.to_numpy(), "missing value")
            return True
        return False

    def identifiers(self, column: str = "household_id") -> Array:
        series = self.frame[column]
        if self._nulls(column):
            return np.zeros(0, dtype=object)
        if series.dtype.is_integer():
            result: Array = series.cast(pl.Int64).to_numpy()
            return result
        strings: Array = series.cast(pl.String).str.strip_chars().to_numpy()
        return strings

    def booleans(self, column: str, *, what: str = "0 or 1") -> BoolArray:
        series = self.frame[column]
        if self._nulls(column):
            return np.zeros(self.n, dtype=np.bool_)
        if series.dtype == pl.Boolean:
            result: BoolArray = series.to_numpy()
            return result
        if series.dtype.is_integer():
            bad = ~series.is_in([0, 1])
            if bad.any():
                self._report(column, bad.to_numpy(), f"must be {what}")
                return np.zeros(self.n, dtype=np.bool_)
            return (series == 1).to_numpy()
        text = series.cast(pl.String).str.strip_chars().str.to_lowercase()
        true = text.is_in(_TRUE)
        bad = ~(true | text.is_in(_FALSE))
        if bad.any():
            self._report(column, bad.to_numpy(), f"must be {what}")
            return np.zeros(self.n, dtype=np.bool_)
        result = true.to_numpy()
        return result

    def whole_numbers(
        self, column: str, *, minimum: int | None = 0, maximum: int | None = None, what: str
    ) -> IntArray:
        series = self.frame[column]
        empty = np.zeros(self.n, dtype=np.int64)
        if self._nulls(column):
            return empty
        if series.dtype.is_integer():
            values = series.cast(pl.Int64)
        elif series.dtype.is_float():
            bad = ~series.is_finite() | (series.round(0) != series)
            if bad.any():
                self._report(column, bad.to_numpy(), f"must be a whole number of {what}")
                return empty
            values = series.cast(pl.Int64)
        else:
            text = series.cast(pl.String).str.strip_chars()
            bad = ~text.str.contains(r"^[+-]?[0-9]+$")
            if bad.any():
                self._report(column, bad.to_numpy(), f"must be a whole number of {what}")
                return empty
            values = text.cast(pl.Int64, strict=False)
            if values.null_count():
                self._report(column, values.is_null().to_numpy(), "number too large")
                return empty
        return self._bounded(column, values, minimum, maximum)

    def numbers(
        self, column: str, *, minimum: float | None = 0, what: str
    ) -> np.ndarray[Any, np.dtype[np.float64]]:
        series = self.frame[column]
        empty = np.zeros(self.n, dtype=np.float64)
        if self._nulls(column):
            return empty
        if series.dtype.is_numeric():
            values = series.cast(pl.Float64)
        else:
            text = series.cast(pl.String).str.strip_chars()
            bad = ~text.str.contains(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$")
            if bad.any():
                self._report(
                    column, bad.to_numpy(), f"must be a number of {what} (use a dot for decimals)"
                )
                return empty
            values = text.cast(pl.Float64)
        bad = ~values.is_finite()
        if bad.any():
            self._report(column, bad.to_numpy(), f"must be a finite number of {what}")
            return empty
        if minimum is not None:
            below = values < minimum
            if below.any():
                self._report(column, below.to_numpy(), f"must not be less than {minimum:g}")
                return empty
        result: np.ndarray[Any, np.dtype[np.float64]] = values.to_numpy()
        return result

    def _bounded(
        self, column: str, values: pl.Series, minimum: int | None, maximum: int | None
    ) -> IntArray:
        if minimum is not None:
            below = values < minimum
            if below.any():
                message = "must not be negative" if minimum == 0 else f"must be at least {minimum}"
                self._report(column, below.to_numpy(), message)
                return np.zeros(self.n, dtype=np.int64)
        if maximum is not None:
            above = values > maximum
            if above.any():
                self._report(column, above.to_numpy(), f"must be at most {maximum}")
                return np.zeros(self.n, dtype=np.int64)
        result: IntArray = values.to_numpy()
        return result

    def codes(self, field: Field, column: str | None = None) -> np.ndarray[Any, np.dtype[np.uint8]]:
        """Enumerated values as uint8 codes (position in `field.values`)."""
        column = column or field.name
        series = self.frame[column]
        empty = np.zeros(self.n, dtype=np.uint8)
        if self._nulls(column):
            return empty
        if isinstance(series.dtype, pl.Enum) and tuple(series.dtype.categories) == field.values:
            result: np.ndarray[Any, np.dtype[np.uint8]] = (
                series.to_physical().cast(pl.UInt8).to_numpy()
            )
            return result
        text = series.cast(pl.String).str.strip_chars()
        mapped = text.replace_strict(
            list(field.values), list(range(len(field.values))), default=None, return_dtype=pl.UInt8
        )
        if mapped.null_count():
            self._report(
                column, mapped.is_null().to_numpy(), f"must be one of: {', '.join(field.values)}"
            )
            return empty
        result = mapped.to_numpy()
        return result

    def field(self, field: Field) -> Array:
        """Read a raw survey field according to its kind."""
        if field.kind is Kind.BOOL:
            return self.booleans(field.name, what="0/1 or true/false")
        if field.kind is Kind.ENUM:
            return self.codes(field)
        if field.kind is Kind.MONEY:
            return self.whole_numbers(field.name, minimum=0, what="đồng")
        if field.kind is Kind.INT:
            minimum = None if field.minimum is None else int(field.minimum)
            maximum = None if field.maximum is None else int(field.maximum)
            values = self.whole_numbers(field.name, minimum=minimum, maximum=maximum, what="years")
            small = minimum is not None and maximum is not None and minimum >= -(2**15)
            if small and maximum is not None and maximum < 2**15:
                return values.astype(np.int16)  # ages: less memory, faster comparisons
            return values
        if field.kind is Kind.NUMBER:
            return self.numbers(field.name, minimum=field.minimum, what="m²")
        if not field.required:  # optional identifiers (member_id) may be blank
            optional: Array = self.frame[field.name].cast(pl.String).to_numpy()
            return optional
        return self.identifiers(field.name)

    def raise_problems(self) -> None:
        if self.problems:
            raise InputError(self.problems)


# -- flags input -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlagInput:
    """Households with given 0/1 indicator flags."""

    household_ids: Array
    is_urban: BoolArray
    flags: Mapping[str, BoolArray]
    income: IntArray | None
    score_a: IntArray | None
    frame: pl.DataFrame


def read_flag_frame(
    frame: pl.DataFrame,
    indicators: Sequence[str],
    *,
    file: str | None = None,
    income: bool = True,
    score_a: bool = False,
) -> FlagInput:
    """Validate a table with household_id, area_type, income (or score_a) and one 0/1 column per
    indicator code."""
    reader = ColumnReader(frame, file)
    value_column = "score_a" if score_a else "income"
    needed = ["household_id", "area_type", *([value_column] if income or score_a else [])]
    reader.require(needed)
    reader.require(list(indicators), what="0/1 indicator flag")
    reader.raise_problems()
    ids = reader.identifiers()
    area = reader.codes(HOUSEHOLD_FIELD_BY_NAME["area_type"])
    income_values = (
        reader.whole_numbers("income", minimum=0, what="đồng") if income and not score_a else None
    )
    score_values = reader.whole_numbers("score_a", minimum=0, what="points") if score_a else None
    flags = {code: reader.booleans(code, what="0 or 1") for code in indicators}
    reader.raise_problems()
    _check_unique_ids(ids, file)
    return FlagInput(ids, area == 1, flags, income_values, score_values, frame)


def read_flag_file(
    path: str | Path, indicators: Sequence[str], *, income: bool = True, score_a: bool = False
) -> FlagInput:
    return read_flag_frame(
        read_table(path), indicators, file=str(path), income=income, score_a=score_a
    )


def _check_unique_ids(ids: Array, file: str | None) -> None:
    problem = duplicate_id_problem(ids, file)
    if problem is not None:
        raise InputError([problem])


def duplicate_id_problem(ids: Array, file: str | None) -> InputProblem | None:
    """The first repeated household id, reported at its second occurrence."""
    series = pl.Series(ids)
    repeated = ~series.is_first_distinct()
    if not repeated.any():
        return None
    row = int(np.flatnonzero(repeated.to_numpy())[0])
    first = int(np.flatnonzero((series == series[row]).to_numpy())[0])
    return InputProblem(
        f"household_id {ids[row]!s} appears more than once (first at row {first + 1})",
        row=row + 1,
        column="household_id",
        file=file,
    )


# -- raw survey input ----------------------------------------------------------------------------


def raw_columns_from_frames(
    households: pl.DataFrame,
    members: pl.DataFrame,
    *,
    household_fields: Sequence[str],
    member_fields: Sequence[str],
    households_file: str | None = None,
    members_file: str | None = None,
    score_a: bool = False,
) -> RawColumns:
    """Validate raw survey tables and build `RawColumns` with the requested fields."""
    household_reader = ColumnReader(households, households_file)
    member_reader = ColumnReader(members, members_file)
    wanted_household = [f for f in household_fields if not (score_a and f == "income")]
    if score_a:
        wanted_household.append("score_a")
    household_reader.require(wanted_household, what="household field")
    member_names = list(dict.fromkeys(["household_id", *member_fields]))
    member_reader.require(member_names, what="member field")
    if household_reader.problems or member_reader.problems:
        raise InputError([*household_reader.problems, *member_reader.problems])
    household_values: dict[str, Array] = {}
    for name in wanted_household:
        if name == "household_id":
            continue
        if name == "score_a":
            household_values[name] = household_reader.whole_numbers(name, what="points")
        else:
            household_values[name] = household_reader.field(HOUSEHOLD_FIELD_BY_NAME[name])
    household_ids = household_reader.identifiers()
    member_values: dict[str, Array] = {}
    for name in member_names:
        if name == "household_id":
            continue
        member_values[name] = member_reader.field(MEMBER_FIELD_BY_NAME[name])
    member_ids = member_reader.identifiers()
    if "member_id" in members.columns and "member_id" not in member_values:
        member_values["member_id"] = members["member_id"].cast(pl.String).to_numpy()
    if household_reader.problems or member_reader.problems:
        raise InputError([*household_reader.problems, *member_reader.problems])
    if household_ids.dtype.kind != member_ids.dtype.kind:
        household_ids = household_ids.astype(str).astype(object)
        member_ids = member_ids.astype(str).astype(object)
    return RawColumns.build(
        household_ids=household_ids,
        households=household_values,
        member_household_ids=member_ids,
        members=member_values,
        households_file=households_file,
        members_file=members_file,
    )


def read_raw_files(
    households_path: str | Path,
    members_path: str | Path,
    *,
    household_fields: Sequence[str],
    member_fields: Sequence[str],
    score_a: bool = False,
) -> tuple[RawColumns, pl.DataFrame]:
    households = read_table(households_path)
    members = read_table(members_path)
    cols = raw_columns_from_frames(
        households,
        members,
        household_fields=household_fields,
        member_fields=member_fields,
        households_file=str(households_path),
        members_file=str(members_path),
        score_a=score_a,
    )
    return cols, households


# -- back to plain records (scalar path) ---------------------------------------------------------


def _decoder(field: Field | None) -> Any:
    if field is not None and field.kind is Kind.ENUM:
        names = np.array(field.values, dtype=object)
        return lambda values: names[values].tolist()
    return lambda values: values.tolist()


def household_records(
    cols: RawColumns, rows: Sequence[int] | None = None
) -> Iterator[tuple[dict[str, object], list[dict[str, object]]]]:
    """The scalar path's input for each household (or for `rows`): a household mapping and its
    members' mappings, with enumerated codes turned back into their names."""
    selected = np.arange(cols.n_households) if rows is None else np.asarray(rows, dtype=np.intp)
    household_lists = {
        name: _decoder(HOUSEHOLD_FIELD_BY_NAME.get(name))(values[selected])
        for name, values in cols.households.items()
    }
    ids = cols.household_ids[selected].tolist()
    starts = cols.starts[selected]
    sizes = cols.size[selected]
    member_index = (
        np.concatenate(
            [np.arange(s, s + z) for s, z in zip(starts.tolist(), sizes.tolist(), strict=True)]
        )
        if selected.shape[0]
        else np.zeros(0, dtype=np.intp)
    )
    member_lists = {
        name: _decoder(MEMBER_FIELD_BY_NAME.get(name))(values[member_index])
        for name, values in cols.members.items()
    }
    offset = 0
    names = list(household_lists)
    member_names = list(member_lists)
    for position, household_id in enumerate(ids):
        household: dict[str, object] = {"household_id": household_id}
        for name in names:
            household[name] = household_lists[name][position]
        size = int(sizes[position])
        members = [
            {name: member_lists[name][offset + k] for name in member_names} for k in range(size)
        ]
        offset += size
        yield household, members


def raw_columns_from_records(
    records: Sequence[tuple[Mapping[str, object], Sequence[Mapping[str, object]]]],
    *,
    household_fields: Sequence[str],
    member_fields: Sequence[str],
    score_a: bool = False,
) -> RawColumns:
    """`RawColumns` from plain records (a household mapping and its members' mappings each),
    validated like file input. Members need no `household_id`: it is taken from the household."""
    households = [dict(household) for household, _ in records]
    members = [
        {**member, "household_id": household["household_id"]}
        for household, people in records
        for member in people
    ]
    household_names = list(dict.fromkeys([*household_fields, *(["score_a"] if score_a else [])]))
    member_names = list(dict.fromkeys(["household_id", *member_fields]))
    household_frame = pl.DataFrame(
        {name: [row.get(name) for row in households] for name in household_names},
        strict=False,
    )
    member_frame = pl.DataFrame(
        {name: [row.get(name) for row in members] for name in member_names}, strict=False
    )
    return raw_columns_from_frames(
        household_frame,
        member_frame,
        household_fields=household_fields,
        member_fields=member_fields,
        score_a=score_a,
    )
