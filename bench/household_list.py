"""Benchmark: the household list with N households in the database (issue 4: "fast with
1,000,000 households in the database").

In a scratch database it loads the synthetic demo province with N households (households,
persons and memberships only), then times the household list pages through Django's test
client as the provincial officer ``tinh`` (the whole province) and the commune officer ``xa1``:
the first page, a status filter, a page deep into the list (keyset pagination, ``?after=``),
and an accent-free name search. In the same run it times the naive alternative for the deep
page (``OFFSET`` pagination to the same depth) as the baseline. Prints JSON; not a test.

    giamngheo bench household_list --households 1000000 --json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scratch  # the sibling module, found through the path above

SCRATCH_DATABASE = "giamngheo_bench_list"


def _timed(action: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="giamngheo bench household_list")
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    options = parser.parse_args(argv)

    url = scratch.server_url(SCRATCH_DATABASE)
    scratch.create(url, SCRATCH_DATABASE)
    try:
        from django.db import connection
        from django.test import Client

        from giamngheo.accounts.models import User
        from giamngheo.demo.loader import load_demo
        from giamngheo.registry.models import Household

        start = time.perf_counter()
        load_demo(households=options.households, seed=1, parts=frozenset())
        load_seconds = time.perf_counter() - start
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

        results: dict[str, Any] = {
            "households": Household.objects.count(),
            "load_seconds": round(load_seconds, 1),
            "pages": {},
        }
        ids = list(Household.objects.order_by("id").values_list("id", flat=True))
        depth = int(len(ids) * 0.9)
        deep_after = ids[depth - 1]
        for username in ("tinh", "xa1"):
            client = Client()
            client.force_login(User.objects.get(username=username))
            client.get("/households/")  # warm caches and the session
            pages = {
                "first": ("/households/", {}),
                "status_poor": ("/households/", {"status": "poor"}),
                "deep_keyset": ("/households/", {"after": str(deep_after)}),
                "search_name": ("/households/", {"q": "nguyen van an"}),
            }
            for name, (path, params) in pages.items():
                executed: list[str] = []

                def count(execute: Any, sql: str, *args: Any, log: list[str] = executed) -> Any:
                    log.append(sql)
                    return execute(sql, *args)

                with connection.execute_wrapper(count):
                    client.get(path, params)

                def fetch(browser: Any = client, p: str = path, q: Any = params) -> Any:
                    return browser.get(p, q)

                seconds, response = _timed(fetch, options.repeat)
                assert response.status_code == 200, (username, name, response.status_code)
                results["pages"][f"{username}.{name}"] = {
                    "ms": round(seconds * 1000, 1),
                    "queries": len(executed),
                }

        # Baseline: the same deep page by OFFSET, as list views commonly paginate.
        def offset_page() -> list[int]:
            return list(
                Household.objects.order_by("id").values_list("id", flat=True)[depth : depth + 50]
            )

        def keyset_page() -> list[int]:
            return list(
                Household.objects.filter(id__gt=deep_after)
                .order_by("id")
                .values_list("id", flat=True)[:50]
            )

        offset_seconds, offset_ids = _timed(offset_page, options.repeat)
        keyset_seconds, keyset_ids = _timed(keyset_page, options.repeat)
        assert offset_ids == keyset_ids
        results["deep_page_query"] = {
            "offset_ms": round(offset_seconds * 1000, 2),
            "keyset_ms": round(keyset_seconds * 1000, 2),
            "speedup_keyset_vs_offset": round(offset_seconds / keyset_seconds, 1),
            "depth": depth,
        }
    finally:
        if not options.keep:
            scratch.drop(url, SCRATCH_DATABASE)
    print(json.dumps(results, indent=2 if options.json else None, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
