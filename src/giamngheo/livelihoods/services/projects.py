"""Livelihood models and production-support projects: creation, participating households,
inputs delivered (each one a ``programmes.SupportRecord``), outcomes per household.

A project is approved by the commune (an official act: ``access.can_decide_in``); households,
inputs and outcomes are recorded by whoever may change the household's village.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.types import Actor
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.audit import services as audit
from giamngheo.livelihoods.errors import LivelihoodError
from giamngheo.livelihoods.models import (
    InputDelivery,
    LivelihoodModel,
    ModelType,
    Participation,
    SelfManagedGroup,
    SupportMode,
)
from giamngheo.livelihoods.services._shared import (
    check_commune,
    check_villages,
    free_text,
    past_date,
    require_change,
    require_decide,
    required_name,
)
from giamngheo.programmes import services as programmes
from giamngheo.programmes.models import Programme
from giamngheo.registry.models import Household, Status

MODEL_FIELDS = (
    "commune_id",
    "code",
    "name",
    "model_type",
    "mode",
    "programme_id",
    "budget_central",
    "budget_local",
    "budget_counterpart",
    "budget_credit",
    "start_date",
    "end_date",
    "group_id",
    "replicated_from_id",
)
OUTCOME_FIELDS = ("income_after", "status_after", "outcome_on", "outcome_note")
SOURCE_APP = "livelihoods.input"


def _money(value: Decimal, label: str) -> Decimal:
    if value < 0:
        raise LivelihoodError(_("%(label)s không được âm.") % {"label": label})
    if value != value.to_integral_value():
        raise LivelihoodError(_("%(label)s tính bằng đồng, không có phần lẻ.") % {"label": label})
    return value


@transaction.atomic
def model_create(
    *,
    actor: Actor,
    commune: AdministrativeUnit,
    code: str,
    name: str,
    model_type: str,
    mode: str,
    programme: Programme,
    start_date: dt.date,
    end_date: dt.date | None = None,
    villages: Sequence[AdministrativeUnit] = (),
    budget_central: Decimal = Decimal(0),
    budget_local: Decimal = Decimal(0),
    budget_counterpart: Decimal = Decimal(0),
    budget_credit: Decimal = Decimal(0),
    group: SelfManagedGroup | None = None,
    replicated_from: LivelihoodModel | None = None,
    description: str = "",
    is_demo: bool = False,
) -> LivelihoodModel:
    province_id = check_commune(commune)
    require_decide(actor, commune)
    chosen = check_villages(commune, villages)
    if model_type not in ModelType.values:
        raise LivelihoodError(_("Loại mô hình không hợp lệ."))
    if mode not in SupportMode.values:
        raise LivelihoodError(_("Phương thức hỗ trợ không hợp lệ."))
    if programme.is_deleted:
        raise LivelihoodError(_("Chương trình %(code)s đã bị xóa.") % {"code": programme.code})
    if end_date is not None and end_date < start_date:
        raise LivelihoodError(_("Ngày kết thúc không thể trước ngày bắt đầu."))
    if group is not None:
        # Also a trigger (migration 0002): a group carries out a project only once approved.
        if group.commune_id != commune.pk:
            raise LivelihoodError(_("Tổ nhóm thực hiện phải thuộc xã của mô hình."))
        if not SelfManagedGroup.objects.filter(pk=group.pk, approved_on__isnull=False).exists():
            raise LivelihoodError(
                _("Tổ nhóm %(code)s chưa được xã công nhận; chưa thể thực hiện dự án.")
                % {"code": group.code}
            )
    if mode == SupportMode.COMMUNITY and group is None:
        # ND 27/2022/NĐ-CP Art. 22.1: a community-proposed project has a certified proposer.
        raise LivelihoodError(_("Dự án do cộng đồng đề xuất phải có tổ nhóm thực hiện."))
    if replicated_from is not None and (
        replicated_from.province_id != commune.province_id
        or (actor is not None and not access.can_view_area(actor, replicated_from.commune))
    ):
        raise LivelihoodError(_("Không tìm thấy mô hình gốc để nhân rộng."))
    budgets = {
        "budget_central": _money(budget_central, _("Ngân sách trung ương")),
        "budget_local": _money(budget_local, _("Ngân sách địa phương")),
        "budget_counterpart": _money(budget_counterpart, _("Vốn đối ứng")),
        "budget_credit": _money(budget_credit, _("Vốn tín dụng")),
    }
    code = required_name(code, label=_("Mã mô hình"), max_length=30)
    if LivelihoodModel.objects.filter(province_id=commune.province_id, code=code).exists():
        raise LivelihoodError(_("Mã mô hình %(code)s đã có trong tỉnh.") % {"code": code})
    model = LivelihoodModel.objects.create(
        province_id=province_id,
        commune=commune,
        code=code,
        name=required_name(name, label=_("Tên mô hình"), max_length=300),
        model_type=model_type,
        mode=mode,
        programme=programme,
        start_date=start_date,
        end_date=end_date,
        group=group,
        replicated_from=replicated_from,
        description=free_text(description, label=_("Mô tả")),
        is_demo=is_demo,
        **budgets,
    )
    model.villages.set(chosen)
    after = audit.snapshot(model, MODEL_FIELDS)
    after["villages"] = sorted(v.pk for v in chosen)
    audit.record(actor=actor, action="livelihoods.model_created", obj=model, after=after)
    return model


@transaction.atomic
def participant_add(
    *,
    actor: Actor,
    model: LivelihoodModel,
    household: Household,
    joined_on: dt.date,
    income_before: Decimal,
) -> Participation:
    # The model's row lock serialises concurrent adds, so the duplicate check below holds.
    model = LivelihoodModel.objects.select_for_update().get(pk=model.pk)
    require_change(actor, household.village)
    if household.commune_id != model.commune_id:
        raise LivelihoodError(_("Hộ %(code)s không ở xã của mô hình.") % {"code": household.code})
    villages = set(model.villages.values_list("pk", flat=True))
    if villages and household.village_id not in villages:
        raise LivelihoodError(
            _("Hộ %(code)s không ở thôn thực hiện mô hình.") % {"code": household.code}
        )
    past_date(joined_on, _("Ngày tham gia"))
    if joined_on < model.start_date or (model.end_date and joined_on > model.end_date):
        raise LivelihoodError(_("Ngày tham gia phải trong thời gian thực hiện mô hình."))
    if Participation.objects.filter(model=model, household=household).exists():
        raise LivelihoodError(_("Hộ %(code)s đã tham gia mô hình.") % {"code": household.code})
    participation = Participation.objects.create(
        province_id=household.province_id,
        commune_id=household.commune_id,
        village_id=household.village_id,
        model=model,
        household=household,
        joined_on=joined_on,
        status_before=household.status,
        income_before=_money(income_before, _("Thu nhập trước")),
    )
    audit.record(
        actor=actor,
        action="livelihoods.participant_added",
        obj=participation,
        after=audit.snapshot(
            participation,
            ["model_id", "household_id", "joined_on", "status_before", "income_before"],
        ),
    )
    return participation


@transaction.atomic
def input_deliver(
    *,
    actor: Actor,
    participation: Participation,
    support_kind: str,
    description: str,
    delivered_on: dt.date,
    funding_source: str,
    quantity: Decimal | None = None,
    unit: str = "",
    amount: Decimal | None = None,
    delivered_by: str = "",
    decision_number: str = "",
) -> InputDelivery:
    """Deliver inputs (seedlings, breeding stock, materials, services) to a participating
    household: the support is written through ``programmes.services.support_record_create``
    under the model's programme node, so that every support is in one table."""
    locked = (
        Participation.objects.select_for_update()
        .select_related("model", "household")
        .get(pk=participation.pk)
    )
    require_change(actor, locked.household.village)
    if delivered_on < locked.joined_on:
        raise LivelihoodError(_("Ngày cấp không thể trước ngày hộ tham gia mô hình."))
    if not description.strip():
        raise LivelihoodError(_("Hãy ghi nội dung vật tư, giống đã cấp."))
    sequence = locked.inputs.count() + 1
    record = programmes.support_record_create(
        actor=actor,
        household=locked.household,
        programme=locked.model.programme,
        support_kind=support_kind,
        delivered_on=delivered_on,
        funding_source=funding_source,
        description=description,
        quantity=quantity,
        unit=unit,
        amount=amount,
        delivered_by=delivered_by,
        decision_number=decision_number,
        source_app=SOURCE_APP,
        source_ref=f"{locked.pk}:{sequence}",
        note=str(locked.model),
    )
    delivery = InputDelivery.objects.create(
        province_id=locked.province_id,
        commune_id=locked.commune_id,
        village_id=locked.village_id,
        participation=locked,
        support_record=record,
    )
    audit.record(
        actor=actor,
        action="livelihoods.input_delivered",
        obj=delivery,
        after=audit.snapshot(delivery, ["participation_id", "support_record_id"]),
    )
    return delivery


