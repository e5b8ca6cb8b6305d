"""Classes, their sessions and their costs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from giamngheo.accounts.types import Actor
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.audit import services as audit
from giamngheo.lib import locking
from giamngheo.lib.text import search_key
from giamngheo.standards import available_standards
from giamngheo.training import reference
from giamngheo.training.errors import TrainingError
from giamngheo.training.models import (
    ClassLevel,
    ClassSession,
    CostItem,
    SessionPart,
    TrainingClass,
    TrainingPlan,
)
from giamngheo.training.services._shared import (
    area_unit,
    check_commune,
    require_change,
    require_decide,
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
        check_commune(plan.province, commune)
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
    actor: Actor,
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
    require_decide(actor, area_unit(plan.province, commune))
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
    actor: Actor,
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
    require_decide(actor, locked.area)
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
    actor: Actor,
    training_class: TrainingClass,
    date: dt.date,
    part: str,
    topic: str,
    title: str = "",
    trainer: str = "",
) -> ClassSession:
    require_decide(actor, training_class.area)
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
    actor: Actor,
    training_class: TrainingClass,
    item_type: str,
    quantity: int,
    unit_price: int,
    description: str = "",
) -> CostItem:
    require_change(actor, training_class.area)
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
def cost_delete(*, actor: Actor, item: CostItem) -> None:
    training_class = item.training_class
    require_change(actor, training_class.area)
    audit.record(
        actor=actor,
        action="training.cost_deleted",
        obj=item,
        before=audit.snapshot(item, ["training_class_id", "item_type", "quantity", "unit_price"]),
        area_of=training_class,
    )
    item.delete()
