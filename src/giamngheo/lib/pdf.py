"""PDF documents with Vietnamese text (certificates, minutes, posted lists, letters).

fpdf2 with the DejaVu fonts shipped in ``lib/fonts`` (no system packages needed); QR codes are
drawn as vector squares from segno's matrix (no image library involved). Tests read the text
back with :func:`extract_text` to prove the diacritics survive.
"""

from __future__ import annotations

import copy
import functools
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import segno
from fontTools import ttLib
from fpdf import FPDF
from fpdf.enums import TextEmphasis
from fpdf.fonts import FontFace, SubsetMap, TTFFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
FONT_FILES = {
    "": "DejaVuSans.ttf",
    "B": "DejaVuSans-Bold.ttf",
    "I": "DejaVuSans-Oblique.ttf",
}
# OpenType layout tables: fpdf2 shapes no text unless asked (``set_text_shaping``, never used
# here: Vietnamese in NFC is precomposed characters), so they only cost time when every
# document's fonts are subset for embedding (about 0.2 s per font, most of it decoding them).
LAYOUT_TABLES = ("GDEF", "GPOS", "GSUB")


@functools.cache
def font_bytes(name: str) -> bytes:
    """The shipped font without its layout tables (the glyphs, their order and metrics are
    unchanged: what a PDF viewer draws is the same)."""
    font = ttLib.TTFont(FONT_DIR / name, recalcTimestamp=False)
    for table in LAYOUT_TABLES:
        if table in font:
            del font[table]
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


@functools.cache
def _parsed_font(name: str, style: str) -> TTFFont:
    """The font's metrics, character map and glyph ids, parsed once per process (about 0.1 s
    per style, which every document paid for each style). Never used in a document itself:
    see :meth:`VietnameseDocument._add_cached_font`."""
    return TTFFont(FPDF(), FONT_DIR / name, f"{FONT.lower()}{style}", style)


SIGN_HINT: Final = "(Ký, ghi rõ họ tên)"
NAME_LINE: Final = "…………………………………"
CELL_PADDING: Final = 1.2  # mm, left and right of a table cell (0.6 above and below)
DONOR_FLOOR: Final = 18.0  # mm: a column narrows no further to widen a no-wrap one
SMALLEST_FONT: Final = 6.0  # pt: a no-wrap column shrinks its font down to this, no further


@dataclass(frozen=True)
class Signer:
    """One signature block: its title (several lines allowed: "TM. BAN CHỈ ĐẠO\\nTRƯỞNG BAN"),
    the hint under it, then room to sign and the name (a dotted line to write it when unknown)."""

    title: str
    name: str = ""
    hint: str = SIGN_HINT


