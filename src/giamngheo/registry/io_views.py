"""Pages for import and export: templates, upload → dry run → confirm, export to a file.

Thin: the work runs in background jobs (``registry.imports``, ``registry.exports``); these
views check permissions, store the upload, enqueue and show the job.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from giamngheo.accounts import access
from giamngheo.accounts import selectors as visible
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.jobs import files
from giamngheo.jobs import selectors as job_selectors
from giamngheo.jobs import services as job_services
from giamngheo.jobs.models import Job, JobStatus
from giamngheo.lib import uploads
from giamngheo.registry import exports, imports, spreadsheets
from giamngheo.standards import pack_for_review_year
from giamngheo.standards.packs import available_standards


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp danh sách hộ (.xlsx hoặc .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    # Members absent from a file stay unless the user says the file lists every member: a
    # file of heads only must not empty every household in one click. The dry run that
    # follows names how many people would leave before anything is written.
    complete = forms.BooleanField(
        label=gettext_lazy("Tệp gồm đầy đủ thành viên của các hộ"),
        required=False,
        help_text=gettext_lazy(
            "Chỉ chọn khi tệp ghi mọi thành viên của từng hộ: thành viên đang có trong dữ liệu "
            "mà không có trong tệp sẽ rời hộ. Không chọn thì họ vẫn ở lại hộ."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        # Size, and that the file is what its name says (lib.uploads, lib.tabular).
        uploads.validate_table_upload(upload)
        return upload


class ExportForm(forms.Form):
    area = forms.ChoiceField(label=gettext_lazy("Địa bàn"))
    file_format = forms.ChoiceField(
        label=gettext_lazy("Định dạng"),
        choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV (.csv)")],
    )

    def __init__(self, *args: Any, areas: list[AdministrativeUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["area"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [(unit.code, _area_label(unit)) for unit in areas]


def _area_label(unit: AdministrativeUnit) -> str:
    if unit.level == Level.VILLAGE and unit.parent is not None:
        return f"{unit.name}, {unit.parent.name}"
    return unit.name


def _export_areas(user: Viewer) -> list[AdministrativeUnit]:
    """The user's home unit and the units just below it (the whole list for an administrator
    would be thousands of communes: provinces only)."""
    home = access.home_unit(user)
    if home is None:
        return list(visible.children_for(user, None))
    below = list(visible.children_for(user, home).select_related("parent"))
    return [home, *below]


def _can_import(user: Viewer) -> bool:
    return not access.change_reach(user).empty


def _import_job(user: Viewer, pk: int) -> Job:
    return job_selectors.job_for(user, pk, kinds=(imports.IMPORT_JOB,))


def io_index(request: HttpRequest) -> HttpResponse:
    jobs = job_selectors.jobs_visible_to(request.user).filter(
        kind__in=[imports.IMPORT_JOB, exports.EXPORT_JOB]
    )[:10]
    return render(
        request,
        "registry/io_index.html",
        {
            "can_import": _can_import(request.user),
            "import_form": ImportForm(),
            "export_form": ExportForm(areas=_export_areas(request.user)),
            "standards": available_standards(),
            "jobs": jobs,
            "import_job": imports.IMPORT_JOB,
        },
    )


def template_download(request: HttpRequest, name: str, file_format: str) -> HttpResponse:
    """``households``/``surveys`` templates (xlsx, csv) and their guides (``*-guide``, csv)."""
    standard = request.GET.get("standard") or _standard_in_force()
    if standard not in available_standards() or file_format not in ("xlsx", "csv"):
        raise Http404
    if name == "households":
        download = spreadsheets.household_template(file_format)
    elif name == "households-guide" and file_format == "csv":
        download = spreadsheets.household_guide_csv()
    elif name == "surveys":
        download = spreadsheets.survey_template(file_format, standard)
    elif name == "surveys-guide" and file_format == "csv":
        download = spreadsheets.survey_guide_csv(standard)
    else:
        raise Http404
    response = HttpResponse(download.content, content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    return response


@require_POST
def import_start(request: HttpRequest) -> HttpResponse:
    if not _can_import(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request,
            "registry/io_index.html",
            {
                "can_import": True,
                "import_form": form,
                "export_form": ExportForm(areas=_export_areas(request.user)),
                "standards": available_standards(),
                "jobs": [],
                "import_job": imports.IMPORT_JOB,
            },
            status=400,
        )
    upload = form.cleaned_data["file"]
    province, commune = job_selectors.filing_area(request.user)
    job = job_services.job_enqueue(
        actor=request.user,
        kind=imports.IMPORT_JOB,
        parameters={
            "file": files.save_upload(upload),
            "file_name": Path(upload.name or "tep").name,
            "dry_run": True,
            "complete": bool(form.cleaned_data.get("complete")),
        },
        province=province,
        commune=commune,
    )
    return redirect("registry_io:import_detail", pk=job.pk)


def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _import_job(request.user, pk)
    result: dict[str, Any] = job.result or {}
    labels = {k: str(v) for k, v in imports.ACTION_LABELS.items()}
    changes = [
        {**c, "action_label": labels.get(c["action"], c["action"])}
        for c in result.get("changes", [])
    ]
    dry_run = bool(job.parameters.get("dry_run", True))
    done = job.status == JobStatus.SUCCEEDED
    valid = result.get("created", 0) + result.get("updated", 0)
    return render(
        request,
        "registry/io_import.html",
        {
            "job": job,
            "result": result,
            "changes": changes,
            "dry_run": dry_run,
            "can_confirm": done and dry_run and not result.get("error_count") and valid > 0,
            "can_import_valid": done and dry_run and result.get("error_count", 0) > 0 and valid > 0,
            "ambiguous": result.get("ambiguous", []),
            "resolve": done and dry_run and bool(result.get("ambiguous")),
        },
    )


def _follow_up(request: HttpRequest, job: Job, **changes: Any) -> Job:
    if not _can_import(request.user):
        raise PermissionDenied
    if job.status != JobStatus.SUCCEEDED:
        raise Http404
    parameters = {**job.parameters, **changes}
    return job_services.job_enqueue(
        actor=request.user,
        kind=imports.IMPORT_JOB,
        parameters=parameters,
        province=job.province,
        commune=job.commune,
    )


@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Run the import for real, on the file of the dry run (all households, or only the
    valid ones)."""
    job = _import_job(request.user, pk)
    only_valid = request.POST.get("mode") == "only_valid"
    follow = _follow_up(request, job, dry_run=False, only_valid=only_valid)
    return redirect("registry_io:import_detail", pk=follow.pk)


