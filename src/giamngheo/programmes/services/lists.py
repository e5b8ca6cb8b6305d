"""Beneficiary lists: generate from the rules, review, post, approve (then frozen).

Generation is one INSERT … SELECT over the registry (``eligibility.EligibilityQuery``), the
rules and their version copied into the list. Review adds households by hand or excludes them,
each with a reason. A programme that ``requires_posting`` is posted publicly (like the review
lists, Decision 24/2021/QĐ-TTg Art. 4) and approved only after the posting ends; the approval
(a decision number and date) freezes the list and its entries in the database.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.types import Actor, acting_user
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.audit import services as audit
from giamngheo.lib import clock, validators
from giamngheo.programmes import eligibility
from giamngheo.programmes.errors import ProgrammeError
from giamngheo.programmes.models import (
    BeneficiaryEntry,
    BeneficiaryList,
    EntrySource,
    ListState,
    Programme,
)
from giamngheo.registry.models import Household

LIST_FIELDS = ("programme_id", "area_id", "title", "period_start", "period_end", "state")


def _require_decide(actor: Actor, area: AdministrativeUnit) -> None:
    if actor is not None and not access.can_decide_in(actor, area):
        raise ProgrammeError(_("Bạn không có quyền lập, phê duyệt danh sách ở địa bàn này."))


def _require_change(actor: Actor, area: AdministrativeUnit) -> None:
    if actor is not None and not access.can_change_area(actor, area):
        raise ProgrammeError(_("Bạn không có quyền sửa danh sách ở địa bàn này."))


def _reason(text: str) -> str:
    with validators.reraise_as(ProgrammeError):
        cleaned = validators.clean_text(text, label=_("Lý do"), max_length=500)
    if not cleaned:
        raise ProgrammeError(_("Cần ghi lý do."))
    return cleaned


def _editable(blist: BeneficiaryList) -> BeneficiaryList:
    locked = BeneficiaryList.objects.select_for_update().select_related("area").get(pk=blist.pk)
    if locked.state == ListState.APPROVED:
        raise ProgrammeError(_("Danh sách đã được phê duyệt, không sửa được."))
    return locked


@transaction.atomic
def list_generate(
    *,
    actor: Actor,
    programme: Programme,
    area: AdministrativeUnit,
    period_start: dt.date,
    period_end: dt.date,
    reference_date: dt.date | None = None,
    title: str = "",
) -> BeneficiaryList:
    """Make a draft list of ``area`` for the period from the programme's current rules,
    evaluated on ``reference_date`` (the period's start by default)."""
    _require_decide(actor, area)
    if programme.is_deleted:
        raise ProgrammeError(_("Chương trình này đã bị xóa."))
    if period_end < period_start:
        raise ProgrammeError(_("Ngày kết thúc phải sau ngày bắt đầu."))
    if period_end < programme.valid_from or (
        programme.valid_to is not None and period_start > programme.valid_to
    ):
        raise ProgrammeError(_("Kỳ của danh sách nằm ngoài thời gian hiệu lực của chương trình."))
    rules = eligibility.parse(programme.eligibility)
    if rules is None:
        raise ProgrammeError(_("Chương trình này không có điều kiện thụ hưởng theo hộ."))
    on = reference_date or period_start
    with validators.reraise_as(ProgrammeError):
        title = (
            validators.clean_name(title, max_length=300)
            or (f"{programme.name} · {area.name} · {period_start:%d/%m/%Y}-{period_end:%d/%m/%Y}")[
                :300
            ]
        )
    ids = area.area_ids()
    blist = BeneficiaryList.objects.create(
        province_id=int(ids["province_id"] or 0),
        commune_id=ids.get("commune_id"),
        programme=programme,
        area=area,
        title=title,
        period_start=period_start,
        period_end=period_end,
        reference_date=on,
        rules=programme.eligibility,
        rule_version=programme.eligibility_version,
        created_by=acting_user(actor),
    )
    query = eligibility.query_for(rules, area, on)
    list_param = query.sql.p(blist.pk)
    with connection.cursor() as cursor:
        query.execute(cursor, query.insert_entries_sql(list_param))
        households = cursor.rowcount
    audit.record(
        actor=actor,
        action="programmes.list_generated",
        obj=blist,
        after=audit.snapshot(blist, LIST_FIELDS)
        | {"rule_version": blist.rule_version, "reference_date": on, "households": households},
    )
    return blist


@transaction.atomic
def entry_exclude(*, actor: Actor, entry: BeneficiaryEntry, reason: str) -> BeneficiaryEntry:
    """Take a household out of a list under review (kept, with the reason)."""
    blist = _editable(entry.beneficiary_list)
    _require_change(actor, entry.village)
    reason = _reason(reason)
    BeneficiaryEntry.objects.filter(pk=entry.pk).update(included=False, exclusion_reason=reason)
    entry.refresh_from_db()
    audit.record(
        actor=actor,
        action="programmes.list_entry_excluded",
        obj=entry,
        after={"list": blist.pk, "included": False},
        note=reason,
    )
    return entry


@transaction.atomic
def entry_restore(*, actor: Actor, entry: BeneficiaryEntry) -> BeneficiaryEntry:
    """Put an excluded household back (the log keeps why it was out)."""
    blist = _editable(entry.beneficiary_list)
    _require_change(actor, entry.village)
    BeneficiaryEntry.objects.filter(pk=entry.pk).update(included=True, exclusion_reason="")
    entry.refresh_from_db()
    audit.record(
        actor=actor,
        action="programmes.list_entry_restored",
        obj=entry,
        after={"list": blist.pk, "included": True},
    )
    return entry


@transaction.atomic
def entry_add(
    *, actor: Actor, beneficiary_list: BeneficiaryList, household: Household, reason: str
) -> BeneficiaryEntry:
    """Add a household the rules did not select (with the reason), from the list's area."""
    blist = _editable(beneficiary_list)
    _require_change(actor, household.village)
    reason = _reason(reason)
    area = blist.area
    inside = {
        Level.PROVINCE: household.province_id,
        Level.COMMUNE: household.commune_id,
        Level.VILLAGE: household.village_id,
    }[Level(area.level)] == area.pk
    if not inside:
        raise ProgrammeError(
            _("Hộ %(code)s không thuộc địa bàn của danh sách.") % {"code": household.code}
        )
    if blist.entries.filter(household=household).exists():
        raise ProgrammeError(_("Hộ %(code)s đã có trong danh sách.") % {"code": household.code})
    entry = BeneficiaryEntry.objects.create(
        beneficiary_list=blist,
        household=household,
        province_id=household.province_id,
        commune_id=household.commune_id,
        village_id=household.village_id,
        category=household.status or "manual",
        source=EntrySource.MANUAL,
        reason=reason,
        household_code=household.code,
        head_name=household.head_name,
        village_name=household.village.name,
        address=household.address,
        status=household.status,
        member_count=household.member_count,
        is_ethnic_minority=household.is_ethnic_minority,
    )
    audit.record(
        actor=actor,
        action="programmes.list_entry_added",
        obj=entry,
        after={"list": blist.pk, "household": household.pk},
        note=reason,
    )
    return entry


@transaction.atomic
def list_post(
    *, actor: Actor, beneficiary_list: BeneficiaryList, posted_on: dt.date, posted_until: dt.date
) -> BeneficiaryList:
    """Post the list publicly from ``posted_on`` to ``posted_until`` (both included)."""
    blist = _editable(beneficiary_list)
    _require_decide(actor, blist.area)
    if blist.state != ListState.DRAFT:
        raise ProgrammeError(_("Chỉ niêm yết được danh sách dự thảo."))
    with validators.reraise_as(ProgrammeError):
        validators.check_event_date(posted_on, label=_("Ngày niêm yết"), allow_future=True)
    if posted_until < posted_on:
        raise ProgrammeError(_("Ngày kết thúc niêm yết phải sau ngày niêm yết."))
    blist.state, blist.posted_on, blist.posted_until = ListState.POSTED, posted_on, posted_until
    blist.save(update_fields=["state", "posted_on", "posted_until", "updated_at"])
    audit.record(
        actor=actor,
        action="programmes.list_posted",
        obj=blist,
        after={"posted_on": posted_on, "posted_until": posted_until},
    )
    return blist


@transaction.atomic
def list_approve(
    *, actor: Actor, beneficiary_list: BeneficiaryList, approved_on: dt.date, decision_number: str
) -> BeneficiaryList:
    """Approve the list by a decision: from then on the database refuses any change to it."""
    blist = _editable(beneficiary_list)
    _require_decide(actor, blist.area)
    with validators.reraise_as(ProgrammeError):
        decision_number = validators.clean_name(
            decision_number, label=_("Số quyết định"), max_length=100
        )
    if not decision_number:
        raise ProgrammeError(_("Cần ghi số quyết định phê duyệt."))
    if approved_on > clock.today():
        raise ProgrammeError(_("Ngày phê duyệt không thể ở tương lai."))
    if blist.programme.requires_posting:
        if blist.state != ListState.POSTED or blist.posted_until is None:
            raise ProgrammeError(
                _("Chương trình này yêu cầu niêm yết danh sách trước khi phê duyệt.")
            )
        if approved_on <= blist.posted_until:
            raise ProgrammeError(
                _("Chỉ phê duyệt sau khi hết thời gian niêm yết (đến %(date)s).")
                % {"date": f"{blist.posted_until:%d/%m/%Y}"}
            )
    if not blist.entries.filter(included=True).exists():
        raise ProgrammeError(_("Danh sách không có hộ nào."))
    blist.state = ListState.APPROVED
    blist.approved_on, blist.decision_number = approved_on, decision_number
    blist.approved_by = acting_user(actor)
    blist.save(
        update_fields=["state", "approved_on", "decision_number", "approved_by", "updated_at"]
    )
    audit.record(
        actor=actor,
        action="programmes.list_approved",
        obj=blist,
        after={
            "approved_on": approved_on,
            "decision_number": decision_number,
            "households": blist.entries.filter(included=True).count(),
            "rule_version": blist.rule_version,
        },
    )
    return blist


@transaction.atomic
def list_export_record(*, actor: Actor, beneficiary_list: BeneficiaryList) -> None:
    """Note in the log that someone downloaded the list (it names households)."""
    audit.record(
        actor=actor,
        action="programmes.list_exported",
        obj=beneficiary_list,
        after={"entries": beneficiary_list.entries.count()},
    )
