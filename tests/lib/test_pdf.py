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
