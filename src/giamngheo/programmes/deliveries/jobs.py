"""The deliveries' job kind: a large delivery sheet imported in the background (the same work
as the page does inline for a small one: ``imports.import_deliveries``)."""

from __future__ import annotations

from typing import Any, Final

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giamngheo.jobs import files
from giamngheo.jobs.kinds import job_kind
from giamngheo.programmes.deliveries import imports
from giamngheo.programmes.models import Programme

IMPORT_JOB: Final = "deliveries.import"


@job_kind(
    IMPORT_JOB,
    label=gettext_lazy("Nhập danh sách cấp phát từ tệp"),
    page="deliveries:import_detail",
)
def import_job(context: Any) -> dict[str, Any]:
    parameters = context.parameters
    programme = (
        Programme.objects.filter(pk=parameters["programme"]).first()
        if parameters.get("programme")
        else None
    )
    context.progress(1, 100, _("Đang đọc và kiểm tra tệp…"))
    report = imports.import_deliveries(
        actor=context.actor,
        path=files.resolve(parameters["file"]),
        file_name=parameters.get("file_name") or "",
        programme=programme,
    )
    context.final_message = report.headline()
    return report.summary()
