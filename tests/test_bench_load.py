"""The load scenario (``bench/load.py``) runs: a few seconds, two virtual users, a tiny demo
province in the test database (the demo's households have every survey answer, so that the
prefilled survey form is complete, as in the benchmark). Not a timing test: it proves the
script logs in, finds households, edits and saves them, records surveys, downloads every
report, measures ``/healthz`` and reports it all as JSON, with no error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from giamngheo.accounts.models import User
from giamngheo.demo.loader import load_demo
from giamngheo.registry.models import Household
from giamngheo.surveys.models import Survey
from tests.conftest import test_database_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.once]

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "bench" / "load.py"
REPORT_TYPES = ("report_reach_xlsx", "report_support_requests_xlsx")


def test_the_load_scenario_runs_every_request_type_without_error(
    official_units: None, tmp_path: Path
) -> None:
    load_demo(households=200, seed=3, parts=frozenset())
    env = dict(
        os.environ,
        DATABASE_URL=test_database_url(),
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
        GIAMNGHEO_VAR_DIR=str(tmp_path),
    )
    run = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--reuse",
            "--database",
            connection.settings_dict["NAME"],
            "--users",
            "2",
            "--duration",
            "3",
            "--baseline-duration",
            "1",
            "--threads",
            "2",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    results = json.loads(run.stdout)
    assert results["errors"] == 0
    assert results["households"] == Household.objects.count() == 200
    assert results["logged_in"] == results["virtual_users"] == 2

    # The two logins exist, each in a different commune.
    users = User.objects.filter(username__in=["load001", "load002"]).prefetch_related("grants")
    areas = [grant.area for user in users for grant in user.grants.all()]
    communes = {area.pk if area.level == "commune" else area.parent_id for area in areas if area}
    assert len(communes) == 2

    # The warm-up ran every request type for each user; the mix ran at least some.
    warmup = results["warmup"]["by_type"]
    for kind in ("search", "household", "edit_form", "edit_save", "survey_form", "survey_save"):
        assert warmup[kind]["count"] >= 2, kind
    for kind in REPORT_TYPES:
        assert warmup[kind]["count"] == 2, kind
        assert warmup[kind]["statuses"] == {"200": 2}
    mix = results["mix"]
    assert mix["total"]["count"] > 0
    assert mix["total"]["count"] == sum(row["count"] for row in mix["by_type"].values())
    for row in mix["by_type"].values():
        assert row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"] <= row["max_ms"]

    # What the JSON says was saved is in the database (counted independently).
    saved_edits = sum(
        phase["by_type"].get("edit_save", {}).get("outcomes", {}).get("saved", 0)
        for phase in (results["warmup"], mix)
    )
    saved_surveys = sum(
        phase["by_type"].get("survey_save", {}).get("outcomes", {}).get("saved", 0)
        for phase in (results["warmup"], mix)
    )
    assert saved_edits >= 2 and saved_surveys >= 2
    versions = Household.objects.filter(version__gt=1).values_list("version", flat=True)
    assert sum(v - 1 for v in versions) == saved_edits
    assert Survey.objects.filter(created_by__username__startswith="load").count() == saved_surveys

    # The floor: /healthz under the same users, and the ratios to it.
    healthz = results["healthz"]
    assert healthz["count"] > 0 and healthz["errors"] == 0
    ratios = results["throughput_vs_healthz"]
    assert set(ratios) == {*mix["by_type"], "mix"}
    assert ratios["mix"] == pytest.approx(
        mix["total"]["throughput_rps"] / healthz["throughput_rps"], rel=0.01
    )
