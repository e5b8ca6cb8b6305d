"""A process killed (SIGKILL: no cleanup of any kind) in the middle of a household import, a
bulk re-classification, a recognition decision or a province consolidation leaves no partial
state: every table of the database is exactly as before. Running the operation again then
gives the same end state as an uninterrupted run (made on a copy of the database taken before
the first attempt). A job whose runner or whose worker is killed ends failed (never "running"
for ever) and runs to the same end when started again.

Real processes (``giamngheo import``, ``giamngheo worker``, ``tests.operations.crash_script``)
on the test database; the kills come from ``giamngheo.lib.crashpoints`` (``GIAMNGHEO_CRASH_AT``).
These tests commit (transactional_db): the processes see only committed rows."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection

from giamngheo.jobs import services as job_services
from giamngheo.jobs import worker
from giamngheo.jobs.models import Job, JobStatus
from giamngheo.registry.imports import IMPORT_JOB
from giamngheo.review import services as review_services
from tests.conftest import World, test_database_url
from tests.operations.helpers import database, run, table_contents
from tests.registry.io_helpers import household_rows, write_csv
from tests.review.conftest import ReviewWorld, entries_of, record_b2, set_status, started_round
from tests.review.helpers import consult

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.once]

TODAY = dt.date(2026, 12, 7)
KILLED = -signal.SIGKILL
HOUSEHOLDS = 40


def script(operation: str, parameters: dict[str, Any], *, url: str, crash: str = "") -> int:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop("GIAMNGHEO_CRASH_AT", None)
    if crash:
        env["GIAMNGHEO_CRASH_AT"] = crash
    parameters = {"today": TODAY.isoformat(), **parameters}
    result = subprocess.run(
        [sys.executable, "-m", "tests.operations.crash_script", operation, json.dumps(parameters)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode in (0, KILLED), result.stderr
    return result.returncode


def rows(url: str, query: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return [tuple(r) for r in conn.execute(query).fetchall()]


def copy_of_the_database(suffix: str) -> Any:
    """A copy of the test database as it is now (the state before the first attempt)."""
    name = connection.settings_dict["NAME"]
    return database(f"{name}_{suffix}", template=name)


def kill_at_each_point_then_finish(
    points: list[str], attempt: Callable[[str], int], url: str, uninterrupted: Callable[[], int]
) -> None:
    """Kill ``attempt`` at each point (checking that nothing changed), then let it finish.
    ``uninterrupted`` (the same operation on the copy taken before) runs meanwhile in a thread:
    the two databases share nothing, and each process takes seconds mostly to start."""
    with ThreadPoolExecutor(1) as pool:
        reference = pool.submit(uninterrupted)
        before = table_contents(url)
        for point in points:
            assert attempt(point) == KILLED, point
            assert table_contents(url) == before, f"partial state after a kill at {point}"
        assert attempt("") == 0
        assert reference.result() == 0


# -- (a) the household import ----------------------------------------------------------------


def import_file(world: World, folder: Path) -> Path:
    data: list[dict[str, str]] = []
    for n in range(HOUSEHOLDS):
        data += household_rows(f"A1-{100 + n:03d}", world.village_a1, head=f"Hoàng Văn Số {n}")
    return write_csv(folder / "ho-gia-dinh.csv", data)


IMPORT_STATE = (
    "SELECT h.code, h.head_name, h.member_count, h.village_id, h.version, h.status, "
    "array_agg(p.full_name || ':' || m.relation || ':' || m.is_head ORDER BY p.full_name) "
    "FROM registry_household h JOIN registry_membership m ON m.household_id = h.id "
    "JOIN registry_person p ON p.id = m.person_id GROUP BY h.id ORDER BY h.code"
)
IMPORT_EVENTS = (
    "SELECT action, count(*) FROM audit_auditevent WHERE action LIKE 'registry.household%%' "
    "GROUP BY action ORDER BY action"
)


def test_a_killed_household_import_leaves_nothing_and_a_rerun_ends_as_an_uninterrupted_one(
    world: World, tmp_path: Path
) -> None:
    path = import_file(world, tmp_path)
    url = test_database_url()

    def attempt(crash: str) -> int:
        env = {"DATABASE_URL": url, "GIAMNGHEO_CRASH_AT": crash}
        return run("import", "households", str(path), env=env).returncode

    with copy_of_the_database("import") as clone_url:
        # Four points inside the import's transaction: after the households, the persons, the
        # memberships and the audit events were written.
        points = [f"import.write:{n}" for n in (1, 2, 3, 4)]
        kill_at_each_point_then_finish(
            points,
            attempt,
            url,
            lambda: (
                run("import", "households", str(path), env={"DATABASE_URL": clone_url}).returncode
            ),
        )
        assert rows(url, IMPORT_STATE) == rows(clone_url, IMPORT_STATE)
        assert rows(url, IMPORT_EVENTS) == rows(clone_url, IMPORT_EVENTS)
    assert len([r for r in rows(url, IMPORT_STATE) if r[0].startswith("A1-1")]) == HOUSEHOLDS
    # Idempotent: the same file again changes no household.
    settled = rows(url, IMPORT_STATE)
    assert attempt("") == 0
    assert rows(url, IMPORT_STATE) == settled


# -- (b) a bulk re-classification --------------------------------------------------------------

STATUS_STATE = (
    "SELECT h.code, h.status, h.status_standard, h.status_year, h.version, "
    "(SELECT array_agg(c.status || ':' || c.year ORDER BY c.id) FROM registry_statuschange c "
    "WHERE c.household_id = h.id) FROM registry_household h ORDER BY h.code"
)


def test_a_killed_bulk_reclassification_leaves_nothing_and_a_rerun_ends_the_same(
    world: World,
) -> None:
    households = [world.household_a1, world.household_a2, world.household_b1, world.household_x1]
    statuses = dict(
        zip([h.pk for h in households], ["poor", "near_poor", "poor", "near_poor"], strict=True)
    )
    url = test_database_url()

    def attempt(crash: str, target: str = url) -> int:
        return script("status_bulk", {"statuses": statuses}, url=target, crash=crash)

    with copy_of_the_database("status") as clone_url:
        # Inside the transaction: after the first and the second UPDATE (one per status).
        kill_at_each_point_then_finish(
            ["status_bulk.update:1", "status_bulk.update:2"],
            attempt,
            url,
            lambda: attempt("", clone_url),
        )
        assert rows(url, STATUS_STATE) == rows(clone_url, STATUS_STATE)
    changed = {code: status for code, status, *_rest in rows(url, STATUS_STATE)}
    assert changed == {
        "A1-001": "poor",
        "A2-001": "near_poor",
        "B1-001": "poor",
        "X1-001": "near_poor",
    }


# -- (c) the recognition decision, (d) the province consolidation ------------------------------


def posted_round(world: World) -> Any:
    """Commune A 2025, posted and consulted: ready for the chairman's decision (as
    tests.review.helpers.decided_round, without the decision)."""
    from giamngheo.lib import clock

    clock.set_today(TODAY)
    rw = ReviewWorld(
        world,
        set_status(world.household_a1, "poor"),
        set_status(world.household_a2, "near_poor"),
        world.household_b1,
        world.household_x1,
    )
    round_ = started_round(rw)
    record_b2(rw.poor, "poor")
    record_b2(rw.near_poor, "poor")
    review_services.round_attach_latest_surveys(actor=world.xa_a, round_=round_)
    entries = entries_of(round_)
    for village, code in ((world.village_a1, "A1-001"), (world.village_a2, "A2-001")):
        meeting = review_services.meeting_create(
            actor=world.xa_a,
            round_=round_,
            village=village,
            held_on=dt.date(2025, 10, 15),
            chair_name="Trưởng thôn Hà Văn Mạnh",
            secretary_name="Lò Thị Thư",
            attendees=20,
        )
        review_services.meeting_record_votes(
            actor=world.xa_a, meeting=meeting, votes={entries[code].pk: 15}
        )
    review_services.posting_create(actor=world.xa_a, round_=round_, posted_on=dt.date(2025, 11, 3))
    consult(rw, round_)
    return round_


DECISION_STATE = (
    "SELECT d.number, d.signed_on, e.household_code, e.lists, e.status_before, e.status_after, "
    "h.status, h.status_year, r.state, en.state FROM review_decision d "
    "JOIN review_decisionentry e ON e.decision_id = d.id "
    "JOIN registry_household h ON h.id = e.household_id "
    "JOIN review_round r ON r.id = d.round_id JOIN review_entry en ON en.id = e.entry_id "
    "ORDER BY e.household_code"
)


def test_a_killed_recognition_decision_leaves_nothing_and_a_rerun_ends_the_same(
    world: World,
) -> None:
    round_ = posted_round(world)
    url = test_database_url()

    def attempt(crash: str, target: str = url) -> int:
        return script("decision", {"round": round_.pk}, url=target, crash=crash)

    with copy_of_the_database("decision") as clone_url:
        points = ["decision.write:1", "status_bulk.update:1", "decision.write:2"]
        kill_at_each_point_then_finish(points, attempt, url, lambda: attempt("", clone_url))
        decided = rows(url, DECISION_STATE)
        assert decided == rows(clone_url, DECISION_STATE)
    assert [(r[2], r[5], r[6]) for r in decided] == [
        ("A1-001", "poor", "poor"),
        ("A2-001", "poor", "poor"),
    ]
    assert rows(url, "SELECT count(*) FROM review_decision") == [(1,)]


CONSOLIDATION_STATE = (
    "SELECT p.year, p.partial, p.partial_reason, p.figures, "
    "array_agg(c.commune_id || ':' || c.state ORDER BY c.commune_id) FROM review_provincereport p "
    "JOIN review_communereport c ON c.consolidation_id = p.id GROUP BY p.id ORDER BY p.id"
)


def test_a_killed_province_consolidation_leaves_nothing_and_a_rerun_ends_the_same(
    world: World,
) -> None:
    round_ = posted_round(world)
    url = test_database_url()
    assert script("decision", {"round": round_.pk}, url=url) == 0
    round_.refresh_from_db()
    review_services.report_submit(actor=world.xa_a, round_=round_)

    def attempt(crash: str, target: str = url) -> int:
        return script("consolidate", {"province": world.province.pk}, url=target, crash=crash)

    with copy_of_the_database("consolidate") as clone_url:
        kill_at_each_point_then_finish(
            ["consolidate.write:1", "consolidate.write:2"],
            attempt,
            url,
            lambda: attempt("", clone_url),
        )
        consolidated = rows(url, CONSOLIDATION_STATE)
        assert consolidated == rows(clone_url, CONSOLIDATION_STATE)
    assert len(consolidated) == 1 and consolidated[0][1] is True


# -- jobs: a killed runner, a killed worker ------------------------------------------------------


def enqueue_import(world: World, var_dir: Path) -> Job:
    folder = var_dir / "jobs" / "uploads" / "crash"
    folder.mkdir(parents=True, exist_ok=True)
    import_file(world, folder)
    return job_services.job_enqueue(
        actor=None,
        kind=IMPORT_JOB,
        parameters={"file": "uploads/crash/ho-gia-dinh.csv", "dry_run": False},
    )


def worker_env(var_dir: Path, crash: str = "") -> dict[str, str]:
    env = {"DATABASE_URL": test_database_url(), "GIAMNGHEO_VAR_DIR": str(var_dir)}
    if crash:
        env |= {"GIAMNGHEO_CRASH_AT": crash, "GIAMNGHEO_CRASH_DIR": str(var_dir)}
    return env


def imported(url: str) -> int:
    return len([r for r in rows(url, IMPORT_STATE) if r[0].startswith("A1-1")])


def test_an_import_job_whose_runner_is_killed_fails_cleanly_and_runs_again_to_the_end(
    world: World, tmp_path: Path
) -> None:
    url = test_database_url()
    job = enqueue_import(world, tmp_path)
    before = table_contents(url)
    done = run("worker", "--once", env=worker_env(tmp_path, "import.write:2"))
    assert done.returncode == 0, done.stderr
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "SIGKILL" in job.error
    assert "không bị thay đổi dở dang" in job.message
    after = table_contents(url)
    assert {k: v for k, v in after.items() if k != "public.jobs_job"} == {
        k: v for k, v in before.items() if k != "public.jobs_job"
    }
    again = enqueue_import(world, tmp_path)
    assert run("worker", "--once", env=worker_env(tmp_path)).returncode == 0
    again.refresh_from_db()
    assert again.status == JobStatus.SUCCEEDED, again.message
    assert imported(url) == HOUSEHOLDS


def test_an_import_job_whose_worker_is_killed_is_recovered_as_failed_and_runs_again(
    world: World, tmp_path: Path
) -> None:
    url = test_database_url()
    job = enqueue_import(world, tmp_path)
    before = table_contents(url)
    # The runner holds inside the import's transaction; the worker above it is killed.
    process = subprocess.Popen(
        [sys.executable, "-m", "giamngheo", "worker", "--poll", "0.2"],
        env={**os.environ, **worker_env(tmp_path, "import.write:2:hold")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    reached = tmp_path / "import.write.reached"
    deadline = time.monotonic() + 180
    while not reached.exists():
        assert time.monotonic() < deadline and process.poll() is None, "the import never got there"
        time.sleep(0.1)
    runner = int(reached.read_text())
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    deadline = time.monotonic() + 30
    while (
        os.path.exists(f"/proc/{runner}")
        and "zombie" not in Path(f"/proc/{runner}/status").read_text()
    ):
        assert time.monotonic() < deadline, "the runner outlived its worker"
        time.sleep(0.1)
    # The job is not left running: the next recovery pass (at every worker's start and every
    # minute) sees its worker's lock free once PostgreSQL has closed the dead sessions.
    deadline = time.monotonic() + 60
    while Job.objects.get(pk=job.pk).status == JobStatus.RUNNING:
        assert time.monotonic() < deadline, "the job stayed running"
        worker.recover_stale_jobs()
        time.sleep(0.2)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "dừng giữa chừng" in job.message
    after = table_contents(url)
    assert {k: v for k, v in after.items() if k != "public.jobs_job"} == {
        k: v for k, v in before.items() if k != "public.jobs_job"
    }
    again = enqueue_import(world, tmp_path)
    assert run("worker", "--once", env=worker_env(tmp_path)).returncode == 0
    again.refresh_from_db()
    assert again.status == JobStatus.SUCCEEDED, again.message
    assert imported(url) == HOUSEHOLDS
