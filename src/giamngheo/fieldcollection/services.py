"""Writes of field collection: importing submissions (each through ``surveys.services.
survey_record``: the same validation, engine and audit as the entry page), holding those whose
household changed since the form was made, and an officer's resolution of them.

Each submission is imported in its own savepoint: a refused one leaves nothing behind and does
not stop the others. A dry run does the same work inside one transaction that is rolled back
(and stores no photo file).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from giamngheo.accounts import access
from giamngheo.accounts.types import Actor, acting_user
from giamngheo.audit import services as audit
from giamngheo.fieldcollection import submissions, xlsform
from giamngheo.fieldcollection.models import FieldSubmission, SubmissionStatus
from giamngheo.fieldcollection.submissions import ExportError, Submission
from giamngheo.lib import tabular
from giamngheo.lib.errors import DomainError
from giamngheo.registry.models import Household
from giamngheo.surveys import definitions
from giamngheo.surveys import services as surveys
from giamngheo.surveys.definitions import FieldType, FormSpec, SurveyError

# The form definitions read by the running import (parsed once per import, not per row).
_SPECS: dict[str, FormSpec] = {}
# Photo files stored by the running import (see ``import_export``: deleted when it rolls back).
_STORED: list[str] = []
_INTEGER = re.compile(r"^-?\d+$")
_TRUE = {"yes", "true", "1", "có"}
_FALSE = {"no", "false", "0", "không"}


class SubmissionRefused(DomainError):
    """One submission cannot be imported; ``problems`` are Vietnamese messages."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


# -- typing a submission against its form -----------------------------------------------------


def _typed(spec_field: definitions.FormField, value: Any) -> Any:
    """The exported text as the answer's JSON type; a text that is not one is passed on as it
    is, so that the server's validation (``definitions.coerce``) words the refusal."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if spec_field.type is FieldType.BOOL:
        if isinstance(value, bool):
            return value
        lowered = text.lower()
        return True if lowered in _TRUE else False if lowered in _FALSE else text
    if spec_field.type in (FieldType.INT, FieldType.MONEY):
        if _INTEGER.match(text):
            return int(text)
        try:
            return float(text)
        except ValueError:
            return text
    if spec_field.type is FieldType.NUMBER:
        try:
            return float(text)
        except ValueError:
            return text
    return text


@dataclass(frozen=True)
class Parsed:
    spec: FormSpec
    household_code: str
    form_version: int
    review_year: int
    surveyed_on: dt.date
    surveyor_name: str
    answers: dict[str, Any]
    gps: tuple[Decimal, Decimal, Decimal | None] | None
    photo_name: str


def _gps(text: str) -> tuple[Decimal, Decimal, Decimal | None] | None:
    parts = text.split()
    if not parts:
        return None
    try:
        numbers = [Decimal(p) for p in parts]
    except InvalidOperation:
        numbers = []
    if len(numbers) < 2 or not (-90 <= numbers[0] <= 90 and -180 <= numbers[1] <= 180):
        raise SubmissionRefused([_("Vị trí GPS «%(value)s» không hợp lệ.") % {"value": text[:60]}])
    accuracy = numbers[3] if len(numbers) > 3 and 0 <= numbers[3] < 10_000_000 else None
    return (
        numbers[0].quantize(Decimal("0.0000001")),
        numbers[1].quantize(Decimal("0.0000001")),
        (accuracy.quantize(Decimal("0.01")) if accuracy is not None else None),
    )


def parse(submission: Submission) -> Parsed:
    """The submission's form, household, date and answers, or ``SubmissionRefused``."""
    problems: list[str] = []
    if not submission.instance_id:
        problems.append(_("Bản nộp không có mã (meta/instanceID)."))
    form_code = submission.get(xlsform.FORM_CODE)
    try:
        spec = _SPECS.get(form_code) or definitions.load_form(form_code)
        _SPECS[form_code] = spec
    except definitions.FormDefinitionError:
        raise SubmissionRefused(
            [*problems, _("Không nhận ra phiếu «%(code)s» của bản nộp.") % {"code": form_code[:40]}]
        ) from None
    household_code = submission.get(xlsform.HOUSEHOLD)
    if not household_code:
        problems.append(_("Bản nộp không có mã hộ."))
    version_text = submission.get(xlsform.HOUSEHOLD_VERSION)
    form_version = int(version_text) if version_text.isdigit() else -1
    if form_version < 0:
        problems.append(_("Bản nộp không có phiên bản của hộ (household_version)."))
    year_text = submission.get(xlsform.REVIEW_YEAR)
    review_year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else 0
    if not review_year:
        problems.append(_("Bản nộp không có năm rà soát hợp lệ."))
    try:
        surveyed_on = dt.date.fromisoformat(submission.get(xlsform.SURVEYED_ON)[:10])
    except ValueError:
        surveyed_on = dt.date.min
        problems.append(_("Ngày khảo sát không hợp lệ (cần dạng năm-tháng-ngày)."))
    try:
        gps = _gps(submission.get(xlsform.GPS))
        if gps is None:
            problems.append(_("Thiếu vị trí GPS (minh chứng đã đến hộ)."))
    except SubmissionRefused as refused:
        gps = None
        problems += refused.problems
    household = {f.name: _typed(f, submission.values.get(f.name)) for f in spec.household_fields}
    members = []
    for row in submission.members:
        member = {f.name: _typed(f, row.get(f.name)) for f in spec.member_fields}
        person = str(row.get(xlsform.PERSON_ID) or "").strip()
        member["person_id"] = int(person) if person.isdigit() else person
        members.append(member)
    if problems:
        raise SubmissionRefused(problems)
    answers: dict[str, Any] = {"household": household}
    if spec.has_members:
        answers["members"] = members
    return Parsed(
        spec=spec,
        household_code=household_code,
        form_version=form_version,
        review_year=review_year,
        surveyed_on=surveyed_on,
        surveyor_name=submission.get(xlsform.SURVEYOR_NAME)[:200],
        answers=answers,
        gps=gps,
        photo_name=submission.get(xlsform.PHOTO)[:200],
    )


