"""What-if: the area's households as they are now (the registry's current values, the answers
of their latest survey) classified under the standard in force and under the next one, and the
transitions between the two (``standards.simulate.transitions``): of the households poor under
2022-2025, how many would be poor, near-poor or neither under 2027-2030.

Bounded: run inline up to ``INLINE_LIMIT`` households (a commune or village, a small province);
above that the page says so instead of reading a province of a million households in a request.
Two queries read the households and their members (as the surveys' bulk path does); the engine's
vectorised path classifies them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

import polars as pl
from django.db.models import Q
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.registry.models import Household, Status
from giamngheo.reports.dashboard_tables import Column, NumbersTable
from giamngheo.standards import classify_columns, schema
from giamngheo.standards.pack_model import Pack
from giamngheo.standards.packs import load_all, pack_for_review_year
from giamngheo.standards.simulate import Transitions, transitions

# The surveys' bulk path reads registry values into engine columns; the dashboards reuse it
# rather than keep a second copy of the field mapping (reports sits above surveys).
from giamngheo.surveys.bulk import members_frame, raw_columns, read_frame, year_values

INLINE_LIMIT: Final = 10_000  # ~0.8 s per 1,500 households on the demo machine


@dataclass(frozen=True)
class WhatIf:
    source: Pack
    target: Pack
    households: int  # of the area
    skipped: int  # without a value the engine needs, or without a member today
    result: Transitions | None  # None: too many households for a page (see ``too_many``)
    too_many: bool = False


def next_standard(pack: Pack) -> Pack | None:
    """The national standard whose review years start after ``pack``'s."""
    later = [
        p for p in load_all() if p.inherits is None and p.review_years[0] > pack.review_years[1]
    ]
    return min(later, key=lambda p: p.review_years[0]) if later else None


def _scope(area: AdministrativeUnit) -> Q:
    column = {Level.PROVINCE: "province", Level.COMMUNE: "commune", Level.VILLAGE: "village"}[
        Level(area.level)
    ]
    return Q(**{column: area})


def what_if(
    viewer: Viewer, area: AdministrativeUnit, *, year: int, today: dt.date
) -> WhatIf | None:
    """The transitions of ``area``'s households (those ``viewer`` sees) from the standard of
    review ``year`` to the next one; None when no later standard is defined."""
    source = pack_for_review_year(year)
    target = next_standard(source)
    if target is None:
        return None
    households = access.scoped(Household.objects.filter(_scope(area)), viewer)
    count = households.count()
    if count > INLINE_LIMIT:
        return WhatIf(source, target, count, 0, None, too_many=True)
    home_fields = sorted(
        (set(source.household_fields()) | set(target.household_fields()))
        - {"household_id", "area_type"}
    )
    member_fields = sorted(
        (set(source.member_fields()) | set(target.member_fields()))
        - {"household_id", "member_id", "age"}
    )
    homes = read_frame(
        households.order_by("id").values_list("id", "area_kind", *home_fields),
        ["id", "area_type", *home_fields],
    )
    people = members_frame(households, after=today, fields=member_fields)
    if homes.height == 0:
        return WhatIf(source, target, 0, 0, None)
    # A column that is empty in every row is read without a type (Null): give the dates theirs.
    people = people.with_columns(
        pl.col(name).cast(pl.Date) for name in ("joined_on", "left_on", "birth_date")
    )
    homes, people = year_values(homes, people, day=today, steps=0, seed=0)
    needed = [
        name
        for name in home_fields
        if schema.HOUSEHOLD_FIELD_BY_NAME[name].kind is not schema.Kind.BOOL and name != "score_a"
    ]
    homes = homes.drop_nulls([n for n in needed if n in homes.columns])
    homes = homes.filter(pl.col("id").is_in(people["household_id"].implode()))
    people = people.filter(pl.col("household_id").is_in(homes["id"].implode()))
    skipped = count - homes.height
    if homes.height == 0:
        return WhatIf(source, target, count, skipped, None)
    before = classify_columns(source, raw_columns(homes, people, source))
    after = classify_columns(target, raw_columns(homes, people, target))
    return WhatIf(source, target, count, skipped, transitions(before, after))


def matrix_table(found: WhatIf) -> NumbersTable:
    """The transition matrix: one row per status under the standard in force, one column per
    status under the next one, with the totals of both."""
    labels = dict(Status.choices)
    statuses = schema.STATUSES
    result = found.result
    rows = []
    if result is not None:
        for source in statuses:
            row: dict[str, object] = {"status": str(labels[source])}
            row.update({target: result.matrix[source][target] for target in statuses})
            row["total"] = sum(result.matrix[source].values())
            rows.append(row)
    total: dict[str, object] = {"status": _("Cộng")}
    for target in statuses:
        total[target] = sum(int(row[target]) for row in rows)  # type: ignore[call-overload]
    total["total"] = sum(int(row["total"]) for row in rows)  # type: ignore[call-overload]
    return NumbersTable(
        slug="what-if",
        title=_("Hộ theo chuẩn %(source)s (hàng) và nếu áp dụng chuẩn %(target)s (cột)")
        % {"source": found.source.code, "target": found.target.code},
        columns=(
            Column("status", _("Theo chuẩn %(code)s") % {"code": found.source.code}, "text"),
            *(Column(s, str(labels[s])) for s in statuses),
            Column("total", _("Cộng")),
        ),
        rows=rows,
        total=total,
        partition=True,
        sums=(("total", statuses),),
    )
