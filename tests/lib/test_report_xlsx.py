from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from giamngheo.lib.report_layout import heading_grid
from giamngheo.lib.report_table import Column, HeaderNode, ReportTable, Row
from giamngheo.lib.report_xlsx import sheet_names, write_workbook, write_xlsx
from tests.lib.report_samples import FORM1_UNITS, HOSTILE, form1, hostile, rate, two_column_list
from tests.lib.test_report_layout import headers


def _sheet(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data)).active


def _row_of(sheet: Any, text: str, column: int = 1) -> int:
    for row in sheet.iter_rows(min_col=column, max_col=column):
        if row[0].value == text:
            return int(row[0].row)
    raise AssertionError(f"{text!r} not found")


def test_form1_headings_are_merged_as_the_template() -> None:
    sheet = _sheet(write_xlsx(form1()))
    top = _row_of(sheet, "TT")
    r1, r2, r3 = top, top + 1, top + 2
    merged = {str(cell_range) for cell_range in sheet.merged_cells.ranges}
    expected = {
        f"A{r1}:A{r3}",  # TT down to the last heading row
        f"B{r1}:B{r3}",
        f"C{r1}:D{r1}",  # Tổng số hộ dân cư over Số hộ, Nhân khẩu
        f"C{r2}:C{r3}",
        f"D{r2}:D{r3}",
        f"E{r1}:H{r1}",  # Kết quả rà soát về hộ over four columns
        f"E{r2}:F{r2}",  # Hộ nghèo
        f"G{r2}:H{r2}",  # Hộ cận nghèo
    }
    assert expected <= merged
    heading_merges = {str(r) for r in sheet.merged_cells.ranges if r1 <= r.min_row <= r3 + 1}
    assert heading_merges == expected  # nothing else merged, the numbering row not at all
    assert sheet[f"C{r1}"].value == "Tổng số hộ dân cư (tại thời điểm rà soát)"
    assert sheet[f"E{r2}"].value == "Hộ nghèo"
    assert [sheet.cell(r3, c).value for c in range(5, 9)] == ["Số hộ", "Tỷ lệ (%)"] * 2
    heading = sheet[f"C{r1}"]
    assert heading.font.b and heading.alignment.wrap_text
    assert heading.alignment.horizontal == "center"
    assert sheet[f"H{r3}"].border.right.style == "thin"
    numbering = [sheet.cell(r3 + 1, c).value for c in range(1, 9)]
    assert numbering == ["A", "B", "1", "2", "3", "4=3/1*100", "5", "6=5/1*100"]


def test_form1_values_formats_and_emphasis() -> None:
    sheet = _sheet(write_xlsx(form1()))
    first = _row_of(sheet, "A") + 1
    for offset, (number, name, depth, households, people, poor, near_poor) in enumerate(
        FORM1_UNITS
    ):
        row = first + offset
        assert sheet.cell(row, 1).value == number
        assert sheet.cell(row, 2).value == name
        assert sheet.cell(row, 3).value == households
        assert sheet.cell(row, 4).value == people
        assert sheet.cell(row, 5).value == poor
        assert sheet.cell(row, 6).value == pytest.approx(poor * 100 / households, abs=0.005)
        assert Decimal(str(sheet.cell(row, 6).value)) == rate(poor, households)
        assert sheet.cell(row, 7).value == near_poor
        assert sheet.cell(row, 3).number_format == "#,##0"
        assert sheet.cell(row, 6).number_format == "0.00"
        assert sheet.cell(row, 3).alignment.horizontal == "right"
        assert bool(sheet.cell(row, 2).font.b) == (depth == 0)
        assert (sheet.cell(row, 2).alignment.indent or 0) == depth
        assert sheet.cell(row, 1).font.name == "Times New Roman"
    total = _row_of(sheet, "Tổng cộng", 2)
    assert total == first + len(FORM1_UNITS)
    top = [unit for unit in FORM1_UNITS if unit[2] == 0]
    assert sheet.cell(total, 3).value == sum(unit[3] for unit in top)
    assert sheet.cell(total, 5).value == sum(unit[5] for unit in top)
    assert all(sheet.cell(total, c).font.b for c in range(2, 9))