def check_photo(data: bytes) -> str:
    """The extension of a real JPEG or PNG image, or ``SubmissionRefused``."""
    kind = tabular.sniff(data[:16])
    if kind not in ("jpeg", "png"):
        raise SubmissionRefused(
            [
                _("Ảnh chụp không phải ảnh JPEG hoặc PNG (tệp là %(kind)s).")
                % {"kind": tabular.kind_label(kind)}
            ]
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > 50_000_000:
                raise SubmissionRefused([_("Ảnh chụp quá lớn (quá nhiều điểm ảnh).")])
            image.verify()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as error:
        raise SubmissionRefused([_("Ảnh chụp bị hỏng, không đọc được.")]) from error
    return "jpg" if kind == "jpeg" else "png"


# -- importing --------------------------------------------------------------------------------


@dataclass
class ImportReport:
    file_name: str
    dry_run: bool
    submissions: int = 0
    recorded: int = 0
    conflicts: int = 0
    already: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    file_error: str = ""

    def headline(self) -> str:
        if self.file_error:
            return self.file_error
        text = _(
            "%(total)s bản nộp: %(recorded)s ghi thành phiếu, %(conflicts)s chờ xử lý, "
            "%(already)s đã nhập trước đó, %(errors)s có lỗi."
        ) % {
            "total": self.submissions,
            "recorded": self.recorded,
            "conflicts": self.conflicts,
            "already": self.already,
            "errors": len(self.errors),
        }
        if self.dry_run:
            text = _("Kiểm tra thử (chưa ghi gì): %(text)s") % {"text": text}
        return text

    def summary(self) -> dict[str, Any]:
        return {
            "file_name": self.file_name,
            "dry_run": self.dry_run,
            "submissions": self.submissions,
            "recorded": self.recorded,
            "conflicts": self.conflicts,
            "already": self.already,
            "error_count": len(self.errors),
            "errors": self.errors[:500],
            "file_error": self.file_error,
            "headline": self.headline(),
        }


def _household(actor: Actor, code: str) -> Household:
    households = Household.objects.filter(code=code).select_related("village")
    if actor is not None:
        households = access.scoped(households, actor)
    found = [h for h in households[:2] if actor is None or access.can_change_area(actor, h.village)]
    if len(found) != 1:
        raise SubmissionRefused(
            [_("Hộ «%(code)s» không thuộc địa bàn bạn được nhập phiếu.") % {"code": code[:40]}]
        )
    return found[0]


def _store(
    *,
    actor: Actor,
    parsed: Parsed,
    submission: Submission,
    household: Household,
    status: SubmissionStatus,
    survey: Any,
    photo: tuple[bytes, str] | None,
    source_file: str,
    dry_run: bool,
    action: str,
    after: dict[str, Any],
) -> FieldSubmission:
    """The submission's row (and its photo), with its audit event ``action``."""
    payload = {
        "form": parsed.spec.code,
        "review_year": parsed.review_year,
        "surveyed_on": parsed.surveyed_on.isoformat(),
        "surveyor_name": parsed.surveyor_name,
        "answers": parsed.answers,
        "photo_name": parsed.photo_name,
        "gps": submission.get(xlsform.GPS),
    }
    row = FieldSubmission(
        province_id=household.province_id,
        commune_id=household.commune_id,
        village_id=household.village_id,
        instance_id=submission.instance_id[:100],
        form_code=parsed.spec.code,
        household=household,
        form_version=parsed.form_version,
        server_version=household.version,
        status=status,
        survey=survey,
        payload=payload,
        latitude=parsed.gps[0] if parsed.gps else None,
        longitude=parsed.gps[1] if parsed.gps else None,
        gps_accuracy_m=parsed.gps[2] if parsed.gps else None,
        source_file=source_file[:255],
        imported_by=acting_user(actor),
    )
    if photo is not None and not dry_run:
        data, extension = photo
        row.photo.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)
        # The file is not part of the transaction: removed again if its row is rolled back.
        _STORED.append(row.photo.name or "")
    try:
        row.save()
    except BaseException:
        if row.photo:
            row.photo.delete(save=False)
        raise
    audit.record(actor=actor, action=action, obj=row, after=after)
    return row


