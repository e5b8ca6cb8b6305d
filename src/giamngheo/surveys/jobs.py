"""The surveys' job kinds (found by ``giamngheo.jobs.kinds.discover``): importing survey results
from a file uploaded on the web (``import_views``), the same work as ``giamngheo import surveys``
(``imports.import_survey_results``) run in the background with progress, and the same report
files as the household import (``registry.imports``: the "Lỗi" sheet and the errors CSV)."""

from __future__ import annotations

from typing import Any, Final

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from giamngheo.jobs import files
from giamngheo.jobs.kinds import job_kind
from giamngheo.lib.spreadsheet_text import inert_row
from giamngheo.registry import imports as registry_imports
from giamngheo.surveys import imports

IMPORT_RESULTS_JOB: Final = "surveys.import_results"


def _error_rows(report: imports.SurveyImportReport) -> list[list[Any]]:
    return [[e["row"], e["column"], e["household"] or "", e["message"]] for e in report.errors]


def write_report_xlsx(report: imports.SurveyImportReport, path: Any) -> None:
    """The dry-run/import report: a summary sheet, then every error (row, column, code)."""
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(_("Tóm tắt"))
    summary.append(inert_row(summary, [report.headline()]))
    summary.append(inert_row(summary, [_("Tệp"), report.file_name]))
    for label, value in (
        (_("Số dòng"), report.rows),
        (_("Kết quả mới"), report.created),
        (_("Dòng không đổi"), report.unchanged),
        (_("Dòng có lỗi"), report.invalid),
    ):
        summary.append([label, value])
    registry_imports.add_error_sheet(workbook, _error_rows(report))
    workbook.save(path)


@job_kind(
    IMPORT_RESULTS_JOB,
    label=gettext_lazy("Nhập kết quả rà soát từ tệp"),
    page="surveys_field:import_detail",
)
def import_results_job(context: Any) -> dict[str, Any]:
    parameters = context.parameters
    report = imports.import_survey_results(
        actor=context.actor,
        path=files.resolve(parameters["file"]),
        file_name=parameters.get("file_name"),
        dry_run=bool(parameters.get("dry_run", True)),
        only_valid=bool(parameters.get("only_valid", False)),
        province_code=parameters.get("province_code") or None,
        progress=context.progress,
        job_id=context.job.pk,
    )
    write_report_xlsx(report, context.output_path("report.xlsx", "bao-cao-nhap-ket-qua.xlsx"))
    if report.error_count:
        registry_imports.write_error_rows_csv(
            _error_rows(report), context.output_path("errors.csv", "loi-nhap-ket-qua.csv")
        )
    context.final_message = report.headline()
    return report.summary()
