"""Load scenario (issue 16, "Load"): 50 concurrent users on loopback against a demo province of
1,000,000 households, for 5 minutes; zero errors; p50/p95/p99 and throughput per request type
as JSON, with the ratio of throughput to that of ``/healthz`` under the same load.

1. In a scratch database it loads the synthetic demo province with N households (as
   ``bench/household_list.py`` does), or reuses one kept by an earlier run (``--reuse``).
2. It creates one login per virtual user (``load001``…), each a commune officer or a
   collaborator (of a village) of a different commune, so that their edits never collide, and
   picks head-of-household names from each one's area to search for.
3. It starts the app server (``giamngheo serve`` in a subprocess; ``--threads`` and
   ``--workers`` passed through when the command has them) and waits for ``/healthz``.
4. Every virtual user logs in; then all of them ask only ``/healthz`` for
   ``--baseline-duration`` seconds (the floor), then run the mix for ``--duration`` seconds
   without think time (capacity): search households by an accent-free name, open a household,
   edit and save it (the form's ``version`` sent back: a conflict is an answer, not an error),
   enter a survey (the B2 form as prefilled, with its one-time key) and download a report
   (``load_client.MIX`` and ``load_client.REPORTS``: one line per report).

Errors: any status ≥ 500, connection errors and timeouts, and 4xx the page should not answer.
Prints JSON; exits 1 when any error occurred. Not a test.

    giamngheo bench load --households 1000000 --duration 300

``--keep`` keeps the scratch database, ``--reuse`` runs again on it without loading.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load_client  # the sibling modules, found through the path above
import scratch

SCRATCH_DATABASE = "giamngheo_bench_load"
PASSWORD = "giamngheo-load"  # noqa: S105 - a scratch database's logins
USERNAME = "load{:03d}"
NAMES_PER_USER = 30


def _cpu_load() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


# -- the database -------------------------------------------------------------------------------


def _ensure_accounts(count: int) -> list[load_client.Account]:
    """``count`` logins, each of a different commune of the demo province (the communes with
    the most households first; past the number of communes they start again), every second one
    a collaborator of the commune's largest village. Idempotent."""
    from django.conf import settings
    from django.db import transaction
    from django.db.models import Count

    from giamngheo.accounts import services as account_services
    from giamngheo.accounts.models import Role, RoleGrant, User
    from giamngheo.areas.models import AdministrativeUnit, Level
    from giamngheo.lib.text import search_key
    from giamngheo.registry.models import Household

    province = AdministrativeUnit.objects.get(
        code=settings.DEMO_PROVINCE_CODE, level=Level.PROVINCE, valid_to__isnull=True
    )
    communes = list(
        Household.objects.filter(province=province)
        .values("commune_id")
        .order_by()
        .annotate(n=Count("id"))
        .order_by("-n", "commune_id")
        .values_list("commune_id", flat=True)
    )
    if not communes:
        raise SystemExit("load: the scratch database has no demo households (run without --reuse)")
    accounts = []
    for i in range(count):
        commune = AdministrativeUnit.objects.get(pk=communes[i % len(communes)])
        role, area = Role.COMMUNE_OFFICER, commune
        if i % 2 == 1:
            village_id = (
                Household.objects.filter(commune=commune)
                .values("village_id")
                .order_by()
                .annotate(n=Count("id"))
                .order_by("-n", "village_id")
                .values_list("village_id", flat=True)
                .first()
            )
            assert village_id is not None  # the commune has households, so a village
            role, area = Role.COLLABORATOR, AdministrativeUnit.objects.get(pk=village_id)
        username = USERNAME.format(i + 1)
        with transaction.atomic():
            user = User.objects.filter(username=username).first()
            if user is None:
                user = account_services.user_create(
                    actor=None, username=username, password=PASSWORD, full_name=f"Tải {i + 1}"
                )
            for grant in RoleGrant.objects.filter(user=user).select_related("user"):
                if (grant.role, grant.area_id) != (str(role), area.pk):
                    account_services.role_revoke(actor=None, grant=grant)
            account_services.role_grant(actor=None, user=user, role=role, area=area)
        heads = (
            Household.objects.filter(**{f"{area.level}_id": area.pk})
            .exclude(head_name="")
            .order_by("?")
            .values_list("head_name", flat=True)[:NAMES_PER_USER]
        )
        accounts.append(
            load_client.Account(
                username=username,
                password=PASSWORD,
                role=str(role),
                commune=commune.code,
                village=area.code if area.level == Level.VILLAGE else "",
                names=tuple(sorted({search_key(name) for name in heads})),
            )
        )
    return accounts


def _prepare(options: argparse.Namespace, url: str) -> dict[str, Any]:
    """The scratch database loaded (or reused) and the accounts made; facts for the results."""
    if options.reuse:
        scratch.connect(url)
    else:
        scratch.create(url, options.database)
    from django.db import connection

    from giamngheo.demo.loader import load_demo
    from giamngheo.registry.models import Household

    load_seconds = None
    if not options.reuse:
        start = time.perf_counter()
        load_demo(households=options.households, seed=1, parts=frozenset())
        load_seconds = round(time.perf_counter() - start, 1)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    accounts = _ensure_accounts(options.users)
    facts = {
        "households": Household.objects.count(),
        "load_seconds": load_seconds,
        "accounts": accounts,
    }
    connection.close()
    return facts