@transaction.atomic
def outcome_record(
    *,
    actor: Actor,
    participation: Participation,
    outcome_on: dt.date,
    income_after: Decimal,
    status_after: str,
    note: str = "",
) -> Participation:
    """The household's outcome (income and status after); recording again replaces it, the
    audit log keeps the earlier one."""
    locked = (
        Participation.objects.select_for_update()
        .select_related("household")
        .get(pk=participation.pk)
    )
    require_change(actor, locked.household.village)
    past_date(outcome_on, _("Ngày đánh giá"))
    if outcome_on < locked.joined_on:
        raise LivelihoodError(_("Ngày đánh giá không thể trước ngày hộ tham gia mô hình."))
    if status_after not in Status.values or status_after == Status.UNKNOWN:
        raise LivelihoodError(_("Hãy chọn tình trạng của hộ sau khi tham gia."))
    before = audit.snapshot(locked, OUTCOME_FIELDS)
    locked.income_after = _money(income_after, _("Thu nhập sau"))
    locked.status_after = status_after
    locked.outcome_on = outcome_on
    locked.outcome_note = free_text(note, label=_("Ghi chú"))
    locked.save(update_fields=list(OUTCOME_FIELDS))
    audit.record(
        actor=actor,
        action="livelihoods.outcome_recorded",
        obj=locked,
        before=before,
        after=audit.snapshot(locked, OUTCOME_FIELDS),
    )
    return locked
