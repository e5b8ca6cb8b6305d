"""Deliveries of the demo province: health-insurance cards for the heads of poor and near-poor
households of the demo communes (the state pays 100% of a poor household's premium, at least
70% of a near-poor one's: Law on Health Insurance Art. 12, ND 188/2025 Art. 6.6), and one or
two supports a year from the programme tree's projects for about two households in three.

Deterministic (``random.Random`` seeded with ``seed``; dates from ``today``, never after it).
Idempotent: the previous demo rows of the province (``source_ref`` "demo:…") are deleted first;
rows that users recorded are kept. Fast: ``bulk_create`` and ONE ``audit.record_bulk`` event
(an event per synthetic row would bury the real history, as in ``demo.loader``)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Final

from django.db import transaction
from django.db.models import QuerySet

from giamngheo.areas.models import AdministrativeUnit
from giamngheo.audit import services as audit
from giamngheo.lib import clock
from giamngheo.programmes import loader
from giamngheo.programmes.deliveries.models import HealthInsuranceCard
from giamngheo.programmes.deliveries.services import SOURCE_APP
from giamngheo.programmes.models import (
    FundingSource,
    Programme,
    ProgrammeKind,
    SupportKind,
    SupportRecord,
)
from giamngheo.registry.models import Household, Membership, Status

DEMO_PREFIX: Final = "demo:"
# The 2026 premium of a card: 4.5% of the base salary 2,340,000 đ × 12 months (ND 73/2024).
PREMIUM: Final = Decimal(1_263_600)
_SUPPORTS: Final = (
    (SupportKind.IN_KIND, "Bê giống", Decimal(1), "con", 12_000_000),
    (SupportKind.IN_KIND, "Phân bón", Decimal(200), "kg", 2_400_000),
    (SupportKind.CASH, "Hỗ trợ tiền mặt", None, "", 2_000_000),
    (SupportKind.SERVICE, "Chi phí học tập", Decimal(9), "tháng", 1_350_000),
    (SupportKind.TRAINING, "Lớp kỹ thuật chăn nuôi", Decimal(1), "khóa", 1_500_000),
)


def purge_deliveries_demo(*, province: AdministrativeUnit) -> dict[str, int]:
    records = SupportRecord.objects.filter(
        province=province, source_app=SOURCE_APP, source_ref__startswith=DEMO_PREFIX
    )
    cards = HealthInsuranceCard.objects.filter(support_record__in=records).delete()[0]
    return {"cards": cards, "records": records.delete()[0]}


def _day(rng: random.Random, year: int, today: dt.date) -> dt.date:
    start = dt.date(year, 1, 1)
    end = min(dt.date(year, 12, 31), today)
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _card_number(province: AdministrativeUnit, person_id: int) -> str:
    # 7919 is prime to 10^10: distinct people get distinct numbers.
    return f"HN4{province.code[-2:]:0>2}{person_id * 7919 % 10**10:010d}"


def _projects(nodes: Iterable[Programme]) -> list[Programme]:
    kinds = {ProgrammeKind.PROJECT, ProgrammeKind.SUBPROJECT, ProgrammeKind.CONTENT}
    return sorted((p for p in nodes if p.kind in kinds), key=lambda p: p.code)


@transaction.atomic
def load_deliveries_demo(
    *,
    province: AdministrativeUnit,
    households: QuerySet[Household],
    communes: Iterable[AdministrativeUnit],
    seed: int,
    today: dt.date | None = None,
) -> dict[str, Any]:
    today = today or clock.today()
    deleted = purge_deliveries_demo(province=province)
    if not Programme.objects.exists():
        # The programmes' own demo part loads the tree; load it here if it has not run.
        loader.load(actor=None)
    nodes = list(Programme.objects.filter(is_deleted=False))
    by_code = {p.code: p for p in nodes}
    any_card = next(
        (p for p in sorted(nodes, key=lambda p: p.code) if p.code.startswith("bhyt")), None
    )
    # The state pays a poor household's card under "bhyt-hn", a near-poor one's under "bhyt-hcn".
    insurance: dict[str, Programme | None] = {
        Status.POOR: by_code.get("bhyt-hn", any_card),
        Status.NEAR_POOR: by_code.get("bhyt-hcn", any_card),
    }
    projects = _projects(nodes)
    if any_card is None and not projects:
        return {"deleted": deleted, "records": 0, "cards": 0, "skipped": "no programmes"}
    rng = random.Random(f"{seed}-deliveries")  # noqa: S311 - synthetic demo data, not security
    chosen = list(
        households.filter(
            commune__in=list(communes), status__in=[Status.POOR, Status.NEAR_POOR]
        ).order_by("pk")
    )
    heads = dict(
        Membership.objects.filter(
            household__in=chosen, is_head=True, left_on__isnull=True
        ).values_list("household_id", "person_id")
    )
    records: list[SupportRecord] = []
    for household in chosen:
        area = {
            "province_id": household.province_id,
            "commune_id": household.commune_id,
            "village_id": household.village_id,
            "household": household,
            "source_app": SOURCE_APP,
        }
        card_programme = insurance.get(household.status)
        if card_programme is not None and household.pk in heads:
            poor = household.status == Status.POOR
            records.append(
                SupportRecord(
                    **area,
                    person_id=heads[household.pk],
                    programme=card_programme,
                    support_kind=SupportKind.INSURANCE,
                    description=f"Thẻ BHYT năm {today.year}",
                    quantity=Decimal(1),
                    unit="thẻ",
                    amount=PREMIUM if poor else (PREMIUM * Decimal("0.7")).quantize(Decimal(1)),
                    delivered_on=_day(rng, today.year, min(today, dt.date(today.year, 1, 31))),
                    funding_source=FundingSource.CENTRAL,
                    delivered_by="Bảo hiểm xã hội tỉnh",
                    source_ref=f"{DEMO_PREFIX}{household.pk}:card",
                )
            )
        for year in (today.year - 1, today.year):
            if rng.random() > 0.65:
                continue
            day = _day(rng, year, today)
            # Only a project in force on the day (the 2021-2025 programme ends with 2025).
            valid = [
                p
                for p in projects
                if p.valid_from <= day and (p.valid_to is None or day <= p.valid_to)
            ]
            if not valid:
                continue
            kind, what, quantity, unit, amount = rng.choice(_SUPPORTS)
            records.append(
                SupportRecord(
                    **area,
                    programme=rng.choice(valid),
                    support_kind=kind,
                    description=what,
                    quantity=quantity,
                    unit=unit,
                    amount=Decimal(amount),
                    delivered_on=day,
                    funding_source=rng.choice((FundingSource.CENTRAL, FundingSource.LOCAL)),
                    delivered_by="UBND xã",
                    decision_number=f"{rng.randint(10, 250)}/QĐ-UBND",
                    source_ref=f"{DEMO_PREFIX}{household.pk}:{year}",
                )
            )
    saved = SupportRecord.objects.bulk_create(records, batch_size=2000)
    cards: list[HealthInsuranceCard] = []
    for record in saved:
        person_id = record.person_id
        if person_id is None or not record.source_ref.endswith(":card"):
            continue
        cards.append(
            HealthInsuranceCard(
                support_record=record,
                household_id=record.household_id,
                person_id=person_id,
                province_id=record.province_id,
                commune_id=record.commune_id,
                village_id=record.village_id,
                card_number=_card_number(province, person_id),
                valid_from=dt.date(today.year, 1, 1),
                valid_to=dt.date(today.year, 12, 31),
                issued_by="Bảo hiểm xã hội tỉnh",
            )
        )
    HealthInsuranceCard.objects.bulk_create(cards, batch_size=2000)
    summary = {
        "records": len(saved),
        "cards": len(cards),
        "amount": str(sum((r.amount or Decimal(0) for r in saved), Decimal(0))),
        "deleted": deleted,
    }
    audit.record_bulk(
        actor=None,
        action="deliveries.demo_loaded",
        object_type="programmes.supportrecord",
        object_id=province.code,
        summary=summary,
        province_id=province.pk,
    )
    return summary
