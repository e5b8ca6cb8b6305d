"""Benchmark: the eligibility preview and beneficiary-list generation over N households
(issue 13: "against a plain SQL COUNT of the same filter as the floor; target preview ≤ 3×
the floor and under 1 s").

In a scratch database it loads the synthetic demo province with N households (households,
persons and memberships), dates a status history for them (every poor or near-poor household
recognised on 20/12/2024; 6% of the others left the list on a day spread over the last four
years, so about three quarters of them are "newly escaped" within 36 months), loads the
programme data, and then times, over the whole province and over one commune:

- ``floor``: a hand-written ``SELECT count(*)`` with the same filter (statuses, newly escaped
  through the dated history);
- ``preview``: ``selectors.eligibility_preview`` (rules parsed, compiled, grouped by status and
  priority) for the 2021-2025 programme (statuses and priorities) and for its Project 2
  (plus a working-age member);
- ``generate``: ``services.list_generate`` (one INSERT … SELECT with the snapshot).

Prints JSON; not a test.

    giamngheo bench programmes_eligibility --households 1000000 --json

``--keep --database NAME`` keeps the loaded database; ``--reuse --database NAME`` times it again
without loading (each run adds its generated lists as drafts).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scratch  # the sibling module, found through the path above

SCRATCH_DATABASE = "giamngheo_bench_programmes"
ON = dt.date(2026, 6, 1)

HISTORY = """
INSERT INTO registry_statuschange
    (household_id, province_id, commune_id, village_id, previous_status, status, standard, year,
     effective_on, basis, created_at)
SELECT id, province_id, commune_id, village_id, '', status, '2022-2025', 2024,
       DATE '2024-12-20', 'bench', now()
FROM registry_household WHERE status IN ('poor', 'near_poor');
INSERT INTO registry_statuschange
    (household_id, province_id, commune_id, village_id, previous_status, status, standard, year,
     effective_on, basis, created_at)
SELECT id, province_id, commune_id, village_id, 'poor', status, '2022-2025', 2023,
       DATE '2022-06-01' + (id % 1460)::int, 'bench', now()
FROM registry_household
WHERE status IN ('not_poor', 'average_living_standard') AND id % 100 < 6;
"""

FLOOR = """
SELECT count(*) FROM registry_household h
WHERE h.province_id = %(area)s
  AND (h.status IN ('poor', 'near_poor')
       OR (h.status IN ('not_poor', 'average_living_standard') AND EXISTS (
           SELECT 1 FROM registry_statuschange sc
           WHERE sc.household_id = h.id
             AND sc.previous_status IN ('poor', 'near_poor')
             AND sc.status NOT IN ('poor', 'near_poor')
             AND sc.effective_on >= %(cutoff)s AND sc.effective_on <= %(on)s)))