class VietnameseDocument(FPDF):
    """An A4 document with the DejaVu family and "Trang x/y" in the footer.

    A style of the family is added when first chosen (fpdf2 embeds every added font, and
    subsetting one costs time), from fonts parsed once per process."""

    def __init__(self, *, title: str = "", orientation: str = "portrait") -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.set_font(FONT, size=11)
        self.set_margins(20, 15, 20)
        self.set_auto_page_break(auto=True, margin=18)
        self.alias_nb_pages()
        if title:
            self.set_title(title)
        self.set_creator("giamngheo")

    def set_font(
        self, family: str | None = None, style: str | TextEmphasis = "", size: float = 0
    ) -> None:
        if (family or self.font_family).lower() == FONT.lower():
            letters = style.style if isinstance(style, TextEmphasis) else style.upper()
            chosen = "".join(sorted(letter for letter in letters if letter in "BI"))
            if f"{FONT.lower()}{chosen}" not in self.fonts and chosen in FONT_FILES:
                self._add_cached_font(chosen, FONT_FILES[chosen])
        super().set_font(family, style, size)

    def table(self, *args: Any, **kwargs: Any) -> Any:
        """fpdf2's table, with every style of the family added first (its headings and cells
        choose styles through ``FontFace``, without ``set_font``)."""
        for style, name in FONT_FILES.items():
            if f"{FONT.lower()}{style}" not in self.fonts:
                self._add_cached_font(style, name)
        return super().table(*args, **kwargs)

    def _add_cached_font(self, style: str, name: str) -> None:
        """``add_font`` without parsing the font again: the parsed metrics are shared (fpdf2
        itself shares them between copies, ``TTFFont.__deepcopy__``), while what a document
        changes is its own: the subset of glyphs used, the widths map (a defaultdict that grows
        on lookups), and the font tables, which embedding subsets in place (a fresh lazy
        ``TTFont`` from :func:`font_bytes`: only the tables subsetting needs are decoded).
        ``tests/lib/test_pdf.py`` proves the bytes equal those of ``add_font``."""
        parsed = _parsed_font(name, style)
        font = copy.copy(parsed)
        font.i = len(self.fonts) + 1
        font.ttfont = ttLib.TTFont(io.BytesIO(font_bytes(name)), recalcTimestamp=False, lazy=True)
        font.cw = copy.copy(parsed.cw)
        font.glyph_ids = dict(parsed.glyph_ids)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font._hbfont = None
        font.subset = SubsetMap(font)
        self.fonts[font.fontkey] = font

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.cell(0, 5, f"Trang {self.page_no()}/{{nb}}", align="C")
        self.set_font(FONT, size=11)

    def national_heading(self, left_lines: list[str]) -> None:
        """The standard heading of Vietnamese administrative documents: the issuing body on the
        left, the national motto on the right."""
        top = self.get_y()
        width = (self.w - self.l_margin - self.r_margin) / 2
        self.set_font(FONT, "B", 10)
        for line in left_lines:
            self.set_x(self.l_margin)
            self.cell(width, 5, line, align="C", new_x="LMARGIN", new_y="NEXT")
        bottom_left = self.get_y()
        self.set_xy(self.l_margin + width, top)
        self.cell(width, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C")
        self.set_xy(self.l_margin + width, top + 5)
        self.cell(width, 5, "Độc lập - Tự do - Hạnh phúc", align="C")
        self.set_y(max(bottom_left, top + 10) + 4)
        self.set_font(FONT, size=11)

    def table_rows(
        self,
        header: Sequence[str],
        rows: Iterable[Sequence[str]],
        widths: Sequence[float],
        *,
        size: float = 9,
        nowrap: Sequence[int] = (),
    ) -> None:
        """A table with a header row, as wide as the page (``widths`` are relative). The columns
        of ``nowrap`` (indices; e.g. household codes)
        never wrap: each is widened to its longest value, the width taken from the other columns
        in proportion to their room above ``DONOR_FLOOR``; what still does not fit gets a smaller
        font in that column."""
        rows = [[str(value) for value in row] for row in rows]
        # Relative widths, as fpdf2's tables take them: the table spans the page's width.
        scale = self.epw / sum(widths)
        widths = [width * scale for width in widths]
        self.set_font(FONT, size=size)
        fonts: dict[int, float] = {}
        for index in nowrap:
            longest = max((self.get_string_width(row[index]) for row in rows), default=0.0)
            needed = longest + 2 * CELL_PADDING + 0.5
            if needed <= widths[index]:
                continue
            # The other columns give in proportion to what they have above a floor.
            spare = {
                i: widths[i] - DONOR_FLOOR
                for i in range(len(widths))
                if i not in nowrap and widths[i] > DONOR_FLOOR
            }
            total = sum(spare.values())
            taken = min(total, needed - widths[index])
            for i, room in spare.items():
                widths[i] -= taken * room / total
            widths[index] += taken
            if needed > widths[index]:
                fonts[index] = max(
                    SMALLEST_FONT, size * (widths[index] - 2 * CELL_PADDING - 0.5) / longest
                )
        with self.table(
            col_widths=tuple(widths),
            width=min(sum(widths), self.epw),
            text_align="LEFT",
            line_height=size * 0.5,
            padding=(0.6, CELL_PADDING),
            first_row_as_headings=True,
        ) as table:
            head = table.row()
            for cell in header:
                head.cell(cell)
            for values in rows:
                row = table.row()
                for index, value in enumerate(values):
                    if index in fonts:
                        row.cell(value, style=FontFace(size_pt=fonts[index]))
                    else:
                        row.cell(value)
        self.set_font(FONT, size=11)
        self.ln(2)

    def signatures(
        self,
        signers: Sequence[Signer],
        *,
        recipients: Sequence[str] = (),
        place_date: str = "",
        space: float = 24,
    ) -> None:
        """Signature blocks side by side, each with its title, the hint, room to sign and the
        name line. ``recipients``: the "Nơi nhận:" block of a decision or letter, bottom-left
        opposite the signature (Nghị định 30/2020/NĐ-CP, Phụ lục I: the layout of
        administrative documents). ``place_date`` ("Xã A, ngày …") goes above the last block."""
        columns: list[Signer | None] = [None, *signers] if recipients else list(signers)
        title_lines = max(len(s.title.split("\n")) for s in signers)
        height = (6 if place_date else 0) + 5 * title_lines + 5 + space + 6
        height = max(height, 6 + 4.5 * len(recipients))
        if self.get_y() + height + 4 > self.page_break_trigger:
            self.add_page()
        self.ln(4)
        width = (self.w - self.l_margin - self.r_margin) / len(columns)
        top = self.get_y()
        bottom = top
        for index, signer in enumerate(columns):
            x = self.l_margin + index * width
            self.set_xy(x, top)
            if signer is None:
                self.set_font(FONT, "B", 10)
                self.cell(width, 5, "Nơi nhận:", new_x="LEFT", new_y="NEXT")
                self.set_font(FONT, size=9)
                for line in recipients:
                    self.set_x(x)
                    self.multi_cell(width - 4, 4.5, line, new_x="LEFT", new_y="NEXT")
                bottom = max(bottom, self.get_y())
                continue
            if place_date and index == len(columns) - 1:
                self.set_font(FONT, "I", 10)
                self.multi_cell(width, 5, place_date, align="C", new_x="LEFT", new_y="NEXT")
            self.set_xy(x, top + (6 if place_date else 0))
            self.set_font(FONT, "B", 10)
            self.multi_cell(width, 5, signer.title, align="C", new_x="LEFT", new_y="NEXT")
            self.set_xy(x, top + (6 if place_date else 0) + 5 * title_lines)
            self.set_font(FONT, "I", 9)
            self.multi_cell(width, 5, signer.hint, align="C", new_x="LEFT", new_y="NEXT")
            self.set_xy(x, top + height - 6)
            self.set_font(FONT, "B" if signer.name else "", 10)
            self.multi_cell(
                width, 5, signer.name or NAME_LINE, align="C", new_x="LEFT", new_y="NEXT"
            )
            bottom = max(bottom, self.get_y())
        self.set_xy(self.l_margin, bottom + 2)
        self.set_font(FONT, size=11)

    def place_date(self, text: str) -> None:
        """ "Xã A, ngày …" in italics, under the national motto (the right half)."""
        half = self.epw / 2
        self.set_x(self.l_margin + half)
        self.set_font(FONT, "I", 10)
        self.multi_cell(half, 5, text, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, size=11)

    def qr(self, data: str, *, x: float, y: float, size: float) -> None:
        """Draw ``data`` as a QR code of ``size`` mm at (x, y)."""
        code = segno.make(data, error="m")
        matrix = list(code.matrix_iter(border=2))
        module = size / len(matrix)
        self.set_fill_color(0, 0, 0)
        for row_index, row in enumerate(matrix):
            for column_index, dark in enumerate(row):
                if dark:
                    self.rect(
                        x + column_index * module, y + row_index * module, module, module, "F"
                    )

    def to_bytes(self) -> bytes:
        return bytes(self.output())


def extract_text(pdf: bytes) -> str:
    """All text of a PDF, page by page (used to check outputs by reading them back)."""
    # Lazy: pypdf costs about 160 ms at start-up and only the tests read PDFs back.
    from pypdf import PdfReader  # noqa: PLC0415

    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)
