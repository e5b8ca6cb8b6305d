"""Self-managed household groups: set up, members, approval of their rules by the commune,
meetings.

ND 27/2022/NĐ-CP Art. 22.1: a community proposing a production project is a household group
certified by the commune (or a cooperative group, or a group represented by a mass organisation,
the village board or a prestigious person). The approval is an official act of the commune
(``access.can_decide_in``); setting up a group and recording its members and meetings is the
work of officers and collaborators (``access.can_change_area``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts.types import Actor, acting_user
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.audit import services as audit
from giamngheo.livelihoods.errors import LivelihoodError
from giamngheo.livelihoods.models import (
    GroupMeeting,
    GroupMember,
    RepresentativeKind,
    SelfManagedGroup,
)
from giamngheo.livelihoods.services._shared import (
    check_commune,
    check_villages,
    free_text,
    past_date,
    require_change,
    require_change_in,
    require_decide,
    required_name,
    unique_code,
)
from giamngheo.registry.models import Household
from giamngheo.workforce.models import Worker

GROUP_FIELDS = (
    "commune_id",
    "code",
    "name",
    "representative_kind",
    "representative_name",
    "leader_name",
    "rules",
    "rules_adopted_on",
    "founded_on",
    "collaborator_id",
)
APPROVAL_FIELDS = ("approved_on", "approval_decision", "approved_by_id")


@transaction.atomic
def group_create(
    *,
    actor: Actor,
    commune: AdministrativeUnit,
    code: str,
    name: str,
    representative_kind: str,
    representative_name: str,
    rules: str,
    founded_on: dt.date,
    rules_adopted_on: dt.date,
    villages: Sequence[AdministrativeUnit] = (),
    leader_name: str = "",
    collaborator: Worker | None = None,
    is_demo: bool = False,
) -> SelfManagedGroup:
    province_id = check_commune(commune)
    chosen = check_villages(commune, villages)
    require_change_in(actor, commune, chosen)
    if representative_kind not in RepresentativeKind.values:
        raise LivelihoodError(_("Hình thức đại diện không hợp lệ."))
    past_date(founded_on, _("Ngày thành lập"))
    past_date(rules_adopted_on, _("Ngày thông qua quy chế"))
    if rules_adopted_on < founded_on:
        raise LivelihoodError(_("Quy chế không thể thông qua trước ngày thành lập tổ."))
    if collaborator is not None and collaborator.province_id != commune.province_id:
        raise LivelihoodError(_("Cộng tác viên không thuộc tỉnh của xã này."))
    code = required_name(code, label=_("Mã tổ nhóm"), max_length=30)
    taken = _("Mã tổ nhóm %(code)s đã có trong tỉnh.") % {"code": code}
    if SelfManagedGroup.objects.filter(province_id=province_id, code=code).exists():
        raise LivelihoodError(taken)
    rules = free_text(rules, label=_("Quy chế"))
    if not rules:
        raise LivelihoodError(_("Tổ nhóm phải có quy chế hoạt động."))
    with unique_code("livelihood_group_code", taken):
        group = SelfManagedGroup.objects.create(
            province_id=province_id,
            commune=commune,
            code=code,
            name=required_name(name, label=_("Tên tổ nhóm"), max_length=200),
            representative_kind=representative_kind,
            representative_name=required_name(
                representative_name, label=_("Tổ chức, người đại diện"), max_length=200
            ),
            leader_name=free_text(leader_name, label=_("Tổ trưởng"), max_length=200),
            rules=rules,
            rules_adopted_on=rules_adopted_on,
            founded_on=founded_on,
            collaborator=collaborator,
            is_demo=is_demo,
        )
    group.villages.set(chosen)
    after = audit.snapshot(group, GROUP_FIELDS)
    after["villages"] = sorted(v.pk for v in chosen)
    audit.record(actor=actor, action="livelihoods.group_created", obj=group, after=after)
    return group


@transaction.atomic
def group_member_add(
    *,
    actor: Actor,
    group: SelfManagedGroup,
    household: Household,
    joined_on: dt.date,
    is_leader: bool = False,
) -> GroupMember:
    locked = SelfManagedGroup.objects.select_for_update().get(pk=group.pk)
    require_change(actor, household.village)
    if household.commune_id != locked.commune_id:
        raise LivelihoodError(_("Hộ %(code)s không ở xã của tổ nhóm.") % {"code": household.code})
    past_date(joined_on, _("Ngày tham gia"))
    if joined_on < locked.founded_on:
        raise LivelihoodError(_("Ngày tham gia không thể trước ngày thành lập tổ."))
    if locked.members.filter(household=household).exists():
        raise LivelihoodError(_("Hộ %(code)s đã là thành viên tổ.") % {"code": household.code})
    if is_leader and locked.members.filter(is_leader=True).exists():
        raise LivelihoodError(_("Tổ đã có tổ trưởng."))
    member = GroupMember.objects.create(
        province_id=household.province_id,
        commune_id=household.commune_id,
        village_id=household.village_id,
        group=locked,
        household=household,
        joined_on=joined_on,
        is_leader=is_leader,
    )
    audit.record(
        actor=actor,
        action="livelihoods.group_member_added",
        obj=member,
        after=audit.snapshot(member, ["group_id", "household_id", "joined_on", "is_leader"]),
    )
    return member


@transaction.atomic
def group_approve(
    *,
    actor: Actor,
    group: SelfManagedGroup,
    approved_on: dt.date,
    decision_number: str,
) -> SelfManagedGroup:
    """The commune approves the group's rules (and so certifies the group, Art. 22.1)."""
    locked = SelfManagedGroup.objects.select_for_update().get(pk=group.pk)
    require_decide(actor, locked.commune)
    if locked.approved_on is not None:
        raise LivelihoodError(
            _("Tổ nhóm đã được công nhận ngày %(day)s.") % {"day": f"{locked.approved_on:%d/%m/%Y}"}
        )
    past_date(approved_on, _("Ngày công nhận"))
    if approved_on < locked.rules_adopted_on:
        raise LivelihoodError(_("Xã không thể công nhận trước ngày tổ thông qua quy chế."))
    decision = required_name(decision_number, label=_("Số quyết định"), max_length=100)
    if not locked.members.exists():
        raise LivelihoodError(_("Tổ nhóm chưa có hộ thành viên; chưa thể công nhận."))
    before = audit.snapshot(locked, APPROVAL_FIELDS)
    locked.approved_on = approved_on
    locked.approval_decision = decision
    locked.approved_by = acting_user(actor)
    locked.save(update_fields=["approved_on", "approval_decision", "approved_by"])
    audit.record(
        actor=actor,
        action="livelihoods.group_approved",
        obj=locked,
        before=before,
        after=audit.snapshot(locked, APPROVAL_FIELDS),
    )
    return locked


