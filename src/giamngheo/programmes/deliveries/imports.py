"""Importing a delivery sheet (danh sách cấp phát): one row per support handed out.

The file is checked on upload (``lib.uploads``: size and real type) and read with bounded
memory (``registry.spreadsheets.read_table`` on ``lib.tabular``: streamed, limits, formulas
refused). Every row is checked before anything is written, and errors name the row and the
column in Vietnamese; **nothing is written when any row is wrong** (a delivery sheet is a
signed list: half of it recorded would not reconcile with the paper). Rows are matched to
households in the user's change reach only: a household of another commune is an error of that
row, never a write, and its existence is not revealed. A row equal to a support already
recorded (same household, programme, date, content and amount) is refused too, so a sheet
imported twice is not counted twice."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final, cast

from django.db import models, transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from giamngheo.accounts import access
from giamngheo.accounts.types import Actor
from giamngheo.audit import services as audit
from giamngheo.lib import clock, validators
from giamngheo.lib.errors import DomainError
from giamngheo.lib.text import search_key
from giamngheo.programmes import services as programme_services
from giamngheo.programmes.deliveries.services import SOURCE_APP
from giamngheo.programmes.models import FundingSource, Programme, SupportKind, SupportRecord
from giamngheo.registry import spreadsheets as sheets
from giamngheo.registry.models import Household

SHEET: Final = "Danh sách cấp phát"


def delivery_columns() -> list[sheets.Column]:
    h = sheets.Level.HOUSEHOLD

    def col(key: str, header: str, kind: sheets.Kind, help_text: str, **more: Any) -> sheets.Column:
        return sheets.Column(key=key, header=header, level=h, kind=kind, help=help_text, **more)

    return [
        col("household_code", "Mã hộ", sheets.Kind.TEXT, "Mã hộ trong danh sách hộ", required=True),
        col(
            "programme_code",
            "Mã chương trình",
            sheets.Kind.TEXT,
            "Để trống: chương trình chọn khi tải tệp lên",
        ),
        col(
            "support_kind",
            "Hình thức",
            sheets.Kind.ENUM,
            "Tiền mặt, Hiện vật, Dịch vụ, Vốn vay, Bảo hiểm, Đào tạo, tập huấn",
            required=True,
            choices=tuple((c, str(label)) for c, label in SupportKind.choices),
        ),
        col("description", "Nội dung", sheets.Kind.TEXT, "Ví dụ: 2 con bê giống"),
        col("quantity", "Số lượng", sheets.Kind.DECIMAL, "Số, có thể có phần thập phân"),
        col("unit", "Đơn vị tính", sheets.Kind.TEXT, "Ví dụ: con, kg, thẻ"),
        col("amount", "Thành tiền (đồng)", sheets.Kind.MONEY, "Số đồng, không âm"),
        col("delivered_on", "Ngày hỗ trợ", sheets.Kind.DATE, "dd/mm/yyyy", required=True),
        col(
            "funding_source",
            "Nguồn vốn",
            sheets.Kind.ENUM,
            "Ngân sách trung ương, Ngân sách địa phương, Vốn đối ứng…",
            required=True,
            choices=tuple((c, str(label)) for c, label in FundingSource.choices),
        ),
        col("delivered_by", "Đơn vị, người cấp", sheets.Kind.TEXT, ""),
        col("decision_number", "Số quyết định", sheets.Kind.TEXT, ""),
    ]


@dataclass
class DeliveryImportReport:
    file_name: str
    rows: int = 0
    created: int = 0
    amount: Decimal = Decimal(0)
    written: bool = False
    errors: list[dict[str, Any]] = field(default_factory=list)

    def headline(self) -> str:
        if self.errors:
            return _("Tệp có %(count)s lỗi: chưa ghi dòng nào.") % {"count": len(self.errors)}
        if self.written:
            return _("Đã ghi %(count)s khoản hỗ trợ.") % {"count": self.created}
        return _("Tệp hợp lệ: %(count)s khoản hỗ trợ sẽ được ghi.") % {"count": self.created}

    def summary(self) -> dict[str, Any]:
        return {
            "file_name": self.file_name,
            "rows": self.rows,
            "created": self.created,
            "amount": str(self.amount),
            "written": self.written,
            "error_count": len(self.errors),
            "errors": self.errors[:500],
            "headline": self.headline(),
        }


def _choice(column: sheets.Column, text: str) -> str | None:
    return sheets.value_index(column).get(search_key(text))


def _fits(value: Decimal, name: str) -> bool:
    """Whether ``value`` fits the model column ``name`` (a larger number would fail in the
    database, a server error, instead of being an error of its row)."""
    column = cast(models.DecimalField, SupportRecord._meta.get_field(name))  # type: ignore[type-arg]
    return bool(abs(value) < Decimal(10) ** (column.max_digits - column.decimal_places))


def _money(text: str) -> Decimal:
    # "1.500.000", "1,500,000", "1 500 000" and "1500000" all mean whole đồng.
    digits = re.sub(r"[\s.,]", "", text.removesuffix("đ").removesuffix("đồng").strip())
    if not digits.isdigit() or not _fits(Decimal(digits), "amount"):
        raise ValueError(text)
    return Decimal(digits)


def _decimal(text: str) -> Decimal:
    value = Decimal(text.replace(" ", "").replace(",", "."))
    if not value.is_finite() or not _fits(value, "quantity"):
        raise InvalidOperation(text)
    return value


def _date(text: str) -> dt.date:
    day, month, year = (int(part) for part in text.strip().split("/"))
    return dt.date(year, month, day)


class _Run:
    def __init__(self, *, actor: Actor, programme: Programme | None, report: DeliveryImportReport):
        self.actor = actor
        self.programme = programme
        self.report = report
        self.columns = sheets.columns_by_key(delivery_columns())
        self.today = clock.today()

    def error(self, row: int, key: str, message: str) -> None:
        column = str(self.columns[key].header) if key in self.columns else ""
        self.report.errors.append({"row": row, "column": column, "message": message})

    def parse(
        self, record: dict[str, Any], programmes: dict[str, Programme]
    ) -> dict[str, Any] | None:
        row = int(record[sheets.ROW])
        before = len(self.report.errors)

        def text(key: str) -> str:
            value = record.get(key)
            return "" if value is None else str(value).strip()

        parsed: dict[str, Any] = {"row": row, "household_code": text("household_code")}
        if not parsed["household_code"]:
            self.error(row, "household_code", _("Thiếu mã hộ."))
        code = text("programme_code")
        if code:
            found = programmes.get(code.casefold())
            if found is None:
                self.error(
                    row,
                    "programme_code",
                    _("Không có chương trình mã “%(code)s”.") % {"code": code},
                )
            parsed["programme"] = found
        elif self.programme is not None:
            parsed["programme"] = self.programme
        else:
            self.error(row, "programme_code", _("Thiếu mã chương trình."))
        for key in ("support_kind", "funding_source"):
            value = text(key)
            chosen = _choice(self.columns[key], value) if value else None
            if chosen is None:
                self.error(
                    row,
                    key,
                    _("“%(value)s” không phải giá trị hợp lệ.") % {"value": value}
                    if value
                    else _("Ô này không được để trống."),
                )
            parsed[key] = chosen
        parsed["amount"] = parsed["quantity"] = None
        if text("amount"):
            try:
                parsed["amount"] = _money(text("amount"))
            except ValueError:
                self.error(
                    row,
                    "amount",
                    _("Số tiền “%(value)s” không hợp lệ (số đồng, không âm).")
                    % {"value": text("amount")},
                )
        if text("quantity"):
            try:
                parsed["quantity"] = _decimal(text("quantity"))
                if parsed["quantity"] < 0:
                    raise InvalidOperation
            except InvalidOperation:
                self.error(
                    row,
                    "quantity",
                    _("Số lượng “%(value)s” không hợp lệ.") % {"value": text("quantity")},
                )
        day = text("delivered_on")
        try:
            parsed["delivered_on"] = _date(day)
        except ValueError:
            self.error(
                row,
                "delivered_on",
                _("Ngày “%(value)s” không đúng dạng dd/mm/yyyy.") % {"value": day}
                if day
                else _("Ô này không được để trống."),
            )
        else:
            if parsed["delivered_on"] > self.today:
                self.error(row, "delivered_on", _("Ngày hỗ trợ không thể ở tương lai."))
            elif parsed["delivered_on"] < validators.EARLIEST_DATE:
                self.error(row, "delivered_on", _("Ngày hỗ trợ không hợp lệ."))
        for key, limit in (
            ("description", 500),
            ("unit", 40),
            ("delivered_by", 200),
            ("decision_number", 100),
        ):
            try:
                parsed[key] = validators.clean_text(text(key), max_length=limit)
            except validators.InvalidInput as problem:
                self.error(row, key, str(problem.message))
        return parsed if len(self.report.errors) == before else None

    def households(self, rows: list[dict[str, Any]]) -> None:
        """One query for every code; the household must be in the user's change reach."""
        households = Household.objects.filter(code__in={r["household_code"] for r in rows})
        if self.actor is not None:
            households = households.filter(access.area_filter(access.change_reach(self.actor)))
        found: dict[str, list[Household]] = defaultdict(list)
        for household in households.select_related("village"):
            found[household.code].append(household)

        for r in rows:
            mine = found.get(r["household_code"], [])
            if len(mine) == 1:
                r["household"] = mine[0]
            elif len(mine) > 1:
                self.error(
                    r["row"],
                    "household_code",
                    _("Mã hộ %(code)s có ở nhiều tỉnh.") % {"code": r["household_code"]},
                )
            else:
                # Do not reveal whether a household outside the user's areas exists.
                self.error(
                    r["row"],
                    "household_code",
                    _("Không có hộ mã %(code)s trong địa bàn bạn được nhập liệu.")
                    % {"code": r["household_code"]},
                )

    def duplicates(self, rows: list[dict[str, Any]]) -> None:
        def key(r: dict[str, Any]) -> tuple[Any, ...]:
            return (
                r["household"].pk,
                r["programme"].pk,
                r["delivered_on"],
                r["description"],
                r["amount"],
            )

        first: dict[tuple[Any, ...], int] = {}
        for r in rows:
            if key(r) in first:
                self.error(
                    r["row"],
                    "household_code",
                    _("Trùng với dòng %(row)s (cùng hộ, chương trình, ngày, nội dung, số tiền).")
                    % {"row": first[key(r)]},
                )
            else:
                first[key(r)] = r["row"]
        existing = set(
            SupportRecord.objects.filter(
                household_id__in={r["household"].pk for r in rows},
                delivered_on__in={r["delivered_on"] for r in rows},
            ).values_list("household_id", "programme_id", "delivered_on", "description", "amount")
        )
        for r in rows:
            if key(r) in existing:
                self.error(
                    r["row"],
                    "household_code",
                    _("Khoản hỗ trợ này của hộ %(code)s đã được ghi trước đây.")
                    % {"code": r["household_code"]},
                )


