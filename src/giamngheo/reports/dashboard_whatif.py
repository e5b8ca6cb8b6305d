"""What-if: the area's households as they are now (the registry's current values, the answers
of their latest survey) classified under the standard in force and under the next one, and the
transitions between the two (``standards.simulate.transitions``): of the households poor under
2022-2025, how many would be poor, near-poor or neither under 2027-2030.

Bounded: run inline up to ``inline_limit()`` households (a commune or village, a small
province); above that the job ``reports.what_if`` (``whatif_jobs``) computes it commune by
commune and stores it (``WhatIfResult``), and the page shows the stored result while its
``freshness`` still matches the data. Two queries per commune read the households and their
members (as the surveys' bulk path does); the engine's vectorised path classifies them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import polars as pl
from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.registry.models import Household, Status
from giamngheo.reports import selectors
from giamngheo.reports.dashboard_tables import Column, NumbersTable
from giamngheo.reports.models import WhatIfResult
from giamngheo.standards import classify_columns, schema
from giamngheo.standards.pack_model import Pack
from giamngheo.standards.packs import load_all, pack_for_review_year
from giamngheo.standards.simulate import Transitions, transitions

# The surveys' bulk path reads registry values into engine columns; the dashboards reuse it
# rather than keep a second copy of the field mapping (reports sits above surveys).
from giamngheo.surveys.bulk import members_frame, raw_columns, read_frame, year_values


def inline_limit() -> int:
    """Households computed in the request; above, the job (setting
    ``GIAMNGHEO_WHATIF_INLINE_LIMIT``, 10,000 by default: ~0.8 s per 1,500 households)."""
    return int(settings.GIAMNGHEO_WHATIF_INLINE_LIMIT)


@dataclass(frozen=True)
class WhatIf:
    source: Pack
    target: Pack
    households: int  # of the area
    skipped: int  # without a value the engine needs, or without a member today
    result: Transitions | None  # None: too many households for a page and nothing stored
    too_many: bool = False  # above the inline limit: the result, if any, is the job's
    computed_at: dt.datetime | None = None  # when the job computed the stored result


def next_standard(pack: Pack) -> Pack | None:
    """The national standard whose review years start after ``pack``'s."""
    later = [
        p for p in load_all() if p.inherits is None and p.review_years[0] > pack.review_years[1]
    ]
    return min(later, key=lambda p: p.review_years[0]) if later else None


def scope(area: AdministrativeUnit) -> Q:
    column = {Level.PROVINCE: "province", Level.COMMUNE: "commune", Level.VILLAGE: "village"}[
        Level(area.level)
    ]
    return Q(**{column: area})


def standards_of(year: int) -> tuple[Pack, Pack] | None:
    """The standard of review ``year`` and the next one (None when none is defined)."""
    source = pack_for_review_year(year)
    target = next_standard(source)
    return None if target is None else (source, target)


def what_if(
    viewer: Viewer, area: AdministrativeUnit, *, year: int, today: dt.date
) -> WhatIf | None:
    """The transitions of ``area``'s households (those ``viewer`` sees) from the standard of
    review ``year`` to the next one; None when no later standard is defined. Above the inline
    limit: the job's stored result if it is fresh and ``viewer`` may see the whole area."""
    pair = standards_of(year)
    if pair is None:
        return None
    source, target = pair
    households = access.scoped(Household.objects.filter(scope(area)), viewer)
    count = households.count()
    if count > inline_limit():
        stored = stored_result(viewer, area, year=year, pair=pair, today=today)
        if stored is None:
            return WhatIf(source, target, count, 0, None, too_many=True)
        return WhatIf(
            source,
            target,
            stored.households,
            stored.skipped,
            _transitions(pair, stored.matrix),
            too_many=True,
            computed_at=stored.computed_at,
        )
    _count, skipped, result = classify(households, pair, today=today)
    return WhatIf(source, target, count, skipped, result)


def classify(
    households: QuerySet[Household], pair: tuple[Pack, Pack], *, today: dt.date
) -> tuple[int, int, Transitions | None]:
    """(households, skipped, transitions) of ``households`` (read whole: a commune at most)."""
    source, target = pair
    count = households.count()
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
        return 0, 0, None
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
        return count, skipped, None
    before = classify_columns(source, raw_columns(homes, people, source))
    after = classify_columns(target, raw_columns(homes, people, target))
    return count, skipped, transitions(before, after)


def empty_matrix() -> dict[str, dict[str, int]]:
    return {s: dict.fromkeys(schema.STATUSES, 0) for s in schema.STATUSES}


def _transitions(pair: tuple[Pack, Pack], matrix: dict[str, dict[str, int]]) -> Transitions | None:
    n = sum(sum(row.values()) for row in matrix.values())
    if n == 0:
        return None
    full = empty_matrix()
    for s, row in matrix.items():
        full[s].update({t: int(v) for t, v in row.items()})
    return Transitions(pair[0].code, pair[1].code, n, full)


def freshness(area: AdministrativeUnit, *, pair: tuple[Pack, Pack], today: dt.date) -> str:
    """A fingerprint of what the what-if of ``area`` reads: the day (ages, departures), the
    standards, and its households' rows: count, highest id, the sum of their versions and the
    last edit. One aggregate over the area's households (no read of the members): the
    registry's services bump a household's ``version`` on every change of it and of its
    members (``lib.locking``; ``registry.services._refresh_household`` after a member is
    added, edited, moved or leaves), and ``updated_at`` catches a plain save."""
    homes = Household.objects.filter(scope(area)).aggregate(
        n=Count("id"), versions=Sum("version"), last=Max("updated_at"), top=Max("id")
    )
    text = "|".join(str(part) for part in (today, pair[0].code, pair[1].code, *homes.values()))
    return hashlib.sha256(text.encode()).hexdigest()


def stored_result(
    viewer: Viewer,
    area: AdministrativeUnit,
    *,
    year: int,
    pair: tuple[Pack, Pack],
    today: dt.date,
) -> WhatIfResult | None:
    """The job's result for ``area`` if it is still fresh and ``viewer`` may see the area's
    figures (the job counts every household of the area)."""
    if not selectors.can_see(viewer, area):
        return None
    found = WhatIfResult.objects.filter(
        unit=area, year=year, source=pair[0].code, target=pair[1].code
    ).first()
    if found is None or found.freshness != freshness(area, pair=pair, today=today):
        return None
    return found


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
