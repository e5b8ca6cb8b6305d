"""Graduation and reach per programme and area (issue 13, "Graduation and reach").

- **Reached**: the distinct households with at least one support record of the programme (its
  subtree) in the area and year; counted by their current registry status and by priority
  group (the household flags of the review: ethnic minority, merit family, a member on social
  assistance, no labour capacity).
- **Escaped / fell back**: each reached household's status at its *baseline review* (the latest
  review year before the support year) against its *next review* (the first review year on or
  after the support year: the autumn review measures the year's support), from the surveys'
  yearly results, one status per household and year chosen as the household page does
  (a Phiếu B2 before a B1, then the latest survey). Escaped: poor at the baseline, not poor
  at the next review. Fell back: not poor at the baseline (near-poor, average, not poor),
  poor at the next review. A household without either review counts in neither.
- **Cost**: the amount of the rows divided by the households reached, and by those escaped.
- **Received nothing**: poor households (registry status) of the area with no support record
  at all in the year, listed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet, Sum

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.programmes.deliveries.selectors import ZERO, area_q, support_rows
from giamngheo.programmes.models import Programme, SupportRecord
from giamngheo.registry.models import Household, Status
from giamngheo.surveys.models import FormKind, Survey

PRIORITY_GROUPS = (
    "is_ethnic_minority",
    "is_merit_family",
    "has_social_assistance_member",
    "has_no_labour_capacity",
)
NOT_POOR = frozenset({Status.NEAR_POOR, Status.AVERAGE, Status.NOT_POOR})
_FORM_RANK: dict[str, int] = {FormKind.DEPRIVATION: 0, FormKind.INCOME: 1}


@dataclass
class Reach:
    reached: int = 0
    amount: Decimal = ZERO
    by_status: dict[str, int] = field(default_factory=dict)
    by_priority: dict[str, int] = field(default_factory=dict)
    with_both_reviews: int = 0
    escaped: int = 0
    fell_back: int = 0
    escaped_households: list[int] = field(default_factory=list)
    fell_back_households: list[int] = field(default_factory=list)

    @property
    def cost_per_reached(self) -> Decimal | None:
        return _per(self.amount, self.reached)

    @property
    def cost_per_escaped(self) -> Decimal | None:
        return _per(self.amount, self.escaped)


def _per(amount: Decimal, count: int) -> Decimal | None:
    if not count:
        return None
    return (amount / count).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def statuses_by_year(household_ids: set[int]) -> dict[int, dict[int, str]]:
    """household id → review year → status, one survey per household and year."""
    best: dict[tuple[int, int], tuple[tuple[int, int, int], str]] = {}
    surveys = (
        Survey.objects.filter(household_id__in=household_ids)
        .exclude(status="")
        .values_list("household_id", "review_year", "form__kind", "surveyed_on", "pk", "status")
    )
    for household_id, year, kind, surveyed_on, pk, status in surveys.iterator(chunk_size=5000):
        key = (_FORM_RANK.get(kind, 2), -surveyed_on.toordinal(), -pk)
        current = best.get((household_id, year))
        if current is None or key < current[0]:
            best[(household_id, year)] = (key, status)
    result: dict[int, dict[int, str]] = {}
    for (household_id, year), (_key, status) in best.items():
        result.setdefault(household_id, {})[year] = status
    return result


def programme_reach(
    user: Viewer,
    *,
    year: int,
    programme: Programme | None = None,
    area: AdministrativeUnit | None = None,
) -> Reach:
    rows = support_rows(user, programme=programme, area=area, year=year)
    household_ids = set(rows.values_list("household_id", flat=True).distinct())
    result = Reach(
        reached=len(household_ids),
        amount=rows.aggregate(total=Sum("amount"))["total"] or ZERO,
    )
    if not household_ids:
        return result
    households = Household.objects.filter(pk__in=household_ids)
    result.by_status = dict(Counter(households.values_list("status", flat=True)))
    result.by_priority = {
        name: households.filter(**{name: True}).count() for name in PRIORITY_GROUPS
    }
    for household_id, years in statuses_by_year(household_ids).items():
        before = [y for y in years if y < year]
        after = [y for y in years if y >= year]
        if not before or not after:
            continue
        result.with_both_reviews += 1
        baseline, following = years[max(before)], years[min(after)]
        if baseline == Status.POOR and following in NOT_POOR:
            result.escaped += 1
            result.escaped_households.append(household_id)
        elif baseline in NOT_POOR and following == Status.POOR:
            result.fell_back += 1
            result.fell_back_households.append(household_id)
    return result


def poor_without_support(
    user: Viewer, *, year: int, area: AdministrativeUnit | None = None
) -> QuerySet[Household]:
    """Poor households (their registry status) of ``area`` in ``user``'s reach that received
    nothing in ``year`` from any programme."""
    received = SupportRecord.objects.filter(delivered_on__year=year).values("household_id")
    return (
        access.scoped(Household.objects.filter(status=Status.POOR), user)
        .filter(area_q(area))
        .exclude(pk__in=received)
        .select_related("village", "commune")
        .order_by("village__code", "code")
    )
