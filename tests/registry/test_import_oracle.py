"""Issue 10 (medium): a dry-run import must not be a bulk check of which citizen IDs exist.
An ID held outside the user's areas gets the same answer as any unusable number, each run with
such hits is audited (a count, never the numbers), and past a daily limit the file is refused
as a whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import override_settings

from giamngheo.audit.models import AuditEvent
from giamngheo.registry import imports, services
from giamngheo.registry.models import Household, Person
from tests.conftest import World
from tests.registry.io_helpers import header, household_rows, write_csv

pytestmark = pytest.mark.django_db

B1_ID = "044190000999"
X1_ID = "001190000888"


@pytest.fixture
def foreign_ids(world: World) -> list[str]:
    """Two IDs held by active persons outside commune A: one in commune B, one elsewhere."""
    for household, citizen_id in ((world.household_b1, B1_ID), (world.household_x1, X1_ID)):
        services.member_add(
            actor=None,
            household=household,
            data=services.PersonData(
                full_name="Người Ngoài",
                sex="female",
                birth_year=1990,
                relation="other",
                citizen_id=citizen_id,
            ),
        )
    return [B1_ID, X1_ID]


def probe(world: World, tmp_path: Path, name: str, ids: list[str], **kwargs: object) -> Path:
    rows: list[dict[str, str]] = []
    for number, citizen_id in enumerate(ids, start=1):
        rows += household_rows(f"H-{name}-{number}", world.village_a1, head_id=citizen_id)
    if not ids:
        rows = household_rows(f"H-{name}-0", world.village_a1)
    return write_csv(tmp_path / f"{name}.csv", rows)


def id_messages(report: imports.ImportReport) -> list[str]:
    return [e["message"] for e in report.errors.to_dicts() if e["column"] == header("citizen_id")]


def checks() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=imports.FOREIGN_ID_ACTION).order_by("pk"))


def test_a_foreign_id_is_only_unusable_and_the_run_is_audited_without_numbers(
    world: World, foreign_ids: list[str], tmp_path: Path
) -> None:
    report = imports.import_households(
        actor=world.xa_a, path=probe(world, tmp_path, "a", foreign_ids), dry_run=True
    )
    messages = id_messages(report)
    assert len(messages) == 2
    # One template for both, whoever holds the number and wherever.
    assert [m.replace(i, "#") for m, i in zip(messages, foreign_ids, strict=True)] == [
        str(imports.UNUSABLE_ID_MESSAGE) % {"id": "#"}
    ] * 2
    assert all("ngoài" not in m and "Người Ngoài" not in m for m in messages)
    [event] = checks()
    assert event.actor == world.xa_a
    assert event.after["foreign_ids"] == 2
    dumped = json.dumps([event.after, event.before, event.note, event.object_repr])
    assert B1_ID not in dumped and X1_ID not in dumped

    # Whoever may see every holder (the administrator) is told who it is, and is not counted.
    imports.import_households(
        actor=world.admin, path=probe(world, tmp_path, "b", foreign_ids), dry_run=True
    )
    assert len(checks()) == 1


@override_settings(IMPORT_FOREIGN_ID_DAILY_LIMIT=2)
def test_past_the_daily_limit_the_file_is_refused_as_a_whole(
    world: World, foreign_ids: list[str], tmp_path: Path
) -> None:
    first = imports.import_households(
        actor=world.xa_a, path=probe(world, tmp_path, "a", foreign_ids), dry_run=True
    )
    assert len(id_messages(first)) == 2 and not first.refused

    # A run that would go past the limit says nothing about its numbers or its households.
    second = imports.import_households(
        actor=world.xa_a, path=probe(world, tmp_path, "b", [B1_ID, "044080000123"]), dry_run=False
    )
    assert second.refused and second.blocked and not second.written
    assert second.error_count == 1
    assert B1_ID not in second.errors["message"][0]
    assert "quá số lần" in second.errors["message"][0]
    assert "giới hạn" in second.headline()
    assert (second.created, second.invalid, second.changes.height) == (0, 0, 0)
    assert not Household.objects.filter(code__startswith="H-b").exists()
    assert not Person.objects.filter(citizen_id="044080000123").exists()

    # After that, every file of the day is refused, even one without any foreign number.
    third = imports.import_households(
        actor=world.xa_a, path=probe(world, tmp_path, "c", []), dry_run=False
    )
    assert third.refused and not third.written
    assert not Household.objects.filter(code__startswith="H-c").exists()
    assert [e.after["refused"] for e in checks()] == [False, True, True]
    assert "quá số lần" in third.summary()["errors"][0]["message"]

    # Another user's day is their own.
    other = imports.import_households(
        actor=world.tinh, path=probe(world, tmp_path, "d", []), dry_run=True
    )
    assert not other.refused and other.error_count == 0
