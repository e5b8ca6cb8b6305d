"""The deliveries' writes: bulk entry from a list of households, health-insurance cards.

Support records themselves are written by ``programmes.services`` (the one writer of
``SupportRecord``); these services add what a delivery needs around them, in the same
transaction, audited, and refuse a household outside the actor's reach."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.types import Actor
from giamngheo.audit import services as audit
from giamngheo.lib import validators
from giamngheo.programmes import services as programme_services
from giamngheo.programmes.deliveries.errors import DeliveryError
from giamngheo.programmes.deliveries.models import CARD_NUMBER_PATTERN, HealthInsuranceCard
from giamngheo.programmes.models import Programme, SupportKind, SupportRecord
from giamngheo.registry.models import Household, Person

CARD_FIELDS = (
    "support_record_id",
    "person_id",
    "card_number",
    "valid_from",
    "valid_to",
    "issued_by",
)
SOURCE_APP = "deliveries"


@transaction.atomic
def deliveries_bulk_create(
    *,
    actor: Actor,
    programme: Programme,
    households: Sequence[Household],
    support_kind: str,
    delivered_on: dt.date,
    funding_source: str,
    description: str = "",
    quantity: Decimal | None = None,
    unit: str = "",
    amount: Decimal | None = None,
    delivered_by: str = "",
    decision_number: str = "",
) -> list[SupportRecord]:
    """One support record per household, the same support for each (a list handed out on one
    day): all or none. A household twice in the list is refused (it would be counted twice)."""
    if not households:
        raise DeliveryError(_("Chưa chọn hộ nào."))
    seen: set[int] = set()
    for household in households:
        if household.pk in seen:
            raise DeliveryError(
                _("Hộ %(code)s có hai lần trong danh sách.") % {"code": household.code}
            )
        seen.add(household.pk)
    records = [
        programme_services.SupportRecordInput(
            household=household,
            programme=programme,
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
        )
        for household in households
    ]
    return programme_services.support_records_create_many(
        actor=actor,
        records=records,
        note=_("Cấp phát theo danh sách: %(count)s hộ") % {"count": len(records)},
    )


def clean_card_number(value: str) -> str:
    """The card number as stored: upper case, no spaces or dashes."""
    number = re.sub(r"[\s\-.]", "", value or "").upper()
    if not re.fullmatch(CARD_NUMBER_PATTERN, number):
        raise DeliveryError(
            _(
                "Mã số thẻ BHYT “%(number)s” không đúng: 15 ký tự (2 chữ cái, 13 chữ số, "
                "ví dụ HN4010123456789) hoặc mã số BHXH 10 chữ số."
            )
            % {"number": value}
        )
    return number


@transaction.atomic
def health_insurance_card_create(
    *,
    actor: Actor,
    household: Household,
    person: Person,
    programme: Programme,
    card_number: str,
    valid_from: dt.date,
    valid_to: dt.date,
    delivered_on: dt.date,
    funding_source: str,
    amount: Decimal | None = None,
    issued_by: str = "",
    delivered_by: str = "",
    decision_number: str = "",
) -> HealthInsuranceCard:
    """A health-insurance card handed to a member: its support record (kind insurance, the
    premium paid for them as the amount) and the card, in one transaction."""
    if actor is not None and not access.can_change_area(actor, household.village):
        raise DeliveryError(
            _("Bạn không có quyền ghi khoản hỗ trợ cho hộ %(code)s.") % {"code": household.code}
        )
    number = clean_card_number(card_number)
    if valid_to < valid_from:
        raise DeliveryError(_("Ngày hết hạn thẻ phải sau ngày bắt đầu."))
    with validators.reraise_as(DeliveryError):
        issued = validators.clean_text(issued_by, max_length=200)
    record = programme_services.support_record_create(
        actor=actor,
        household=household,
        programme=programme,
        person=person,
        support_kind=SupportKind.INSURANCE,
        description=_("Thẻ BHYT từ %(start)s đến %(end)s")
        % {"start": valid_from.strftime("%d/%m/%Y"), "end": valid_to.strftime("%d/%m/%Y")},
        quantity=Decimal(1),
        unit=_("thẻ"),
        amount=amount,
        delivered_on=delivered_on,
        funding_source=funding_source,
        delivered_by=delivered_by,
        decision_number=decision_number,
        source_app=SOURCE_APP,
    )
    card = HealthInsuranceCard(
        support_record=record,
        household=household,
        person=person,
        province_id=household.province_id,
        commune_id=household.commune_id,
        village_id=household.village_id,
        card_number=number,
        valid_from=valid_from,
        valid_to=valid_to,
        issued_by=issued,
    )
    try:
        with transaction.atomic():
            card.save()
    except IntegrityError as exc:
        raise DeliveryError(_("Thẻ BHYT số này với cùng ngày bắt đầu đã được ghi.")) from exc
    audit.record(
        actor=actor,
        action="deliveries.health_insurance_card_recorded",
        obj=card,
        after=audit.snapshot(card, CARD_FIELDS),
    )
    return card
