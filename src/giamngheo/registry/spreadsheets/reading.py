"""Reading an uploaded xlsx or CSV file into text columns (``read_table``), bounded by
``lib.tabular``'s limits: headers matched to column keys, cells as the user saw them."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import polars as pl
from django.utils.translation import gettext as _

from giamngheo.lib import tabular

if TYPE_CHECKING:
    pass
from giamngheo.registry.spreadsheets.columns import (
    GUIDE_SHEET,
    ROW,
    Column,
    Kind,
    SpreadsheetError,
    columns_by_key,
    header_index,
    header_key,
)


@dataclass
class RawTable:
    """An uploaded table as text: one String column per recognised key (empty cells → null)
    plus ``_row``, the spreadsheet row number."""

    frame: pl.DataFrame
    headers: dict[str, str]  # key → header as written in the file
    ignored: list[str] = field(default_factory=list)  # headers not recognised
    duplicates: list[str] = field(default_factory=list)


def _cell_text(value: Any, column: Column | None) -> str | None:
    """One xlsx cell as text, the way the user saw it."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        if value.is_integer():
            value = int(value)
        else:
            return (
                repr(value).replace(".", ",")
                if column and column.kind == Kind.DECIMAL
                else str(value)
            )
    if isinstance(value, int):
        text = str(value)
        # A number typed into a cell loses its leading zeros (038201001234 → 38201001234;
        # 0912345678 → 912345678): give them back where the value has a fixed length.
        if column is not None:
            if column.pad and len(text) < column.pad:
                text = text.zfill(column.pad)
            elif column.kind == Kind.PHONE and len(text) == 9:
                text = "0" + text
        return text
    text = str(value).strip()
    return text or None


def read_table(path: Path, columns: Sequence[Column], *, sheet: str | None = None) -> RawTable:
    """Read an xlsx or CSV file (by its extension) into text columns, within the limits of
    ``lib.tabular`` (rows, columns, cells, sizes; see docs/import-export.md)."""
    suffix = path.suffix.lower()
    limits = tabular.Limits.from_settings()
    try:
        if suffix in {".xlsx", ".xlsm"}:
            frame, headers, ignored, duplicates = _xlsx_table(path, sheet, columns, limits)
        elif suffix in {".xls", ".ods"}:
            # Their readers build the sheet's declared area in memory (see lib.tabular).
            raise SpreadsheetError(
                _(
                    "Không nhận tệp %(suffix)s: hãy mở tệp bằng Excel hoặc LibreOffice rồi "
                    "“Lưu thành” Excel Workbook (.xlsx)."
                )
                % {"suffix": suffix}
            )
        elif suffix in {".csv", ".txt"}:
            raw = _csv_frame(path, limits)
            body = raw.filter(pl.col(tabular.LINE) > 1)
            header_row = [str(cell or "").strip() for cell in raw.drop(tabular.LINE).row(0)]
            positions, headers, ignored, duplicates = _map_headers(header_row, columns)
            by_key = columns_by_key(columns)
            frame = body.select(
                pl.col(tabular.LINE).alias(ROW),
                *[pl.col(f"column_{position}").alias(key) for key, position in positions.items()],
            )
            frame = _pad_text_codes(frame, [by_key[key] for key in positions])
        else:
            raise SpreadsheetError(_("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."))
    except tabular.TableError as error:
        raise SpreadsheetError(str(error)) from error
    keys = [key for key in frame.columns if key != ROW]
    if keys:
        # Blank lines are common between blocks of households.
        frame = frame.filter(pl.any_horizontal(pl.col(k).is_not_null() for k in keys))
    return RawTable(frame, headers, ignored, duplicates)


