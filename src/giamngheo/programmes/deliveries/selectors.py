"""The deliveries' scoped reads: a household's supports, totals per programme (rolled up the
programme tree), area and year, and the rows they are made of.

Totals are sums over the same scoped rows the lists show (``support_rows``), so they reconcile
with them by construction; ``tests/programmes/deliveries/test_totals.py`` checks it on
hand-counted fixtures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib.masking import mask_citizen_id
from giamngheo.programmes.deliveries.models import HealthInsuranceCard
from giamngheo.programmes.models import Programme, SupportRecord
from giamngheo.registry.models import Household

ZERO = Decimal(0)


def programmes() -> QuerySet[Programme]:
    """The programme tree's live nodes (a province's deleted entries are gone from choices)."""
    return Programme.objects.filter(is_deleted=False).order_by("sort_order", "code")


def subtree_ids(root: Programme, nodes: Iterable[Programme] | None = None) -> set[int]:
    """``root`` and every node below it (the tree is small: read once, walked in memory)."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for node in nodes if nodes is not None else Programme.objects.only("id", "parent_id"):
        children[node.parent_id].append(node.pk)
    found, stack = set(), [root.pk]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return found


def area_q(area: AdministrativeUnit | None, prefix: str = "") -> Q:
    """Rows of ``area`` (a province, commune or village), or all rows."""
    if area is None:
        return Q()
    column = {Level.PROVINCE: "province", Level.COMMUNE: "commune", Level.VILLAGE: "village"}[
        Level(area.level)
    ]
    return Q(**{f"{prefix}{column}": area})


def support_rows(
    user: Viewer,
    *,
    programme: Programme | None = None,
    area: AdministrativeUnit | None = None,
    year: int | None = None,
) -> QuerySet[SupportRecord]:
    """The support records ``user`` may see, of ``programme`` and every node under it, of
    ``area``, delivered in ``year``."""
    rows = access.scoped(SupportRecord.objects.all(), user).filter(area_q(area))
    if programme is not None:
        rows = rows.filter(programme_id__in=subtree_ids(programme))
    if year is not None:
        rows = rows.filter(delivered_on__year=year)
    return rows


def support_for(user: Viewer, pk: int) -> SupportRecord:
    return access.get_visible_or_404(
        SupportRecord.objects.select_related(
            "household", "person", "programme", "village", "commune", "province", "created_by"
        ),
        user,
        pk=pk,
    )


def supports_for_household(user: Viewer, household: Household) -> list[SupportRecord]:
    """Every support the household received, newest first (its cards with them)."""
    return list(
        access.scoped(SupportRecord.objects.filter(household=household), user)
        .select_related("programme", "person", "health_insurance_card")
        .order_by("-delivered_on", "-pk")
    )


def card_for_record(record: SupportRecord) -> HealthInsuranceCard | None:
    try:
        return record.health_insurance_card
    except HealthInsuranceCard.DoesNotExist:
        return None


def shown_card_number(card: HealthInsuranceCard | None, *, full: bool) -> str:
    """The card's number as a reader sees it: whole when ``full`` (``access``: an officer of
    its area), else masked like an ID number (``lib.masking``); "" without a card."""
    if card is None:
        return ""
    return card.card_number if full else mask_citizen_id(card.card_number)


@dataclass
class Total:
    """A line of totals: the rows counted, their amount, the households reached."""

    label: str
    records: int = 0
    amount: Decimal = ZERO
    households: int = 0
    key: object = None
    depth: int = 0
    own_records: int = 0
    own_amount: Decimal = ZERO
    children: list[int] = field(default_factory=list)

    @property
    def indent(self) -> str:
        return "· " * self.depth


