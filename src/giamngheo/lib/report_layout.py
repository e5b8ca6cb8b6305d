"""The layout of a :class:`~giamngheo.lib.report_table.ReportTable`, shared by its three writers
(xlsx, PDF, HTML) so that they cannot disagree.

- The heading grid: the header tree as rows of cells with ``colspan`` and ``rowspan``. A group
  spans its leaves and one row; a leaf column spans down to the last heading row (as "TT" and
  "Phường/Xã" do in the templates, beside groups two or three levels deep). Groups without any
  leaf column are left out (they would span no column), as ``ReportTable.columns`` leaves them.
- The numbering row: each leaf column's ``number`` ("A", "B", "1", "4=3/1*100").
- How a value reads in a document (:func:`cell_text`: 1.234 and 12,34 as Vietnamese write
  them, a tick "x"), how it is aligned, which rows are bold, which column is indented for nested
  rows, and the natural width of each column (in characters; the PDF scales them to the page).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

from giamngheo.lib.formatting import format_number
from giamngheo.lib.report_table import (
    CellValue,
    Column,
    ColumnGroup,
    ColumnKind,
    HeaderNode,
    ReportTable,
    Row,
)

Align = Literal["left", "center", "right"]

RATE_DECIMALS: Final = 2  # rates are printed with two decimals (report_forms.md §3.3)
TICK: Final = "x"  # a ticked cell, as the lists print it (report_forms.md §3.6)
WIDTH_SAMPLE: Final = 2000  # rows looked at to choose a column's width (long lists)
MIN_WIDTH: Final = 4.0  # characters
MAX_WIDTH: Final = 40.0
NUMERIC_KINDS: Final = frozenset({"count", "rate"})
# The national heading of every administrative document (report_forms.md §5).
NATION: Final = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO: Final = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True)
class HeadingCell:
    """One cell of the heading grid: its text, its place (``row`` from 0 at the top,
    ``column`` the index of its first leaf column) and its span. ``leaf`` is the column when
    the cell is a leaf's heading, None for a group."""

    text: str
    row: int
    column: int
    colspan: int
    rowspan: int
    leaf: Column | None = None


@dataclass(frozen=True)
class Layout:
    """Everything a writer needs besides the values themselves."""

    columns: tuple[Column, ...]
    heading: tuple[tuple[HeadingCell, ...], ...]  # one tuple of cells per heading row
    numbers: tuple[str, ...]  # the numbering row, one per leaf column
    aligns: tuple[Align, ...]
    indent_column: int | None  # the column whose text is indented by a row's depth
    nested: bool  # some row is deeper than 0: top-level rows are printed bold
    widths: tuple[float, ...]  # natural widths, in characters

    @property
    def depth(self) -> int:
        """How many heading rows (the numbering row not counted)."""
        return len(self.heading)

    def is_bold(self, row: Row) -> bool:
        """Totals and sub-totals, and the top-level rows of a nested table ("1" over "1.1")."""
        return row.emphasis or (self.nested and row.depth == 0)

    def values(self, row: Row) -> list[CellValue]:
        """The row's values in column order (None where it has none)."""
        return [row.values.get(column.key) for column in self.columns]

    def texts(self, row: Row) -> list[str]:
        """The row's values as a document prints them."""
        return [cell_text(row.values.get(column.key), column.kind) for column in self.columns]


def _prune(nodes: Sequence[HeaderNode]) -> list[HeaderNode]:
    """The nodes without groups that hold no leaf column (at any depth)."""
    kept: list[HeaderNode] = []
    for node in nodes:
        if isinstance(node, Column):
            kept.append(node)
            continue
        children = _prune(node.children)
        if children:
            kept.append(ColumnGroup(node.heading, tuple(children)))
    return kept


def _depth(node: HeaderNode) -> int:
    if isinstance(node, Column):
        return 1
    return 1 + max(_depth(child) for child in node.children)


def _width(node: HeaderNode) -> int:
    if isinstance(node, Column):
        return 1
    return sum(_width(child) for child in node.children)


