from __future__ import annotations

import io
import re
from decimal import Decimal

from pypdf import PdfReader

from giamngheo.lib.pdf import extract_text
from giamngheo.lib.report_pdf import write_pdf
from giamngheo.lib.report_table import ReportTable, Row
from tests.lib.report_samples import FORM1_UNITS, HOSTILE, form1, hostile, two_column_list


def _vn(number: int) -> str:
    """1234567 → "1.234.567", written independently of lib.formatting."""
    return f"{number:,}".replace(",", ".")


def _vn_rate(part: int, whole: int) -> str:
    value = (Decimal(part) * 100 / whole).quantize(Decimal("0.01"))
    return str(value).replace(".", ",")


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def test_form1_reads_back_with_its_blocks_headings_rows_and_totals() -> None:
    table = form1()
    text = extract_text(write_pdf(table))
    for line in (
        "Biểu số 01",
        "ỦY BAN NHÂN DÂN",
        "HUYỆN HƯỚNG HÓA",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        table.title,
        table.subtitle,
        "Đơn vị tính: hộ, người, %",
        "Kết quả rà soát về hộ (chính thức)",
        "Hộ cận nghèo",
        "A B 1 2 3 4=3/1*100 5 6=5/1*100",
        "Ghi chú: mẫu biểu chưa được kiểm chứng với văn bản gốc.",
        "Hướng Hóa, ngày 15 tháng 12 năm 2025",
        "NGƯỜI LẬP BIỂU",
        "TM. ỦY BAN NHÂN DÂN",
        "(Ký tên, đóng dấu)",
        "Trần Thị Bích",
        "Trang 1/1",
    ):
        assert line in text, line
    # A wrapped heading may break anywhere; its words are all there.
    assert "Tổng số hộ dân cư" in text and "điểm rà soát)" in text
    for number, name, _depth, households, people, poor, near_poor in FORM1_UNITS:
        expected = " ".join(
            [
                number,
                name,
                _vn(households),
                _vn(people),
                _vn(poor),
                _vn_rate(poor, households),
                _vn(near_poor),
                _vn_rate(near_poor, households),
            ]
        )
        assert expected in text, expected
    top = [unit for unit in FORM1_UNITS if unit[2] == 0]
    households = sum(unit[3] for unit in top)
    poor = sum(unit[5] for unit in top)
    assert (
        f"Tổng cộng {_vn(households)} {_vn(sum(u[4] for u in top))} {_vn(poor)} "
        f"{_vn_rate(poor, households)}"
    ) in text
    # The order of the blocks: title, headings, rows, totals, notes, signatures.
    order = [
        table.title,
        "Phường/Xã",
        "Xã Hướng Phùng",
        "Bản Ba Lòng",
        "Tổng cộng",
        "Ghi chú",
        "NGƯỜI LẬP BIỂU",
    ]
    positions = [text.index(item) for item in order]
    assert positions == sorted(positions)


def test_page_size_follows_the_orientation() -> None:
    landscape = PdfReader(io.BytesIO(write_pdf(form1()))).pages[0].mediabox
    assert round(float(landscape.width)) == 842 and round(float(landscape.height)) == 595
    portrait = PdfReader(io.BytesIO(write_pdf(two_column_list()))).pages[0].mediabox
    assert round(float(portrait.width)) == 595 and round(float(portrait.height)) == 842


def test_a_long_table_repeats_its_heading_on_every_page_and_keeps_every_row() -> None:
    base = form1()
    count = 160
    rows = tuple(
        Row({"tt": str(i), "name": f"Thôn số {i}", "households": 1000 + i, "poor": i})
        for i in range(1, count + 1)
    )
    table = ReportTable(
        base.marker,
        base.issuer,
        base.title,
        base.subtitle,
        base.unit_line,
        base.header,
        rows,
        total=base.total,
        signatures=base.signatures,
        place_date=base.place_date,
    )
    pages = _pages(write_pdf(table))
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"Trang {number}/{len(pages)}" in page
    table_pages = [page for page in pages if "Thôn số" in page]
    assert len(table_pages) >= 3
    for page in table_pages:
        assert "Phường/Xã" in page
        assert "A B 1 2 3 4=3/1*100 5 6=5/1*100" in page
    found = re.findall(r"^(\d+) Thôn số (\d+) ([\d.]+)", "\n".join(pages), re.MULTILINE)
    assert [(int(a), int(b)) for a, b, _ in found] == [(i, i) for i in range(1, count + 1)]
    assert [households for _a, _b, households in found] == [
        _vn(1000 + i) for i in range(1, count + 1)
    ]
    assert "Tổng cộng" in pages[-1] or "Tổng cộng" in pages[-2]


def test_a_long_label_wraps_inside_its_cell() -> None:
    name = "Thôn " + " ".join(["Rất Dài"] * 30)
    table = two_column_list(1)
    table = ReportTable(
        table.marker,
        table.issuer,
        table.title,
        "",
        "",
        table.header,
        (Row({"no": "1", "head": name}), Row({"no": "2", "head": "Ngắn"})),
        landscape=False,
    )
    text = extract_text(write_pdf(table))
    words = re.sub(r"\s+", " ", text)
    assert name in words
    assert "2 Ngắn" in text


def test_hostile_text_is_printed_as_it_is() -> None:
    text = extract_text(write_pdf(hostile()))
    for value in (*HOSTILE, "=heading", "+B", "=note", "@place", "=SIGN", "-name", "+TITLE"):
        assert value in text, value