def totals_by_programme(rows: QuerySet[SupportRecord]) -> list[Total]:
    """One line per programme node that has rows in its subtree, in tree order: its own rows
    and the roll-up of its subtree (records, amount, distinct households reached). A parent's
    rolled-up records and amount are its own plus its children's (tested)."""
    nodes = list(Programme.objects.only("id", "parent_id", "code", "name", "sort_order"))
    by_id = {node.pk: node for node in nodes}
    own: dict[int, dict[str, Any]] = {
        item["programme_id"]: dict(item)
        for item in rows.values("programme_id").annotate(n=Count("id"), total=Sum("amount"))
    }
    subtrees = {node.pk: subtree_ids(node, nodes) for node in nodes}
    used = [pk for pk, ids in subtrees.items() if ids & own.keys()]
    if not used:
        return []
    # Distinct households per subtree in one query (a household counts once per node).
    reached = rows.aggregate(
        **{
            f"h{pk}": Count("household", distinct=True, filter=Q(programme_id__in=subtrees[pk]))
            for pk in used
        }
    )
    lines: dict[int, Total] = {}
    for pk in used:
        node = by_id[pk]
        mine: dict[str, Any] = own.get(pk, {})
        lines[pk] = Total(
            label=f"{node.code} · {node.name}",
            key=node,
            records=sum(own[i]["n"] for i in subtrees[pk] if i in own),
            amount=sum((own[i]["total"] or ZERO for i in subtrees[pk] if i in own), ZERO),
            households=reached[f"h{pk}"],
            own_records=mine.get("n", 0),
            own_amount=mine.get("total") or ZERO,
        )
    ordered: list[Total] = []

    def walk(pk: int, depth: int) -> None:
        line = lines[pk]
        line.depth = depth
        ordered.append(line)
        kids = sorted(
            (n for n in nodes if n.parent_id == pk and n.pk in lines),
            key=lambda n: (n.sort_order, n.code),
        )
        line.children = [kid.pk for kid in kids]
        for kid in kids:
            walk(kid.pk, depth + 1)

    roots = sorted(
        (by_id[pk] for pk in lines if by_id[pk].parent_id not in lines),
        key=lambda n: (n.sort_order, n.code),
    )
    for root in roots:
        walk(root.pk, 0)
    return ordered


def totals_by_area(rows: QuerySet[SupportRecord], area: AdministrativeUnit | None) -> list[Total]:
    """One line per unit one level below ``area`` (communes of a province, villages of a
    commune). When no area is chosen, the first level at which the rows fall in more than one
    unit: a provincial or commune officer sees their communes or villages, not one line with
    the name of their province."""
    column = "province"
    if area is None:
        for finer in ("commune", "village"):
            if rows.values(f"{column}_id").distinct().count() > 1:
                break
            column = finer
    else:
        column = {Level.PROVINCE: "commune", Level.COMMUNE: "village", Level.VILLAGE: "village"}[
            Level(area.level)
        ]
    items = (
        rows.values(f"{column}_id", f"{column}__name", f"{column}__code")
        .annotate(n=Count("id"), total=Sum("amount"), h=Count("household", distinct=True))
        .order_by(f"{column}__code")
    )
    return [
        Total(
            label=item[f"{column}__name"],
            key=item[f"{column}__code"],
            records=item["n"],
            amount=item["total"] or ZERO,
            households=item["h"],
        )
        for item in items
    ]


def totals_by_year(rows: QuerySet[SupportRecord]) -> list[Total]:
    items = (
        rows.annotate(year=ExtractYear("delivered_on"))
        .values("year")
        .annotate(n=Count("id"), total=Sum("amount"), h=Count("household", distinct=True))
        .order_by("year")
    )
    return [
        Total(
            label=str(item["year"]),
            key=item["year"],
            records=item["n"],
            amount=item["total"] or ZERO,
            households=item["h"],
        )
        for item in items
    ]


def grand_total(rows: QuerySet[SupportRecord]) -> Total:
    found = rows.aggregate(n=Count("id"), total=Sum("amount"), h=Count("household", distinct=True))
    return Total(label="", records=found["n"], amount=found["total"] or ZERO, households=found["h"])
