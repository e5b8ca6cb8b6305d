from __future__ import annotations

from giamngheo.lib.pdf import VietnameseDocument, extract_text


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