def import_submission(
    *, actor: Actor, submission: Submission, source_file: str = "", dry_run: bool = False
) -> str:
    """Import one submission (inside the caller's transaction, in its own savepoint). Returns
    ``recorded``, ``conflict`` or ``already``; raises ``SubmissionRefused``."""
    if (
        submission.instance_id
        and FieldSubmission.objects.filter(instance_id=submission.instance_id[:100]).exists()
    ):
        return "already"
    parsed = parse(submission)
    household = _household(actor, parsed.household_code)
    photo = None
    if submission.photo_loader is not None:
        try:
            data = submission.photo_loader()
        except ExportError as error:
            raise SubmissionRefused([str(error)]) from error
        if data is not None:
            photo = (data, check_photo(data))
    try:
        with transaction.atomic():
            Household.objects.select_for_update().filter(pk=household.pk).first()
            household.refresh_from_db(fields=["version"])
            if household.version != parsed.form_version:
                # Changed on the server after the form was made: validate (an invalid one is
                # refused now, not held), then hold it for an officer; never overwrite.
                surveys.evaluate_answers(
                    household=household,
                    spec=parsed.spec,
                    review_year=parsed.review_year,
                    surveyed_on=parsed.surveyed_on,
                    answers=parsed.answers,
                )
                _store(
                    actor=actor,
                    parsed=parsed,
                    submission=submission,
                    household=household,
                    status=SubmissionStatus.CONFLICT,
                    survey=None,
                    photo=photo,
                    source_file=source_file,
                    dry_run=dry_run,
                    action="fieldcollection.submission_held",
                    after={
                        "household": household.code,
                        "form_version": parsed.form_version,
                        "server_version": household.version,
                    },
                )
                return "conflict"
            survey = surveys.survey_record(
                actor=actor,
                household=household,
                form=parsed.spec.code,
                review_year=parsed.review_year,
                surveyed_on=parsed.surveyed_on,
                answers=parsed.answers,
                surveyor_name=parsed.surveyor_name or _("(không ghi tên)"),
            )
            _store(
                actor=actor,
                parsed=parsed,
                submission=submission,
                household=household,
                status=SubmissionStatus.RECORDED,
                survey=survey,
                photo=photo,
                source_file=source_file,
                dry_run=dry_run,
                action="fieldcollection.submission_imported",
                after={"household": household.code, "survey": survey.pk},
            )
            return "recorded"
    except SurveyError as error:
        raise SubmissionRefused([p.message for p in error.problems]) from error
    except IntegrityError:
        # The same instanceID imported concurrently: the unique key decides.
        if FieldSubmission.objects.filter(instance_id=submission.instance_id[:100]).exists():
            return "already"
        raise


class _DryRun(Exception):
    pass


