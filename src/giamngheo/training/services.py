"""Writes of the training app. Every write goes through here: keyword-only arguments, one
transaction, a permission check (``actor=None`` is the system itself: demo, imports, tests) and
an audit event in the same transaction.

Who may do what (decided by ``accounts.access``):

- plans and classes are official acts of the unit that runs them: ``can_decide_in`` (officers);
- registrations, attendance, costs, test results: ``can_change_area`` on the class's unit;
- the question bank and the handbook: national rows by the system administrator only,
  a province's rows by that province's officers (``can_decide_in`` on the province).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.audit import services as audit
from giamngheo.lib import locking, validators
from giamngheo.lib.errors import DomainError
from giamngheo.lib.text import search_key
from giamngheo.standards import available_standards
from giamngheo.training import reference
from giamngheo.training.models import (
    Assessment,
    AssessmentItem,
    AssessmentKind,
    Attempt,
    Attendance,
    ClassLevel,
    ClassSession,
    CostItem,
    HandbookPage,
    HandbookPageVersion,
    Participant,
    Question,
    Registration,
    SessionPart,
    TrainingClass,
    TrainingPlan,
    Verification,
)
from giamngheo.workforce.models import Worker


class TrainingError(DomainError):
    """A refused training change; the message is for the user (Vietnamese)."""


PLAN_FIELDS = (
    "year",
    "title",
    "decision_ref",
    "purpose",
    "requirements",
    "target_groups",
    "budget",
)
CLASS_FIELDS = (
    "code",
    "title",
    "topics",
    "standard_code",
    "place",
    "start_date",
    "end_date",
    "trainers",
    "capacity",
    "min_attendance_percent",
    "notes",
)
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
PAGE_FIELDS = ("title", "summary", "body", "legal_basis", "verification", "kind", "position")


# -- permissions ------------------------------------------------------------------------------


def _require_decide(actor: Any, unit: AdministrativeUnit) -> None:
    if actor is not None and not access.can_decide_in(actor, unit):
        raise TrainingError(_("Bạn không có quyền lập kế hoạch, mở lớp tập huấn ở địa bàn này."))


def _require_change(actor: Any, unit: AdministrativeUnit) -> None:
    if actor is not None and not access.can_change_area(actor, unit):
        raise TrainingError(_("Bạn không có quyền thay đổi dữ liệu tập huấn của địa bàn này."))


def _require_bank_editor(actor: Any, province: AdministrativeUnit | None) -> None:
    """National content: the system administrator; a province's content: its officers."""
    if actor is None:
        return
    allowed = (
        access.is_system_admin(actor) if province is None else access.can_decide_in(actor, province)
    )
    if not allowed:
        raise TrainingError(_("Bạn không có quyền sửa nội dung này."))


def _area_unit(
    province: AdministrativeUnit, commune: AdministrativeUnit | None
) -> AdministrativeUnit:
    return commune if commune is not None else province


def _check_commune(province: AdministrativeUnit, commune: AdministrativeUnit | None) -> None:
    if province.level != Level.PROVINCE:
        raise TrainingError(_("Địa bàn cấp tỉnh không hợp lệ."))
    if commune is not None and (
        commune.level != Level.COMMUNE or commune.province_id != province.pk
    ):
        raise TrainingError(_("Xã không thuộc tỉnh đã chọn."))


# -- plans ------------------------------------------------------------------------------------


def _check_categories(codes: Iterable[str]) -> list[str]:
    known = {entry.code for entry in reference.categories()}
    codes = list(dict.fromkeys(codes))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise TrainingError(_("Thành phần không có trong danh mục: %s") % ", ".join(unknown))
    return codes


