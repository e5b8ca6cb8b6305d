"""An official report table as a PDF on ``lib.pdf``'s document (DejaVu fonts, "Trang x/y"):
the same blocks as the xlsx (``shared/domain/report_forms.md`` §5), the merged heading grid
repeated at the top of every page, rows flowing onto the next page whole, numbers written as
Vietnamese documents write them (1.234; rates 12,34).

The grid is drawn here rather than with fpdf2's ``table()``: that one lays out every cell as a
paragraph (about 13 ms a row of 17 cells, two minutes for a 10,000-row list); a one-line cell is
one text operation here, and only a text wider than its cell is wrapped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from fpdf.fonts import TTFFont

from giamngheo.lib.pdf import FONT, Signer, VietnameseDocument
from giamngheo.lib.report_layout import (
    MOTTO,
    HeadingCell,
    Layout,
    heading_row_sizes,
    table_layout,
)
from giamngheo.lib.report_table import ReportTable, Row

MARGIN_LEFT: Final = 20.0  # mm; wide tables take the room Decree 30's 30 mm would leave
MARGIN_RIGHT: Final = 12.0
MARGIN_TOP: Final = 15.0
MARGIN_BOTTOM: Final = 16.0  # the footer ("Trang x/y") sits 12 mm from the bottom
PADDING: Final = 1.0  # mm left and right of a cell's text
PADDING_Y: Final = 0.8  # mm above and below
INDENT: Final = 3.0  # mm per level of a nested row
WIDTH_CACHE: Final = 50_000  # texts whose width is remembered
BASELINE: Final = 0.3  # fpdf2's cell(): baseline at the middle + 0.3 × font size


def _font_size(columns: int, landscape: bool) -> float:
    """Smaller type for more columns (the templates' 17-column forms fit a landscape A4)."""
    if columns <= (10 if landscape else 6):
        return 9.0
    if columns <= (16 if landscape else 10):
        return 8.0
    return 7.0


class ReportDocument(VietnameseDocument):
    """A report table's document: once the table has started, every new page begins with the
    heading grid (fpdf2 calls :meth:`header` from ``add_page``)."""

    def __init__(self, table: ReportTable) -> None:
        super().__init__(
            title=table.title, orientation="landscape" if table.landscape else "portrait"
        )
        self.set_margins(MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT)
        self.set_auto_page_break(auto=True, margin=MARGIN_BOTTOM)
        self.report = table
        self.layout: Layout = table_layout(table)
        self.size = _font_size(len(self.layout.columns), table.landscape)
        self.leading = self.size * 0.45  # mm per line of text
        natural = self.layout.widths
        scale = self.epw / sum(natural) if natural else 0.0
        self.widths = [width * scale for width in natural]
        self.offsets = [MARGIN_LEFT + sum(self.widths[:index]) for index in range(len(natural))]
        self.repeat_heading = False
        self.heading_sizes: list[float] = []
        self._widths: dict[tuple[str, float, str], float] = {}

    # -- text in cells -------------------------------------------------------------------

    def _width(self, text: str) -> float:
        """The width of ``text`` in the current font (mm): what ``get_string_width`` gives
        for our fonts (no shaping, no spacing), without its per-call text parsing, which cost
        most of a long list's time; remembered per font and text (lists repeat values)."""
        font = self.current_font
        if not isinstance(font, TTFFont):
            raise TypeError("the DejaVu fonts are TrueType")
        key = (font.fontkey, self.font_size_pt, text)
        width = self._widths.get(key)
        if width is None:
            widths = font.cw
            units = sum(widths[ord(character)] for character in text)
            width = units * self.font_size_pt * 0.001 / self.k
            if len(self._widths) < WIDTH_CACHE:
                self._widths[key] = width
        return width

    def _lines(self, text: str, width: float) -> list[str]:
        """``text`` broken into the lines that fit ``width`` (mm, padding included)."""
        if not text:
            return [""]
        room = width - 2 * PADDING
        if "\n" not in text and self._width(text) <= room:
            return [text]
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line = ""
            for word in paragraph.split(" "):
                candidate = f"{line} {word}" if line else word
                if self._width(candidate) <= room or not line:
                    line = candidate
                else:
                    lines.append(line)
                    line = word
                while self._width(line) > room and len(line) > 1:
                    # A single word wider than the cell: cut it where it overflows.
                    cut = len(line) - 1
                    while cut > 1 and self._width(line[:cut]) > room:
                        cut -= 1
                    lines.append(line[:cut])
                    line = line[cut:]
            lines.append(line)
        return lines

    def _text(
        self, lines: Sequence[str], x: float, y: float, width: float, height: float, align: str
    ) -> None:
        """``lines`` centred vertically in the box, aligned left, centre or right."""
        top = y + (height - len(lines) * self.leading) / 2
        for index, line in enumerate(lines):
            if not line:
                continue
            if align == "right":
                left = x + width - PADDING - self._width(line)
            elif align == "center":
                left = x + (width - self._width(line)) / 2
            else:
                left = x + PADDING
            baseline = top + (index + 0.5) * self.leading + BASELINE * self.font_size
            self.text(left, baseline, line)

    # -- the heading grid ----------------------------------------------------------------

    def _span(self, cell: HeadingCell) -> float:
        return sum(self.widths[cell.column : cell.column + cell.colspan])

    def _heading_font(self) -> None:
        self.set_font(FONT, "B", self.size)

    def _measure_heading(self) -> None:
        self._heading_font()

        def needed(cell: HeadingCell) -> float:
            return len(self._lines(cell.text, self._span(cell))) * self.leading + 2 * PADDING_Y

        self.heading_sizes = heading_row_sizes(self.layout.heading, needed)

    def _numbering_height(self) -> float:
        return self.leading + 2 * PADDING_Y

    def heading_height(self) -> float:
        return sum(self.heading_sizes) + self._numbering_height()

    def draw_heading(self) -> None:
        """The heading grid and the numbering row at the current position."""
        top = self.get_y()
        self._heading_font()
        self.set_line_width(0.2)
        tops = [top + sum(self.heading_sizes[:row]) for row in range(len(self.heading_sizes))]
        for cells in self.layout.heading:
            for cell in cells:
                x = self.offsets[cell.column]
                y = tops[cell.row]
                width = self._span(cell)
                height = sum(self.heading_sizes[cell.row : cell.row + cell.rowspan])
                self.rect(x, y, width, height)
                self._text(self._lines(cell.text, width), x, y, width, height, "center")
        y = top + sum(self.heading_sizes)
        self.set_font(FONT, "I", self.size)
        height = self._numbering_height()
        for index, number in enumerate(self.layout.numbers):
            x, width = self.offsets[index], self.widths[index]
            self.rect(x, y, width, height)
            self._text(self._lines(number, width), x, y, width, height, "center")
        self.set_xy(self.l_margin, y + height)

    def header(self) -> None:
        if self.repeat_heading:
            self.set_y(self.t_margin)
            self.draw_heading()

    # -- rows ----------------------------------------------------------------------------

    def draw_row(self, row: Row, *, bold: bool) -> None:
        layout = self.layout
        self.set_font(FONT, "B" if bold else "", self.size)
        texts = layout.texts(row)
        indent = INDENT * row.depth
        cells: list[list[str]] = []
        for index, text in enumerate(texts):
            width = self.widths[index] - (indent if index == layout.indent_column else 0.0)
            cells.append(self._lines(text, width))
        height = max((len(lines) for lines in cells), default=1) * self.leading + 2 * PADDING_Y
        if self.get_y() + height > self.page_break_trigger and self.get_y() > self._body_top:
            self.add_page()  # the heading comes with it (header())
            self.set_font(FONT, "B" if bold else "", self.size)
        y = self.get_y()
        self.rect(MARGIN_LEFT, y, sum(self.widths), height)
        for index, lines in enumerate(cells):
            x, width = self.offsets[index], self.widths[index]
            if index:
                self.line(x, y, x, y + height)
            if index == layout.indent_column:
                x, width = x + indent, width - indent
            self._text(lines, x, y, width, height, layout.aligns[index])
        self.set_xy(self.l_margin, y + height)

    _body_top = 0.0  # the top of the rows on a page (a row taller than a page is not moved)

    def draw_table(self) -> None:
        self._measure_heading()
        if self.get_y() + self.heading_height() + 3 * self.leading > self.page_break_trigger:
            self.add_page()
        self.draw_heading()
        self.repeat_heading = True
        self._body_top = self.t_margin + self.heading_height()
        # Rows are placed by hand: the automatic break would split a row's cells.
        self.set_auto_page_break(auto=False, margin=MARGIN_BOTTOM)
        for row in self.report.rows:
            self.draw_row(row, bold=self.layout.is_bold(row))
        if self.report.total is not None:
            self.draw_row(self.report.total, bold=True)
        self.repeat_heading = False
        self.set_auto_page_break(auto=True, margin=MARGIN_BOTTOM)


def _top(document: ReportDocument, table: ReportTable) -> None:
    if table.marker:
        document.set_font(FONT, "B", 10)  # bold italics in the xlsx; lib.pdf ships no "BI"
        document.cell(0, 5, table.marker, align="R", new_x="LMARGIN", new_y="NEXT")
    top = document.get_y()
    document.national_heading(list(table.issuer))
    # The short rules under the issuer and under the motto (report_forms.md §5).
    half = document.epw / 2
    document.set_line_width(0.3)
    document.set_font(FONT, "B", 10)
    if table.issuer:
        rule = document.get_string_width(table.issuer[-1]) * 0.6
        y = top + 5 * len(table.issuer) + 0.6
        centre = document.l_margin + half / 2
        document.line(centre - rule / 2, y, centre + rule / 2, y)
    rule = document.get_string_width(MOTTO)
    centre = document.l_margin + half * 1.5
    document.line(centre - rule / 2, top + 10.6, centre + rule / 2, top + 10.6)
    document.set_font(FONT, "B", 12)
    document.multi_cell(0, 6, table.title, align="C", new_x="LMARGIN", new_y="NEXT")
    if table.subtitle:
        document.set_font(FONT, "I", 10)
        document.multi_cell(0, 5, table.subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    if table.unit_line:
        document.set_font(FONT, "I", 9)
        document.cell(0, 5, table.unit_line, align="R", new_x="LMARGIN", new_y="NEXT")
    document.ln(1)


def _bottom(document: ReportDocument, table: ReportTable) -> None:
    if table.notes:
        document.ln(2)
        document.set_font(FONT, "I", 9)
        for note in table.notes:
            document.multi_cell(0, 4.5, note, new_x="LMARGIN", new_y="NEXT")
    if table.signatures:
        document.signatures(
            [
                Signer(title=signature.title, name=signature.name, hint=signature.hint)
                for signature in table.signatures
            ],
            place_date=table.place_date,
        )
    elif table.place_date:
        document.ln(3)
        document.place_date(table.place_date)


def write_pdf(table: ReportTable) -> bytes:
    """``table`` as an A4 PDF (landscape or portrait as the table says)."""
    document = ReportDocument(table)
    document.add_page()
    _top(document, table)
    document.draw_table()
    _bottom(document, table)
    return document.to_bytes()