def test_form1_blocks_around_the_table() -> None:
    sheet = _sheet(write_xlsx(form1()))
    values = {cell.value: cell for row in sheet.iter_rows() for cell in row if cell.value}
    marker = values["Biểu số 01"]
    assert marker.font.b and marker.font.i and marker.alignment.horizontal == "right"
    assert (
        marker.column == values["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"].column > 1
    )  # the right block
    assert values["ỦY BAN NHÂN DÂN"].column == 1 and values["ỦY BAN NHÂN DÂN"].font.b
    nation = values["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    assert nation.font.b and nation.row == values["ỦY BAN NHÂN DÂN"].row
    assert values["Độc lập - Tự do - Hạnh phúc"].row == nation.row + 1
    title = values[form1().title]
    assert title.font.b and title.alignment.horizontal == "center"
    assert f"A{title.row}:H{title.row}" in {str(r) for r in sheet.merged_cells.ranges}
    assert values[form1().subtitle].font.i
    assert values["Đơn vị tính: hộ, người, %"].row == _row_of(sheet, "TT") - 1
    note = values["Ghi chú: mẫu biểu chưa được kiểm chứng với văn bản gốc."]
    assert note.row > _row_of(sheet, "Tổng cộng", 2)
    place = values["Hướng Hóa, ngày 15 tháng 12 năm 2025"]
    assert place.font.i and place.row > note.row
    clerk, head = values["NGƯỜI LẬP BIỂU"], values["TM. ỦY BAN NHÂN DÂN"]
    assert clerk.row == head.row == place.row + 1 and clerk.column < head.column
    assert values["CHỦ TỊCH"].row == head.row + 1
    assert values["(Ký, ghi rõ họ tên)"].row == head.row + 2
    assert values["Trần Thị Bích"].row > head.row + 3 and values["Trần Thị Bích"].font.b


def test_page_setup_repeats_the_heading_and_fits_the_width() -> None:
    sheet = _sheet(write_xlsx(form1()))
    top = _row_of(sheet, "TT")
    setup = sheet.page_setup
    assert setup.orientation == "landscape"
    assert int(setup.paperSize) == 9  # A4
    assert int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == f"${top}:${top + 3}"  # three headings and the numbering
    assert sheet.freeze_panes == f"A{top + 4}"
    assert sheet.page_margins.left > sheet.page_margins.right
    portrait = _sheet(write_xlsx(two_column_list()))
    assert portrait.page_setup.orientation == "portrait"
    assert portrait.print_title_rows == f"${_row_of(portrait, 'STT')}:${_row_of(portrait, 'A')}"


def test_a_two_column_list() -> None:
    table = two_column_list(4)
    sheet = _sheet(write_xlsx(table))
    first = _row_of(sheet, "A") + 1
    assert [sheet.cell(first + i, 2).value for i in range(4)] == [
        f"Nguyễn Văn Ánh {i}" for i in range(1, 5)
    ]
    assert sheet.cell(first + 4, 2).value is None  # no totals row
    assert sheet["A1"].value is None and sheet["B1"].value == "Phụ lục số 2.3"
    assert sheet.cell(_row_of(sheet, "ỦY BAN NHÂN DÂN"), 2).value == (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    )


def test_ticks_text_and_empty_cells() -> None:
    table = ReportTable(
        "M",
        (),
        "T",
        "",
        "",
        (
            Column("name", "Tên", "A", kind="label"),
            Column("merit", "Có công", "1", kind="mark"),
            Column("n", "Số", "2"),
            Column("share", "Tỷ lệ", "3", kind="rate"),
        ),
        (
            Row({"name": "Lê Thị Ánh", "merit": True, "n": None, "share": 7}),
            Row({"name": "Hồ Văn Bé", "merit": False, "n": 12345, "share": Decimal("1.50")}),
        ),
    )
    sheet = _sheet(write_xlsx(table))
    first = _row_of(sheet, "A") + 1
    assert [sheet.cell(first, c).value for c in range(1, 5)] == ["Lê Thị Ánh", "x", None, 7]
    assert sheet.cell(first, 2).alignment.horizontal == "center"
    assert sheet.cell(first, 4).number_format == "0.00"  # an int in a rate column
    assert sheet.cell(first + 1, 2).value is None
    assert sheet.cell(first + 1, 3).value == 12345
    assert sheet.cell(first + 1, 3).border.left.style == "thin"  # empty cells keep borders


def test_hostile_text_stays_inert() -> None:
    data = write_xlsx(hostile())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        xml = "".join(archive.read(name).decode() for name in sheets)
    assert "<f>" not in xml and "<f " not in xml
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.active
    found: dict[str, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value[0] in "=+-@":
                assert cell.data_type == "s", cell.coordinate
                assert cell.quotePrefix, cell.coordinate
                found[cell.value] = found.get(cell.value, 0) + 1
    for text in HOSTILE:
        assert found[text] == 2  # the label and the note column, unchanged
    for text in ("=1+1", "@ỦY BAN", "+TITLE", "-sub", "=unit", "=heading", "+B", "=note"):
        assert found[text] == 1, text
    assert {"@place", "=SIGN", "+hint", "-name"} <= set(found)


def test_a_workbook_has_one_sheet_per_form_with_unique_short_names() -> None:
    long_name = "Biểu số 05 - Phân tích tỷ lệ các chỉ số thiếu hụt của hộ nghèo"
    data = write_workbook(
        [(long_name, form1()), (long_name, two_column_list()), ("Biểu/số:01", form1())]
    )
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    names = workbook.sheetnames
    assert len(names) == 3 and len({name.casefold() for name in names}) == 3
    assert all(len(name) <= 31 for name in names)
    assert names[0] == long_name[:31].rstrip()
    assert names[1].endswith(" (2)")
    assert names[2] == "Biểu số 01"
    assert workbook[names[1]]["B1"].value == "Phụ lục số 2.3"
    titles = [
        next(c.value for row in workbook[n].iter_rows() for c in row if c.font.sz == 14)
        for n in names
    ]
    assert titles == [form1().title, two_column_list().title, form1().title]


def test_sheet_names() -> None:
    assert sheet_names(["a", "A", "a", "[x]*?", "", "'q'"]) == [
        "a",
        "A (2)",
        "a (3)",
        "x",
        "Biểu",
        "q",
    ]
    long = "x" * 40
    assert sheet_names([long, long]) == ["x" * 31, "x" * 27 + " (2)"]


def test_a_workbook_needs_a_table() -> None:
    with pytest.raises(ValueError):
        write_workbook([])


@settings(max_examples=25, deadline=None)
@given(headers, st.integers(min_value=0, max_value=4))
def test_random_headers_are_merged_as_the_grid_says(
    header: tuple[HeaderNode, ...], count: int
) -> None:
    columns = ReportTable("", (), "", "", "", header, ()).columns()
    rows = tuple(Row({column.key: index for column in columns}) for index in range(count))
    table = ReportTable("M", ("UBND",), "T", "", "", header, rows)
    sheet = _sheet(write_xlsx(table))
    grid = heading_grid(header)
    first = 6  # the marker, two header lines, an empty row, the title, then the headings
    expected = {
        (
            first + cell.row,
            cell.column + 1,
            first + cell.row + cell.rowspan - 1,
            cell.column + cell.colspan,
        )
        for cells in grid
        for cell in cells
        if cell.rowspan > 1 or cell.colspan > 1
    }
    merged = {
        (r.min_row, r.min_col, r.max_row, r.max_col)
        for r in sheet.merged_cells.ranges
        if r.min_row >= first and r.max_row < first + len(grid) + 1
    }
    assert merged == expected
    for cells in grid:
        for cell in cells:
            assert sheet.cell(first + cell.row, cell.column + 1).value == (cell.text or None)
    numbering = first + len(grid)
    if columns:
        assert [sheet.cell(numbering, i + 1).value for i in range(len(columns))] == [
            column.number for column in columns
        ]
    for index in range(count):
        assert [sheet.cell(numbering + 1 + index, i + 1).value for i in range(len(columns))] == [
            index
        ] * len(columns)
    assert sheet.freeze_panes == f"A{numbering + 1}"


def _merged_width(sheet: Any, text: str) -> float:
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == text:
                for merged in sheet.merged_cells.ranges:
                    if merged.min_row == cell.row and merged.min_col == cell.column:
                        return sum(
                            sheet.column_dimensions[get_column_letter(c)].width
                            for c in range(merged.min_col, merged.max_col + 1)
                        )
                return float(sheet.column_dimensions[get_column_letter(cell.column)].width)
    raise AssertionError(text)


def test_the_motto_and_the_issuer_get_room_even_in_a_narrow_table() -> None:
    nation = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    for table in (form1(), two_column_list()):
        sheet = _sheet(write_xlsx(table))
        # Bold 12 pt capitals: well over one width unit (a digit of 11 pt Calibri) each.
        assert _merged_width(sheet, nation) >= 1.3 * len(nation)
        assert _merged_width(sheet, "ỦY BAN NHÂN DÂN") >= 1.3 * len("ỦY BAN NHÂN DÂN")


def test_the_signature_block_is_never_split_across_printed_pages() -> None:
    sheet = _sheet(write_xlsx(form1()))
    breaks = [brk.id for brk in sheet.row_breaks.brk]
    place = next(
        cell.row
        for row in sheet.iter_rows()
        for cell in row
        if cell.value == "Hướng Hóa, ngày 15 tháng 12 năm 2025"
    )
    # Landscape A4 holds about 480 pt: the title block, headings and rows leave too little.
    assert breaks == [place - 2]  # before the empty row above the place and date
    short = two_column_list(2)
    assert not _sheet(write_xlsx(short)).row_breaks.brk