@transaction.atomic
def plan_create(
    *,
    actor: Any,
    province: AdministrativeUnit,
    commune: AdministrativeUnit | None = None,
    year: int,
    title: str,
    purpose: str,
    requirements: str = "",
    target_groups: Sequence[str] = (),
    budget: int = 0,
    decision_ref: str = "",
    is_demo: bool = False,
) -> TrainingPlan:
    _check_commune(province, commune)
    _require_decide(actor, _area_unit(province, commune))
    if budget < 0:
        raise TrainingError(_("Kinh phí không được âm."))
    plan = TrainingPlan.objects.create(
        province=province,
        commune=commune,
        year=year,
        title=title.strip(),
        purpose=purpose.strip(),
        requirements=requirements.strip(),
        target_groups=_check_categories(target_groups),
        budget=budget,
        decision_ref=decision_ref.strip(),
        is_demo=is_demo,
    )
    audit.record(
        actor=actor,
        action="training.plan_created",
        obj=plan,
        after=audit.snapshot(plan, ["province_id", "commune_id", *PLAN_FIELDS]),
    )
    return plan


@transaction.atomic
def plan_update(
    *, actor: Any, plan: TrainingPlan, expected_version: int | None = None, **changes: Any
) -> TrainingPlan:
    """Change a plan; ``expected_version`` is the version the edit form was loaded with
    (optimistic locking, ``lib.locking``)."""
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    locked = locking.lock_for_edit(
        TrainingPlan.objects, plan.pk, expected_version, error=TrainingError
    )
    _require_decide(actor, _area_unit(locked.province, locked.commune))
    if "target_groups" in changes:
        changes["target_groups"] = _check_categories(changes["target_groups"])
    if (
        "year" in changes
        and changes["year"] != locked.year
        and locked.classes.exclude(start_date__year=changes["year"]).exists()
    ):
        raise TrainingError(_("Kế hoạch đã có lớp của năm khác; không thể đổi năm."))
    before = audit.snapshot(locked, PLAN_FIELDS)
    for name, value in changes.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    locking.bump(locked)
    locked.save()
    audit.record(
        actor=actor,
        action="training.plan_updated",
        obj=locked,
        before=before,
        after=audit.snapshot(locked, PLAN_FIELDS),
    )
    return locked


# -- classes ----------------------------------------------------------------------------------


def _check_class(
    plan: TrainingPlan,
    *,
    level: str,
    commune: AdministrativeUnit | None,
    topics: Sequence[str],
    standard_code: str,
    start_date: dt.date,
    end_date: dt.date,
) -> tuple[AdministrativeUnit | None, list[str], str]:
    if level not in ClassLevel.values:
        raise TrainingError(_("Cấp tổ chức không hợp lệ."))
    if level == ClassLevel.PROVINCE:
        if plan.commune_id is not None:
            raise TrainingError(_("Kế hoạch của xã chỉ có lớp cấp xã."))
        commune = None
    else:
        if plan.commune_id is not None:
            commune = plan.commune
        if commune is None:
            raise TrainingError(_("Lớp cấp xã cần chọn xã."))
        _check_commune(plan.province, commune)
    known = {entry.code for entry in reference.topics()}
    topics = list(dict.fromkeys(topics))
    if not topics:
        raise TrainingError(_("Chọn ít nhất một chuyên đề."))
    unknown = [code for code in topics if code not in known]
    if unknown:
        raise TrainingError(_("Chuyên đề không có trong danh mục: %s") % ", ".join(unknown))
    names_standard = any(e.names_standard for e in reference.topics() if e.code in topics)
    standard_code = standard_code.strip()
    if names_standard and standard_code not in available_standards():
        raise TrainingError(
            _("Lớp có chuyên đề chuẩn nghèo mới cần chọn chuẩn nghèo (một trong: %s).")
            % ", ".join(available_standards())
        )
    if not names_standard:
        standard_code = ""
    if end_date < start_date:
        raise TrainingError(_("Ngày kết thúc phải từ ngày bắt đầu trở đi."))
    if start_date.year != plan.year:
        raise TrainingError(
            _("Lớp phải bắt đầu trong năm của kế hoạch (%(year)s).") % {"year": plan.year}
        )
    return commune, topics, standard_code


def _class_search_text(training_class: TrainingClass) -> str:
    return search_key(" ".join([training_class.code, training_class.title, training_class.place]))[
        :700
    ]


