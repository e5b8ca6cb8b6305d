"""The field collection's job kind (found by ``giamngheo.jobs.kinds.discover``): importing an
uploaded ODK Central / Kobo export (``services.import_export``) in the background, with progress
and an errors CSV."""

from __future__ import annotations

import csv
from typing import Any, Final

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giamngheo.fieldcollection import services
from giamngheo.jobs import files
from giamngheo.jobs.kinds import job_kind
from giamngheo.lib.spreadsheet_text import inert_csv_row

IMPORT_JOB: Final = "fieldcollection.import"


@job_kind(
    IMPORT_JOB,
    label=gettext_lazy("Nhập bản nộp ODK/Kobo"),
    page="fieldcollection:import_detail",
)
def import_job(context: Any) -> dict[str, Any]:
    parameters = context.parameters

    def progress(done: int, total: int, message: str | None) -> None:
        context.progress(done, total, message or _("Đang nhập bản nộp %(n)s") % {"n": done})

    report = services.import_export(
        actor=context.actor,
        path=files.resolve(parameters["file"]),
        file_name=parameters.get("file_name") or "",
        dry_run=bool(parameters.get("dry_run", True)),
        progress=progress,
    )
    if report.errors:
        path = context.output_path("errors.csv", "loi-nhap-ban-nop.csv")
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([_("Bản nộp"), _("Mã bản nộp"), _("Mã hộ"), _("Lỗi")])
            for error in report.errors:
                writer.writerow(
                    inert_csv_row(
                        [
                            error["number"],
                            error["instance_id"],
                            error["household"],
                            "; ".join(error["messages"]),
                        ]
                    )
                )
    context.final_message = report.headline()
    return report.summary()