def heading_grid(header: Sequence[HeaderNode]) -> tuple[tuple[HeadingCell, ...], ...]:
    """The header tree as rows of merged cells, top row first; within a row, left to right.

    Every leaf column is covered exactly once in every heading row: by its own cell (which
    reaches the last row) or by a group above it."""
    nodes = _prune(header)
    depth = max((_depth(node) for node in nodes), default=0)
    rows: list[list[HeadingCell]] = [[] for _ in range(depth)]

    def place(node: HeaderNode, row: int, column: int) -> int:
        if isinstance(node, Column):
            rows[row].append(HeadingCell(node.heading, row, column, 1, depth - row, node))
            return 1
        span = _width(node)
        rows[row].append(HeadingCell(node.heading, row, column, span, 1))
        offset = column
        for child in node.children:
            offset += place(child, row + 1, offset)
        return span

    column = 0
    for node in nodes:
        column += place(node, 0, column)
    for cells in rows:
        cells.sort(key=lambda cell: cell.column)
    return tuple(tuple(cells) for cells in rows)


def cell_text(value: CellValue, kind: ColumnKind = "count") -> str:
    """A value as a Vietnamese document prints it: counts 1.234, rates 12,34 (two decimals in a
    rate column; a Decimal elsewhere keeps its own places), a tick "x", nothing for None."""
    if value is None or value is False:
        return ""
    if value is True:
        return TICK
    if isinstance(value, str):
        return value
    if kind == "rate":
        return format_number(value, RATE_DECIMALS)
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return format_number(value, places)
    return format_number(value)


def _indent_column(table: ReportTable, columns: Sequence[Column]) -> int | None:
    """The label or text column that holds names (the longest values: "Xã An Bình", not the
    "1.1" beside it), or None when the table has neither."""
    candidates = [index for index, column in enumerate(columns) if column.kind in {"label", "text"}]
    if not candidates:
        return None
    lengths = dict.fromkeys(candidates, 0)
    for row in table.rows[:WIDTH_SAMPLE]:
        for index in candidates:
            value = row.values.get(columns[index].key)
            if isinstance(value, str):
                lengths[index] += len(value)
    return max(candidates, key=lambda index: (lengths[index], -index))


def _align(column: Column, index: int, indent_column: int | None) -> Align:
    if column.kind in NUMERIC_KINDS:
        return "right"
    if column.kind == "mark":
        return "center"
    if column.kind == "label" and index != indent_column:
        return "center"  # "TT", "1.1", a member's number
    return "left"


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


def _natural_widths(
    table: ReportTable, columns: Sequence[Column], indent_column: int | None
) -> tuple[float, ...]:
    """Each column's width in characters: its hint when it has one, else what its longest value
    (in the first rows) and the longest word of its heading need, within bounds."""
    widths: list[float] = []
    sample = table.rows[:WIDTH_SAMPLE]
    for index, column in enumerate(columns):
        if column.width > 0:
            widths.append(column.width)
            continue
        longest = max(
            (len(cell_text(row.values.get(column.key), column.kind)) for row in sample),
            default=0,
        )
        if table.total is not None:
            longest = max(longest, len(cell_text(table.total.values.get(column.key), column.kind)))
        if index == indent_column:
            longest += 2 * max((row.depth for row in sample), default=0)
        wanted = max(longest + 1, _longest_word(column.heading) + 1, len(column.number) + 1)
        widths.append(min(MAX_WIDTH, max(MIN_WIDTH, float(wanted))))
    return tuple(widths)


def table_layout(table: ReportTable) -> Layout:
    """The layout of ``table``: heading grid, numbering row, alignments, widths."""
    heading = heading_grid(table.header)
    columns = tuple(table.columns())
    indent_column = _indent_column(table, columns)
    return Layout(
        columns=columns,
        heading=heading,
        numbers=tuple(column.number for column in columns),
        aligns=tuple(_align(column, index, indent_column) for index, column in enumerate(columns)),
        indent_column=indent_column,
        nested=any(row.depth > 0 for row in table.rows),
        widths=_natural_widths(table, columns, indent_column),
    )


def heading_row_sizes(
    heading: Sequence[Sequence[HeadingCell]], needed: Callable[[HeadingCell], float]
) -> list[float]:
    """The size of each heading row (lines, points or millimetres: whatever ``needed`` gives
    for a cell) such that every cell gets what it needs: a one-row cell sets its row's size; a
    cell over several rows, whatever they lack together, is given to its last row."""
    sizes = [0.0] * len(heading)
    for cells in heading:
        for cell in cells:
            if cell.rowspan == 1:
                sizes[cell.row] = max(sizes[cell.row], needed(cell))
    for cells in heading:
        for cell in cells:
            if cell.rowspan > 1:
                last = cell.row + cell.rowspan - 1
                lacking = needed(cell) - sum(sizes[cell.row : last + 1])
                if lacking > 0:
                    sizes[last] += lacking
    return sizes