@transaction.atomic
def class_create(
    *,
    actor: Any,
    plan: TrainingPlan,
    code: str,
    title: str,
    level: str,
    commune: AdministrativeUnit | None = None,
    topics: Sequence[str],
    standard_code: str = "",
    place: str,
    start_date: dt.date,
    end_date: dt.date,
    trainers: str = "",
    capacity: int,
    min_attendance_percent: int = 80,
    notes: str = "",
) -> TrainingClass:
    commune, topic_list, standard_code = _check_class(
        plan,
        level=level,
        commune=commune,
        topics=topics,
        standard_code=standard_code,
        start_date=start_date,
        end_date=end_date,
    )
    _require_decide(actor, _area_unit(plan.province, commune))
    code = code.strip().upper()
    if TrainingClass.objects.filter(province=plan.province, code=code).exists():
        raise TrainingError(_("Mã lớp %(code)s đã có trong tỉnh.") % {"code": code})
    training_class = TrainingClass(
        plan=plan,
        province=plan.province,
        commune=commune,
        level=level,
        code=code,
        title=title.strip(),
        topics=topic_list,
        standard_code=standard_code,
        place=place.strip(),
        start_date=start_date,
        end_date=end_date,
        trainers=trainers.strip(),
        capacity=capacity,
        min_attendance_percent=min_attendance_percent,
        notes=notes.strip(),
    )
    training_class.search_text = _class_search_text(training_class)
    training_class.save()
    audit.record(
        actor=actor,
        action="training.class_created",
        obj=training_class,
        after=audit.snapshot(training_class, ["plan_id", "level", "commune_id", *CLASS_FIELDS]),
    )
    return training_class


