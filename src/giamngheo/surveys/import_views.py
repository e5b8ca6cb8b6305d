"""Importing survey results from the web: upload → dry run → import, as a background job
(``surveys.jobs.IMPORT_RESULTS_JOB``) with progress and a downloadable report, like the household
import (``registry.io_views``, whose job page, error table and report files it shares).

The file is checked in the request (size and real type: ``lib.uploads``) and read in the job
with bounded memory (``registry.spreadsheets.read_table`` on ``lib.tabular``). Rows are matched
to households in the user's change reach only (``access.change_reach``): a row of another
commune is an error of that row, never a write. Every write is audited by the import itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.jobs import files
from giamngheo.jobs import selectors as job_selectors
from giamngheo.jobs import services as job_services
from giamngheo.jobs.models import Job, JobStatus
from giamngheo.lib import uploads
from giamngheo.standards.packs import available_standards
from giamngheo.surveys import blank_forms, imports
from giamngheo.surveys.jobs import IMPORT_RESULTS_JOB


class ResultsImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp kết quả rà soát (.xlsx hoặc .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        uploads.validate_table_upload(upload)  # size and what the file really is
        return upload


def can_import(user: Viewer) -> bool:
    return not access.change_reach(user).empty


def recent_jobs(user: Viewer) -> list[Job]:
    return list(job_selectors.jobs_visible_to(user).filter(kind=IMPORT_RESULTS_JOB)[:10])


def field_page(
    request: HttpRequest,
    *,
    import_form: ResultsImportForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The field work page: the blank forms to print, the results templates, the upload form
    (for users who may change some area) and their recent imports."""
    return render(
        request,
        "surveys/field.html",
        {
            "forms": blank_forms.printable_forms(),
            "english": (translation.get_language() or "vi").startswith("en"),
            "can_import": can_import(request.user),
            "import_form": import_form or ResultsImportForm(),
            # The standards whose results have a template and a results form to import into.
            "standards": [s for s in available_standards() if s in imports.RESULT_FORMS],
            "jobs": recent_jobs(request.user),
        },
        status=status,
    )


def _job(user: Viewer, pk: int) -> Job:
    return job_selectors.job_for(user, pk, kinds=(IMPORT_RESULTS_JOB,))


@require_POST
def import_start(request: HttpRequest) -> HttpResponse:
    if not can_import(request.user):
        raise PermissionDenied
    form = ResultsImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return field_page(request, import_form=form, status=400)
    upload = form.cleaned_data["file"]
    province, commune = job_selectors.filing_area(request.user)
    job = job_services.job_enqueue(
        actor=request.user,
        kind=IMPORT_RESULTS_JOB,
        parameters={
            "file": files.save_upload(upload),
            "file_name": Path(upload.name or "tep").name,
            "dry_run": True,
            "province_code": province.code if province is not None else "",
        },
        province=province,
        commune=commune,
    )
    return redirect("surveys_field:import_detail", pk=job.pk)


def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request.user, pk)
    result: dict[str, Any] = job.result or {}
    dry_run = bool(job.parameters.get("dry_run", True))
    done = job.status == JobStatus.SUCCEEDED
    created = result.get("created", 0)
    return render(
        request,
        "surveys/import_results.html",
        {
            "job": job,
            "result": result,
            "dry_run": dry_run,
            "can_confirm": done and dry_run and not result.get("error_count") and created > 0,
            "can_import_valid": done
            and dry_run
            and result.get("error_count", 0) > 0
            and created > 0,
        },
    )


@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Run the import for real on the dry run's file (every row, or only the valid ones)."""
    job = _job(request.user, pk)
    if not can_import(request.user):
        raise PermissionDenied
    if job.status != JobStatus.SUCCEEDED or not job.parameters.get("dry_run", True):
        raise Http404
    follow = job_services.job_enqueue(
        actor=request.user,
        kind=IMPORT_RESULTS_JOB,
        parameters={
            **job.parameters,
            "dry_run": False,
            "only_valid": request.POST.get("mode") == "only_valid",
        },
        province=job.province,
        commune=job.commune,
    )
    return redirect("surveys_field:import_detail", pk=follow.pk)
