from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from fontTools import ttLib

from giamngheo.lib.pdf import (
    FONT,
    FONT_DIR,
    FONT_FILES,
    LAYOUT_TABLES,
    VietnameseDocument,
    extract_text,
    font_bytes,
)


def test_vietnamese_text_survives_a_round_trip() -> None:
    document = VietnameseDocument(title="Thử")
    document.add_page()
    document.national_heading(["ỦY BAN NHÂN DÂN", "XÃ HƯỚNG PHÙNG"])
    document.multi_cell(0, 6, "Giấy chứng nhận hộ nghèo: Hồ Thị Ngọc Ánh, dân tộc Bru - Vân Kiều")
    document.qr("https://example.invalid/verify/ABC123", x=150, y=60, size=30)
    text = extract_text(document.to_bytes())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Hồ Thị Ngọc Ánh" in text
    assert "Bru - Vân Kiều" in text
    assert "Trang 1/1" in text


class _UncachedDocument(VietnameseDocument):
    """The document as fpdf2's ``add_font`` builds it (each font parsed for this document),
    from the same font files (written out from ``font_bytes``)."""

    font_dir: Path

    def _add_cached_font(self, style: str, name: str) -> None:
        self.add_font(FONT, style, str(self.font_dir / name))


def _sample(document_class: type[VietnameseDocument], font_dir: Path | None = None) -> bytes:
    if font_dir is not None:
        _UncachedDocument.font_dir = font_dir
    document = document_class(title="Giấy chứng nhận")
    document.set_creation_date(datetime(2026, 12, 7, tzinfo=UTC))
    document.add_page()
    document.national_heading(["ỦY BAN NHÂN DÂN", "XÃ HƯỚNG PHÙNG"])
    document.set_font(FONT, "B", 13)
    document.cell(0, 8, "GIẤY CHỨNG NHẬN HỘ NGHÈO", new_x="LMARGIN", new_y="NEXT")
    document.set_font(FONT, "I", 11)
    document.multi_cell(0, 6, "Hồ Thị Ngọc Ánh — Bru - Vân Kiều; ₫ ✓ ☐ 漢")  # 漢: not in DejaVu
    document.qr("GN-ABC123", x=150, y=60, size=30)
    return document.to_bytes()


def test_fonts_parsed_once_give_the_same_bytes_as_add_font(tmp_path: Path) -> None:
    """The per-process font cache changes nothing in the file, in any style, including a
    character the font lacks; and a second document does not inherit the first one's glyphs."""
    for name in FONT_FILES.values():
        (tmp_path / name).write_bytes(font_bytes(name))
    expected = _sample(_UncachedDocument, tmp_path)
    assert _sample(VietnameseDocument) == expected
    assert _sample(VietnameseDocument) == expected
    other = VietnameseDocument()
    other.add_page()
    other.cell(0, 5, "x")
    other.to_bytes()
    assert _sample(VietnameseDocument) == expected


def test_only_the_layout_tables_are_left_out_of_the_embedded_fonts() -> None:
    """What a viewer draws comes from the glyphs, their order and their advance widths: the same
    as in the shipped files. Only the styles a document uses are embedded."""
    for name in FONT_FILES.values():
        shipped = ttLib.TTFont(FONT_DIR / name)
        used = ttLib.TTFont(io.BytesIO(font_bytes(name)))
        assert set(shipped.keys()) - set(used.keys()) == {
            table for table in LAYOUT_TABLES if table in shipped
        }
        assert used.getGlyphOrder() == shipped.getGlyphOrder()
        assert used["hmtx"].metrics == shipped["hmtx"].metrics
        assert used.getBestCmap() == shipped.getBestCmap()
    plain = VietnameseDocument()
    plain.add_page()
    plain.cell(0, 5, "Hộ nghèo")
    assert sorted(plain.fonts) == ["dejavu"]
    assert "Hộ nghèo" in extract_text(plain.to_bytes())


def test_a_no_wrap_column_keeps_a_long_code_on_one_line() -> None:
    from giamngheo.lib.pdf import Signer

    code = "79-26734-0000012345-ABCDEFGHIJ"  # 30 characters, the longest household code
    document = VietnameseDocument(title="Thử")
    document.add_page()
    document.table_rows(
        ["STT", "Mã hộ", "Họ và tên chủ hộ", "Thôn"],
        [("1", code, "Hồ Thị Ngọc Ánh", "Thôn Một")],
        (10, 26, 60, 40),
        nowrap=(1,),
    )
    document.signatures([Signer("CHỦ TỊCH", "Nguyễn Văn Chủ")], recipients=["- Lưu: VT."])
    lines = extract_text(document.to_bytes()).splitlines()
    assert any(code in line for line in lines)
    assert any("Hồ Thị Ngọc Ánh" in line for line in lines)
    text = "\n".join(lines)
    assert "Nơi nhận:" in text and "- Lưu: VT." in text
    assert "CHỦ TỊCH" in text and "(Ký, ghi rõ họ tên)" in text and "Nguyễn Văn Chủ" in text


def test_an_unnamed_signer_gets_a_line_to_write_the_name() -> None:
    from giamngheo.lib.pdf import NAME_LINE, Signer

    document = VietnameseDocument(title="Thử")
    document.add_page()
    document.signatures([Signer("NGƯỜI LẬP BIỂU"), Signer("THỦ TRƯỞNG", "Lê Văn Ký")])
    text = extract_text(document.to_bytes())
    assert "NGƯỜI LẬP BIỂU" in text and NAME_LINE in text and "Lê Văn Ký" in text