@transaction.atomic
def class_update(
    *,
    actor: Any,
    training_class: TrainingClass,
    expected_version: int | None = None,
    **changes: Any,
) -> TrainingClass:
    """Change a class; ``expected_version`` as in :func:`plan_update`."""
    unknown = set(changes) - set(CLASS_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    locked = locking.lock_for_edit(
        TrainingClass.objects.select_related("plan"),
        training_class.pk,
        expected_version,
        error=TrainingError,
    )
    _require_decide(actor, locked.area)
    before = audit.snapshot(locked, CLASS_FIELDS)
    for name, value in changes.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    locked.code = locked.code.upper()
    _commune, locked.topics, locked.standard_code = _check_class(
        locked.plan,
        level=locked.level,
        commune=locked.commune,
        topics=locked.topics,
        standard_code=locked.standard_code,
        start_date=locked.start_date,
        end_date=locked.end_date,
    )
    if locked.sessions.exclude(date__range=(locked.start_date, locked.end_date)).exists():
        raise TrainingError(_("Có buổi học nằm ngoài thời gian mới của lớp."))
    if locked.registrations.count() > locked.capacity:
        raise TrainingError(_("Số học viên đã đăng ký nhiều hơn số dự kiến mới."))
    locked.search_text = _class_search_text(locked)
    locking.bump(locked)
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError as error:
        message = _("Mã lớp %(code)s đã có trong tỉnh.") % {"code": locked.code}
        raise TrainingError(message) from error
    audit.record(
        actor=actor,
        action="training.class_updated",
        obj=locked,
        before=before,
        after=audit.snapshot(locked, CLASS_FIELDS),
    )
    return locked


@transaction.atomic
def session_add(
    *,
    actor: Any,
    training_class: TrainingClass,
    date: dt.date,
    part: str,
    topic: str,
    title: str = "",
    trainer: str = "",
) -> ClassSession:
    _require_decide(actor, training_class.area)
    # Lock the class so that two officers adding sessions at once get different numbers.
    TrainingClass.objects.select_for_update().filter(pk=training_class.pk).first()
    if not training_class.start_date <= date <= training_class.end_date:
        raise TrainingError(_("Ngày của buổi học phải nằm trong thời gian của lớp."))
    if part not in SessionPart.values:
        raise TrainingError(_("Buổi không hợp lệ."))
    if topic not in training_class.topics:
        raise TrainingError(_("Chuyên đề của buổi học phải là một chuyên đề của lớp."))
    last = training_class.sessions.aggregate(last=Max("number"))["last"] or 0
    session = ClassSession.objects.create(
        training_class=training_class,
        number=last + 1,
        date=date,
        part=part,
        topic=topic,
        title=title.strip(),
        trainer=trainer.strip(),
    )
    audit.record(
        actor=actor,
        action="training.session_added",
        obj=session,
        after=audit.snapshot(session, ["training_class_id", "number", "date", "part", "topic"]),
        area_of=training_class,
    )
    return session


@transaction.atomic
def cost_add(
    *,
    actor: Any,
    training_class: TrainingClass,
    item_type: str,
    quantity: int,
    unit_price: int,
    description: str = "",
) -> CostItem:
    _require_change(actor, training_class.area)
    if item_type not in {entry.code for entry in reference.cost_types()}:
        raise TrainingError(_("Khoản chi không có trong danh mục."))
    if quantity < 1 or unit_price < 0:
        raise TrainingError(_("Số lượng phải từ 1 trở lên và đơn giá không được âm."))
    item = CostItem.objects.create(
        training_class=training_class,
        item_type=item_type,
        description=description.strip(),
        quantity=quantity,
        unit_price=unit_price,
        amount=quantity * unit_price,
    )
    audit.record(
        actor=actor,
        action="training.cost_added",
        obj=item,
        after=audit.snapshot(item, ["training_class_id", "item_type", "quantity", "unit_price"]),
        area_of=training_class,
    )
    return item


@transaction.atomic
def cost_delete(*, actor: Any, item: CostItem) -> None:
    training_class = item.training_class
    _require_change(actor, training_class.area)
    audit.record(
        actor=actor,
        action="training.cost_deleted",
        obj=item,
        before=audit.snapshot(item, ["training_class_id", "item_type", "quantity", "unit_price"]),
        area_of=training_class,
    )
    item.delete()


# -- participants and registrations ------------------------------------------------------------


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
    actor: Any,
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
    _check_commune(province, commune)
    _require_change(actor, _area_unit(province, commune))
    _check_categories([category])
    if not full_name.strip():
        raise TrainingError(_("Cần nhập họ và tên."))
    values = {"full_name": full_name, "birth_year": birth_year, "organisation": organisation}
    cleaned = _clean_participant({**values, "position": position})
    participant = Participant(
        province=province,
        commune=commune,
        full_name=cleaned["full_name"],
        category=category,
        sex=sex,
        birth_year=birth_year,
        organisation=cleaned["organisation"],
        position=cleaned["position"],
        phone=phone.strip(),
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
def participant_for_worker(*, actor: Any, worker: Worker, is_demo: bool = False) -> Participant:
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
def participant_update(*, actor: Any, participant: Participant, **changes: Any) -> Participant:
    unknown = set(changes) - set(PARTICIPANT_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    _require_change(actor, _area_unit(locked.province, locked.commune))
    if "category" in changes:
        _check_categories([changes["category"]])
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
    *, actor: Any, training_class: TrainingClass, participant: Participant
) -> Registration:
    """Register a participant in a class (capacity and one registration per class enforced)."""
    _require_change(actor, training_class.area)
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
def unregister(*, actor: Any, registration: Registration) -> None:
    _require_change(actor, registration.training_class.area)
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
    *, actor: Any, session: ClassSession, present: Iterable[int]
) -> dict[str, int]:
    """Take the attendance of a session: the registrations whose ids are in ``present`` were
    there, every other registration of the class was absent. Retaking it overwrites."""
    training_class = session.training_class
    _require_change(actor, training_class.area)
    registrations = list(training_class.registrations.values_list("pk", flat=True))
    present_ids = set(present)
    strangers = present_ids - set(registrations)
    if strangers:
        raise TrainingError(_("Có người điểm danh không đăng ký lớp này."))
    rows = [
        Attendance(session=session, registration_id=pk, present=pk in present_ids)
        for pk in registrations
    ]
    # One statement whatever the class size (INSERT … ON CONFLICT DO UPDATE).
    Attendance.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["session", "registration"],
        update_fields=["present"],
    )
    counts = {"present": len(present_ids), "absent": len(registrations) - len(present_ids)}
    audit.record(
        actor=actor,
        action="training.attendance_taken",
        obj=session,
        after={**counts, "present_ids": sorted(present_ids)},
        area_of=training_class,
    )
    return counts


