"""Exporting households with their members to xlsx or CSV, in the import template's layout
(one row per member; household columns repeated on every row so that a sorted or filtered sheet
still reads right), so that an export can be corrected and imported back.

- Scoped: the households the user may see (``access.scoped``) in the chosen area. The command
  line exports as the system (``actor=None``): whoever runs it already holds the database.
- Personal numbers (citizen ID, phone) are masked row by row unless the user may see them in
  the household's area (``access.personal_data_reach``); a masked number imported back counts
  as empty (the stored number is kept).
- Text beginning with ``=``, ``+``, ``-``, ``@`` is written inert (``lib.spreadsheet_text``):
  a string cell with a quote prefix in xlsx, an apostrophe in CSV; never a live formula.
- Every export is recorded in the audit log (who, which area, how many households and rows,
  masked or not), in a transaction of its own: names and birth dates are personal data even
  when the numbers are masked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from giamngheo.accounts import access
from giamngheo.accounts.types import Actor
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.audit import services as audit
from giamngheo.jobs.kinds import job_kind
from giamngheo.lib.errors import DomainError
from giamngheo.lib.masking import mask_citizen_id, mask_phone
from giamngheo.lib.spreadsheet_text import DANGEROUS_PATTERN, inert_row, inert_text_expr
from giamngheo.registry import spreadsheets as sheets
from giamngheo.registry.models import Household, Membership
from giamngheo.registry.spreadsheets import Column, Kind

Progress = Callable[[int, int, str], None]
FORMATS: Final = ("xlsx", "csv")
EXPORT_JOB: Final = "registry.export_households"
DATE_FORMAT: Final = "DD/MM/YYYY"


class ExportError(DomainError):
    """The export cannot be made; the message is for the user (Vietnamese)."""


@dataclass(frozen=True)
class ExportReport:
    path: Path
    format: str
    area_code: str
    area_name: str
    households: int
    rows: int
    masked: bool

    def headline(self) -> str:
        return _("Đã xuất %(households)s hộ (%(rows)s dòng) của %(area)s.") % {
            "households": self.households,
            "rows": self.rows,
            "area": self.area_name,
        }


def export_columns() -> tuple[Column, ...]:
    """The importable columns (legacy address columns excepted), then read-only ones."""
    return (
        *(c for c in sheets.household_columns() if c.level != sheets.Level.LEGACY),
        *sheets.info_columns(),
    )


_SOURCES: Final = {
    "code": "household__code",
    "commune": "household__commune__code",
    "village": "household__village__name",
    "relation": "relation",
    "status": "household__status",
    "status_year": "household__status_year",
    "status_standard": "household__status_standard",
}


# The household's area, to decide row by row whether its personal numbers may be shown.
_AREA_SOURCES: Final = ("household__province_id", "household__commune_id", "household__village_id")
_AREA_COLUMNS: Final = ("_province", "_commune", "_village")


def _source(column: Column) -> str:
    if column.key in _SOURCES:
        return _SOURCES[column.key]
    if column.level == sheets.Level.MEMBER:
        return f"person__{column.key}"
    return f"household__{column.key}"


def _frame(
    actor: Actor, area: AdministrativeUnit | None, columns: tuple[Column, ...]
) -> pl.DataFrame:
    households = Household.objects.all()
    if actor is not None:
        households = access.scoped(households, actor)
    if area is not None:
        level = {Level.PROVINCE: "province", Level.COMMUNE: "commune", Level.VILLAGE: "village"}
        households = households.filter(**{level[Level(area.level)]: area})
    sources = [_source(c) for c in columns]
    rows = (
        Membership.objects.filter(left_on__isnull=True, household__in=households.values("pk"))
        .order_by("household__code", "-is_head", "id")
        .values_list("household_id", *_AREA_SOURCES, *sources)
    )
    data = list(rows.iterator(chunk_size=20_000))
    width = 1 + len(_AREA_SOURCES) + len(columns)
    values = list(zip(*data, strict=True)) if data else [() for _ in range(width)]
    series = [pl.Series("household_id", values[0], dtype=pl.Int64)]
    for name, column_values in zip(_AREA_COLUMNS, values[1:4], strict=True):
        series.append(pl.Series(name, column_values, dtype=pl.Int64))
    for column, column_values in zip(columns, values[4:], strict=True):
        if column.kind == Kind.DECIMAL:
            column_values = tuple(float(v) if v is not None else None for v in column_values)
        series.append(pl.Series(column.key, column_values, dtype=_dtype(column)))
    return pl.DataFrame(series)


def _dtype(column: Column) -> Any:
    kinds: dict[Kind, Any] = {
        Kind.BOOL: pl.Boolean,
        Kind.MONEY: pl.Int64,
        Kind.YEAR: pl.Int64,
        Kind.DATE: pl.Date,
        Kind.DECIMAL: pl.Float64,
        Kind.MULTI: pl.List(pl.String),
    }
    return kinds.get(column.kind, pl.String)


def _full_rows(frame: pl.DataFrame, actor: Actor) -> pl.Series:
    """Per row: may ``actor`` see the household's full personal numbers? (The command line,
    ``actor=None``, runs as the system.)"""
    if actor is None:
        return pl.Series("full", [True] * frame.height, dtype=pl.Boolean)
    reach = access.personal_data_reach(actor)
    if reach.everything:
        return pl.Series("full", [True] * frame.height, dtype=pl.Boolean)
    full = (
        pl.col("_province").is_in(list(reach.provinces))
        | pl.col("_commune").is_in(list(reach.communes))
        | pl.col("_village").is_in(list(reach.villages))
    )
    return frame.select(full.fill_null(False).alias("full"))["full"]


def _masked(series: pl.Series, full: pl.Series, mask: Callable[[str | None], str]) -> pl.Series:
    return pl.Series(
        series.name,
        [v if ok or not v else mask(v) for v, ok in zip(series, full, strict=True)],
        dtype=pl.String,
    )


def _text_values(
    frame: pl.DataFrame, columns: tuple[Column, ...], *, full: pl.Series, csv: bool
) -> pl.DataFrame:
    """Values as the template writes them: labels, masked numbers (where ``full`` is false);
    in CSV yes/no as 1/0 and dates as dd/mm/yyyy, in xlsx typed cells (issue 11: booleans and
    dates, which the import reads back the same way)."""
    exprs: list[pl.Expr] = [pl.col("household_id")]
    for column in columns:
        value = pl.col(column.key)
        if column.kind == Kind.ENUM and column.choices:
            labels = {code: label for code, label in column.choices}
            value = value.cast(pl.String).replace_strict(labels, default=value.cast(pl.String))
        elif column.kind == Kind.BOOL and csv:
            value = pl.when(value).then(pl.lit("1")).otherwise(pl.lit("0"))
        elif column.kind == Kind.BOOL:
            value = value.fill_null(False)
        elif column.kind == Kind.MULTI:
            labels = {code: label for code, label in column.choices}
            value = value.list.eval(
                pl.element().replace_strict(labels, default=pl.element())
            ).list.join(sheets.MULTI_SEPARATOR)
        elif column.kind == Kind.DATE and csv:
            value = value.dt.strftime("%d/%m/%Y")
        elif column.kind == Kind.DECIMAL:
            value = value.cast(pl.Float64)
            if csv:
                value = value.round(1).cast(pl.String).str.replace(".", ",", literal=True)
        exprs.append(value.alias(column.key))
    frame = frame.select(exprs)
    if not full.all():
        for column in columns:
            if column.kind == Kind.CITIZEN_ID:
                frame = frame.with_columns(_masked(frame[column.key], full, mask_citizen_id))
            elif column.kind == Kind.PHONE:
                frame = frame.with_columns(_masked(frame[column.key], full, mask_phone))
    return frame


def export_households(
    *,
    actor: Actor,
    area: AdministrativeUnit | None,
    path: Path,
    file_format: str | None = None,
    progress: Progress | None = None,
) -> ExportReport:
    """Write the households of ``area`` (all visible ones when None) with their current members
    to ``path`` (xlsx or CSV, from ``file_format`` or the extension), and audit it."""
    file_format = (file_format or path.suffix.lstrip(".")).lower()
    if file_format not in FORMATS:
        raise ExportError(_("Chỉ xuất được tệp .xlsx hoặc .csv."))
    if actor is not None and area is not None and not access.can_view_area(actor, area):
        raise ExportError(_("Bạn không được xem dữ liệu của địa bàn này."))
    if actor is not None and area is None and not access.is_system_admin(actor):
        raise ExportError(_("Hãy chọn địa bàn cần xuất."))
    say = progress or (lambda _done, _total, _message: None)
    columns = export_columns()
    say(5, 100, _("Đang đọc dữ liệu…"))
    raw = _frame(actor, area, columns)
    full = _full_rows(raw, actor)
    # "masked": some row of the file has its numbers masked.
    masked = not bool(full.all())
    frame = _text_values(raw, columns, full=full, csv=file_format == "csv")
    households = frame["household_id"].n_unique()
    rows = frame.height
    if file_format == "xlsx" and rows > sheets.MAX_XLSX_ROWS:
        raise ExportError(
            _(
                "Quá nhiều dòng cho một tệp Excel (%(rows)s): hãy xuất CSV hoặc chọn địa bàn "
                "nhỏ hơn."
            )
            % {"rows": rows}
        )
    say(40, 100, _("Đang ghi tệp…"))
    body = frame.drop("household_id")
    path.parent.mkdir(parents=True, exist_ok=True)
    if file_format == "csv":
        text = [name for name, dtype in body.schema.items() if dtype == pl.String]
        body = body.with_columns(inert_text_expr(pl.col(name)).alias(name) for name in text)
        body.rename({c.key: c.header for c in columns}).write_csv(path, include_bom=True)
    else:
        _write_xlsx(body, columns, path, progress=say)
    report = ExportReport(
        path=path,
        format=file_format,
        area_code=area.code if area else "*",
        area_name=area.name if area else _("toàn bộ"),
        households=households,
        rows=rows,
        masked=masked,
    )
    _audit(actor, area, report)
    say(100, 100, report.headline())
    return report


def _write_xlsx(
    body: pl.DataFrame, columns: tuple[Column, ...], path: Path, *, progress: Progress
) -> None:

    style = sheets.styles()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheets.DATA_SHEET)
    for position, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = column.width
    sheet.freeze_panes = "B2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, column.header)
        cell.font = style["header_font"]
        cell.fill = style["header_fill"]
        header.append(cell)
    sheet.append(header)
    total = body.height
    # Only the text columns holding formula-like values need a cell object per value.
    text = [name for name, dtype in body.schema.items() if dtype == pl.String]
    found = body.select(pl.col(name).str.contains(DANGEROUS_PATTERN).any() for name in text)
    risky = [body.columns.index(name) for name in text if found[name][0]]
    # Dates are Excel dates shown dd/mm/yyyy (a date cell needs its own number format).
    dates = [body.columns.index(name) for name, dtype in body.schema.items() if dtype == pl.Date]
    for number, values in enumerate(body.iter_rows(), start=1):
        row = inert_row(sheet, values, risky) if risky else list(values)
        for index in dates:
            if row[index] is not None:
                cell = WriteOnlyCell(sheet, row[index])
                cell.number_format = DATE_FORMAT
                row[index] = cell
        sheet.append(row)
        if number % 20_000 == 0:
            progress(40 + int(55 * number / total), 100, _("Đang ghi tệp…"))
    sheets.write_guide_sheet(
        workbook,
        [c for c in columns if c.level != sheets.Level.INFO],
        title=_("Hướng dẫn: danh sách hộ và thành viên"),
        rules=sheets.GENERAL_RULES,
    )
    workbook.save(path)


@transaction.atomic
def _audit(actor: Actor, area: AdministrativeUnit | None, report: ExportReport) -> None:
    province_id = None
    if area is not None:
        province_id = area.pk if area.level == Level.PROVINCE else area.province_id
    audit.record_bulk(
        actor=actor,
        action="registry.households_exported",
        object_type=Household._meta.label_lower,
        object_id=report.area_code,
        summary={
            "area": report.area_code,
            "area_name": report.area_name,
            "households": report.households,
            "rows": report.rows,
            "masked": report.masked,
            "format": report.format,
            "file": report.path.name,
        },
        note=_("Xuất dữ liệu cá nhân") if actor is not None else _("Xuất từ dòng lệnh (hệ thống)"),
        province_id=province_id,
    )


def export_file_name(area: AdministrativeUnit | None, file_format: str) -> str:
    today = timezone.localdate().strftime("%Y%m%d")
    return f"ho-gia-dinh-{area.code if area else 'tat-ca'}-{today}.{file_format}"


@job_kind(EXPORT_JOB, label=gettext_lazy("Xuất danh sách hộ gia đình"))
def export_job(context: Any) -> dict[str, Any]:
    parameters = context.parameters
    area_code = parameters.get("area_code")
    area = AdministrativeUnit.objects.filter(code=area_code).first() if area_code else None
    file_format = parameters.get("format", "xlsx")
    path = context.output_path("export", export_file_name(area, file_format))
    report = export_households(
        actor=context.actor,
        area=area,
        path=path,
        file_format=file_format,
        progress=context.progress,
    )
    context.final_message = report.headline()
    return {
        "households": report.households,
        "rows": report.rows,
        "masked": report.masked,
        "area": report.area_code,
        "format": report.format,
        "exported_at": dt.datetime.now(tz=dt.UTC).isoformat(),
    }
