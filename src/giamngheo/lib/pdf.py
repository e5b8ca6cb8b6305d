"""PDF documents with Vietnamese text (certificates, minutes, posted lists, letters).

fpdf2 with the DejaVu fonts shipped in ``lib/fonts`` (no system packages needed); QR codes are
drawn as vector squares from segno's matrix (no image library involved). Tests read the text
back with :func:`extract_text` to prove the diacritics survive.
"""

from __future__ import annotations

import io
from pathlib import Path

import segno
from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"


class VietnameseDocument(FPDF):
    """An A4 document with the DejaVu family registered and "Trang x/y" in the footer."""

    def __init__(self, *, title: str = "", orientation: str = "portrait") -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.add_font(FONT, "I", str(FONT_DIR / "DejaVuSans-Oblique.ttf"))
        self.set_font(FONT, size=11)
        self.set_margins(20, 15, 20)
        self.set_auto_page_break(auto=True, margin=18)
        self.alias_nb_pages()
        if title:
            self.set_title(title)
        self.set_creator("giamngheo")

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