"""


def _timed(action: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="giamngheo bench programmes_eligibility")
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--database", default=SCRATCH_DATABASE, help="the scratch database")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time a database kept by an earlier run (--keep) instead of loading a new one",
    )
    options = parser.parse_args(argv)

    url = scratch.open_database(options.database, reuse=options.reuse)
    try:
        from django.db import connection, transaction
        from django.db.models import Count

        from giamngheo.areas.models import AdministrativeUnit
        from giamngheo.demo.loader import load_demo
        from giamngheo.programmes import eligibility, loader, selectors, services
        from giamngheo.programmes.models import Programme
        from giamngheo.registry.models import Household

        load_seconds = None
        if not options.reuse:
            start = time.perf_counter()
            load_demo(households=options.households, seed=1, parts=frozenset())
            load_seconds = round(time.perf_counter() - start, 1)
            with connection.cursor() as cursor:
                cursor.execute(HISTORY)
                cursor.execute("VACUUM ANALYZE")
            with transaction.atomic():
                loader.load(actor=None)
        # The demo province: the only one with households.
        province = AdministrativeUnit.objects.get(
            pk=Household.objects.values_list("province_id", flat=True).first()
        )
        # The commune with the most households (the demo's users' communes are small).
        biggest = (
            Household.objects.filter(province=province)
            .values("commune_id")
            .order_by()
            .annotate(n=Count("id"))
            .order_by("-n")
            .first()
        )
        assert biggest is not None
        commune = AdministrativeUnit.objects.get(pk=biggest["commune_id"])
        results: dict[str, Any] = {
            "households": Household.objects.count(),
            "load_seconds": load_seconds,
            "on": ON.isoformat(),
            "areas": {},
        }
        ntp = Programme.objects.get(code="ctmtqg-gnbv-2021")
        da2 = Programme.objects.get(code="ctmtqg-gnbv-2021.da2")
        cutoff = eligibility.months_before(ON, 36)
        for label, area in (("province", province), ("commune", commune)):
            floor_sql = FLOOR.replace("h.province_id", f"h.{area.level}_id")

            def floor(a: AdministrativeUnit = area, q: str = floor_sql, jit: bool = True) -> int:
                with transaction.atomic(), connection.cursor() as cursor:
                    if not jit:
                        cursor.execute("SET LOCAL jit = off")
                    cursor.execute(q, {"area": a.pk, "cutoff": cutoff, "on": ON})
                    return int(cursor.fetchone()[0])

            def preview(p: Programme, a: AdministrativeUnit = area) -> Any:
                return selectors.eligibility_preview(viewer=None, programme=p, area=a, on=ON)

            floor(), preview(ntp)  # warm the caches
            floor_default_s, floor_n = _timed(floor, options.repeat)
            floor_nojit_s, _n = _timed(lambda: floor(jit=False), options.repeat)
            # The floor is the faster of the two (PostgreSQL's JIT on or off).
            floor_s = min(floor_default_s, floor_nojit_s)
            preview_s, result = _timed(lambda: preview(ntp), options.repeat)
            assert result.households == floor_n, (result.households, floor_n)
            da2_s, da2_result = _timed(lambda: preview(da2), options.repeat)
            # Project 2's floor: a plain count(*) with its filter (statuses and a member of
            # working age), the WHERE clause the preview compiles, without grouping or priorities.
            da2_query = eligibility.query_for(selectors.rules_of(da2), area, ON)
            da2_floor_s, da2_floor_n = _timed(da2_query.count, options.repeat)
            assert da2_floor_n == da2_result.households
            generate_s, blist = _timed(
                lambda a=area: services.list_generate(
                    actor=None,
                    programme=ntp,
                    area=a,
                    period_start=dt.date(2025, 1, 1),
                    period_end=dt.date(2025, 12, 31),
                    reference_date=ON,
                ),
                1,
            )
            results["areas"][label] = {
                "area": area.code,
                "households_in_area": Household.objects.filter(
                    **{f"{area.level}_id": area.pk}
                ).count(),
                "eligible": floor_n,
                "by_status": result.by_status,
                "by_priority": result.by_priority,
                "floor_count_ms": round(floor_s * 1000, 1),
                "floor_count_jit_default_ms": round(floor_default_s * 1000, 1),
                "floor_count_jit_off_ms": round(floor_nojit_s * 1000, 1),
                "preview_ms": round(preview_s * 1000, 1),
                "preview_vs_floor": round(preview_s / floor_s, 2),
                "preview_da2_working_age_ms": round(da2_s * 1000, 1),
                "preview_da2_households": da2_result.households,
                "floor_da2_count_ms": round(da2_floor_s * 1000, 1),
                "preview_da2_vs_floor": round(da2_s / da2_floor_s, 2),
                "generate_list_ms": round(generate_s * 1000, 1),
                "list_entries": blist.entries.count(),
            }
    finally:
        if not options.keep:
            scratch.drop(url, options.database)
    print(json.dumps(results, indent=2 if options.json else None, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
