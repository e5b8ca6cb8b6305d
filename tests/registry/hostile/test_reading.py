"""``spreadsheets.read_table`` on top of the bounded reader: the sheet chosen as before (the named
one, else the first that is not the guide), ``_row`` equal to the spreadsheet's row numbers
without building the empty rows, typed cells as text the way the user saw them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from giamngheo.registry import spreadsheets
from giamngheo.registry.spreadsheets import GUIDE_SHEET, ROW, SpreadsheetError
from tests.registry.hostile import build
from tests.registry.io_helpers import header

COLUMNS = spreadsheets.household_columns()


def sheet(rows: Sequence[tuple[int, Sequence[object]]]) -> str:
    return build.sheet_xml("".join(build.table_rows([values], start=n) for n, values in rows))


def test_the_first_sheet_that_is_not_the_guide_is_read_with_the_spreadsheets_row_numbers(
    tmp_path: Path,
) -> None:
    heads = [header("code"), header("full_name"), "Ghi chú riêng", header("birth_year")]
    data = build.workbook_bytes(
        [
            (GUIDE_SHEET, sheet([(1, ["Hướng dẫn"])])),
            (
                "Dữ liệu",
                sheet(
                    [
                        (1, heads),
                        (2, ["H-1", "Lê Văn Ba", None, 1980]),
                        (7, [None, None, "chỉ ghi chú"]),  # no recognised cell: dropped
                        (150_000, ["H-2", "Lò Thị Kín", None, 1975.0]),
                    ]
                ),
            ),
        ]
    )
    path = tmp_path / "ho.xlsx"
    path.write_bytes(data)
    table = spreadsheets.read_table(path, COLUMNS)
    assert table.ignored == ["Ghi chú riêng"]
    assert table.frame.select(ROW, "code", "full_name", "birth_year").rows() == [
        (2, "H-1", "Lê Văn Ba", "1980"),
        (150_000, "H-2", "Lò Thị Kín", "1975"),
    ]


def test_a_named_sheet_is_read_when_the_file_has_it(tmp_path: Path) -> None:
    data = build.workbook_bytes(
        [
            ("Khác", sheet([(1, [header("code")]), (2, ["X"])])),
            ("Hộ", sheet([(1, [header("code")]), (3, ["H-9"])])),
        ]
    )
    path = tmp_path / "ho.xlsx"
    path.write_bytes(data)
    assert spreadsheets.read_table(path, COLUMNS, sheet="Hộ").frame.rows() == [(3, "H-9")]
    assert spreadsheets.read_table(path, COLUMNS, sheet="Không có").frame.rows() == [(2, "X")]


def test_a_workbook_of_only_the_guide_or_no_rows_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ho.xlsx"
    path.write_bytes(build.workbook_bytes([(GUIDE_SHEET, sheet([(1, ["x"])]))]))
    with pytest.raises(SpreadsheetError, match="không có trang dữ liệu"):
        spreadsheets.read_table(path, COLUMNS)
    path.write_bytes(build.workbook_bytes([("Hộ", build.sheet_xml(""))]))
    with pytest.raises(SpreadsheetError, match="Tệp không có dữ liệu"):
        spreadsheets.read_table(path, COLUMNS)


def test_csv_rows_keep_the_files_numbers_across_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "ho.csv"
    path.write_text(
        f"{header('code')};{header('full_name')}\nH-1;Lê Văn Ba\n\n;\nH-2;Lò Thị Kín\n",
        encoding="utf-8-sig",
    )
    assert spreadsheets.read_table(path, COLUMNS).frame.rows() == [
        (2, "H-1", "Lê Văn Ba"),
        (5, "H-2", "Lò Thị Kín"),
    ]
