"""Reading back the files the report writers make (openpyxl for xlsx; PDFs through
``lib.pdf.extract_text`` in the tests)."""

from __future__ import annotations

import io
from typing import Any

import openpyxl


def read_xlsx(data: bytes) -> Any:
    """The first sheet of an xlsx written by ``lib.report_xlsx.write_xlsx``."""
    return openpyxl.load_workbook(io.BytesIO(data)).active


def row_with(sheet: Any, text: str) -> tuple[Any, ...]:
    """The values of the first row holding a cell equal to ``text``."""
    for row in sheet.iter_rows(values_only=True):
        if text in row:
            return tuple(row)
    raise AssertionError(f"{text!r} not in the sheet")
