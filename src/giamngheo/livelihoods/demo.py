"""The livelihoods part of the demo province: a self-managed group approved by the commune of
``xa1``, the livestock model it carries out there (with inputs and outcomes), and a replica of
that model in the commune of ``xa2`` (households joined, no outcome yet).

Deterministic from ``seed`` and ``today``; idempotent (the previous demo rows of the province,
``is_demo``, are deleted first). Rows are written in bulk with ONE ``audit.record_bulk``; the
inputs are supports, so they go through ``programmes.services.support_records_create_many``
(the one writer of ``SupportRecord``), which audits each.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When

from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.audit import services as audit
from giamngheo.lib import clock
from giamngheo.livelihoods.models import (
    GroupMeeting,
    GroupMember,
    InputDelivery,
    LivelihoodModel,
    Participation,
    SelfManagedGroup,
)
from giamngheo.livelihoods.services.projects import SOURCE_APP
from giamngheo.programmes import services as programmes
from giamngheo.programmes.models import Programme, SupportRecord
from giamngheo.registry.models import Household, Status
from giamngheo.workforce.models import Worker

# The programme node the demo models sit under: project 2 (livelihood models) of the 2021-2025
# programme, else any project node a province has.
PROGRAMME_CODES = ("ctmtqg-gnbv-2021.da2", "ctmtqg-gnbv-2021.da3")
MEMBERS = 8
REPLICA_HOUSEHOLDS = 5
HEIFER = Decimal(15_000_000)  # a breeding heifer, a common DA2 input


@dataclass
class LivelihoodsDemoReport:
    groups: int = 0
    models: int = 0
    participants: int = 0
    inputs: int = 0
    outcomes: int = 0
    skipped: str = ""
    deleted: dict[str, int] = field(default_factory=dict)


def _rng(seed: int, stage: str) -> random.Random:
    return random.Random(f"{seed}:livelihoods:{stage}")  # noqa: S311 - synthetic demo data


def purge_livelihoods_demo(*, province: AdministrativeUnit) -> dict[str, int]:
    """Delete the demo groups and models of the province with everything under them (and the
    support records of their inputs); rows users made are kept."""
    models = LivelihoodModel.objects.filter(province=province, is_demo=True)
    deliveries = InputDelivery.objects.filter(participation__model__in=models)
    record_ids = list(deliveries.values_list("support_record_id", flat=True))
    deleted = {"inputs": deliveries.delete()[0]}
    SupportRecord.objects.filter(pk__in=record_ids).delete()
    deleted["participants"] = Participation.objects.filter(model__in=models).delete()[0]
    # Counted before: ``delete()`` also counts the rows of the villages' link table.
    deleted["models"] = models.count()
    # Replicas first: a model's origin is protected while a replica points at it.
    models.filter(replicated_from__isnull=False).delete()
    models.delete()
    deleted["groups"] = SelfManagedGroup.objects.filter(province=province, is_demo=True).count()
    SelfManagedGroup.objects.filter(province=province, is_demo=True).delete()
    return deleted


def _programme() -> Programme | None:
    for code in PROGRAMME_CODES:
        found = Programme.objects.filter(code=code, is_deleted=False).first()
        if found is not None:
            return found
    return Programme.objects.filter(is_deleted=False, kind="project").order_by("code").first()


def _poorest(
    households: QuerySet[Household], commune: AdministrativeUnit, count: int
) -> list[Household]:
    """Up to ``count`` households of the commune for a model: poor first, then near-poor, then
    those of average living standard (recently out of poverty: also DA2 beneficiaries), by
    village and code. A small demo has few poor households per commune, so villages mix."""
    rank = Case(
        When(status=Status.POOR, then=Value(0)),
        When(status=Status.NEAR_POOR, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return list(
        households.filter(
            commune=commune, status__in=[Status.POOR, Status.NEAR_POOR, Status.AVERAGE]
        )
        .select_related("village")
        .annotate(rank=rank)
        .order_by("rank", "village__name", "code")[:count]
    )


def _income(rng: random.Random, status: str) -> Decimal:
    low, high = (700_000, 1_400_000) if status == Status.POOR else (1_300_000, 1_900_000)
    return Decimal(rng.randrange(low, high, 10_000))


def _participations(
    model: LivelihoodModel, households: list[Household], joined: dt.date, rng: random.Random
) -> list[Participation]:
    return Participation.objects.bulk_create(
        Participation(
            province_id=h.province_id,
            commune_id=h.commune_id,
            village_id=h.village_id,
            model=model,
            household=h,
            joined_on=joined,
            status_before=h.status,
            income_before=_income(rng, h.status),
        )
        for h in households
    )


def _deliver(parts: list[Participation], programme: Programme, day: dt.date) -> int:
    records = programmes.support_records_create_many(
        actor=None,
        records=[
            programmes.SupportRecordInput(
                household=p.household,
                programme=programme,
                support_kind="in_kind",
                delivered_on=day,
                funding_source="central",
                description="Bò cái giống lai Sind",
                quantity=Decimal(1),
                unit="con",
                amount=HEIFER,
                delivered_by="UBND xã",
                source_app=SOURCE_APP,
                source_ref=f"{p.pk}:1",
            )
            for p in parts
        ],
        note="Dữ liệu trình diễn",
    )
    InputDelivery.objects.bulk_create(
        InputDelivery(
            province_id=p.province_id,
            commune_id=p.commune_id,
            village_id=p.village_id,
            participation=p,
            support_record=record,
        )
        for p, record in zip(parts, records, strict=True)
    )
    return len(records)


def _outcomes(parts: list[Participation], day: dt.date, rng: random.Random) -> int:
    for p in parts:
        # Rounded to ten thousand đồng, as incomes are declared.
        grown = p.income_before * Decimal(rng.uniform(1.15, 1.9)) / 10_000
        p.income_after = grown.quantize(Decimal(1)) * 10_000
        # Monthly income per person against the 2022-2025 lines (rural: poor ≤ 1.5 M,
        # near-poor ≤ 2.0 M; ND 07/2021), the income dimension only: a demo approximation.
        p.status_after = (
            Status.POOR
            if p.income_after <= 1_500_000
            else Status.NEAR_POOR
            if p.income_after <= 2_000_000
            else Status.NOT_POOR
        )
        p.outcome_on = day
    Participation.objects.bulk_update(parts, ["income_after", "status_after", "outcome_on"])
    return len(parts)


@transaction.atomic
def load_livelihoods_demo(
    *,
    province: AdministrativeUnit,
    communes: tuple[AdministrativeUnit, AdministrativeUnit],
    households: QuerySet[Household],
    seed: int,
    today: dt.date | None = None,
) -> LivelihoodsDemoReport:
    if province.level != Level.PROVINCE:
        raise ValueError("province expected")
    today = today or clock.today()
    report = LivelihoodsDemoReport(deleted=purge_livelihoods_demo(province=province))
    programme = _programme()
    members = _poorest(households, communes[0], MEMBERS)
    replica_households = _poorest(households, communes[1], REPLICA_HOUSEHOLDS)
    if programme is None or len(members) < 2:
        report.skipped = "no programme node or too few poor households"
        return report
    rng = _rng(seed, "incomes")
    villages = sorted({h.village for h in members}, key=lambda unit: unit.name)
    founded = today - dt.timedelta(days=330)
    approved = founded + dt.timedelta(days=21)
    collaborator = (
        Worker.objects.filter(commune=communes[0], role="collaborator").order_by("code").first()
    )
    group = SelfManagedGroup.objects.create(
        province=province,
        commune=communes[0],
        code="DEMO-TN01",
        name=f"Tổ hợp tác chăn nuôi bò sinh sản {villages[0].name}",
        representative_kind="mass_organisation",
        representative_name="Hội Nông dân xã",
        leader_name=members[0].head_name,
        rules=(
            "Điều 1. Tổ gồm các hộ tự nguyện tham gia, cam kết đóng góp công lao động và "
            "chuồng trại (vốn đối ứng).\n"
            "Điều 2. Bê cái đầu tiên của mỗi bò giống được chuyển cho hộ kế tiếp (quay vòng).\n"
            "Điều 3. Tổ họp mỗi quý; biên bản gửi UBND xã."
        ),
        rules_adopted_on=founded + dt.timedelta(days=7),
        founded_on=founded,
        approved_on=approved,
        approval_decision=f"{rng.randrange(20, 120)}/QĐ-UBND",
        collaborator=collaborator,
        is_demo=True,
    )
    group.villages.set(villages)
    GroupMember.objects.bulk_create(
        GroupMember(
            province_id=h.province_id,
            commune_id=h.commune_id,
            village_id=h.village_id,
            group=group,
            household=h,
            joined_on=founded,
            is_leader=index == 0,
        )
        for index, h in enumerate(members)
    )
    GroupMeeting.objects.bulk_create(
        GroupMeeting(
            province=province,
            commune=communes[0],
            group=group,
            held_on=day,
            attendance=attendance,
            minutes=minutes,
        )
        for day, attendance, minutes in (
            (founded, len(members), "Họp thành lập tổ, bầu tổ trưởng, thảo luận quy chế."),
            (
                approved + dt.timedelta(days=40),
                len(members) - 1,
                "Nhận bò giống, phân công trồng cỏ và làm chuồng.",
            ),
            (today - dt.timedelta(days=20), len(members) - 2, "Đánh giá kết quả, chọn hộ nhận bê."),
        )
    )
    start = approved + dt.timedelta(days=30)
    model = LivelihoodModel.objects.create(
        province=province,
        commune=communes[0],
        code="DEMO-MH01",
        name="Mô hình chăn nuôi bò sinh sản",
        model_type="livestock",
        mode="community",
        programme=programme,
        budget_central=HEIFER * len(members),
        budget_local=Decimal(20_000_000),
        budget_counterpart=Decimal(5_000_000) * len(members),
        start_date=start,
        group=group,
        description="Dự án hỗ trợ phát triển sản xuất do cộng đồng đề xuất (Điều 22 NĐ 27/2022).",
        is_demo=True,
    )
    model.villages.set(villages)
    parts = _participations(model, members, start, rng)
    report.inputs = _deliver(parts, programme, start + dt.timedelta(days=10))
    report.outcomes = _outcomes(parts[:-2], today - dt.timedelta(days=15), rng)
    report.groups, report.models, report.participants = 1, 1, len(parts)
    if replica_households:
        replica = LivelihoodModel.objects.create(
            province=province,
            commune=communes[1],
            code="DEMO-MH02",
            name="Nhân rộng mô hình chăn nuôi bò sinh sản",
            model_type="livestock",
            mode="value_chain",
            programme=programme,
            budget_central=HEIFER * len(replica_households),
            budget_credit=Decimal(50_000_000),
            start_date=today - dt.timedelta(days=60),
            replicated_from=model,
            description="Liên kết với hợp tác xã bao tiêu bê (Điều 21 NĐ 27/2022).",
            is_demo=True,
        )
        replica.villages.set({h.village for h in replica_households})
        report.participants += len(
            _participations(replica, replica_households, replica.start_date, rng)
        )
        report.models += 1
    audit.record_bulk(
        actor=None,
        action="livelihoods.demo_loaded",
        object_type=LivelihoodModel._meta.label_lower,
        object_id=province.code,
        summary={
            "groups": report.groups,
            "models": report.models,
            "participants": report.participants,
            "inputs": report.inputs,
            "outcomes": report.outcomes,
        },
        province_id=province.pk,
    )
    return report
