"""Benchmark: the report forms built by code (``reports.builders``) on one large commune.

In a scratch database it loads the synthetic demo province with N households (households,
persons, memberships only), moves them all into one commune's villages, freezes a recognition
decision of that commune listing every poor household (its members as the review snapshots
them) and dates a status change for a tenth of the households in March. Then it times, against
a floor measured in the same run:

- the detailed poor list (``list-poor``) against one SELECT of the same decision entries;
- the monthly changes of the commune and of the province (``monthly-changes``) against one
  GROUP BY of the households' current status by village.

Prints JSON with the medians, the ratios and the number of queries of each build; not a test.

    giamngheo bench report_builders --households 20000 --json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scratch  # the sibling module, found through the path above

SCRATCH_DATABASE = "giamngheo_bench_report_builders"


def _timed(action: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _world(households: int) -> dict[str, Any]:
    """The demo province's households all in one commune, its frozen decision, March changes."""
    from django.db import connection, transaction

    from giamngheo.areas.models import AdministrativeUnit, Level
    from giamngheo.demo.loader import load_demo
    from giamngheo.registry.models import Household, StatusChange
    from giamngheo.review.calculations import lists_for
    from giamngheo.review.models import Decision, DecisionEntry, Entry, Round
    from giamngheo.review.services.base import members_snapshot

    load_demo(households=households, seed=1, parts=frozenset())
    commune = (
        AdministrativeUnit.objects.filter(
            level=Level.COMMUNE, pk__in=Household.objects.values("commune")
        )
        .order_by("pk")
        .first()
    )
    assert commune is not None
    villages = list(AdministrativeUnit.objects.filter(parent=commune, level=Level.VILLAGE))
    with transaction.atomic(), connection.cursor() as cursor:
        # Every household into the commune's villages, round robin (a scratch database).
        cursor.execute(
            "UPDATE registry_household h SET commune_id = %s, village_id = v.ids[1 + h.id %% %s]"
            " FROM (SELECT %s::bigint[] AS ids) v",
            [commune.pk, len(villages), [v.pk for v in villages]],
        )
        year = 2025
        round_ = Round.objects.create(
            province_id=commune.province_id,
            commune=commune,
            kind="annual",
            year=year,
            state="decided",
            standard="2022-2025",
            rule_set_code="bench",
            parameters={},
            window_start=dt.date(year, 9, 1),
            window_end=dt.date(year, 12, 14),
        )
        listed = list(Household.objects.filter(commune=commune, status__in=["poor", "near_poor"]))
        entries = Entry.objects.bulk_create(
            [
                Entry(
                    round=round_,
                    household=h,
                    province_id=h.province_id,
                    commune_id=h.commune_id,
                    village_id=h.village_id,
                    source="current_list",
                    state="recognised",
                    status_at_start=h.status,
                    final_status=h.status,
                )
                for h in listed
            ],
            batch_size=2000,
        )
        decision = Decision.objects.create(
            round=round_,
            province_id=commune.province_id,
            commune=commune,
            number="1/QĐ-UBND",
            signed_on=dt.date(year, 12, 10),
            signer_name="Chủ tịch",
            signer_title="Chủ tịch UBND xã",
            standard="2022-2025",
            year=year,
            commune_name=commune.name,
            province_name=commune.province.name if commune.province else "",
        )
        members = members_snapshot([h.pk for h in listed])
        names = {v.pk: v.name for v in villages}
        DecisionEntry.objects.bulk_create(
            [
                DecisionEntry(
                    decision=decision,
                    entry=e,
                    household_id=e.household_id,
                    province_id=e.province_id,
                    commune_id=e.commune_id,
                    village_id=e.village_id,
                    lists=lists_for(e.status_at_start, e.final_status),
                    household_code=e.household.code,
                    head_name=e.household.head_name,
                    village_name=names[e.village_id],
                    area_kind=e.household.area_kind,
                    status_before=e.status_at_start,
                    status_after=e.final_status,
                    members=members[e.household_id],
                )
                for e in entries
            ],
            batch_size=2000,
        )
        changed = Household.objects.filter(commune=commune).order_by("pk")[::10]
        StatusChange.objects.bulk_create(
            [
                StatusChange(
                    household=h,
                    province_id=h.province_id,
                    commune_id=h.commune_id,
                    village_id=h.village_id,
                    previous_status="near_poor" if h.status == "poor" else "poor",
                    status=h.status or "not_poor",
                    standard="2022-2025",
                    year=year,
                    effective_on=dt.date(year, 3, 10 + h.pk % 15),
                    basis="bench",
                )
                for h in changed
            ],
            batch_size=2000,
        )
    return {
        "commune": commune,
        "decision": decision,
        "poor": sum(1 for h in listed if h.status == "poor"),
        "households": Household.objects.filter(commune=commune).count(),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="giamngheo bench report_builders")
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    options = parser.parse_args(argv)

    url = scratch.server_url(SCRATCH_DATABASE)
    scratch.create(url, SCRATCH_DATABASE)
    try:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from giamngheo.accounts import services as account_services
        from giamngheo.reports.builders.lists import build_poor
        from giamngheo.reports.builders.monthly import build as build_monthly

        world = _world(options.households)
        commune = world["commune"]
        province = commune.province
        admin = account_services.user_create(
            actor=None,
            username="bench-admin",
            password=secrets.token_urlsafe(16),
            full_name="Bench",
        )
        account_services.role_grant(actor=None, user=admin, role="system_admin", area=None)

        def floor_list() -> int:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT household_id, village_name, household_code, members, status_before"
                    " FROM review_decisionentry WHERE decision_id = %s AND status_after = 'poor'"
                    " ORDER BY village_name, household_code",
                    [world["decision"].pk],
                )
                return len(cursor.fetchall())

        def floor_status() -> int:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT village_id, status, count(*), sum(member_count)"
                    " FROM registry_household WHERE commune_id = %s GROUP BY 1, 2",
                    [commune.pk],
                )
                return len(cursor.fetchall())

        results: dict[str, Any] = {
            "households_in_commune": world["households"],
            "poor_listed": world["poor"],
        }
        cases = {
            "list_poor": (lambda: build_poor(viewer=admin, unit=commune, year=2025), floor_list),
            "monthly_commune": (
                lambda: build_monthly(viewer=admin, unit=commune, year=2025, month=3),
                floor_status,
            ),
            "monthly_province": (
                lambda: build_monthly(viewer=admin, unit=province, year=2025, month=3),
                floor_status,
            ),
        }
        for name, (action, floor) in cases.items():
            action()  # warm caches (the rule packs, the unit's relations)
            with CaptureQueriesContext(connection) as captured:
                table = action()
            seconds, _ = _timed(action, options.repeat)
            floor_seconds, _ = _timed(floor, options.repeat)
            results[name] = {
                "seconds": round(seconds, 4),
                "floor_seconds": round(floor_seconds, 4),
                "ratio": round(seconds / floor_seconds, 1) if floor_seconds else None,
                "queries": len(captured),
                "rows": len(table.rows),
            }
        print(json.dumps(results, indent=2 if options.json else None, ensure_ascii=False))
    finally:
        if not options.keep:
            scratch.drop(url, SCRATCH_DATABASE)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
