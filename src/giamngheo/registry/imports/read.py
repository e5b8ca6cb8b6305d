"""Stage 1, read: the file into text columns (``spreadsheets.read_table``), the template's
required columns present, spaces trimmed and empty cells as nulls."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from django.utils.translation import gettext as _

from giamngheo.registry import spreadsheets as sheets
from giamngheo.registry.imports.context import LEGACY_KEYS, MEMBER_REQUIRED, Context
from giamngheo.registry.spreadsheets import ROW, Kind


def read(ctx: Context, path: Path) -> pl.DataFrame | None:
    """The file's rows as trimmed text (``None`` when it cannot be imported at all)."""
    try:
        raw = sheets.read_table(path, [*sheets.household_columns(), *sheets.info_columns()])
    except sheets.SpreadsheetError as problem:
        ctx.errors.one(1, "", str(problem))
        return None
    info = [c.key for c in sheets.info_columns() if c.key in raw.frame.columns]
    frame = raw.frame.drop(info)
    ctx.report.ignored_columns = raw.ignored + raw.duplicates
    ctx.report.rows = frame.height
    ctx.lap("read")
    if not _check_columns(ctx, raw.headers, frame):
        return None
    # Spaces: trimmed everywhere, runs collapsed in free text (names, addresses).
    free_text = {Kind.TEXT, Kind.VILLAGE, Kind.COMMUNE}
    columns = ctx.columns
    return frame.with_columns(
        pl.col(k).str.replace_all(r"\s+", " ").str.strip_chars()
        if k in columns and columns[k].kind in free_text
        else pl.col(k).str.strip_chars()
        for k in frame.columns
        if k != ROW
    ).with_columns(
        pl.when(pl.col(k) == "").then(None).otherwise(pl.col(k)).alias(k)
        for k in frame.columns
        if k != ROW
    )


def _check_columns(ctx: Context, headers: dict[str, str], frame: pl.DataFrame) -> bool:
    missing = [k for k in (*MEMBER_REQUIRED, "village") if k not in headers]
    if "commune" not in headers and not all(k in headers for k in LEGACY_KEYS):
        missing.append("commune")
    if "birth_date" not in headers and "birth_year" not in headers:
        missing.append("birth_year")
    for key in missing:
        ctx.errors.one(
            1,
            ctx.header(key),
            _("Thiếu cột “%(column)s” (dòng tiêu đề phải theo mẫu).") % {"column": ctx.header(key)},
        )
    if not missing and frame.height == 0:
        ctx.errors.one(1, "", _("Tệp không có dòng dữ liệu nào."))
        return False
    return not missing
