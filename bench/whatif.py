"""Benchmark: the what-if job (``reports.what_if``) over a province of N households (issue 14:
"last year's households under the next standard" for a province of 1,000,000 households).

In a scratch database it loads the synthetic demo province with N households (as
``bench/reports.py`` does, without the decisions), then times:

- ``floor``: one ``SELECT status, count(*) … GROUP BY status`` over the province's households
  (the cheapest read of every household: the baseline of the same run);
- ``inline_commune``: ``dashboard_whatif.what_if`` of the largest commune, as its page computes
  it inline (median of ``--repeat``);
- ``freshness``: the fingerprint the page computes on every visit of a large area (median);
- ``job``: the job body ``whatif_jobs.compute`` over the whole province, commune by commune,
  once (seconds, the number of progress reports, and the process's peak resident memory
  before and after, so the job's own growth is visible);
- ``page_with_result``: the what-if page of the province once the result is stored (median).

Prints JSON; not a test.

    giamngheo bench whatif --households 200000 --json
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scratch  # the sibling module, found through the path above

SCRATCH_DATABASE = "giamngheo_bench_whatif"
YEAR = 2025


def _median(action: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times), 4)


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class CountingBook:
    """Where the job's progress goes in the benchmark (the worker writes it to the job row)."""

    def __init__(self) -> None:
        self.reports = 0

    def progress(self, job_id: int, done: int, total: int, message: str | None) -> bool:
        self.reports += 1
        return False


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="giamngheo bench whatif")
    parser.add_argument("--households", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--database", default=SCRATCH_DATABASE, help="the scratch database")
    parser.add_argument("--reuse", action="store_true", help="time a kept database again")
    options = parser.parse_args(argv)

    url = scratch.open_database(options.database, reuse=options.reuse)
    try:
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.db.models import Count
        from django.test import Client

        from giamngheo.areas.models import AdministrativeUnit
        from giamngheo.demo.loader import load_demo
        from giamngheo.jobs.context import JobContext
        from giamngheo.lib import clock
        from giamngheo.registry.models import Household
        from giamngheo.reports import dashboard_whatif, whatif_jobs

        load_seconds = None
        if not options.reuse:
            start = time.perf_counter()
            load_demo(households=options.households, seed=1, parts=frozenset({"surveys"}))
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            load_seconds = round(time.perf_counter() - start, 1)
        province_id = Household.objects.values_list("province_id", flat=True).first()
        province = AdministrativeUnit.objects.get(pk=province_id)
        households = Household.objects.filter(province=province).count()
        largest = (
            Household.objects.filter(province=province)
            .values("commune_id")
            .annotate(n=Count("id"))
            .order_by("-n")
            .first()
        )
        assert largest is not None
        commune = AdministrativeUnit.objects.get(pk=largest["commune_id"])
        admin, _created = get_user_model().objects.get_or_create(
            username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
        )
        today = clock.today()
        pair = dashboard_whatif.standards_of(YEAR)
        assert pair is not None

        def floor() -> None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT status, count(*) FROM registry_household WHERE province_id = %s "
                    "GROUP BY status",
                    [province.pk],
                )
                cursor.fetchall()

        floor_seconds = _median(floor, options.repeat)
        configured_limit = settings.GIAMNGHEO_WHATIF_INLINE_LIMIT
        settings.GIAMNGHEO_WHATIF_INLINE_LIMIT = 10**9  # the commune inline, whatever its size
        inline_seconds = _median(
            lambda: dashboard_whatif.what_if(admin, commune, year=YEAR, today=today),
            options.repeat,
        )
        settings.GIAMNGHEO_WHATIF_INLINE_LIMIT = configured_limit
        fresh_seconds = _median(
            lambda: dashboard_whatif.freshness(province, pair=pair, today=today), options.repeat
        )
        job = whatif_jobs.what_if_start(actor=None, area=province, year=YEAR)
        book = CountingBook()
        peak_before = _peak_mb()
        start = time.perf_counter()
        result = whatif_jobs.compute(JobContext(job, book))
        job_seconds = round(time.perf_counter() - start, 2)
        peak_after = _peak_mb()
        client = Client()
        client.force_login(admin)

        def page() -> None:
            response = client.get(
                "/reports/dashboard/what-if/", {"area": province.code, "year": str(YEAR)}
            )
            if response.status_code != 200 or b'data-numbers="what-if"' not in response.content:
                raise RuntimeError(f"what-if page answered {response.status_code}")

        page_seconds = _median(page, options.repeat)
        report = {
            "benchmark": "whatif",
            "households": households,
            "communes": result["communes"],
            "largest_commune_households": largest["n"],
            "load_seconds": load_seconds,
            "floor_group_by_seconds": floor_seconds,
            "inline_commune_seconds": inline_seconds,
            "freshness_seconds": fresh_seconds,
            "job_seconds": job_seconds,
            "job_seconds_per_100k_households": round(job_seconds * 100_000 / households, 2),
            "job_ratio_to_floor": round(job_seconds / floor_seconds, 1),
            "job_progress_reports": book.reports,
            "job_classified": households - result["skipped"],
            "peak_rss_mb_before_job": peak_before,
            "peak_rss_mb_after_job": peak_after,
            "page_with_result_seconds": page_seconds,
            "page_ratio_to_floor": round(page_seconds / floor_seconds, 1),
        }
        print(json.dumps(report, indent=None if options.json else 2, ensure_ascii=False))
    finally:
        if not options.keep:
            scratch.drop(url, options.database)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
