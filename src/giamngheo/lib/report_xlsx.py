"""An official report table as an Excel workbook laid out like the government templates
(``shared/domain/report_forms.md`` §5): the marker top right, the issuing body and the national
motto, the centred title, the merged column headings and the numbering row, the rows (nested
rows indented, top levels and totals bold), notes, place and date, signatures. A4, Times New
Roman, the headings repeated on every printed page, fitted to the page's width.

Counts and rates are numbers (``#,##0`` and ``0.00``: Excel shows them in the reader's own
convention), ticks are "x", labels text. Every text goes through ``lib.spreadsheet_text``: a
label beginning with "=" stays a string. Written in openpyxl's write-only mode (rows streamed
to a temporary file), so a long household list costs memory for its styles, not its cells.
"""

from __future__ import annotations

import copy
import io
import math
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.pagebreak import Break

from giamngheo.lib.report_layout import (
    MOTTO,
    NATION,
    TICK,
    HeadingCell,
    Layout,
    heading_row_sizes,
    table_layout,
)
from giamngheo.lib.report_table import CellValue, Column, ReportTable, Row
from giamngheo.lib.spreadsheet_text import make_inert

FONT_NAME: Final = "Times New Roman"
SIZE: Final = 11  # the table
HEAD_SIZE: Final = 12  # issuer, motto, signatures
TITLE_SIZE: Final = 14
LINE_HEIGHT: Final = 15.0  # points per line of 11-12 pt text
DEFAULT_ROW: Final = 15.75  # what a row without a height takes in Times New Roman 12 pt
COUNT_FORMAT: Final = "#,##0"
RATE_FORMAT: Final = "0.00"
DECIMAL_FORMAT: Final = "#,##0.00"
SHEET_NAME_LENGTH: Final = 31  # Excel's limit
SHEET_NAME_FORBIDDEN: Final = re.compile(r"[\[\]:*?/\\]")
SIGNATURE_SPACE: Final = 4  # empty rows left to sign in
PAPER_A4: Final = 9  # OOXML paperSize code
# Decree 30/2020 margins (report_forms.md §5), in inches: top/bottom 20 mm, left 30, right 15.
MARGINS: Final = {"top": 0.79, "bottom": 0.79, "left": 1.18, "right": 0.59}
BOLD_CAPITALS: Final = 1.35  # width units per character of 12 pt bold capitals
WIDTH_SCALE: Final = 1.15  # Excel's width unit is a digit of the default font; Vietnamese
# text with diacritics and capitals runs wider

THIN: Final = Side(style="thin")
BOX: Final = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def sheet_names(names: Sequence[str]) -> list[str]:
    """Valid, unique sheet names for ``names``: without the characters Excel refuses, at most
    31 characters, a suffix " (2)" on a repeated name (compared case-insensitively, as Excel
    does)."""
    chosen: list[str] = []
    taken: set[str] = set()
    for raw in names:
        base = SHEET_NAME_FORBIDDEN.sub(" ", raw).strip().strip("'").strip() or "Biểu"
        base = base[:SHEET_NAME_LENGTH].strip()
        name = base
        counter = 1
        while name.casefold() in taken:
            counter += 1
            suffix = f" ({counter})"
            name = base[: SHEET_NAME_LENGTH - len(suffix)].rstrip() + suffix
        taken.add(name.casefold())
        chosen.append(name)
    return chosen


def write_xlsx(table: ReportTable) -> bytes:
    """``table`` as a workbook of one sheet, named after its marker."""
    return write_workbook([(table.marker or table.title, table)])