def _map_headers(
    header_row: Sequence[str], columns: Sequence[Column]
) -> tuple[dict[str, int], dict[str, str], list[str], list[str]]:
    index = header_index(columns)
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored: list[str] = []
    duplicates: list[str] = []
    for position, header in enumerate(header_row):
        if not header:
            continue
        key = index.get(header_key(header))
        if key is None:
            ignored.append(header)
        elif key in positions:
            duplicates.append(header)
        else:
            positions[key] = position
            headers[key] = header
    return positions, headers, ignored, duplicates


def _pad_text_codes(frame: pl.DataFrame, columns: Sequence[Column]) -> pl.DataFrame:
    """CSV saved by Excel drops leading zeros of short codes (ethnicity 1 → 01, commune): give
    them back. Citizen IDs are not padded: an 11-digit ID is reported, not guessed."""
    exprs = [
        pl.when(pl.col(c.key).str.contains(r"^[0-9]+$"))
        .then(pl.col(c.key).str.zfill(c.pad))
        .otherwise(pl.col(c.key))
        .alias(c.key)
        for c in columns
        if c.pad and c.kind != Kind.CITIZEN_ID
    ]
    return frame.with_columns(exprs) if exprs else frame


_FRAME_CHUNK: Final = 50_000  # rows turned into a Polars frame at a time


def _xlsx_table(
    path: Path, sheet: str | None, columns: Sequence[Column], limits: tabular.Limits
) -> tuple[pl.DataFrame, dict[str, str], list[str], list[str]]:
    """The chosen sheet (``sheet`` if the file has it, else the first that is not the guide),
    streamed: row 1 is the header; the other rows keep their spreadsheet numbers in ``_row``.
    Only cells present are read, and only the recognised columns are kept, as text, in
    Polars frames of ``_FRAME_CHUNK`` rows (Python objects for one chunk at a time)."""
    with tabular.XlsxReader(path, limits) as book:
        names = book.sheet_names
        wanted = sheet if sheet in names else next((n for n in names if n != GUIDE_SHEET), None)
        if wanted is None:
            raise SpreadsheetError(_("Tệp Excel không có trang dữ liệu."))
        rows = book.rows(wanted)
        first = next(rows, None)
        if first is None:
            raise SpreadsheetError(_("Tệp không có dữ liệu."))
        header_cells = first[1] if first[0] == 1 else {}
        width = max(header_cells, default=-1) + 1
        header_row = [
            str(header_cells[i]).strip() if i in header_cells else "" for i in range(width)
        ]
        positions, headers, ignored, duplicates = _map_headers(header_row, columns)
        by_key = columns_by_key(columns)
        wanted_columns = [(key, position, by_key[key]) for key, position in positions.items()]
        schema = {ROW: pl.Int64, **{key: pl.String for key in positions}}
        frames: list[pl.DataFrame] = []
        numbers: list[int] = []
        data: dict[str, list[str | None]] = {key: [] for key in positions}

        def flush() -> None:
            if numbers:
                frames.append(pl.DataFrame({ROW: numbers, **data}, schema=schema))
                numbers.clear()
                for values in data.values():
                    values.clear()

        body = rows if first[0] == 1 else itertools.chain([first], rows)
        for number, cells in body:
            texts = [
                (key, _cell_text(cells.get(position), column))
                for key, position, column in wanted_columns
            ]
            if wanted_columns and all(text is None for _key, text in texts):
                continue
            numbers.append(number)
            for key, text in texts:
                data[key].append(text)
            if len(numbers) >= _FRAME_CHUNK:
                flush()
        flush()
    frame = pl.concat(frames) if frames else pl.DataFrame(schema=schema)
    return frame, headers, ignored, duplicates


def _csv_frame(path: Path, limits: tabular.Limits) -> pl.DataFrame:
    """Every CSV cell as text (Polars' reader: a million rows in about a second), after the
    checks of ``lib.tabular.read_csv`` (UTF-8, no NUL byte, not another format, limits)."""
    frame = tabular.read_csv(path, limits)
    if frame.height == 0 or frame[tabular.LINE][0] != 1:
        raise SpreadsheetError(_("Tệp không có dữ liệu."))
    return frame