def import_deliveries(
    *,
    actor: Actor,
    path: Path,
    file_name: str,
    programme: Programme | None = None,
    dry_run: bool = False,
) -> DeliveryImportReport:
    """Check every row, then (unless ``dry_run`` or any error) write them all in one
    transaction through ``programmes.services.support_records_create_many`` (one audit event
    per record, and one ``deliveries.imported`` summary)."""
    report = DeliveryImportReport(file_name)
    run = _Run(actor=actor, programme=programme, report=report)
    try:
        raw = sheets.read_table(path, delivery_columns(), sheet=SHEET)
    except sheets.SpreadsheetError as problem:
        run.error(1, "", str(problem))
        return report
    missing = [
        key for key, column in run.columns.items() if column.required and key not in raw.headers
    ]
    for key in missing:
        run.error(
            1,
            key,
            _("Thiếu cột “%(column)s” (dòng tiêu đề phải theo mẫu).")
            % {"column": run.columns[key].header},
        )
    if missing:
        return report
    records = raw.frame.to_dicts()
    report.rows = len(records)
    if not records:
        run.error(1, "", _("Tệp không có dòng dữ liệu nào."))
        return report
    programmes = {p.code.casefold(): p for p in Programme.objects.filter(is_deleted=False)}
    rows = [r for r in (run.parse(record, programmes) for record in records) if r is not None]
    run.households(rows)
    rows = [r for r in rows if "household" in r]
    run.duplicates(rows)
    report.errors.sort(key=lambda e: e["row"])
    if report.errors:
        return report
    report.created = len(rows)
    report.amount = sum((r["amount"] or Decimal(0) for r in rows), Decimal(0))
    if dry_run:
        return report
    inputs = [
        programme_services.SupportRecordInput(
            household=r["household"],
            programme=r["programme"],
            support_kind=r["support_kind"],
            delivered_on=r["delivered_on"],
            funding_source=r["funding_source"],
            description=r["description"],
            quantity=r["quantity"],
            unit=r["unit"],
            amount=r["amount"],
            delivered_by=r["delivered_by"],
            decision_number=r["decision_number"],
            source_app=SOURCE_APP,
        )
        for r in rows
    ]
    try:
        with transaction.atomic():
            programme_services.support_records_create_many(
                actor=actor, records=inputs, note=_("Nhập từ tệp %(file)s") % {"file": file_name}
            )
            audit.record_bulk(
                actor=actor,
                action="deliveries.imported",
                object_type="programmes.supportrecord",
                object_id=file_name[:100],
                summary={
                    "rows": report.rows,
                    "created": report.created,
                    "amount": str(report.amount),
                },
                province_id=inputs[0].household.province_id,
            )
    except DomainError as problem:
        run.error(1, "", str(problem))
        report.created = 0
        return report
    report.written = True
    return report


def template_xlsx() -> bytes:
    """The delivery sheet to fill: the header row, one example row, and a guide sheet."""
    book = Workbook()
    book.remove(book.worksheets[0])
    sheet = book.create_sheet(SHEET)
    columns = delivery_columns()
    sheet.append([c.header for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(
            14, len(column.header) + 4
        )
    guide = book.create_sheet(sheets.GUIDE_SHEET)
    guide.append(["Cột", "Bắt buộc", "Cách ghi"])
    for column in columns:
        guide.append([column.header, "Có" if column.required else "", str(column.help)])
    guide.append([])
    guide.append(
        [
            "Mỗi dòng là một lần hỗ trợ cho một hộ. "
            "Tệp có lỗi ở bất kỳ dòng nào thì không dòng nào được ghi."
        ]
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