@transaction.atomic
def group_meeting_record(
    *,
    actor: Actor,
    group: SelfManagedGroup,
    held_on: dt.date,
    attendance: int,
    minutes: str,
) -> GroupMeeting:
    locked = SelfManagedGroup.objects.select_for_update().get(pk=group.pk)
    require_change_in(actor, locked.commune, locked.villages.all())
    past_date(held_on, _("Ngày họp"))
    if held_on < locked.founded_on:
        raise LivelihoodError(_("Ngày họp không thể trước ngày thành lập tổ."))
    members = locked.members.filter(joined_on__lte=held_on).count()
    if attendance < 0 or attendance > members:
        raise LivelihoodError(
            _("Số hộ dự họp phải từ 0 đến %(count)d (số hộ thành viên ngày họp).")
            % {"count": members}
        )
    minutes = free_text(minutes, label=_("Biên bản"))
    if not minutes:
        raise LivelihoodError(_("Hãy ghi nội dung biên bản cuộc họp."))
    meeting = GroupMeeting.objects.create(
        province_id=locked.province_id,
        commune_id=locked.commune_id,
        group=locked,
        held_on=held_on,
        attendance=attendance,
        minutes=minutes,
    )
    audit.record(
        actor=actor,
        action="livelihoods.group_meeting_recorded",
        obj=meeting,
        after=audit.snapshot(meeting, ["group_id", "held_on", "attendance"]),
    )
    return meeting
