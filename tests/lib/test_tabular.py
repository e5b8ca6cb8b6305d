"""The bounded table reader (``lib.tabular``): xlsx values and dates as Excel shows them, rows
sparse with their own numbers, limits refused with the cell, zip bombs and lying containers
refused before they are decompressed, CSV checked for what is not UTF-8 text."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
import unicodedata
import zipfile
from pathlib import Path

import polars as pl
import pytest

from giamngheo.lib import tabular
from giamngheo.lib.tabular import Formula, Limits, TableError
from tests.registry.hostile import build


def write(tmp_path: Path, data: bytes, name: str = "t.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read(path: Path, sheet: str | None = None, limits: Limits | None = None) -> list[tabular.Row]:
    with tabular.XlsxReader(path, limits or Limits()) as book:
        return list(book.rows(sheet or book.sheet_names[0]))


def one_sheet(tmp_path: Path, rows: str, **kwargs: object) -> Path:
    dimension = kwargs.pop("dimension", None)
    xml = build.sheet_xml(rows, dimension=dimension)  # type: ignore[arg-type]
    return write(tmp_path, build.workbook_bytes([("Sheet1", xml)], **kwargs))  # type: ignore[arg-type]


# -- values ---------------------------------------------------------------------------------------


def test_values_written_by_openpyxl_read_back_with_their_types(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Họ tên", "Số", "Thập phân", "Có", "Ngày", "Giờ", "Lúc", "Công thức"])
    sheet.append(
        [
            "Nguyễn Thị Ánh",
            38201001234,
            1.5,
            True,
            dt.date(1980, 3, 15),
            dt.time(7, 30),
            dt.datetime(2024, 5, 6, 8, 15),  # noqa: DTZ001 - no zone in spreadsheets
            '=HYPERLINK("http://x","y")',
        ]
    )
    sheet["E3"] = dt.date(2001, 12, 31)
    sheet["E3"].number_format = "dd/mm/yyyy"
    sheet["B3"] = 1500000.0
    sheet["B3"].number_format = '#,##0 "đ"'
    path = tmp_path / "types.xlsx"
    workbook.save(path)

    rows = read(path)
    assert [number for number, _cells in rows] == [1, 2, 3]
    header, values, more = (cells for _n, cells in rows)
    assert header[0] == "Họ tên"
    assert values[0] == "Nguyễn Thị Ánh"
    assert values[1] == 38201001234 and isinstance(values[1], int)
    assert values[2] == 1.5
    assert values[3] is True
    assert values[4] == dt.date(1980, 3, 15)
    assert values[5] == dt.time(7, 30)
    assert values[6] == dt.datetime(2024, 5, 6, 8, 15)  # noqa: DTZ001
    assert isinstance(values[7], Formula) and values[7].startswith("=HYPERLINK(")
    assert more == {1: 1500000, 4: dt.date(2001, 12, 31)}  # "đ" in quotes is not a day


def test_shared_inline_rich_error_and_boolean_cells(tmp_path: Path) -> None:
    shared = (
        f'<sst xmlns="{build.MAIN}"><si><t>Bản</t></si>'
        "<si><r><t>Lò </t></r><r><t>Văn Kín</t></r><rPh><t>ロ</t></rPh></si>"
        "<si><t>dòng_x000D_\n2 _x0000_</t></si><si><t></t></si></sst>"
    )
    rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>'
        '<row r="2"><c r="A2" t="e"><v>#N/A</v></c><c r="B2" t="b"><v>0</v></c>'
        '<c r="C2" t="str"><v>kết quả</v></c><c r="D2" t="d"><v>2024-02-29T00:00:00</v></c>'
        '<c r="E2"><v>1.5E+3</v></c><c r="F2"><v>-7</v></c><c r="G2" s="0"/></row>'
    )
    path = one_sheet(tmp_path, rows, shared=shared)
    (_, first), (_, second) = read(path)
    # Phonetic guides are not the text; Excel's _x000D_ is a line break; _x0000_ stays literal
    # (no NUL byte enters the registry); an empty string is no value.
    assert first == {0: "Bản", 1: "Lò Văn Kín", 2: "dòng\r\n2 _x0000_"}
    assert second == {0: "#N/A", 1: False, 2: "kết quả", 3: dt.date(2024, 2, 29), 4: 1500.0, 5: -7}


def test_dates_from_builtin_and_custom_formats_and_the_1904_system(tmp_path: Path) -> None:
    styles = build.styles_xml([0, 14, 22, 20, "[$-42A]d mmmm yyyy", "0.00", '"ngày" 0', "mmm"])
    rows = build.row(
        1,
        build.number("A1", 45000, 0),
        build.number("B1", 45000, 1),
        build.number("C1", 45000.5, 2),
        build.number("D1", 0.75, 3),
        build.number("E1", 61, 4),
        build.number("F1", 45000, 5),
        build.number("G1", 3, 6),
        build.number("H1", 60, 7),
    )
    ((_, cells),) = read(one_sheet(tmp_path, rows, styles=styles))
    assert cells == {
        0: 45000,
        1: dt.date(2023, 3, 15),
        2: dt.datetime(2023, 3, 15, 12, 0),  # noqa: DTZ001
        3: dt.time(18, 0),
        4: dt.date(1900, 3, 1),
        5: 45000,
        6: 3,  # "ngày" is quoted text, not a day token
        7: dt.date(1900, 2, 28),  # serial 60: Excel's 29/02/1900, which did not exist
    }
    ((_, cells),) = read(
        one_sheet(tmp_path, build.row(1, build.number("A1", 0, 1)), styles=styles, date1904=True)
    )
    assert cells == {0: dt.date(1904, 1, 1)}


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("dd/mm/yyyy", "date"),
        ("[$-42A]dd\\ mmmm\\ yyyy", "date"),
        ("h:mm AM/PM", "time"),
        ("[h]:mm:ss", "time"),
        ("mmm", "date"),
        ("General", None),
        ("#,##0.00", None),
        ('#,##0 "đồng"', None),
        ("[Red]0.00;[Blue]-0.00", None),
        ("0\\d", None),
        ("@", None),
    ],
)
def test_custom_number_formats_are_dates_only_by_tokens_outside_quotes_and_brackets(
    code: str, kind: str | None
) -> None:
    assert tabular.format_kind(code) == kind


def test_serial_numbers() -> None:
    assert tabular.from_serial(1, date1904=False, kind="date") == dt.date(1900, 1, 1)
    assert tabular.from_serial(59, date1904=False, kind="date") == dt.date(1900, 2, 28)
    assert tabular.from_serial(61, date1904=False, kind="date") == dt.date(1900, 3, 1)
    assert tabular.from_serial(0.5, date1904=False, kind="time") == dt.time(12, 0)
    assert tabular.from_serial(-1, date1904=False, kind="date") == -1  # not a date: kept
    assert tabular.from_serial(1e9, date1904=False, kind="date") == 1e9


# -- rows, sheets ---------------------------------------------------------------------------------


def test_rows_are_sparse_with_the_spreadsheets_numbers_and_cells_without_references(
    tmp_path: Path,
) -> None:
    rows = (
        build.row(1, build.inline("A1", "a"), build.inline("C1", "c"))
        + '<row r="5"/>'  # an empty row (formatting only) is not yielded
        + '<row r="7"><c t="inlineStr"><is><t>x</t></is></c><c><v>2</v></c></row>'
        + '<row><c r="B8"><v>3</v></c></row>'  # a row without r follows the previous one
        + build.row(200_000, build.number("AW200000", 1))
    )
    assert read(one_sheet(tmp_path, rows)) == [
        (1, {0: "a", 2: "c"}),
        (7, {0: "x", 1: 2}),
        (8, {1: 3}),
        (200_000, {48: 1}),
    ]


def test_the_declared_dimension_is_never_trusted(tmp_path: Path) -> None:
    path = one_sheet(tmp_path, build.table_rows([["a", "b"], [1, 2]]), dimension="A1:XFD1048576")
    started = time.perf_counter()
    assert read(path) == [(1, {0: "a", 1: "b"}), (2, {0: 1, 1: 2})]
    assert time.perf_counter() - started < 1


def test_sheet_names_list_worksheets_in_order_and_skip_chart_sheets(tmp_path: Path) -> None:
    data = build.workbook_bytes(
        [
            ("Hướng dẫn", build.sheet_xml(build.table_rows([["guide"]]))),
            ("Dữ liệu", build.sheet_xml(build.table_rows([["data"]]))),
        ],
        chartsheets=["Biểu đồ"],
    )
    path = write(tmp_path, data)
    with tabular.XlsxReader(path, Limits()) as book:
        assert book.sheet_names == ["Hướng dẫn", "Dữ liệu"]
        assert list(book.rows("Dữ liệu")) == [(1, {0: "data"})]
        with pytest.raises(TableError, match="không có trang “Biểu đồ”"):
            list(book.rows("Biểu đồ"))


def test_rows_out_of_order_are_refused(tmp_path: Path) -> None:
    path = one_sheet(
        tmp_path, build.row(5, build.number("A5", 1)) + build.row(3, build.number("A3", 1))
    )
    with pytest.raises(TableError, match="không theo thứ tự"):
        read(path)


# -- limits ---------------------------------------------------------------------------------------


def test_a_far_cell_is_refused_with_its_reference_before_anything_is_built(tmp_path: Path) -> None:
    path = one_sheet(
        tmp_path,
        build.row(1, build.inline("A1", "x")) + build.row(1_048_576, build.number("XFD1048576", 1)),
    )
    with pytest.raises(TableError) as error:
        read(path)
    assert str(error.value) == "Ô XFD1048576 vượt quá giới hạn 200 cột (trang “Sheet1”)."


def test_rows_and_cells_limits(tmp_path: Path) -> None:
    path = one_sheet(tmp_path, build.table_rows([[1, 2, 3]] * 4))
    with pytest.raises(TableError, match=r"Ô A4 vượt quá giới hạn 3 dòng"):
        read(path, limits=Limits(max_rows=3))
    with pytest.raises(TableError, match=r"hơn 10 ô có dữ liệu .*đến ô B4"):
        read(path, limits=Limits(max_cells=10))
    assert len(read(path, limits=Limits(max_rows=4, max_cells=12, max_columns=3))) == 4
    # Empty cells far away cost nothing and are not refused.
    empty = one_sheet(tmp_path, build.row(1, build.number("A1", 1), '<c r="XFD1" s="1"/>'))
    assert read(empty) == [(1, {0: 1})]


def test_a_bad_reference_and_a_missing_shared_string_are_refused(tmp_path: Path) -> None:
    with pytest.raises(TableError, match="tham chiếu ô không hợp lệ “ZZZZ1”"):
        read(one_sheet(tmp_path, build.row(1, build.number("ZZZZ1", 1))))
    with pytest.raises(TableError, match="Ô A1 tham chiếu một chuỗi chữ không có"):
        read(one_sheet(tmp_path, '<row r="1"><c r="A1" t="s"><v>7</v></c></row>'))


# -- the container --------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_from_its_directory_before_decompressing(tmp_path: Path) -> None:
    path = write(tmp_path, build.zip_bomb(200 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    started = time.perf_counter()
    with pytest.raises(TableError, match=r"nén với tỉ lệ [0-9.]+:1, vượt quá giới hạn 200:1"):
        tabular.XlsxReader(path, Limits())
    assert time.perf_counter() - started < 0.5
    with pytest.raises(TableError, match=r"giải nén ra hơn 100 MB"):
        tabular.XlsxReader(path, Limits(max_ratio=10_000, max_uncompressed_bytes=100 * 1024 * 1024))


def test_a_zip_that_lies_about_its_sizes_is_read_no_further_than_declared(tmp_path: Path) -> None:
    sheet = build.sheet_xml(build.table_rows([["x" * 100]] * 20_000))
    data = build.workbook_bytes([("Sheet1", sheet)])
    path = write(tmp_path, build.lie_about_size(data, "xl/worksheets/sheet1.xml", 500))
    with pytest.raises(TableError, match="bị hỏng"):
        read(path)


def test_members_count_encryption_and_compression_are_checked(tmp_path: Path) -> None:
    extra = [(f"xl/media/{i}.bin", b"x") for i in range(20)]
    path = write(tmp_path, build.workbook_bytes([("S", build.sheet_xml(""))], extra=extra))
    with pytest.raises(TableError, match="có 25 thành phần, vượt quá giới hạn 10"):
        tabular.XlsxReader(path, Limits(max_members=10))
    bzip = build.workbook_bytes([("S", build.sheet_xml(""))], compression=zipfile.ZIP_BZIP2)
    with pytest.raises(TableError, match="kiểu nén không hỗ trợ"):
        tabular.XlsxReader(write(tmp_path, bzip), Limits())
    data = build.workbook_bytes([("S", build.sheet_xml(""))], extra=[("xl/secret.bin", "..")])
    encrypted = build.patch_member(data, "xl/secret.bin", flags=0x1)
    with pytest.raises(TableError, match="có mật khẩu"):
        tabular.XlsxReader(write(tmp_path, encrypted), Limits())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7\n...", "nội dung là tệp PDF, không phải tệp Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "tệp Office cũ (.xls, .doc)"),
        ("Mã hộ,Họ tên\n".encode(), "nội dung là văn bản, không phải tệp Excel"),
        (b"", "nội dung là văn bản"),
    ],
)
def test_a_file_that_is_not_an_xlsx_is_refused_by_its_bytes(
    tmp_path: Path, data: bytes, message: str
) -> None:
    with pytest.raises(TableError, match=re.escape(message)):
        tabular.XlsxReader(write(tmp_path, data), Limits())


def test_an_ods_or_docx_renamed_xlsx_is_refused(tmp_path: Path) -> None:
    for members, message in (
        (
            {"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"},
            ".ods",
        ),
        ({"word/document.xml": "<x/>"}, "không có xl/workbook.xml"),
    ):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, text in members.items():
                archive.writestr(name, text)
        with pytest.raises(TableError, match=re.escape(message)):
            tabular.XlsxReader(write(tmp_path, buffer.getvalue()), Limits())


def test_xml_entities_are_refused(tmp_path: Path) -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f'<sst xmlns="{build.MAIN}"><si><t>&b;</t></si></sst>'
    )
    path = one_sheet(tmp_path, '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', shared=laughs)
    with pytest.raises(TableError, match="DTD"):
        read(path)


def test_a_file_larger_than_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = one_sheet(tmp_path, build.table_rows([["a"]]))
    with pytest.raises(TableError, match="vượt quá giới hạn 100 byte"):
        tabular.XlsxReader(path, Limits(max_bytes=100))


# -- CSV ------------------------------------------------------------------------------------------


def cp1258(text: str) -> bytes:
    """Vietnamese in Windows-1258: base letters with ^, breve and horn precomposed, tone marks
    as combining characters (how Excel on an old Windows saves "CSV")."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        rest = []
        for mark in marks:
            composed = unicodedata.normalize("NFC", base + mark)
            if len(composed) == 1 and composed.encode("cp1258", errors="ignore"):
                base = composed
            else:
                rest.append(mark)
        out.append(base + "".join(rest))
    return "".join(out).encode("cp1258")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"a,b\n1,2\n3,\x004\n", "ký tự NUL (mã 0) ở dòng 3"),
        (
            cp1258("Mã hộ,Họ tên\nH1,Nguyễn Văn Ba\n"),
            "không được lưu với mã hóa UTF-8 (lỗi từ dòng 1",
        ),
        (b"a,b\n" + cp1258("H1,Lê Thị Ốc\n"), "lỗi từ dòng 2"),
        ("Mã hộ,Họ tên\n".encode("utf-16"), "mã hóa UTF-16"),
        ("Mã hộ,Họ tên\nH1,Ba\n".encode("utf-16-le"), "mã hóa UTF-16"),
        ("Mã hộ\n".encode("utf-32"), "mã hóa UTF-32"),
        (b"PK\x03\x04" + b"\0" * 100, "nội dung là tệp nén zip"),
        (b"%PDF-1.4\n", "nội dung là tệp PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "tệp Office cũ"),
    ],
)
def test_a_csv_that_is_not_utf8_text_is_refused_with_the_line(
    tmp_path: Path, data: bytes, message: str
) -> None:
    with pytest.raises(TableError, match=re.escape(message)):
        tabular.read_csv(write(tmp_path, data, "t.csv"), Limits())


