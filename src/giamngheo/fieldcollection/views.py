"""Pages of field collection (``/field-collection/``): make the ODK form package of a village,
upload an export (checked in the request, imported by a job: dry run first, then confirm),
and resolve the submissions held as conflicts. Every read is scoped (``accounts.access``);
every write goes through ``services`` (audited)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from giamngheo.accounts import access
from giamngheo.accounts.models import User
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import VILLAGE_TYPES, AdministrativeUnit
from giamngheo.fieldcollection import forms_package, services
from giamngheo.fieldcollection.jobs import IMPORT_JOB
from giamngheo.fieldcollection.models import FieldSubmission, SubmissionStatus
from giamngheo.jobs import files
from giamngheo.jobs import selectors as job_selectors
from giamngheo.jobs import services as job_services
from giamngheo.jobs.models import Job, JobStatus
from giamngheo.lib import clock, uploads
from giamngheo.lib.formatting import format_date
from giamngheo.lib.views import attempt, form_attempt
from giamngheo.surveys import definitions


def changeable_villages(user: Viewer) -> QuerySet[AdministrativeUnit]:
    reach = access.change_reach(user)
    return (
        AdministrativeUnit.objects.filter(unit_type__in=[t.value for t in VILLAGE_TYPES])
        .filter(
            access.area_filter(reach, province="parent__parent", commune="parent", village="pk")
        )
        .select_related("parent")
        .order_by("parent__name", "name")
    )


class PackageForm(forms.Form):
    village = forms.ModelChoiceField(
        queryset=AdministrativeUnit.objects.none(), label=gettext_lazy("Thôn/tổ dân phố")
    )
    collector = forms.CharField(
        label=gettext_lazy("Tài khoản cộng tác viên (để trống: mọi hộ của thôn)"),
        required=False,
        max_length=150,
    )
    year = forms.IntegerField(label=gettext_lazy("Năm rà soát"), min_value=2016, max_value=2100)

    def __init__(self, user: Viewer, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        village: Any = self.fields["village"]
        village.queryset = changeable_villages(user)
        village.label_from_instance = lambda unit: f"{unit.name} — {unit.parent.name}"
        self.fields["year"].initial = clock.today().year

    def clean_collector(self) -> User | None:
        username = (self.cleaned_data.get("collector") or "").strip()
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise ValidationError(_("Không có tài khoản «%(user)s».") % {"user": username[:150]})
        return user


class ExportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp xuất bản nộp (ODK Central .zip, KoboToolbox .json)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,.json"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in (".zip", ".json"):
            raise ValidationError(_("Chỉ nhận tệp .zip (ODK Central) hoặc .json (KoboToolbox)."))
        uploads.check_size(upload, uploads.upload_max_bytes())
        head = uploads.read_head(upload, 16)
        if suffix == ".zip" and not head.startswith(b"PK"):
            raise ValidationError(_("Tệp có đuôi .zip nhưng không phải tệp nén."))
        if suffix == ".json" and head.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] not in (b"{", b"["):
            raise ValidationError(_("Tệp có đuôi .json nhưng không phải JSON."))
        return upload


def _can_collect(user: Viewer) -> bool:
    return not access.change_reach(user).empty


def _conflicts(user: Viewer) -> QuerySet[FieldSubmission]:
    return access.scoped(
        FieldSubmission.objects.filter(status=SubmissionStatus.CONFLICT), user
    ).select_related("household", "village")


def index(
    request: HttpRequest,
    *,
    package_form: PackageForm | None = None,
    upload_form: ExportUploadForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if not _can_collect(request.user):
        raise PermissionDenied
    return render(
        request,
        "fieldcollection/index.html",
        {
            "package_form": package_form or PackageForm(request.user),
            "upload_form": upload_form or ExportUploadForm(),
            "jobs": list(job_selectors.jobs_visible_to(request.user).filter(kind=IMPORT_JOB)[:10]),
            "conflict_count": _conflicts(request.user).count(),
        },
        status=status,
    )


@require_POST
def package(request: HttpRequest) -> HttpResponseBase:
    if not _can_collect(request.user):
        raise PermissionDenied
    form = PackageForm(request.user, request.POST)
    if not form.is_valid():
        return index(request, package_form=form, status=400)
    village = form.cleaned_data["village"]

    def make() -> Path:
        built = forms_package.build_package(
            actor=request.user,
            village=village,
            review_year=form.cleaned_data["year"],
            collector=form.cleaned_data["collector"],
        )
        with transaction.atomic():
            forms_package.record_generated(
                actor=request.user, package=built, collector=form.cleaned_data["collector"]
            )
        directory = Path(tempfile.mkdtemp(prefix="giamngheo-odk-"))
        output = directory / f"odk_{village.code}_{built.review_year}.zip"
        forms_package.write_package(built, output)
        return output

    output = form_attempt(form, make)
    if output is None:
        return index(request, package_form=form, status=400)
    response = FileResponse(output.open("rb"), as_attachment=True, filename=output.name)
    output.unlink()  # the open handle keeps the data until the response is sent
    return response


@require_POST
def import_start(request: HttpRequest) -> HttpResponse:
    if not _can_collect(request.user):
        raise PermissionDenied
    form = ExportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return index(request, upload_form=form, status=400)
    upload = form.cleaned_data["file"]
    province, commune = job_selectors.filing_area(request.user)
    job = job_services.job_enqueue(
        actor=request.user,
        kind=IMPORT_JOB,
        parameters={
            "file": files.save_upload(upload),
            "file_name": Path(upload.name or "tep").name[:200],
            "dry_run": True,
        },
        province=province,
        commune=commune,
    )
    return redirect("fieldcollection:import_detail", pk=job.pk)


def _job(user: Viewer, pk: int) -> Job:
    return job_selectors.job_for(user, pk, kinds=(IMPORT_JOB,))


def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request.user, pk)
    result: dict[str, Any] = job.result or {}
    dry_run = bool(job.parameters.get("dry_run", True))
    done = job.status == JobStatus.SUCCEEDED
    to_write = result.get("recorded", 0) + result.get("conflicts", 0)
    return render(
        request,
        "fieldcollection/import_detail.html",
        {
            "job": job,
            "result": result,
            "dry_run": dry_run,
            "can_confirm": done and dry_run and not result.get("file_error") and to_write > 0,
        },
    )


@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request.user, pk)
    if not _can_collect(request.user):
        raise PermissionDenied
    if job.status != JobStatus.SUCCEEDED or not job.parameters.get("dry_run", True):
        raise Http404
    follow = job_services.job_enqueue(
        actor=request.user,
        kind=IMPORT_JOB,
        parameters={**job.parameters, "dry_run": False},
        province=job.province,
        commune=job.commune,
    )
    return redirect("fieldcollection:import_detail", pk=follow.pk)


def conflicts(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "fieldcollection/conflicts.html",
        {"conflicts": list(_conflicts(request.user)[:500])},
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do loại bỏ"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def conflict_detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = access.get_visible_or_404(
        FieldSubmission.objects.select_related("household", "village", "survey"),
        request.user,
        pk=pk,
    )
    can_resolve = submission.status == SubmissionStatus.CONFLICT and access.can_change_area(
        request.user, submission.village
    )
    reject_form = RejectForm(request.POST or None)
    if request.method == "POST":
        if not can_resolve:
            raise PermissionDenied
        if request.POST.get("action") == "accept":
            attempt(
                request,
                lambda: services.conflict_accept(actor=request.user, submission=submission),
                _("Đã ghi bản nộp thành phiếu khảo sát."),
            )
            return redirect("fieldcollection:conflict_detail", pk=pk)
        if reject_form.is_valid():
            attempt(
                request,
                lambda: services.conflict_reject(
                    actor=request.user,
                    submission=submission,
                    reason=reject_form.cleaned_data["reason"],
                ),
                _("Đã loại bỏ bản nộp."),
            )
            return redirect("fieldcollection:conflict_detail", pk=pk)
    payload = submission.payload or {}
    answers = payload.get("answers") or {}
    return render(
        request,
        "fieldcollection/conflict_detail.html",
        {
            "submission": submission,
            "payload": payload,
            "household_answers": _answer_rows(submission.form_code, answers.get("household", {})),
            "members": answers.get("members", []),
            "surveyed_on": _date(payload.get("surveyed_on")),
            "can_resolve": can_resolve,
            "reject_form": reject_form,
        },
        status=400 if request.method == "POST" else 200,
    )


def _date(value: object) -> str:
    try:
        return format_date(dt.date.fromisoformat(str(value)))
    except ValueError:
        return str(value or "")


def _answer_rows(form_code: str, answers: dict[str, Any]) -> list[tuple[str, str]]:
    """The held answers as the form asks them: question label, then the answer's label."""
    try:
        spec = definitions.load_form(form_code)
    except definitions.FormDefinitionError:
        return sorted((str(k), str(v)) for k, v in answers.items())
    rows = []
    for spec_field in spec.household_fields:
        rows.append(
            (spec_field.label, definitions.answer_text(spec_field, answers.get(spec_field.name)))
        )
    return rows


def photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    submission = access.get_visible_or_404(FieldSubmission.objects.all(), request.user, pk=pk)
    if not submission.photo:
        raise Http404
    content_type = "image/png" if (submission.photo.name or "").endswith(".png") else "image/jpeg"
    return FileResponse(submission.photo.open("rb"), content_type=content_type)
