"""Scoped reads of the livelihoods app, and the outcome summary of a model.

Models and groups are commune rows that also name the villages they run in: a collaborator
granted a village sees those run there (``villages`` stands for the village column in
``access.scoped``). Participations, inputs and members are household rows (village-scoped).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.livelihoods.models import (
    GroupMeeting,
    GroupMember,
    InputDelivery,
    LivelihoodModel,
    Participation,
    SelfManagedGroup,
)
from giamngheo.registry.models import Household, Status

# The order of statuses, worst first: an outcome below the status a household joined with is
# a fall back, one from poor or near-poor to average or not poor is an escape.
RANK = {Status.POOR: 0, Status.NEAR_POOR: 1, Status.AVERAGE: 2, Status.NOT_POOR: 3}


def models_for(
    user: Viewer, *, query: str = "", model_type: str = "", mode: str = ""
) -> QuerySet[LivelihoodModel]:
    found = access.scoped(LivelihoodModel.objects.all(), user, village="villages")
    if model_type:
        found = found.filter(model_type=model_type)
    if mode:
        found = found.filter(mode=mode)
    if query:
        found = found.filter(Q(code__icontains=query) | Q(name__icontains=query))
    ids = found.values("pk")
    return (
        LivelihoodModel.objects.filter(pk__in=ids)
        .select_related("commune", "programme", "group", "replicated_from")
        .annotate(
            participant_count=Count("participations", distinct=True),
            replica_count=Count("replicas", distinct=True),
        )
        .order_by("-start_date", "code")
    )


def model_for(user: Viewer, pk: int) -> LivelihoodModel:
    return access.get_visible_or_404(
        LivelihoodModel.objects.select_related(
            "province", "commune", "programme", "group", "replicated_from"
        ).distinct(),
        user,
        {"village": "villages"},
        pk=pk,
    )


def replicas_of(user: Viewer, model: LivelihoodModel) -> QuerySet[LivelihoodModel]:
    return models_for(user).filter(replicated_from=model)


def participations_of(user: Viewer, model: LivelihoodModel) -> QuerySet[Participation]:
    return (
        access.scoped(Participation.objects.filter(model=model), user)
        .select_related("household", "village")
        .annotate(input_count=Count("inputs"), input_amount=Sum("inputs__support_record__amount"))
        .order_by("village__name", "household__code")
    )


def participation_for(user: Viewer, model: LivelihoodModel, pk: int) -> Participation:
    return access.get_visible_or_404(
        Participation.objects.select_related("household", "household__village", "model"),
        user,
        pk=pk,
        model=model,
    )


def inputs_of(user: Viewer, model: LivelihoodModel) -> QuerySet[InputDelivery]:
    return (
        access.scoped(InputDelivery.objects.filter(participation__model=model), user)
        .select_related("participation__household", "support_record")
        .order_by("-support_record__delivered_on", "-id")
    )


@dataclass(frozen=True)
class OutcomeSummary:
    participants: int
    with_outcome: int
    income_before_avg: Decimal | None
    income_after_avg: Decimal | None
    income_rose: int
    escaped: int
    left_poverty: int
    fell_back: int
    inputs_amount: Decimal

    @property
    def income_change_avg(self) -> Decimal | None:
        if self.income_before_avg is None or self.income_after_avg is None:
            return None
        return self.income_after_avg - self.income_before_avg


def _rank(field: str) -> Case:
    return Case(
        *(When(**{field: status}, then=Value(rank)) for status, rank in RANK.items()),
        default=Value(None),
        output_field=IntegerField(),
    )


def outcome_summary(participations: QuerySet[Participation]) -> OutcomeSummary:
    """Counts over ``participations`` (already scoped); averages over households with an
    outcome, so that before and after compare the same households."""
    measured = Q(outcome_on__isnull=False)
    rows = (
        Participation.objects.filter(pk__in=participations.values("pk"))
        .annotate(rank_before=_rank("status_before"), rank_after=_rank("status_after"))
        .aggregate(
            participants=Count("pk"),
            with_outcome=Count("pk", filter=measured),
            income_before_avg=Avg("income_before", filter=measured),
            income_after_avg=Avg("income_after", filter=measured),
            income_rose=Count("pk", filter=measured & Q(income_after__gt=F("income_before"))),
            escaped=Count("pk", filter=measured & Q(rank_before__lte=1) & Q(rank_after__gte=2)),
            left_poverty=Count("pk", filter=measured & Q(rank_before=0) & Q(rank_after__gte=1)),
            fell_back=Count("pk", filter=measured & Q(rank_after__lt=F("rank_before"))),
        )
    )
    amount = InputDelivery.objects.filter(participation__in=participations.values("pk")).aggregate(
        total=Sum("support_record__amount")
    )["total"]

    def rounded(value: Decimal | None) -> Decimal | None:
        return None if value is None else Decimal(value).quantize(Decimal(1))

    return OutcomeSummary(
        participants=rows["participants"],
        with_outcome=rows["with_outcome"],
        income_before_avg=rounded(rows["income_before_avg"]),
        income_after_avg=rounded(rows["income_after_avg"]),
        income_rose=rows["income_rose"],
        escaped=rows["escaped"],
        left_poverty=rows["left_poverty"],
        fell_back=rows["fell_back"],
        inputs_amount=amount or Decimal(0),
    )


def groups_for(user: Viewer, *, query: str = "") -> QuerySet[SelfManagedGroup]:
    found = access.scoped(SelfManagedGroup.objects.all(), user, village="villages")
    if query:
        found = found.filter(Q(code__icontains=query) | Q(name__icontains=query))
    return (
        SelfManagedGroup.objects.filter(pk__in=found.values("pk"))
        .select_related("commune", "collaborator")
        .annotate(member_count=Count("members", distinct=True))
        .order_by("commune__name", "code")
    )


def group_for(user: Viewer, pk: int) -> SelfManagedGroup:
    return access.get_visible_or_404(
        SelfManagedGroup.objects.select_related(
            "province", "commune", "collaborator", "approved_by"
        ).distinct(),
        user,
        {"village": "villages"},
        pk=pk,
    )


def group_members(user: Viewer, group: SelfManagedGroup) -> QuerySet[GroupMember]:
    return access.scoped(group.members.select_related("household", "village"), user)


def group_meetings(group: SelfManagedGroup) -> QuerySet[GroupMeeting]:
    return group.meetings.all()


def group_projects(user: Viewer, group: SelfManagedGroup) -> QuerySet[LivelihoodModel]:
    return models_for(user).filter(group=group)


def household_participations(user: Viewer, household: Household) -> QuerySet[Participation]:
    return (
        access.scoped(Participation.objects.filter(household=household), user)
        .select_related("model")
        .annotate(input_amount=Sum("inputs__support_record__amount"))
        .order_by("-joined_on")
    )


def household_groups(user: Viewer, household: Household) -> QuerySet[GroupMember]:
    return access.scoped(
        GroupMember.objects.filter(household=household).select_related("group"), user
    ).order_by("-joined_on")
