"""Support records: what a household or one of its members received.

The one writer of ``SupportRecord``: deliveries, credit and livelihoods call these services when
they hand out, disburse or deliver, so that the household page, totals and graduation see every
support in one table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.types import Actor, acting_user
from giamngheo.audit import services as audit
from giamngheo.lib import clock, validators
from giamngheo.programmes.errors import ProgrammeError
from giamngheo.programmes.models import FundingSource, Programme, SupportKind, SupportRecord
from giamngheo.registry.models import Household, Membership, Person

SUPPORT_FIELDS = (
    "household_id",
    "person_id",
    "programme_id",
    "support_kind",
    "description",
    "quantity",
    "unit",
    "amount",
    "delivered_on",
    "funding_source",
    "delivered_by",
    "decision_number",
    "source_app",
    "source_ref",
)


@dataclass(frozen=True)
class SupportRecordInput:
    """One support to record (the arguments of ``support_record_create``)."""

    household: Household
    programme: Programme
    support_kind: str
    delivered_on: dt.date
    funding_source: str
    person: Person | None = None
    description: str = ""
    quantity: Decimal | None = None
    unit: str = ""
    amount: Decimal | None = None
    delivered_by: str = ""
    decision_number: str = ""
    source_app: str = ""
    source_ref: str = ""


def _require_change(actor: Actor, household: Household) -> None:
    if actor is not None and not access.can_change_area(actor, household.village):
        raise ProgrammeError(
            _("Bạn không có quyền ghi khoản hỗ trợ cho hộ %(code)s.") % {"code": household.code}
        )


def _build(actor: Actor, given: SupportRecordInput, members: set[tuple[int, int]]) -> SupportRecord:
    household, programme = given.household, given.programme
    _require_change(actor, household)
    if programme.is_deleted:
        raise ProgrammeError(_("Chương trình %(code)s đã bị xóa.") % {"code": programme.code})
    if given.support_kind not in SupportKind.values:
        raise ProgrammeError(_("Hình thức hỗ trợ không hợp lệ."))
    if given.funding_source not in FundingSource.values:
        raise ProgrammeError(_("Nguồn vốn không hợp lệ."))
    if given.delivered_on > clock.today():
        raise ProgrammeError(_("Ngày hỗ trợ không thể ở tương lai."))
    if given.delivered_on < validators.EARLIEST_DATE:
        raise ProgrammeError(_("Ngày hỗ trợ không hợp lệ."))
    for label, value in ((_("Số tiền"), given.amount), (_("Số lượng"), given.quantity)):
        if value is not None and value < 0:
            raise ProgrammeError(_("%(label)s không được âm.") % {"label": label})
    if given.person is not None and (given.person.pk, household.pk) not in members:
        raise ProgrammeError(
            _("%(name)s không phải thành viên của hộ %(code)s.")
            % {"name": given.person.full_name, "code": household.code}
        )
    with validators.reraise_as(ProgrammeError):
        texts = {
            "description": validators.clean_text(given.description, max_length=500),
            "unit": validators.clean_text(given.unit, max_length=40),
            "delivered_by": validators.clean_text(given.delivered_by, max_length=200),
            "decision_number": validators.clean_text(given.decision_number, max_length=100),
            "source_app": validators.clean_text(given.source_app, max_length=40),
            "source_ref": validators.clean_text(given.source_ref, max_length=100),
        }
    return SupportRecord(
        province_id=household.province_id,
        commune_id=household.commune_id,
        village_id=household.village_id,
        household=household,
        person=given.person,
        programme=programme,
        support_kind=given.support_kind,
        quantity=given.quantity,
        amount=given.amount,
        delivered_on=given.delivered_on,
        funding_source=given.funding_source,
        created_by=acting_user(actor),
        **texts,
    )


def _memberships(given: Sequence[SupportRecordInput]) -> set[tuple[int, int]]:
    """(person, household) pairs of every membership, past or present: a support received
    before a member left stays theirs."""
    person_ids = {g.person.pk for g in given if g.person is not None}
    if not person_ids:
        return set()
    return set(
        Membership.objects.filter(person_id__in=person_ids).values_list("person_id", "household_id")
    )


def _save_all(records: list[SupportRecord]) -> list[SupportRecord]:
    try:
        with transaction.atomic():
            return SupportRecord.objects.bulk_create(records, batch_size=2000)
    except IntegrityError as exc:
        raise ProgrammeError(
            _("Bản ghi nguồn này đã có khoản hỗ trợ (không ghi hai lần).")
        ) from exc


@transaction.atomic
def support_records_create_many(
    *, actor: Actor, records: Sequence[SupportRecordInput], note: str = ""
) -> list[SupportRecord]:
    """Record many supports at once (a list handed out, an import): all or none, one
    ``programmes.support_recorded`` audit event each. Refuses any household outside the
    actor's reach, a future date, a negative amount, a person who never lived in the household,
    and a second record for the same ``source_app`` + ``source_ref``."""
    members = _memberships(records)
    built = [_build(actor, given, members) for given in records]
    saved = _save_all(built)
    audit.record_many(
        actor=actor,
        action="programmes.support_recorded",
        changes=[audit.Change(obj=r, after=audit.snapshot(r, SUPPORT_FIELDS)) for r in saved],
        note=note,
    )
    return saved


def support_record_create(
    *,
    actor: Actor,
    household: Household,
    programme: Programme,
    support_kind: str,
    delivered_on: dt.date,
    funding_source: str,
    person: Person | None = None,
    description: str = "",
    quantity: Decimal | None = None,
    unit: str = "",
    amount: Decimal | None = None,
    delivered_by: str = "",
    decision_number: str = "",
    source_app: str = "",
    source_ref: str = "",
    note: str = "",
) -> SupportRecord:
    """Record one support (see ``support_records_create_many``)."""
    given = SupportRecordInput(
        household=household,
        programme=programme,
        support_kind=support_kind,
        delivered_on=delivered_on,
        funding_source=funding_source,
        person=person,
        description=description,
        quantity=quantity,
        unit=unit,
        amount=amount,
        delivered_by=delivered_by,
        decision_number=decision_number,
        source_app=source_app,
        source_ref=source_ref,
    )
    return support_records_create_many(actor=actor, records=[given], note=note)[0]
