"""The numbers behind each dashboard chart: a small table shown under the chart and downloaded as
CSV or xlsx (values through ``lib.spreadsheet_text``: no formula ever reaches a spreadsheet).

Cells hold exact values: ``int`` counts, ``Fraction`` rates and measures, ``str`` labels, or a
``Hidden`` marker put there by ``dashboard_suppression``. Pages and files format them the same
way (Vietnamese numbers, percentages with two decimals).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from giamngheo.lib.formatting import format_number, format_percent
from giamngheo.lib.spreadsheet_text import inert_csv_row, inert_row, make_inert

# text: a label; count: households (suppressed when small); number: other counts (reports,
# workers, classes: not about households); percent: a ratio shown in %; measure: a ratio shown
# as a decimal (A, M0).
Kind = Literal["text", "count", "number", "percent", "measure"]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind = "count"
    of: str | None = None  # a ratio computed from this count column: hidden with it


@dataclass(frozen=True)
class Hidden:
    """A suppressed cell: ``<5`` for a small count, ``*`` for a complementary one."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class NumbersTable:
    slug: str  # the download's name and the chart's id
    title: str
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]
    total: dict[str, Any] | None = None
    # The rows partition the total (sub-areas of an area): a hidden cell must not be found as
    # the total minus the other rows.
    partition: bool = False
    # Row-wise sums shown in the same row: (sum column, its parts).
    sums: tuple[tuple[str, tuple[str, ...]], ...] = ()
    links: list[str] = field(default_factory=list)  # one URL (or "") per row: drill-down
    suppressed: bool = False

    def with_rows(self, rows: list[dict[str, Any]], total: dict[str, Any] | None) -> NumbersTable:
        return replace(self, rows=rows, total=total, suppressed=True)


def show(value: Any, kind: Kind) -> str:
    """A cell as the page shows it."""
    if value is None:
        return "—"
    if isinstance(value, Hidden):
        return value.text
    if kind == "percent":
        return format_percent(float(value))
    if kind == "measure":
        return format_number(float(value), 3)
    if isinstance(value, (int, Fraction, float)) and kind in ("count", "number"):
        return format_number(float(value) if isinstance(value, Fraction) else value)
    return str(value)


def _plain(value: Any, kind: Kind) -> Any:
    """A cell for a file: numbers stay numbers (ratios as decimals rounded to 6 places)."""
    if value is None:
        return ""
    if isinstance(value, Hidden):
        return value.text
    if kind in ("percent", "measure") and isinstance(value, (Fraction, float, int)):
        return round(float(value), 6)
    return value


def _lines(table: NumbersTable) -> list[list[Any]]:
    lines = [[_plain(row.get(c.key), c.kind) for c in table.columns] for row in table.rows]
    if table.total is not None:
        lines.append([_plain(table.total.get(c.key), c.kind) for c in table.columns])
    return lines


def to_csv(table: NumbersTable, *, caption: Sequence[str] = ()) -> bytes:
    """UTF-8 with a byte-order mark (Excel opens Vietnamese text right), ";"-free commas."""
    out = io.StringIO()
    writer = csv.writer(out)
    for text in caption:
        writer.writerow(inert_csv_row([text]))
    writer.writerow(inert_csv_row([c.label for c in table.columns]))
    for values in _lines(table):
        writer.writerow(inert_csv_row(values))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: NumbersTable, *, caption: Sequence[str] = ()) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.slug[:31] or "so-lieu")
    bold = Font(bold=True)
    for text in caption:
        sheet.append(inert_row(sheet, [text]))
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, column.label)
        make_inert(cell)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for values in _lines(table):
        sheet.append(inert_row(sheet, values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
