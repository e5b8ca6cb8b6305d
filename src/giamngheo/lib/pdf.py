"""PDF documents with Vietnamese text (certificates, minutes, posted lists, letters).

fpdf2 with the DejaVu fonts shipped in ``lib/fonts`` (no system packages needed); QR codes are
drawn as vector squares from segno's matrix (no image library involved). Tests read the text
back with :func:`extract_text` to prove the diacritics survive.
"""

from __future__ import annotations

import copy
import functools
import io
from pathlib import Path

import segno
from fontTools import ttLib
from fpdf import FPDF
from fpdf.enums import TextEmphasis
from fpdf.fonts import SubsetMap, TTFFont

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