@transaction.atomic
def certificates_issue(
    *, actor: Any, training_class: TrainingClass, issued_on: dt.date | None = None
) -> list[Registration]:
    """Give a certificate number to every registration that completed the class (attended at
    least ``min_attendance_percent`` of its sessions) and has none yet. Numbers are
    ``<province code>-<class code>-<nnn>``, in the order of the participants' names."""
    from giamngheo.training import selectors

    _require_decide(actor, training_class.area)
    locked = TrainingClass.objects.select_for_update().get(pk=training_class.pk)
    rows = selectors.class_registrations(locked)
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


# -- question bank and tests -------------------------------------------------------------------


def _question_search(question: Question) -> str:
    return search_key(" ".join([question.text, *question.choices, question.explanation]))


def _check_question(topic: str, choices: Sequence[str], correct: int) -> list[str]:
    if topic not in {entry.code for entry in reference.topics()}:
        raise TrainingError(_("Chuyên đề không có trong danh mục."))
    cleaned = [choice.strip() for choice in choices if choice.strip()]
    if not 2 <= len(cleaned) <= 6:
        raise TrainingError(_("Câu hỏi cần từ 2 đến 6 phương án."))
    if len(set(cleaned)) != len(cleaned):
        raise TrainingError(_("Các phương án phải khác nhau."))
    if not 0 <= correct < len(cleaned):
        raise TrainingError(_("Phương án đúng phải là một trong các phương án đã nhập."))
    return cleaned


@transaction.atomic
def question_create(
    *,
    actor: Any,
    province: AdministrativeUnit | None = None,
    topic: str,
    text: str,
    choices: Sequence[str],
    correct: int,
    explanation: str = "",
    ref: str = "",
) -> Question:
    _require_bank_editor(actor, province)
    cleaned = _check_question(topic, choices, correct)
    if not text.strip():
        raise TrainingError(_("Cần nhập nội dung câu hỏi."))
    question = Question(
        province=province,
        topic=topic,
        text=text.strip(),
        choices=cleaned,
        correct=correct,
        explanation=explanation.strip(),
        ref=ref,
    )
    question.search_text = _question_search(question)
    question.save()
    audit.record(
        actor=actor,
        action="training.question_created",
        obj=question,
        after=audit.snapshot(question, ["province_id", "topic", "text", "choices", "correct"]),
    )
    return question


QUESTION_FIELDS = ("topic", "text", "choices", "correct", "explanation", "is_active")


