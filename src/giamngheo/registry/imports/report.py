"""The import's report: counts, errors and changes (a frame each), the headline the page shows,
the JSON the job stores, and the xlsx/CSV files a user downloads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import polars as pl
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from giamngheo.lib.formatting import format_number
from giamngheo.lib.spreadsheet_text import inert_row
from giamngheo.registry import spreadsheets as sheets
from giamngheo.registry.imports.frames import ERROR_SCHEMA

CHANGE_SCHEMA: Final = pl.Schema(
    {
        "household": pl.String,
        "action": pl.String,
        "village": pl.String,
        "fields": pl.String,
        "added": pl.String,
        "removed": pl.String,
        "moved_in": pl.String,
        "members_updated": pl.Int64,
        "row": pl.Int64,
    }
)
ACTION_CREATE: Final = "create"
ACTION_UPDATE: Final = "update"
ACTION_UNCHANGED: Final = "unchanged"
ACTION_INVALID: Final = "invalid"
ACTION_LABELS: Final = {
    ACTION_CREATE: gettext_lazy("Thêm mới"),
    ACTION_UPDATE: gettext_lazy("Cập nhật"),
    ACTION_UNCHANGED: gettext_lazy("Không đổi"),
    ACTION_INVALID: gettext_lazy("Có lỗi, không nhập"),
}
SUMMARY_ERRORS: Final = 200  # errors kept in the job result for the page; all are in the files
SUMMARY_CHANGES: Final = 200


@dataclass
class ImportReport:
    file_name: str
    dry_run: bool
    only_valid: bool
    province_code: str = ""
    province_name: str = ""
    rows: int = 0
    households: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    members_added: int = 0  # new persons in households that already existed
    persons_in_new_households: int = 0
    members_removed: int = 0
    # Stored members of the file's households that the file does not list: they leave when the
    # file is declared complete (then also counted in members_removed), else they stay.
    members_absent: int = 0
    complete: bool = False
    members_moved: int = 0
    members_updated: int = 0
    written: bool = False
    legacy: bool = False
    errors: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=ERROR_SCHEMA))
    changes: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=CHANGE_SCHEMA))
    ambiguous: list[dict[str, Any]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    # The day's limit of checks of IDs held outside the user's areas is used up: nothing of the
    # file is reported or written (see ``foreign_ids.refuse``).
    refused: bool = False

    @property
    def error_count(self) -> int:
        return self.errors.height

    @property
    def blocked(self) -> bool:
        """Errors, and the user did not choose to import only the valid households."""
        return self.refused or (self.error_count > 0 and not self.only_valid)

    def headline(self) -> str:
        counts = {
            "created": format_number(self.created),
            "updated": format_number(self.updated),
            "unchanged": format_number(self.unchanged),
            "errors": format_number(self.error_count),
            "invalid": format_number(self.invalid),
        }
        if self.refused:
            return _(
                "Chưa nhập: tệp bị từ chối vì hôm nay đã quá giới hạn số định danh không dùng được."
            )
        if self.written:
            return (
                _(
                    "Đã nhập: %(created)s hộ mới, %(updated)s hộ cập nhật, %(unchanged)s hộ "
                    "không đổi; %(invalid)s hộ có lỗi không được nhập."
                )
                % counts
            )
        if self.blocked:
            return (
                _(
                    "Chưa nhập: tệp có %(errors)s lỗi ở %(invalid)s hộ. Sửa tệp rồi nhập lại, "
                    "hoặc chọn chỉ nhập các hộ hợp lệ."
                )
                % counts
            )
        return (
            _(
                "Chạy thử: sẽ thêm %(created)s hộ, cập nhật %(updated)s hộ, %(unchanged)s hộ "
                "không đổi; %(invalid)s hộ có lỗi."
            )
            % counts
        )

    def summary(self) -> dict[str, Any]:
        """JSON for the job result (the page): counts, the first errors and changes."""
        return {
            "file_name": self.file_name,
            "dry_run": self.dry_run,
            "only_valid": self.only_valid,
            "written": self.written,
            "blocked": self.blocked,
            "legacy": self.legacy,
            "province_code": self.province_code,
            "province_name": self.province_name,
            "rows": self.rows,
            "households": self.households,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "invalid": self.invalid,
            "members_added": self.members_added,
            "persons_in_new_households": self.persons_in_new_households,
            "members_removed": self.members_removed,
            "members_absent": self.members_absent,
            "complete": self.complete,
            "members_moved": self.members_moved,
            "members_updated": self.members_updated,
            "error_count": self.error_count,
            "errors": self.errors.head(SUMMARY_ERRORS).to_dicts(),
            "changes": self.changes.filter(pl.col("action") != ACTION_UNCHANGED)
            .head(SUMMARY_CHANGES)
            .to_dicts(),
            "ambiguous": self.ambiguous,
            "ignored_columns": self.ignored_columns,
            "seconds": self.seconds,
            "headline": self.headline(),
        }


def error_rows(report: ImportReport) -> list[list[Any]]:
    return [
        list(row)
        for row in report.errors.select("row", "column", "household", "message").iter_rows()
    ]


def write_report_xlsx(report: ImportReport, path: Path) -> None:
    """The dry-run/import report: errors, changes, old addresses to resolve (write-only
    workbook: fast for hundreds of thousands of rows)."""

    # The report quotes the file's own values (codes, names): never as live formulas.
    workbook = Workbook(write_only=True)
    add_error_sheet(workbook, error_rows(report))
    changes = workbook.create_sheet(_("Thay đổi"))
    changes.append(
        [
            _("Mã hộ"),
            _("Thao tác"),
            _("Thôn/tổ dân phố"),
            _("Thông tin thay đổi"),
            _("Thành viên thêm"),
            _("Thành viên rời hộ"),
            _("Thành viên chuyển đến"),
            _("Số thành viên sửa thông tin"),
            _("Dòng"),
        ]
    )
    labels = {k: str(v) for k, v in ACTION_LABELS.items()}
    for change in report.changes.iter_rows():
        values = list(change)
        values[1] = labels.get(values[1], values[1])
        changes.append(inert_row(changes, values))
    if report.ambiguous:
        sheet = workbook.create_sheet(_("Địa chỉ cũ cần chọn"))
        sheet.append([_("Địa chỉ cũ"), _("Các xã mới có thể"), _("Số dòng"), _("Các dòng")])
        for item in report.ambiguous:
            sheet.append(
                inert_row(
                    sheet,
                    [
                        item["old_address"],
                        "; ".join(f"{c['name']} ({c['code']})" for c in item["candidates"]),
                        item["row_count"],
                        ", ".join(str(r) for r in item["rows"]),
                    ],
                )
            )
    workbook.save(path)


def error_headers() -> list[str]:
    return [_("Dòng"), _("Cột"), _("Mã hộ"), _("Lỗi")]


def add_error_sheet(workbook: Workbook, rows: Iterable[Sequence[Any]]) -> None:
    """The "Lỗi" sheet (row, column, household code, message) of an import report: shared by
    the household and the survey-results imports."""
    errors = workbook.create_sheet(_("Lỗi"))
    errors.append(error_headers())
    for row in rows:
        errors.append(inert_row(errors, list(row)))


def write_error_rows_csv(rows: Iterable[Sequence[Any]], path: Path) -> None:
    """The errors of an import (row, column, household code, message) as CSV."""
    path.write_bytes(sheets.csv_bytes(error_headers(), [list(row) for row in rows]))


def write_errors_csv(report: ImportReport, path: Path) -> None:
    write_error_rows_csv(error_rows(report), path)
