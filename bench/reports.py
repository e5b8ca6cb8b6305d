"""Benchmark: the official reports over N households (issue 14, "Speed": every report under 2 s
p95 at 1,000,000 households, from aggregates kept current, against a single SQL GROUP BY of the
same figures as the floor).

In a scratch database it loads the synthetic demo province with N households (households,
persons, memberships and their 2024 and 2025 surveys), writes one decided 2025 annual round per
commune in SQL (every poor or near-poor household, plus one household in ten that left or
joined the lists, with a few re-entered), then:

- ``refresh``: ``reports.services.figures_refresh`` of the province and of one commune
  (seconds; the figures every report reads);
- ``floor``: one ``SELECT … GROUP BY`` over the households computing the headline figures
  (households, people, poor, near-poor) per commune (province) or per village (commune);
- each report: ``reports.catalogue.build`` of every data form for the province and for the
  commune, and ``reports.summary.review_summary`` (the CLI's JSON), p95 and median over
  ``--repeat`` runs, with the ratio of its p95 to the floor's median;
- the dashboard: ``reports.dashboard.build`` (every panel, charts drawn) for a system
  administrator, and the same page rendered by its view through the test client.

Prints JSON; not a test.

    giamngheo bench reports --households 1000000 --json

``--keep --database NAME`` keeps the loaded database; ``--reuse --database NAME`` times it again
without loading.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scratch  # the sibling module, found through the path above

SCRATCH_DATABASE = "giamngheo_bench_reports"
YEAR = 2025

DECISIONS = """
INSERT INTO review_round
    (kind, year, state, standard, rule_set_code, parameters, window_start, window_end,
     plan_number, plan_note, created_at, updated_at, commune_id, province_id,
     consultation_reference)
SELECT 'annual', 2025, 'decided', '2022-2025', 'bench', '{}', DATE '2025-09-01',
       DATE '2025-12-14', '', '', now(), now(), c.commune_id, c.province_id, ''
FROM (SELECT DISTINCT commune_id, province_id FROM registry_household) c;

CREATE TEMPORARY TABLE bench_entries AS
SELECT h.id AS household_id, h.province_id, h.commune_id, h.village_id, h.status AS final,
       CASE
         WHEN h.status NOT IN ('poor', 'near_poor') THEN
           CASE WHEN h.id % 20 = 0 THEN 'poor' ELSE 'near_poor' END
         WHEN h.id % 7 = 0 THEN 'not_poor'
         WHEN h.id % 11 = 0 THEN CASE WHEN h.status = 'poor' THEN 'near_poor' ELSE 'poor' END
         ELSE h.status
       END AS start,
       h.code, h.head_name, h.address, h.area_kind, h.member_count
FROM registry_household h
WHERE h.status IN ('poor', 'near_poor') OR h.id % 10 = 0;

INSERT INTO review_entry
    (source, source_note, state, status_at_start, proposed_status, final_status, created_at,
     updated_at, commune_id, household_id, province_id, village_id, round_id)
SELECT 'current_list', '', 'recognised', e.start, e.final, e.final, now(), now(),
       e.commune_id, e.household_id, e.province_id, e.village_id, r.id
FROM bench_entries e JOIN review_round r ON r.commune_id = e.commune_id AND r.year = 2025;

INSERT INTO review_decision
    (number, signed_on, signer_name, signer_title, standard, year, commune_name, province_name,
     created_at, commune_id, province_id, round_id)
SELECT r.id || '/QĐ-UBND', DATE '2025-12-01', 'bench', 'Chủ tịch', '2022-2025', 2025, '', '',
       now(), r.commune_id, r.province_id, r.id
FROM review_round r WHERE r.year = 2025;

INSERT INTO review_decisionentry
    (lists, household_code, head_name, village_name, address, area_kind, status_before,
     status_after, reentered, members, commune_id, decision_id, household_id, province_id,
     village_id, entry_id)
SELECT '{}', b.code, b.head_name, '', b.address, b.area_kind, b.start, b.final,
       (b.final = 'poor' AND b.start = 'not_poor' AND b.household_id % 3 = 0),
       to_jsonb(array_fill(0, ARRAY[b.member_count::int])), e.commune_id, d.id,
       e.household_id, e.province_id, e.village_id, e.id
