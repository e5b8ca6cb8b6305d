"""The formula-injection guard shared by every spreadsheet writer (lib.spreadsheet_text)."""

from __future__ import annotations

import io

import polars as pl
from openpyxl import Workbook, load_workbook

from giamngheo.lib.spreadsheet_text import (
    inert_row,
    inert_text,
    inert_text_expr,
    inert_workbook,
    is_formula_like,
)

HOSTILE = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "=cmd|' /C calc'!A0"]


def test_formula_like_text_gets_an_apostrophe_for_csv_and_the_rest_is_unchanged() -> None:
    for value in HOSTILE:
        assert is_formula_like(value)
        assert inert_text(value) == "'" + value
    for value in ["Xóm 1", "", "0912345678", "-5", "+84", "-1,5", 3, None, "a=b"]:
        assert inert_text(value) == value


def test_the_polars_form_agrees_with_the_scalar_one() -> None:
    values = [*HOSTILE, "Xóm 1", "-1,5", None]
    frame = pl.DataFrame({"v": values}).select(inert_text_expr(pl.col("v")))
    assert frame["v"].to_list() == [inert_text(v) for v in values]


def test_xlsx_cells_stay_strings_in_normal_and_write_only_workbooks() -> None:
    normal = Workbook()
    sheet = normal.active
    assert sheet is not None
    sheet.append(HOSTILE)
    inert_workbook(normal)
    streamed = Workbook(write_only=True)
    out = streamed.create_sheet("s")
    out.append(inert_row(out, HOSTILE))
    for book in (normal, streamed):
        buffer = io.BytesIO()
        book.save(buffer)
        cells = next(load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0].iter_rows())
        # XML turns a carriage return into a line feed; the text is otherwise as written.
        assert [c.value for c in cells] == [v.replace("\r", "\n") for v in HOSTILE]
        assert {c.data_type for c in cells} == {"s"}
        assert all(c.quotePrefix for c in cells)