@require_POST
def import_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the communes chosen for ambiguous old addresses and run the dry run again."""
    job = _import_job(request.user, pk)
    resolutions = dict(job.parameters.get("resolutions") or {})
    for item in (job.result or {}).get("ambiguous", []):
        chosen = request.POST.get(f"resolve-{item['key']}")
        if chosen and chosen in {c["code"] for c in item["candidates"]}:
            resolutions[item["key"]] = chosen
    follow = _follow_up(request, job, dry_run=True, only_valid=False, resolutions=resolutions)
    return redirect("registry_io:import_detail", pk=follow.pk)


@require_POST
def export_start(request: HttpRequest) -> HttpResponse:
    form = ExportForm(request.POST, areas=_export_areas(request.user))
    if not form.is_valid():
        raise Http404
    area = visible.unit_for(request.user, form.cleaned_data["area"])
    job = job_services.job_enqueue(
        actor=request.user,
        kind=exports.EXPORT_JOB,
        parameters={"area_code": area.code, "format": form.cleaned_data["file_format"]},
        province=area if area.level == Level.PROVINCE else area.province,
        commune=area if area.level == Level.COMMUNE else None,
    )
    return redirect("jobs:detail", pk=job.pk)


def _standard_in_force() -> str:
    """The national standard that governs this year's review (from the rule packs' data)."""

    return pack_for_review_year(timezone.localdate().year).code