def import_export(
    *,
    actor: Actor,
    path: Path,
    file_name: str = "",
    dry_run: bool = False,
    progress: Callable[[int, int, str | None], None] | None = None,
) -> ImportReport:
    """Import every submission of the export at ``path``; a file that cannot be read changes
    nothing and is reported in ``file_error``."""
    report = ImportReport(file_name=file_name or path.name, dry_run=dry_run)
    _STORED.clear()
    _SPECS.clear()
    committed = False
    try:
        with transaction.atomic():
            _import_all(actor, path, report, dry_run, progress)
            if dry_run:
                raise _DryRun
        committed = True
    except _DryRun:
        pass
    except ExportError as error:
        report.file_error = str(error)
        report.recorded = report.conflicts = 0
    finally:
        stored = FieldSubmission.photo.field.storage
        for name in _STORED:
            # Kept only when its row was committed (a refused submission deleted its own).
            if not committed or not FieldSubmission.objects.filter(photo=name).exists():
                stored.delete(name)
        _STORED.clear()
    return report


def _import_all(
    actor: Actor,
    path: Path,
    report: ImportReport,
    dry_run: bool,
    progress: Callable[[int, int, str | None], None] | None,
) -> None:
    seen: set[str] = set()
    for submission in submissions.read_export(path):
        report.submissions += 1
        if progress is not None:
            progress(report.submissions, report.submissions + 1, None)
        try:
            if submission.instance_id and submission.instance_id in seen:
                outcome = "already"
            else:
                outcome = import_submission(
                    actor=actor,
                    submission=submission,
                    source_file=report.file_name,
                    dry_run=dry_run,
                )
            seen.add(submission.instance_id)
        except SubmissionRefused as refused:
            report.errors.append(
                {
                    "number": submission.number,
                    "instance_id": submission.instance_id[:100],
                    "household": submission.get(xlsform.HOUSEHOLD)[:40],
                    "messages": refused.problems[:50],
                }
            )
            continue
        if outcome == "recorded":
            report.recorded += 1
        elif outcome == "conflict":
            report.conflicts += 1
        else:
            report.already += 1


# -- resolving conflicts -----------------------------------------------------------------------


def _locked_conflict(actor: Actor, submission: FieldSubmission) -> FieldSubmission:
    row = (
        FieldSubmission.objects.select_for_update()
        .select_related("household", "village")
        .get(pk=submission.pk)
    )
    if actor is not None and not access.can_change_area(actor, row.village):
        raise DomainError(_("Bạn không có quyền xử lý bản nộp ở địa bàn này."))
    if row.status != SubmissionStatus.CONFLICT:
        raise DomainError(_("Bản nộp này đã được xử lý."))
    return row


@transaction.atomic
def conflict_accept(*, actor: Actor, submission: FieldSubmission) -> FieldSubmission:
    """Record the held submission as a survey now (the same validation as on import, against
    the household as it is today)."""
    row = _locked_conflict(actor, submission)
    payload: Mapping[str, Any] = row.payload
    survey = surveys.survey_record(
        actor=actor,
        household=row.household,
        form=payload["form"],
        review_year=int(payload["review_year"]),
        surveyed_on=dt.date.fromisoformat(payload["surveyed_on"]),
        answers=payload["answers"],
        surveyor_name=payload.get("surveyor_name") or _("(không ghi tên)"),
    )
    row.status = SubmissionStatus.ACCEPTED
    row.survey = survey
    row.resolved_by = acting_user(actor)
    row.resolved_at = timezone.now()
    row.save(update_fields=["status", "survey", "resolved_by", "resolved_at"])
    audit.record(
        actor=actor,
        action="fieldcollection.conflict_accepted",
        obj=row,
        before={"status": SubmissionStatus.CONFLICT.value},
        after={"status": row.status, "survey": survey.pk},
    )
    return row


@transaction.atomic
def conflict_reject(*, actor: Actor, submission: FieldSubmission, reason: str) -> FieldSubmission:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Cần ghi lý do loại bỏ bản nộp."))
    row = _locked_conflict(actor, submission)
    row.status = SubmissionStatus.REJECTED
    row.reason = reason[:2000]
    row.resolved_by = acting_user(actor)
    row.resolved_at = timezone.now()
    row.save(update_fields=["status", "reason", "resolved_by", "resolved_at"])
    audit.record(
        actor=actor,
        action="fieldcollection.conflict_rejected",
        obj=row,
        before={"status": SubmissionStatus.CONFLICT.value},
        after={"status": row.status, "reason": row.reason},
    )
    return row
