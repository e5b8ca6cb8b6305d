"""Participants, registrations, attendance and completion certificates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.types import Actor
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.audit import services as audit
from giamngheo.lib import validators
from giamngheo.lib.text import search_key
from giamngheo.training import reference
from giamngheo.training.errors import TrainingError
from giamngheo.training.models import (
    Attendance,
    ClassSession,
    Participant,
    Registration,
    TrainingClass,
)
from giamngheo.training.selectors import class_registrations
from giamngheo.training.services._shared import (
    area_unit,
    check_categories,
    check_commune,
    require_change,
    require_decide,
)
from giamngheo.workforce.models import Worker

PARTICIPANT_FIELDS = (
    "full_name",
    "sex",
    "birth_year",
    "category",
    "organisation",
    "position",
    "phone",
    "is_active",
)


def _participant_search(participant: Participant) -> str:
    return search_key(f"{participant.full_name} {participant.organisation}")[:420]


def _clean_participant(values: dict[str, Any]) -> dict[str, Any]:
    """Names in NFC without bidi or control characters, a birth year from 1900 to this year
    (lib.validators), as for the registry."""
    cleaned = dict(values)
    with validators.reraise_as(TrainingError):
        if "full_name" in cleaned:
            cleaned["full_name"] = validators.clean_name(
                cleaned["full_name"], label=_("Họ và tên"), max_length=200
            )
        for key in ("organisation", "position"):
            if key in cleaned:
                cleaned[key] = validators.clean_text(cleaned[key])
        if cleaned.get("birth_year") is not None:
            validators.check_birth_year(cleaned["birth_year"])
    return cleaned


@transaction.atomic
def participant_create(
    *,
    actor: Actor,
    province: AdministrativeUnit,
    commune: AdministrativeUnit | None = None,
    full_name: str,
    category: str,
    sex: str = "",
    birth_year: int | None = None,
    organisation: str = "",
    position: str = "",
    phone: str = "",
    is_demo: bool = False,
) -> Participant:
    check_commune(province, commune)
    require_change(actor, area_unit(province, commune))
    check_categories([category])
    if not full_name.strip():
        raise TrainingError(_("Cần nhập họ và tên."))
    values = {"full_name": full_name, "birth_year": birth_year, "organisation": organisation}
    cleaned = _clean_participant({**values, "position": position})
    with validators.reraise_as(TrainingError):  # the one phone rule (lib.validators)
        phone = validators.clean_phone(phone)
    participant = Participant(
        province=province,
        commune=commune,
        full_name=cleaned["full_name"],
        category=category,
        sex=sex,
        birth_year=birth_year,
        organisation=cleaned["organisation"],
        position=cleaned["position"],
        phone=phone,
        is_demo=is_demo,
    )
    participant.search_name = _participant_search(participant)
    participant.save()
    audit.record(
        actor=actor,
        action="training.participant_created",
        obj=participant,
        after=audit.snapshot(participant, ["province_id", "commune_id", *PARTICIPANT_FIELDS]),
    )
    return participant


@transaction.atomic
def participant_for_worker(*, actor: Actor, worker: Worker, is_demo: bool = False) -> Participant:
    """The participant record of a roster member, created from the roster on first use (name,
    sex, birth year, phone, area; the category from the worker's role). Later registrations
    reuse it, so the person is counted once however many classes they attend."""
    existing = Participant.objects.filter(worker=worker).first()
    if existing is not None:
        return existing
    participant = participant_create(
        actor=actor,
        province=worker.province,
        commune=worker.commune,
        full_name=worker.full_name,
        category=reference.category_for_worker_role(worker.role),
        sex=worker.sex,
        birth_year=worker.birth_year,
        phone=worker.phone,
        organisation=worker.commune.name if worker.commune else worker.province.name,
        is_demo=is_demo,
    )
    participant.worker = worker
    participant.save(update_fields=["worker"])
    return participant


@transaction.atomic
def participant_update(*, actor: Actor, participant: Participant, **changes: Any) -> Participant:
    unknown = set(changes) - set(PARTICIPANT_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    require_change(actor, area_unit(locked.province, locked.commune))
    if "category" in changes:
        check_categories([changes["category"]])
    changes = _clean_participant(changes)
    before = audit.snapshot(locked, PARTICIPANT_FIELDS)
    for name, value in changes.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    locked.search_name = _participant_search(locked)
    locked.save()
    audit.record(
        actor=actor,
        action="training.participant_updated",
        obj=locked,
        before=before,
        after=audit.snapshot(locked, PARTICIPANT_FIELDS),
    )
    return locked


@transaction.atomic
def register(
    *, actor: Actor, training_class: TrainingClass, participant: Participant
) -> Registration:
    """Register a participant in a class (capacity and one registration per class enforced)."""
    require_change(actor, training_class.area)
    # The class row lock serialises registrations, so the capacity check cannot be raced.
    TrainingClass.objects.select_for_update().filter(pk=training_class.pk).first()
    if participant.province_id != training_class.province_id:
        raise TrainingError(_("Học viên phải thuộc tỉnh tổ chức lớp."))
    if training_class.registrations.filter(participant=participant).exists():
        raise TrainingError(_("Học viên này đã đăng ký lớp."))
    if training_class.registrations.count() >= training_class.capacity:
        raise TrainingError(_("Lớp đã đủ số học viên dự kiến."))
    registration = Registration.objects.create(
        training_class=training_class,
        participant=participant,
        province_id=training_class.province_id,
        commune_id=training_class.commune_id,
        category=participant.category,
    )
    audit.record(
        actor=actor,
        action="training.registered",
        obj=registration,
        after={"class": training_class.code, "participant": participant.pk},
    )
    return registration


@transaction.atomic
def unregister(*, actor: Actor, registration: Registration) -> None:
    require_change(actor, registration.training_class.area)
    if registration.certificate_number:
        raise TrainingError(_("Học viên đã được cấp giấy chứng nhận; không thể hủy đăng ký."))
    if registration.attendance.filter(present=True).exists():
        raise TrainingError(_("Học viên đã có mặt ở buổi học; không thể hủy đăng ký."))
    audit.record(
        actor=actor,
        action="training.unregistered",
        obj=registration,
        before={
            "class": registration.training_class.code,
            "participant": registration.participant_id,
        },
    )
    registration.delete()


@transaction.atomic
def attendance_record(
    *,
    actor: Actor,
    session: ClassSession,
    present: Iterable[int],
    absent: Iterable[int] | None = None,
) -> dict[str, int]:
    """Take the attendance of a session.

    With ``absent`` (the attendance page): only the registrations marked present or absent are
    saved; the others stay unmarked (or keep an earlier mark), so an organiser can mark people
    as they arrive and come back for the latecomers. An unmarked person has not attended.
    Without it (bulk loads): the registrations in ``present`` were there and every other
    registration of the class was absent. Retaking it overwrites the marks given."""
    training_class = session.training_class
    require_change(actor, training_class.area)
    registrations = list(training_class.registrations.values_list("pk", flat=True))
    present_ids = set(present)
    absent_ids = set(registrations) - present_ids if absent is None else set(absent)
    if present_ids & absent_ids:
        raise TrainingError(_("Một người không thể vừa có mặt vừa vắng."))
    strangers = (present_ids | absent_ids) - set(registrations)
    if strangers:
        raise TrainingError(_("Có người điểm danh không đăng ký lớp này."))
    if absent is not None and not present_ids and not absent_ids:
        raise TrainingError(_("Chưa đánh dấu có mặt hay vắng cho học viên nào."))
    rows = [
        Attendance(session=session, registration_id=pk, present=pk in present_ids)
        for pk in registrations
        if pk in present_ids or pk in absent_ids
    ]
    # One statement whatever the class size (INSERT … ON CONFLICT DO UPDATE).
    Attendance.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["session", "registration"],
        update_fields=["present"],
    )
    marked = Attendance.objects.filter(session=session).count()
    counts = {
        "present": len(present_ids),
        "absent": len(absent_ids),
        "unmarked": len(registrations) - marked,
    }
    audit.record(
        actor=actor,
        action="training.attendance_taken",
        obj=session,
        after={**counts, "present_ids": sorted(present_ids), "absent_ids": sorted(absent_ids)},
        area_of=training_class,
    )
    return counts


@transaction.atomic
def certificates_issue(
    *, actor: Actor, training_class: TrainingClass, issued_on: dt.date | None = None
) -> list[Registration]:
    """Give a certificate number to every registration that completed the class (attended at
    least ``min_attendance_percent`` of its sessions) and has none yet. Numbers are
    ``<province code>-<class code>-<nnn>``, in the order of the participants' names."""
    require_decide(actor, training_class.area)
    locked = TrainingClass.objects.select_for_update().get(pk=training_class.pk)
    rows = class_registrations(locked)
    if not rows.session_count:
        raise TrainingError(_("Lớp chưa có buổi học nào."))
    issued_on = issued_on or timezone.localdate()
    if issued_on < locked.end_date:
        raise TrainingError(_("Chỉ cấp giấy chứng nhận sau khi lớp kết thúc."))
    taken = [
        int(number.rsplit("-", 1)[1])
        for number in locked.registrations.exclude(certificate_number="").values_list(
            "certificate_number", flat=True
        )
    ]
    sequence = max(taken, default=0)
    issued: list[Registration] = []
    for row in rows.rows:
        registration = row.registration
        if not row.completed or registration.certificate_number:
            continue
        sequence += 1
        registration.certificate_number = f"{locked.province.code}-{locked.code}-{sequence:03d}"
        registration.certificate_issued_on = issued_on
        issued.append(registration)
    Registration.objects.bulk_update(issued, ["certificate_number", "certificate_issued_on"])
    audit.record(
        actor=actor,
        action="training.certificates_issued",
        obj=locked,
        after={
            "issued_on": issued_on,
            "certificates": {r.participant_id: r.certificate_number for r in issued},
        },
    )
    return issued