def write_workbook(tables: Sequence[tuple[str, ReportTable]]) -> bytes:
    """One sheet per (name, table), in order; names made valid and unique (:func:`sheet_names`)."""
    if not tables:
        raise ValueError("a workbook needs at least one table")
    workbook = Workbook(write_only=True)
    for name, (_name, table) in zip(
        sheet_names([name for name, _table in tables]), tables, strict=True
    ):
        _SheetWriter(workbook.create_sheet(name), table).write()
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class _SheetWriter:
    """Writes one table into a write-only sheet, row by row (heights and merges must be known
    before a row is written)."""

    def __init__(self, sheet: Any, table: ReportTable) -> None:
        self.sheet = sheet
        self.table = table
        self.layout: Layout = table_layout(table)
        self.count = len(self.layout.columns)
        # The blocks above and below the table need two halves and a place per signature.
        self.span = max(self.count, 2, len(table.signatures))
        self.row_number = 0
        self.styles: dict[tuple[Any, ...], Any] = {}
        self.widths = self._widths()
        self.half = self._split()

    # -- cells and rows ------------------------------------------------------------------

    def _style(
        self,
        *,
        bold: bool = False,
        italic: bool = False,
        underline: bool = False,
        size: int = SIZE,
        horizontal: str = "left",
        vertical: str = "center",
        wrap: bool = False,
        border: bool = False,
        number_format: str = "General",
        indent: int = 0,
    ) -> Any:
        key = (
            bold,
            italic,
            underline,
            size,
            horizontal,
            vertical,
            wrap,
            border,
            number_format,
            indent,
        )
        template = self.styles.get(key)
        if template is None:
            template = WriteOnlyCell(self.sheet)
            template.font = Font(
                name=FONT_NAME,
                size=size,
                bold=bold,
                italic=italic,
                underline="single" if underline else None,
            )
            template.alignment = Alignment(
                horizontal=horizontal, vertical=vertical, wrap_text=wrap, indent=indent
            )
            if border:
                template.border = BOX
            template.number_format = number_format
            self.styles[key] = template
        return template

    def _cell(self, value: Any, style: Any) -> Any:
        """A cell with ``style``'s formatting (its style array copied: far cheaper than setting
        font, alignment and border on each of a long list's cells); text made inert."""
        cell = WriteOnlyCell(self.sheet, value)
        cell._style = copy.copy(style._style)
        if isinstance(value, str):
            make_inert(cell)
        return cell

    def _append(self, cells: Sequence[Any], height: float | None = None) -> int:
        self.row_number += 1
        if height is not None:
            self.sheet.row_dimensions[self.row_number].height = height
        self._advance(DEFAULT_ROW if height is None else height)
        self.sheet.append(list(cells))
        return self.row_number

    def _merge(self, row: int, first: int, last: int, last_row: int | None = None) -> None:
        bottom = row if last_row is None else last_row
        if last > first or bottom > row:
            self.sheet.merged_cells.add(
                CellRange(min_col=first, min_row=row, max_col=last, max_row=bottom)
            )

    def _line(
        self, pieces: Sequence[tuple[int, int, str, Any]], height: float | None = None
    ) -> int:
        """A row of texts, each merged over its columns (first, last: 1-based)."""
        cells: list[Any] = [None] * self.span
        for first, _last, text, style in pieces:
            cells[first - 1] = self._cell(text, style)
        row = self._append(cells, height)
        for first, last, _text, _style in pieces:
            self._merge(row, first, last)
        return row

    def _span_width(self, first: int, last: int) -> float:
        return sum(self.widths[first - 1 : last])

    def _lines(self, text: str, width: float, factor: float = 1.0) -> int:
        return max(
            1,
            sum(math.ceil(len(part) * factor / max(width, 1.0)) or 1 for part in text.split("\n")),
        )

    # -- the sheet -----------------------------------------------------------------------

    def _widths(self) -> list[float]:
        widths = [width * WIDTH_SCALE for width in self.layout.widths]
        return widths + [12.0] * (self.span - self.count)

    def _top_rows(self) -> int:
        """How many rows :meth:`_top` writes (the sheet's view, written before the first row,
        needs the frozen row)."""
        table = self.table
        return (
            bool(table.marker)
            + max(len(table.issuer), 2)
            + 2  # the empty row, the title
            + bool(table.subtitle)
            + bool(table.unit_line)
        )

    def _split(self) -> int:
        """The last column of the left block (issuer, first signature): where both blocks get
        the room their texts need (the motto in bold capitals wants about 47 units), nearest
        the middle; when the table is too narrow, its columns are widened to make that room."""
        table = self.table
        left_texts = [*table.issuer]
        right_texts = [NATION, MOTTO, table.marker]
        if len(table.signatures) == 2:
            left_texts += table.signatures[0].title.split("\n")
            right_texts += table.signatures[1].title.split("\n")
        elif len(table.signatures) == 1:
            right_texts += table.signatures[0].title.split("\n")
        need_left = max((len(text) for text in left_texts), default=0) * BOLD_CAPITALS + 2
        need_right = max(len(text) for text in right_texts) * BOLD_CAPITALS + 2
        total = sum(self.widths)

        def shortfall(split: int) -> tuple[float, float]:
            left = sum(self.widths[:split])
            return max(0.0, need_left - left), max(0.0, need_right - (total - left))

        split = min(
            range(1, self.span),
            key=lambda k: (sum(shortfall(k)), abs(sum(self.widths[:k]) - total / 2)),
        )
        lacking_left, lacking_right = shortfall(split)
        for first, last, lacking in ((0, split, lacking_left), (split, self.span, lacking_right)):
            room = sum(self.widths[first:last])
            for index in range(first, last):
                self.widths[index] += lacking * self.widths[index] / room
        return split

    def write(self) -> None:
        """The sheet, top to bottom. What openpyxl writes before the rows (column widths, the
        view with its frozen rows, the page-setup flag) is set first."""
        sheet = self.sheet
        for index, width in enumerate(self.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = round(width, 2)
        first_heading = self._top_rows() + 1
        numbering = first_heading + self.layout.depth
        self._page(first_heading, numbering)
        self.page_room = self._page_room()
        self._top()
        self._heading()
        written = self._numbering()
        self.repeat_height = self.page_position - self.top_height
        if written != numbering:  # the view above froze the wrong rows: a bug here
            raise RuntimeError(f"numbering row {written}, expected {numbering}")
        for row in self.table.rows:
            self._row(row)
        if self.table.total is not None:
            self._row(self.table.total, total=True)
        self._bottom()

    def _top(self) -> None:
        table, span, half = self.table, self.span, self.half
        if table.marker:
            style = self._style(bold=True, italic=True, size=HEAD_SIZE, horizontal="right")
            self._line([(half + 1, span, table.marker, style)])
        lines = max(len(table.issuer), 2)
        for index in range(lines):
            pieces: list[tuple[int, int, str, Any]] = []
            if index < len(table.issuer):
                last = index == len(table.issuer) - 1
                style = self._style(bold=True, underline=last, size=HEAD_SIZE, horizontal="center")
                pieces.append((1, half, table.issuer[index], style))
            if index < 2:
                style = self._style(
                    bold=True, underline=index == 1, size=HEAD_SIZE, horizontal="center"
                )
                pieces.append((half + 1, span, (NATION, MOTTO)[index], style))
            self._line(pieces)
        self._append([])
        width = self._span_width(1, span)
        title = self._style(bold=True, size=TITLE_SIZE, horizontal="center", wrap=True)
        lines = self._lines(table.title, width, 1.35)
        self._line([(1, span, table.title, title)], height=lines * 19.0)
        if table.subtitle:
            style = self._style(italic=True, horizontal="center", wrap=True)
            lines = self._lines(table.subtitle, width)
            self._line([(1, span, table.subtitle, style)], height=lines * LINE_HEIGHT)
        if table.unit_line:
            style = self._style(italic=True, horizontal="right")
            self._line([(1, span, table.unit_line, style)])

    def _heading(self) -> None:
        self.top_height = self.page_position
        heading = self.layout.heading

        def needed(cell: HeadingCell) -> float:
            width = self._span_width(cell.column + 1, cell.column + cell.colspan)
            return float(self._lines(cell.text, width - 1, 1.2))

        sizes = heading_row_sizes(heading, needed)
        style = self._style(bold=True, horizontal="center", wrap=True, border=True)
        for cells, lines in zip(heading, sizes, strict=True):
            values: list[Any] = [self._cell(None, style) for _ in range(self.count)]
            for cell in cells:
                values[cell.column] = self._cell(cell.text, style)
            row = self._append(values, height=max(lines, 1.0) * LINE_HEIGHT)
            for cell in cells:
                self._merge(
                    row, cell.column + 1, cell.column + cell.colspan, row + cell.rowspan - 1
                )
        # The cells under a cell spanning rows: empty, bordered (written above with the row).

    def _numbering(self) -> int:
        style = self._style(italic=True, horizontal="center", border=True)
        return self._append([self._cell(number, style) for number in self.layout.numbers])

    def _row(self, row: Row, *, total: bool = False) -> None:
        layout = self.layout
        bold = layout.is_bold(row) or total
        cells = []
        lines = 1
        for index, column in enumerate(layout.columns):
            value = row.values.get(column.key)
            cells.append(self._value_cell(value, column, index, bold, row.depth))
            if isinstance(value, str) and len(value) > self.widths[index] - 1:
                # A wrapped text: Excel sizes no row itself that a file gives no height.
                indent = row.depth if index == layout.indent_column else 0
                lines = max(lines, self._lines(value, self.widths[index] - 1 - indent, 1.1))
        self._append(cells, height=lines * LINE_HEIGHT if lines > 1 else None)

    def _value_cell(
        self, value: CellValue, column: Column, index: int, bold: bool, depth: int
    ) -> Any:
        horizontal = self.layout.aligns[index]
        indent = depth if index == self.layout.indent_column else 0
        number_format = "General"
        if isinstance(value, bool):
            value = TICK if value else None
            horizontal = "center"
        elif isinstance(value, Decimal) or (isinstance(value, int) and column.kind == "rate"):
            number_format = RATE_FORMAT if column.kind == "rate" else DECIMAL_FORMAT
        elif isinstance(value, int):
            number_format = COUNT_FORMAT
        wrap = isinstance(value, str) and column.kind in {"label", "text"}
        style = self._style(
            bold=bold,
            horizontal=horizontal,
            vertical="top" if wrap else "center",
            wrap=wrap,
            border=True,
            number_format=number_format,
            indent=indent,
        )
        return self._cell(value, style)

    def _bottom(self) -> None:
        table, span = self.table, self.span
        width = self._span_width(1, span)
        if table.notes:
            self._append([])
        style = self._style(italic=True, size=10, wrap=True, vertical="top")
        for note in table.notes:
            self._line([(1, span, note, style)], height=self._lines(note, width) * LINE_HEIGHT)
        if not table.place_date and not table.signatures:
            return
        title_lines = max((len(s.title.split("\n")) for s in table.signatures), default=0)
        block = (2 + bool(table.place_date) + title_lines + 1 + SIGNATURE_SPACE) * DEFAULT_ROW
        if self.page_position + block > self.page_room and self.page_position > (
            self.repeat_height
        ):
            # The block would straddle two printed pages: it starts the next one whole.
            self.sheet.row_breaks.append(Break(id=self.row_number))
            self.page_position = self.repeat_height
        self._append([])
        blocks = self._signature_blocks()
        if table.place_date:
            first, last = blocks[-1] if blocks else (self.half + 1, span)
            style = self._style(italic=True, size=HEAD_SIZE, horizontal="center")
            self._line([(first, last, table.place_date, style)])
        if not table.signatures:
            return
        titles = [signature.title.split("\n") for signature in table.signatures]
        bold = self._style(bold=True, size=HEAD_SIZE, horizontal="center")
        for line in range(max(len(title) for title in titles)):
            self._line(
                [
                    (first, last, title[line], bold)
                    for (first, last), title in zip(blocks, titles, strict=True)
                    if line < len(title)
                ]
            )
        hint = self._style(italic=True, size=HEAD_SIZE, horizontal="center")
        self._line(
            [
                (first, last, signature.hint, hint)
                for (first, last), signature in zip(blocks, table.signatures, strict=True)
                if signature.hint
            ]
        )
        for _ in range(SIGNATURE_SPACE):
            self._append([])
        self._line(
            [
                (first, last, signature.name, bold)
                for (first, last), signature in zip(blocks, table.signatures, strict=True)
                if signature.name
            ]
        )

    def _signature_blocks(self) -> list[tuple[int, int]]:
        """The columns (first, last) of each signature, side by side over the table's width."""
        count = len(self.table.signatures)
        if count == 0:
            return []
        if count == 1:
            return [(self.half + 1, self.span)]  # the signer on the right, under the motto
        if count == 2:
            return [(1, self.half), (self.half + 1, self.span)]
        edges = [round(index * self.span / count) for index in range(count + 1)]
        return [(edges[index] + 1, edges[index + 1]) for index in range(count)]

    # -- printed pages (estimated: Excel lays them out itself) ----------------------------

    page_position = 0.0  # points from the top of the current printed page (sheet scale)
    page_room = math.inf
    repeat_height = 0.0  # the heading rows printed on top of every page
    top_height = 0.0  # the blocks above the heading

    def _page_room(self) -> float:
        """A printed page's height in the sheet's points: the printable height, enlarged by
        the scale that fitting the columns to the page's width applies."""
        width, height = (842.0, 595.0) if self.table.landscape else (595.0, 842.0)
        printable_width = width - (MARGINS["left"] + MARGINS["right"]) * 72
        printable_height = height - (MARGINS["top"] + MARGINS["bottom"]) * 72
        # A width unit is a digit of the default font (7 pixels) plus 5 pixels of padding.
        columns = sum((width * 7 + 5) * 0.75 for width in self.widths)
        return printable_height / min(1.0, printable_width / columns)

    def _advance(self, height: float) -> None:
        if self.page_position + height > self.page_room and self.page_position > (
            self.repeat_height
        ):
            self.page_position = self.repeat_height
        self.page_position += height

    def _page(self, first_heading: int, numbering: int) -> None:
        sheet = self.sheet
        setup = sheet.page_setup
        setup.paperSize = PAPER_A4
        setup.orientation = "landscape" if self.table.landscape else "portrait"
        setup.fitToWidth = 1
        setup.fitToHeight = 0  # as many pages down as the rows need
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_options.horizontalCentered = True
        for side, inches in MARGINS.items():
            setattr(sheet.page_margins, side, inches)
        sheet.print_title_rows = f"{first_heading}:{numbering}"
        sheet.freeze_panes = f"A{numbering + 1}"