def test_csv_records_keep_their_numbers_ragged_ones_fit_the_header(tmp_path: Path) -> None:
    path = write(tmp_path, '\ufeffa;b;c\n1;2\n\n;;\n3;4;5;6;7\n"x\ny";"z""q"\n'.encode(), "t.csv")
    frame = tabular.read_csv(path, Limits())
    assert frame.columns == [tabular.LINE, "column_0", "column_1", "column_2"]
    assert frame.rows() == [
        (1, "a", "b", "c"),
        (2, "1", "2", None),
        (5, "3", "4", "5"),  # blank records 3 and 4 are dropped, numbers kept
        (6, "x\ny", 'z"q', None),
    ]


def test_blocks_are_cut_outside_quoted_fields(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 1,000 lines a block (the minimum): a quoted field spanning lines 999-1002 stays whole.
    lines = [f"r{i},v" for i in range(1, 999)] + ['"a\nb\nc\nd",v'] + ["x,y"] * 3000
    path = write(tmp_path, ("h1,h2\n" + "\n".join(lines) + "\n").encode(), "t.csv")
    monkeypatch.setattr(tabular, "BLOCK_CELLS", 1)
    frame = tabular.read_csv(path, Limits())
    assert frame.height == 1 + 998 + 1 + 3000
    assert frame.row(999) == (1000, "a\nb\nc\nd", "v")
    assert frame[tabular.LINE].to_list() == list(range(1, 4001))


def test_a_million_empty_csv_lines_cost_neither_time_nor_memory(tmp_path: Path) -> None:
    header = ",".join(f"c{i}" for i in range(200))
    path = write(
        tmp_path, (header + "\n").encode() + b"\n" * 500_000 + b",,\n" * 500_000 + b"1\n", "t.csv"
    )
    started = time.perf_counter()
    frame = tabular.read_csv(path, Limits())
    assert time.perf_counter() - started < 5
    # Read block by block, the empty records are gone: 2 rows of 200 cells, not 200 million.
    assert frame.shape == (2, 201)
    assert frame[tabular.LINE].to_list() == [1, 1_000_002]
    with pytest.raises(TableError, match=r"hơn 1\.000 dòng"):
        tabular.read_csv(path, Limits(max_rows=1000))


def test_csv_width_cells_and_size_limits(tmp_path: Path) -> None:
    wide = write(tmp_path, (",".join(f"c{i}" for i in range(300)) + "\n").encode(), "t.csv")
    with pytest.raises(TableError, match="Dòng tiêu đề có 300 cột, vượt quá giới hạn 200 cột"):
        tabular.read_csv(wide, Limits())
    small = write(tmp_path, b"a,b\n1,2\n3,4\n", "s.csv")
    with pytest.raises(TableError, match="hơn 5 ô"):
        tabular.read_csv(small, Limits(max_cells=5))
    with pytest.raises(TableError, match="vượt quá giới hạn 10 byte"):
        tabular.read_csv(small, Limits(max_bytes=10))


# -- formulas -------------------------------------------------------------------------------------

FORMULAS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x";"y")',
    "@SUM(1)",
    '+HYPERLINK("http://x")',
    "-2+3+cmd|' /C calc'!A0",
    "- Không có",
    "=",
    "--1",
]
NOT_FORMULAS = ["+84 912 345 678", "-5", "-2,5", "+", "-", "Nguyễn Văn A", "0912-345-678", "1+1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_like_text_is_recognised(text: str) -> None:
    assert tabular.looks_like_formula(text)


@pytest.mark.parametrize("text", NOT_FORMULAS)
def test_phone_numbers_negative_numbers_and_names_are_not_formulas(text: str) -> None:
    assert not tabular.looks_like_formula(text)


def test_the_polars_expression_agrees_with_the_python_function() -> None:
    frame = pl.DataFrame({"v": [*FORMULAS, *NOT_FORMULAS, None]})
    flags = frame.select(tabular.formula_expr(pl.col("v")))["v"].to_list()
    assert flags == [True] * len(FORMULAS) + [False] * len(NOT_FORMULAS) + [None]


def test_a_cell_longer_than_excel_allows_is_refused(tmp_path: Path) -> None:
    long = "x" * (tabular.EXCEL_MAX_CELL_CHARS + 1)
    with pytest.raises(TableError, match=r"Ô B2 dài hơn 32\.767 ký tự"):
        read(one_sheet(tmp_path, build.table_rows([["a", "b"], ["c", long]])))
    shared = f'<sst xmlns="{build.MAIN}"><si><t>ok</t></si><si><t>{long}</t></si></sst>'
    with pytest.raises(TableError, match="Ô có chuỗi chữ thứ 2 dài hơn"):
        read(one_sheet(tmp_path, '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', shared=shared))
    path = write(tmp_path, f"a,b\n1,2\n3,{long}\n".encode(), "t.csv")
    with pytest.raises(TableError, match="Ô ở dòng 3 dài hơn"):
        tabular.read_csv(path, Limits())
    # Vietnamese letters take 2-3 bytes: 20,000 of them (50,000 bytes) are within the limit.
    fine = write(tmp_path, ("a\n" + "ệ" * 20_000 + "\n").encode(), "f.csv")
    assert tabular.read_csv(fine, Limits()).height == 2


def test_shared_strings_are_packed_in_blocks_and_found_by_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tabular.SharedStrings, "BLOCK", 3)
    words = ["", "Bản", "Lò Văn Kín", "x", "Thôn Một", "ệ" * 50, "cuối"]
    shared = (
        f'<sst xmlns="{build.MAIN}">' + "".join(f"<si><t>{w}</t></si>" for w in words) + "</sst>"
    )
    cells = "".join(f'<c r="{build.column_letters(i)}1" t="s"><v>{i}</v></c>' for i in range(7))
    ((_, values),) = read(one_sheet(tmp_path, f'<row r="1">{cells}</row>', shared=shared))
    assert values == {i: w for i, w in enumerate(words) if w}
    strings = tabular.SharedStrings()
    for word in words:
        strings.append(word)
    assert strings[6] == "cuối"  # in the pending block, before close()
    strings.close()
    assert [strings[i] for i in range(len(strings))] == words
    with pytest.raises(IndexError):
        strings[7]