# -- the server ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve_command(options: argparse.Namespace, port: int) -> list[str]:
    command = [sys.executable, "-m", "giamngheo", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port)]
    usage = subprocess.run(
        [sys.executable, "-m", "giamngheo", "serve", "--help"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    for option in ("threads", "workers"):
        value = getattr(options, option)
        if value is None:
            continue
        if f"--{option}" not in usage:
            raise SystemExit(f"load: 'giamngheo serve' has no --{option} option")
        command += [f"--{option}", str(value)]
    return command


def _start_server(
    options: argparse.Namespace, url: str, port: int, log: Any
) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        # No background jobs in this scenario: no worker process competing for the CPU.
        "GIAMNGHEO_BACKGROUND_WORKER": "0",
    }
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and command
        _serve_command(options, port), env=environment, stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + options.start_timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"load: the server stopped at start (see {log.name})")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                return server
        time.sleep(0.5)
    _stop_server(server)
    raise SystemExit(f"load: the server did not answer /healthz in time (see {log.name})")


def _stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# -- the run -------------------------------------------------------------------------------------


def _ratios(mix: dict[str, Any], floor_rps: float) -> dict[str, float | None]:
    ratios: dict[str, float | None] = {
        kind: round(row["throughput_rps"] / floor_rps, 4) if floor_rps else None
        for kind, row in mix["by_type"].items()
    }
    ratios["mix"] = round(mix["total"]["throughput_rps"] / floor_rps, 4) if floor_rps else None
    return ratios


def run(options: argparse.Namespace) -> tuple[dict[str, Any], int]:
    url = scratch.server_url(options.database)
    created = not options.reuse
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - kept open for the server's lifetime
        "w+b", prefix="giamngheo-load-", suffix=".log", delete=False
    )
    server = None
    try:
        clock = time.perf_counter()
        facts = _prepare(options, url)
        setup_seconds = {"prepare": round(time.perf_counter() - clock, 1)}
        accounts: list[load_client.Account] = facts.pop("accounts")
        port = options.port or _free_port()
        clock = time.perf_counter()
        server = _start_server(options, url, port, log)
        setup_seconds["server_start"] = round(time.perf_counter() - clock, 1)
        base = f"http://127.0.0.1:{port}"
        users = [
            load_client.VirtualUser(base, account, seed=options.seed * 1000 + i)
            for i, account in enumerate(accounts)
        ]
        setup = load_client.Stats()
        start = time.perf_counter()
        logged_in = [user.login(setup) for user in users]
        setup.seconds = time.perf_counter() - start
        if not all(logged_in):
            users = [user for user, ok in zip(users, logged_in, strict=True) if ok]
        # Warm-up: each user runs every action once (caches filled, every page exercised).
        warmup = load_client.run_phase(users, 0, lambda u, s: u.tour(s), at_least_once=True)
        setup_seconds["login"] = round(setup.seconds, 1)
        setup_seconds["warmup"] = round(warmup.seconds, 1)
        cpu_before = _cpu_load()
        baseline = load_client.run_phase(
            users, options.baseline_duration, lambda u, s: u.healthz(s)
        )
        cpu_after_baseline = _cpu_load()
        mix = load_client.run_phase(users, options.duration, lambda u, s: u.step(s))
        cpu_after = _cpu_load()
    finally:
        if server is not None:
            _stop_server(server)
        log.close()
        if created and not options.keep:
            try:
                scratch.drop(url, options.database)
            except Exception as error:  # never hide the run's own failure
                print(f"load: the scratch database was not dropped: {error}", file=sys.stderr)
    floor = baseline.summary()
    mixed = mix.summary(load_client.REQUEST_TYPES)
    floor_rps = floor["total"]["throughput_rps"] or 0.0
    errors = setup.error_count + warmup.error_count + baseline.error_count + mix.error_count
    results: dict[str, Any] = {
        **facts,
        "virtual_users": len(accounts),
        "logged_in": len(users),
        "duration_s": options.duration,
        "baseline_duration_s": options.baseline_duration,
        "server": {"threads": options.threads, "workers": options.workers},
        "cpus": os.cpu_count(),
        "load_average": {
            "before": cpu_before,
            "after_baseline": cpu_after_baseline,
            "after_mix": cpu_after,
        },
        "setup_seconds": setup_seconds,
        "errors": errors,
        "login": setup.summary(),
        "warmup": warmup.summary(load_client.REQUEST_TYPES),
        "healthz": floor["total"],
        "mix": mixed,
        "throughput_vs_healthz": _ratios(mixed, floor_rps),
    }
    if errors:
        results["server_log"] = log.name
    else:
        os.unlink(log.name)
    return results, 1 if errors else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="giamngheo bench load")
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=50, help="concurrent virtual users")
    parser.add_argument("--duration", type=float, default=300, help="seconds of the mix")
    parser.add_argument(
        "--baseline-duration", type=float, default=60, help="seconds of /healthz only"
    )
    parser.add_argument("--threads", type=int, help="passed to 'giamngheo serve'")
    parser.add_argument("--workers", type=int, help="passed to 'giamngheo serve' if it has it")
    parser.add_argument("--port", type=int, help="the server's port (default: a free one)")
    parser.add_argument("--seed", type=int, default=1, help="the virtual users' choices")
    parser.add_argument("--start-timeout", type=float, default=120)
    parser.add_argument("--json", action="store_true", help="indented JSON")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--database", default=SCRATCH_DATABASE, help="the scratch database")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="run on a database kept by an earlier run (--keep) instead of loading a new one",
    )
    options = parser.parse_args(argv)
    # An external database wants a real secret key (or the demo flag): one for this run, for
    # this process and the server's.
    os.environ.setdefault("GIAMNGHEO_SECRET_KEY", secrets.token_urlsafe(50))
    results, code = run(options)
    print(json.dumps(results, indent=2 if options.json else None, ensure_ascii=False))
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
