"""The view of an official report table for ``web/report_table.html``: the heading grid and the
numbering row from ``lib.report_layout`` (the xlsx and PDF writers use the same), the cells'
text in Vietnamese conventions and their classes (numbers right-aligned, nested rows indented,
top levels and totals bold). Classes only: the Content-Security-Policy forbids inline styles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from django import template

from giamngheo.lib.report_layout import HeadingCell, Layout, table_layout
from giamngheo.lib.report_table import ReportTable, Row

register = template.Library()

DEEPEST_INDENT: Final = 4  # app.css has .report-indent-1 … -4
ALIGN_CLASSES: Final = {"left": "", "center": "report-center", "right": "num"}


@dataclass(frozen=True)
class CellView:
    text: str
    css: str = ""


@dataclass(frozen=True)
class RowView:
    cells: tuple[CellView, ...]
    css: str = ""


@dataclass(frozen=True)
class TableView:
    table: ReportTable
    heading: tuple[tuple[HeadingCell, ...], ...]
    numbers: tuple[str, ...]
    rows: tuple[RowView, ...]
    total: RowView | None


def _row_view(layout: Layout, row: Row, *, total: bool = False) -> RowView:
    cells = []
    for index, text in enumerate(layout.texts(row)):
        classes = [ALIGN_CLASSES[layout.aligns[index]]]
        if index == layout.indent_column and row.depth > 0:
            classes.append(f"report-indent-{min(row.depth, DEEPEST_INDENT)}")
        cells.append(CellView(text, " ".join(name for name in classes if name)))
    bold = not total and layout.is_bold(row)
    return RowView(tuple(cells), "report-strong" if bold else "")


@register.simple_tag
def report_table_view(table: ReportTable) -> TableView:
    """``{% report_table_view table as view %}``"""
    layout = table_layout(table)
    return TableView(
        table=table,
        heading=layout.heading,
        numbers=layout.numbers,
        rows=tuple(_row_view(layout, row) for row in table.rows),
        total=None if table.total is None else _row_view(layout, table.total, total=True),
    )
