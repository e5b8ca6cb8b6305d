"""Issue 10 (medium): an import file that lists only the heads must not deactivate every other
member in one click. Members absent from a file stay unless the user declares the file complete
(checkbox on the upload form, ``--complete`` on the command line); the dry run names how many
people would leave."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from giamngheo.jobs.models import Job, JobStatus
from giamngheo.registry import imports
from giamngheo.registry.models import Household, Membership, Person
from tests.conftest import World
from tests.registry.io_helpers import header, household_rows, write_csv

pytestmark = pytest.mark.django_db

FAMILY = (("Nguyễn Thị Bốn", "Vợ", "1985"), ("Nguyễn Văn Út", "Con", "2010"))


@pytest.fixture
def family(world: World, tmp_path: Path) -> Household:
    """H-001 and H-002 of village A1, three members each, imported once."""
    rows = household_rows("H-001", world.village_a1, others=FAMILY) + household_rows(
        "H-002", world.village_a1, head="Lê Văn Tư", others=FAMILY
    )
    report = imports.import_households(
        actor=world.xa_a, path=write_csv(tmp_path / "day-du.csv", rows), dry_run=False
    )
    assert report.written and report.persons_in_new_households == 6
    return Household.objects.get(code="H-001")


def heads_only(world: World, tmp_path: Path) -> Path:
    rows = household_rows("H-001", world.village_a1, others=(), income="1500000")
    rows += household_rows("H-002", world.village_a1, head="Lê Văn Tư", others=())
    return write_csv(tmp_path / "chi-chu-ho.csv", rows)


def active_members() -> int:
    return Membership.objects.filter(left_on__isnull=True, household__code__startswith="H-").count()


def test_a_file_of_heads_only_leaves_every_member_in_place(
    world: World, family: Household, tmp_path: Path
) -> None:
    report = imports.import_households(
        actor=world.xa_a, path=heads_only(world, tmp_path), dry_run=False
    )
    assert report.written and report.error_count == 0
    assert (report.members_absent, report.members_removed) == (4, 0)
    assert not any(c["removed"] for c in report.changes.to_dicts())
    assert active_members() == 6
    assert Person.objects.filter(full_name="Nguyễn Văn Út", is_active=True).count() == 2
    family.refresh_from_db()
    assert family.income == 1_500_000  # the household's own values still update
    assert family.member_count == 3
    assert "ut" in family.search_text


def test_a_file_declared_complete_shows_who_leaves_in_the_dry_run_then_removes_them(
    world: World, family: Household, tmp_path: Path
) -> None:
    path = heads_only(world, tmp_path)
    preview = imports.import_households(actor=world.xa_a, path=path, dry_run=True, complete=True)
    assert (preview.members_absent, preview.members_removed) == (4, 4)
    assert "Nguyễn Văn Út" in preview.changes.to_dicts()[0]["removed"]
    assert active_members() == 6
    report = imports.import_households(actor=world.xa_a, path=path, dry_run=False, complete=True)
    assert report.written and report.members_removed == 4
    assert active_members() == 2
    family.refresh_from_db()
    assert family.member_count == 1


def test_a_stored_head_missing_from_an_incomplete_file_is_an_error(
    world: World, family: Household, tmp_path: Path
) -> None:
    # The wife is now the head; the former head is not in the file.
    rows = household_rows("H-001", world.village_a1, head="Nguyễn Thị Bốn", others=())
    path = write_csv(tmp_path / "chu-ho-moi.csv", rows)
    report = imports.import_households(actor=world.xa_a, path=path, dry_run=False)
    assert report.blocked and not report.written
    [error] = [e for e in report.errors.to_dicts() if e["column"] == header("relation")]
    assert "Nguyễn Văn Ba" in error["message"] and error["household"] == "H-001"
    family.refresh_from_db()
    assert family.head_name == "Nguyễn Văn Ba" and family.version == 1
    # Declared complete, the former head leaves and the new head takes over.
    report = imports.import_households(actor=world.xa_a, path=path, dry_run=False, complete=True)
    assert report.written, report.errors.to_dicts()
    family.refresh_from_db()
    assert family.head_name == "Nguyễn Thị Bốn" and family.member_count == 1


def test_the_command_line_removes_absent_members_only_with_complete(
    world: World, family: Household, tmp_path: Path, capsys: Any
) -> None:
    path = heads_only(world, tmp_path)
    call_command("import", "households", str(path))
    assert "4 người đang có trong các hộ nhưng không có trong tệp" in capsys.readouterr().out
    assert active_members() == 6
    call_command("import", "households", str(path), "--complete")
    assert active_members() == 2


def test_the_upload_form_has_the_checkbox_and_the_preview_names_the_count(
    world: World, family: Household, tmp_path: Path
) -> None:
    client = Client()
    client.force_login(world.xa_a)
    page = client.get(reverse("registry_io:index")).content.decode()
    assert 'name="complete"' in page and "Tệp gồm đầy đủ thành viên của các hộ" in page
    jobs = {}
    for complete in (False, True):
        with heads_only(world, tmp_path).open("rb") as handle:
            data: dict[str, Any] = {"file": handle}
            if complete:
                data["complete"] = "on"
            response = client.post(reverse("registry_io:import_start"), data)
        assert response.status_code == 302
        job = Job.objects.order_by("-pk").first()
        assert job is not None and job.parameters["complete"] is complete
        # The job's work itself is tested above; here the page shows its result.
        report = imports.import_households(
            actor=world.xa_a, path=heads_only(world, tmp_path), dry_run=True, complete=complete
        )
        job.status = JobStatus.SUCCEEDED
        job.result = report.summary()
        job.save()
        jobs[complete] = client.get(response["Location"]).content.decode()
    assert "4 người đang có trong các hộ nhưng không có trong tệp: họ vẫn ở lại hộ" in jobs[False]
    assert "4 người đang có trong các hộ nhưng không có trong tệp sẽ rời hộ" in jobs[True]
    assert "tệp gồm đầy đủ thành viên của các hộ" in jobs[True]
    # Confirming the complete dry run runs the real import with the same declaration.
    job = Job.objects.order_by("-pk").first()
    assert job is not None
    confirm = client.post(reverse("registry_io:import_confirm", args=[job.pk]), {"mode": "all"})
    assert confirm.status_code == 302
    follow = Job.objects.order_by("-pk").first()
    assert follow is not None
    assert follow.parameters["complete"] is True and follow.parameters["dry_run"] is False