@transaction.atomic
def question_update(
    *, actor: Any, question: Question, expected_version: int, **changes: Any
) -> Question:
    unknown = set(changes) - set(QUESTION_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    locked = Question.objects.select_for_update().get(pk=question.pk)
    _require_bank_editor(actor, locked.province)
    if locked.version != expected_version:
        raise TrainingError(_("Câu hỏi vừa được người khác sửa; hãy mở lại trang và sửa lại."))
    before = audit.snapshot(locked, QUESTION_FIELDS)
    for name, value in changes.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    locked.choices = _check_question(locked.topic, locked.choices, locked.correct)
    locked.version += 1
    locked.search_text = _question_search(locked)
    locked.save()
    audit.record(
        actor=actor,
        action="training.question_updated",
        obj=locked,
        before=before,
        after=audit.snapshot(locked, QUESTION_FIELDS),
    )
    return locked


def load_national_questions() -> list[str]:
    """Insert the national questions of ``data/questions.toml`` missing from the database (by
    ``ref``; edited questions are never overwritten). No audit event: callers record one
    summary (``question_bank_seed``, the demo). Returns the refs added."""
    with (reference.DATA_DIR / "questions.toml").open("rb") as handle:
        raw = tomllib.load(handle)
    existing = set(Question.objects.exclude(ref="").values_list("ref", flat=True))
    new: list[Question] = []
    for item in raw["questions"]:
        if item["ref"] in existing:
            continue
        choices = _check_question(item["topic"], item["choices"], item["correct"])
        question = Question(
            topic=item["topic"],
            text=item["text"],
            choices=choices,
            correct=item["correct"],
            explanation=item.get("explanation", ""),
            ref=item["ref"],
        )
        question.search_text = _question_search(question)
        new.append(question)
    Question.objects.bulk_create(new)
    return [q.ref for q in new]


@transaction.atomic
def question_bank_seed(*, actor: Any = None) -> int:
    """Load the national questions shipped with the software; returns how many were added."""
    _require_bank_editor(actor, None)
    added = load_national_questions()
    if added:
        audit.record_bulk(
            actor=actor,
            action="training.questions_loaded",
            object_type=Question._meta.label_lower,
            object_id="national",
            summary={"added": added},
        )
    return len(added)


def _test_title(training_class: TrainingClass, kind: str) -> str:
    label = AssessmentKind(kind).label
    return f"{label} · {training_class.code}"


@transaction.atomic
def class_test_create(
    *,
    actor: Any,
    training_class: TrainingClass,
    kind: str,
    held_on: dt.date,
    questions: Sequence[Question] | None = None,
    count: int = 10,
) -> Assessment:
    """The pre-test or post-test of a class. Without ``questions``: the post-test repeats the
    pre-test's questions (so that the gain compares like with like), else up to ``count``
    active questions on the class's topics are taken, national and provincial, in bank order."""
    from giamngheo.training import selectors

    _require_change(actor, training_class.area)
    if kind not in (AssessmentKind.PRE, AssessmentKind.POST):
        raise TrainingError(_("Loại bài kiểm tra không hợp lệ."))
    if training_class.assessments.filter(kind=kind).exists():
        raise TrainingError(_("Lớp đã có bài kiểm tra loại này."))
    if questions is None:
        pre = training_class.assessments.filter(kind=AssessmentKind.PRE).first()
        if kind == AssessmentKind.POST and pre is not None:
            questions = [item.question for item in pre.items.select_related("question")]
        else:
            questions = list(
                selectors.questions_for_province(training_class.province_id)
                .filter(topic__in=training_class.topics, is_active=True)
                .order_by("topic", "id")[:count]
            )
    if not questions:
        raise TrainingError(_("Ngân hàng câu hỏi chưa có câu hỏi cho các chuyên đề của lớp."))
    assessment = Assessment.objects.create(
        kind=kind,
        training_class=training_class,
        province_id=training_class.province_id,
        commune_id=training_class.commune_id,
        title=_test_title(training_class, kind),
        held_on=held_on,
    )
    _add_items(assessment, questions, training_class.province_id)
    audit.record(
        actor=actor,
        action="training.test_created",
        obj=assessment,
        after={"kind": kind, "class": training_class.code, "questions": [q.pk for q in questions]},
    )
    return assessment


def _add_items(assessment: Assessment, questions: Sequence[Question], province_id: int) -> None:
    if len({q.pk for q in questions}) != len(questions):
        raise TrainingError(_("Một câu hỏi chỉ được dùng một lần trong bài."))
    if any(q.province_id not in (None, province_id) for q in questions):
        raise TrainingError(_("Câu hỏi phải thuộc ngân hàng chung hoặc của tỉnh."))
    AssessmentItem.objects.bulk_create(
        AssessmentItem(assessment=assessment, question=q, position=i)
        for i, q in enumerate(questions)
    )


@transaction.atomic
def contest_create(
    *,
    actor: Any,
    province: AdministrativeUnit,
    commune: AdministrativeUnit | None = None,
    title: str,
    held_on: dt.date,
    questions: Sequence[Question],
    is_demo: bool = False,
) -> Assessment:
    """A policy knowledge contest (hội thi tìm hiểu chính sách giảm nghèo)."""
    _check_commune(province, commune)
    _require_decide(actor, _area_unit(province, commune))
    if not questions:
        raise TrainingError(_("Hội thi cần ít nhất một câu hỏi."))
    contest = Assessment.objects.create(
        kind=AssessmentKind.CONTEST,
        province=province,
        commune=commune,
        title=title.strip(),
        held_on=held_on,
        is_demo=is_demo,
    )
    _add_items(contest, questions, province.pk)
    audit.record(
        actor=actor,
        action="training.contest_created",
        obj=contest,
        after={"title": contest.title, "questions": [q.pk for q in questions]},
    )
    return contest


def score_answers(correct: Sequence[int], answers: Sequence[int | None]) -> int:
    """One point per item answered with its correct choice (blank or wrong: 0)."""
    if len(answers) != len(correct):
        raise TrainingError(_("Số câu trả lời không khớp với số câu hỏi."))
    return sum(1 for right, given in zip(correct, answers, strict=True) if given == right)


@transaction.atomic
def attempt_record(
    *,
    actor: Any,
    assessment: Assessment,
    participant: Participant,
    answers: Sequence[int | None],
    submitted_at: dt.datetime | None = None,
) -> Attempt:
    """Record (or correct) a participant's answers and score them against the questions as
    they are now; the score is stored and does not change if a question is edited later."""
    _require_change(actor, _area_unit(assessment.province, assessment.commune))
    if (
        assessment.training_class_id is not None
        and not Registration.objects.filter(
            training_class_id=assessment.training_class_id, participant=participant
        ).exists()
    ):
        raise TrainingError(_("Người làm bài chưa đăng ký lớp này."))
    if participant.province_id != assessment.province_id:
        raise TrainingError(_("Người làm bài phải thuộc tỉnh tổ chức."))
    items = list(assessment.items.select_related("question").order_by("position"))
    for item, given in zip(items, answers, strict=False):
        if given is not None and not 0 <= given < len(item.question.choices):
            raise TrainingError(_("Có câu trả lời không phải là một phương án của câu hỏi."))
    score = score_answers([item.question.correct for item in items], answers)
    existing = Attempt.objects.select_for_update().filter(
        assessment=assessment, participant=participant
    )
    attempt = existing.first()
    before = audit.snapshot(attempt, ["answers", "score"]) if attempt else None
    if attempt is None:
        attempt = Attempt(
            assessment=assessment,
            participant=participant,
            province_id=assessment.province_id,
            commune_id=assessment.commune_id,
        )
    attempt.answers = list(answers)
    attempt.score = score
    attempt.max_score = len(items)
    attempt.submitted_at = submitted_at or timezone.now()
    attempt.save()
    audit.record(
        actor=actor,
        action="training.attempt_recorded",
        obj=attempt,
        before=before,
        after=audit.snapshot(attempt, ["assessment_id", "participant_id", "answers", "score"]),
    )
    return attempt


# -- handbook ---------------------------------------------------------------------------------


def _page_search(page: HandbookPage) -> str:
    return search_key(" ".join([page.title, page.summary, page.body, page.legal_basis]))


def _save_version(page: HandbookPage, *, actor: Any, note: str) -> HandbookPageVersion:
    return HandbookPageVersion.objects.create(
        page=page,
        number=page.version,
        title=page.title,
        summary=page.summary,
        body=page.body,
        legal_basis=page.legal_basis,
        verification=page.verification,
        note=note.strip(),
        edited_by=actor if getattr(actor, "is_authenticated", False) else None,
        edited_at=timezone.now(),
    )


@dataclass(frozen=True)
class PageData:
    slug: str
    kind: str
    title: str
    body: str
    verification: str
    summary: str = ""
    legal_basis: str = ""
    position: int = 100


def _check_page(data: PageData) -> None:
    if data.verification not in Verification.values:
        raise TrainingError(_("Mức kiểm chứng không hợp lệ."))
    if not data.title.strip() or not data.body.strip():
        raise TrainingError(_("Trang cần có tiêu đề và nội dung."))


@transaction.atomic
def page_create(
    *,
    actor: Any,
    data: PageData,
    province: AdministrativeUnit | None = None,
    note: str = "",
) -> HandbookPage:
    _require_bank_editor(actor, province)
    _check_page(data)
    duplicate = HandbookPage.objects.filter(slug=data.slug, province=province)
    if duplicate.exists():
        raise TrainingError(_("Đường dẫn %(slug)s đã được dùng.") % {"slug": data.slug})
    page = HandbookPage(
        province=province,
        slug=data.slug,
        kind=data.kind,
        title=data.title.strip(),
        summary=data.summary.strip(),
        body=data.body.strip(),
        legal_basis=data.legal_basis.strip(),
        verification=data.verification,
        position=data.position,
        updated_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    page.search_text = _page_search(page)
    page.save()
    _save_version(page, actor=actor, note=note)
    audit.record(
        actor=actor,
        action="training.page_created",
        obj=page,
        after=audit.snapshot(page, ["province_id", "slug", *PAGE_FIELDS]),
    )
    return page


@transaction.atomic
def page_update(
    *,
    actor: Any,
    page: HandbookPage,
    expected_version: int,
    note: str = "",
    **changes: Any,
) -> HandbookPage:
    """Save a new version of a page (optimistic locking: a save against a stale version is
    refused rather than silently overwriting a colleague's edit)."""
    unknown = set(changes) - set(PAGE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    locked = HandbookPage.objects.select_for_update().get(pk=page.pk)
    _require_bank_editor(actor, locked.province)
    if locked.version != expected_version:
        raise TrainingError(_("Trang vừa được người khác sửa; hãy mở lại trang và sửa lại."))
    before = audit.snapshot(locked, PAGE_FIELDS)
    for name, value in changes.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    _check_page(
        PageData(
            slug=locked.slug,
            kind=locked.kind,
            title=locked.title,
            body=locked.body,
            verification=locked.verification,
        )
    )
    locked.version += 1
    locked.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.search_text = _page_search(locked)
    locked.save()
    _save_version(locked, actor=actor, note=note)
    audit.record(
        actor=actor,
        action="training.page_updated",
        obj=locked,
        before=before,
        after={**audit.snapshot(locked, PAGE_FIELDS), "version": locked.version},
        note=note,
    )
    return locked


@transaction.atomic
def page_adapt(
    *,
    actor: Any,
    national: HandbookPage,
    province: AdministrativeUnit,
    note: str = "",
    **changes: Any,
) -> HandbookPage:
    """A provincial officer edits a national page: the province gets its own page with the same
    address (it replaces the national one for the province's users); the national page stays."""
    if national.province_id is not None:
        raise TrainingError(_("Chỉ trang dùng chung mới được điều chỉnh cho tỉnh."))
    existing = HandbookPage.objects.filter(province=province, slug=national.slug).first()
    if existing is not None:
        return page_update(
            actor=actor, page=existing, expected_version=existing.version, note=note, **changes
        )
    fields = {name: getattr(national, name) for name in PAGE_FIELDS} | changes
    return page_create(
        actor=actor,
        province=province,
        data=PageData(slug=national.slug, **fields),
        note=note
        or _("Điều chỉnh từ trang dùng chung (phiên bản %(v)s)") % {"v": national.version},
    )


def load_national_pages() -> list[str]:
    """Create the national handbook pages of ``data/handbook.toml`` whose slug is missing
    (pages already there stay as edited), each with its version 1. No audit event: callers
    record one summary (``handbook_seed``, the demo). Returns the slugs created."""
    with (reference.DATA_DIR / "handbook.toml").open("rb") as handle:
        raw = tomllib.load(handle)
    existing = set(HandbookPage.objects.filter(province=None).values_list("slug", flat=True))
    created = []
    for position, item in enumerate(raw["pages"], start=1):
        if item["slug"] in existing:
            continue
        fields = {k: v for k, v in item.items() if k != "position"}
        data = PageData(position=item.get("position", position * 10), **fields)
        _check_page(data)
        page = HandbookPage(
            slug=data.slug,
            kind=data.kind,
            title=data.title.strip(),
            summary=data.summary.strip(),
            body=data.body.strip(),
            legal_basis=data.legal_basis.strip(),
            verification=data.verification,
            position=data.position,
        )
        page.search_text = _page_search(page)
        page.save()
        _save_version(page, actor=None, note=_("Nội dung ban đầu"))
        created.append(page.slug)
    return created


@transaction.atomic
def handbook_seed(*, actor: Any = None) -> int:
    """Create the national handbook pages shipped with the software; returns how many."""
    _require_bank_editor(actor, None)
    created = load_national_pages()
    if created:
        audit.record_bulk(
            actor=actor,
            action="training.handbook_loaded",
            object_type=HandbookPage._meta.label_lower,
            object_id="national",
            summary={"created": created},
        )
    return len(created)