FROM review_entry e
JOIN review_decision d ON d.round_id = e.round_id
JOIN bench_entries b ON b.household_id = e.household_id;
"""

FLOOR = """
SELECT {unit}, count(*), sum(member_count),
       count(*) FILTER (WHERE status = 'poor'), count(*) FILTER (WHERE status = 'near_poor'),
       sum(member_count) FILTER (WHERE status = 'poor'),
       sum(member_count) FILTER (WHERE status = 'near_poor')
FROM registry_household WHERE {area} = %s GROUP BY {unit}
"""


def _times(action: Callable[[], Any], repeat: int) -> dict[str, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    times.sort()
    p95 = times[max(0, -(-len(times) * 95 // 100) - 1)]  # nearest rank
    return {"median": round(statistics.median(times), 5), "p95": round(p95, 5)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="giamngheo bench reports")
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
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
        from django.contrib.auth import get_user_model
        from django.db import connection, transaction
        from django.test import Client
        from django.urls import reverse

        from giamngheo.areas.models import AdministrativeUnit
        from giamngheo.demo.loader import load_demo
        from giamngheo.lib import clock
        from giamngheo.registry.models import Household
        from giamngheo.reports import catalogue, dashboard, services, summary
        from giamngheo.reports.forms import forms

        load_seconds = None
        if not options.reuse:
            start = time.perf_counter()
            load_demo(households=options.households, seed=1, parts=frozenset({"surveys"}))
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(DECISIONS)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            load_seconds = round(time.perf_counter() - start, 1)
        province_id = Household.objects.values_list("province_id", flat=True).first()
        province = AdministrativeUnit.objects.get(pk=province_id)
        commune_id = (
            Household.objects.filter(province=province)
            .values_list("commune_id", flat=True)
            .order_by("commune_id")
            .first()
        )
        commune = AdministrativeUnit.objects.get(pk=commune_id)
        households = Household.objects.filter(province=province).count()
        admin, _created = get_user_model().objects.get_or_create(
            username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
        )
        client = Client()
        client.force_login(admin)

        refresh: dict[str, float] = {}
        for label, area in (("province", province), ("commune", commune)):
            start = time.perf_counter()
            services.figures_refresh(actor=None, area=area, year=YEAR)
            refresh[label] = round(time.perf_counter() - start, 2)

        results: dict[str, Any] = {}
        for label, area, unit_column, area_column in (
            ("province", province, "commune_id", "province_id"),
            ("commune", commune, "village_id", "commune_id"),
        ):
            sql = FLOOR.format(unit=unit_column, area=area_column)

            def floor(sql: str = sql, pk: int = area.pk) -> None:
                with connection.cursor() as cursor:
                    cursor.execute(sql, [pk])
                    cursor.fetchall()

            floor_times = _times(floor, options.repeat)
            reports: dict[str, Any] = {}

            def summarise(area: AdministrativeUnit = area) -> None:
                summary.review_summary(None, area, YEAR)

            reports["review-json"] = _times(summarise, options.repeat)
            for code, form in forms().items():
                if area.level not in form.levels:
                    continue

                def build(code: str = code, area: AdministrativeUnit = area) -> None:
                    catalogue.build(code, viewer=None, unit=area, year=YEAR)

                reports[f"form-{code}"] = _times(build, options.repeat)

            def board(area: AdministrativeUnit = area) -> None:
                dashboard.build(admin, area, YEAR, today=clock.today(), suppressed=False)

            def page(area: AdministrativeUnit = area) -> None:
                response = client.get(
                    reverse("reports:dashboard"), {"area": area.code, "year": str(YEAR)}
                )
                if response.status_code != 200:
                    raise RuntimeError(f"dashboard answered {response.status_code}")

            reports["dashboard-build"] = _times(board, options.repeat)
            reports["dashboard-page"] = _times(page, options.repeat)
            for timing in reports.values():
                timing["ratio_p95_to_floor"] = round(timing["p95"] / floor_times["median"], 3)
            results[label] = {
                "area": area.code,
                "floor_group_by": floor_times,
                "reports": reports,
                "worst_p95": max(t["p95"] for t in reports.values()),
            }

        report = {
            "benchmark": "reports",
            "households": households,
            "load_seconds": load_seconds,
            "repeat": options.repeat,
            "refresh_seconds": refresh,
            "results": results,
            "target": "every report < 2 s p95 at 1,000,000 households",
            "meets_target": all(r["worst_p95"] < 2.0 for r in results.values()),
        }
        print(json.dumps(report, indent=None if options.json else 2, ensure_ascii=False))
    finally:
        if not options.keep:
            scratch.drop(url, options.database)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
