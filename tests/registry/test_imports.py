"""Importing households with members from xlsx/CSV: dry run, every error listed, nothing
imported on error unless only the valid households are asked for, upsert by code, scope."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from giamngheo.audit.models import AuditEvent
from giamngheo.jobs import worker
from giamngheo.jobs.models import Job, JobStatus
from giamngheo.registry import imports, services
from giamngheo.registry.models import Household, Membership, Person
from tests.conftest import World, log_in
from tests.registry.io_helpers import header, household_rows, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def imported_codes() -> set[str]:
    return set(Household.objects.filter(code__startswith="H-").values_list("code", flat=True))


def errors_of(report: imports.ImportReport) -> set[tuple[int, str, str]]:
    return {(e["row"], e["column"], e["message"]) for e in report.errors.to_dicts()}


def error_at(report: imports.ImportReport, row: int, key: str) -> str:
    messages = [
        e["message"]
        for e in report.errors.to_dicts()
        if e["row"] == row and e["column"] == header(key)
    ]
    assert messages, f"no error at row {row}, column {header(key)}: {report.errors.to_dicts()}"
    return messages[0]


@pytest.fixture
def two_households(world: World, tmp_path: Path) -> Path:
    rows = household_rows("H-001", world.village_a1, head_id="044080000001") + household_rows(
        "H-002",
        world.village_a2,
        head="Lê Văn Tư",
        others=(("Lê Thị Năm", "Vợ", "1984"), ("Lê Văn Sáu", "Con", "2012")),
        poverty_reasons="Thiếu đất sản xuất; Thiếu vốn sản xuất, kinh doanh",
    )
    return write_csv(tmp_path / "hộ gia đình.csv", rows)


def test_the_dry_run_shows_what_would_change_and_changes_nothing(
    world: World, two_households: Path
) -> None:
    events = AuditEvent.objects.count()
    report = imports.import_households(actor=world.xa_a, path=two_households, dry_run=True)
    assert report.error_count == 0
    assert (report.created, report.updated, report.unchanged, report.invalid) == (2, 0, 0, 0)
    assert report.persons_in_new_households == 5
    assert not report.written
    changes = {c["household"]: c for c in report.changes.to_dicts()}
    assert changes["H-002"]["action"] == "create"
    assert changes["H-002"]["added"] == "Lê Văn Tư, Lê Thị Năm, Lê Văn Sáu"
    assert imported_codes() == set()
    assert AuditEvent.objects.count() == events


def test_an_import_writes_households_members_and_one_audit_event_per_household(
    world: World, two_households: Path
) -> None:
    report = imports.import_households(actor=world.xa_a, path=two_households, dry_run=False)
    assert report.written and report.created == 2
    household = Household.objects.get(code="H-002", province=world.province)
    assert (household.village, household.commune) == (world.village_a2, world.commune_a)
    assert household.head_name == "Lê Văn Tư"
    assert household.member_count == 3
    assert household.income == 1_200_000
    assert household.water_source == "drilled_well"
    assert household.poverty_reasons == ["land", "capital"]
    assert household.area_kind == world.village_a2.area_kind
    assert "le van tu" in household.search_text
    current = Membership.objects.filter(household=household, left_on__isnull=True)
    assert sorted(current.values_list("relation", "is_head")) == [
        ("child", False),
        ("head", True),
        ("spouse", False),
    ]
    head = Person.objects.get(citizen_id="044080000001")
    assert head.birth_year == 1980 and head.search_name == "nguyen van ba"
    created = AuditEvent.objects.filter(
        action="registry.household_created", object_repr__startswith="H-"
    )
    assert created.count() == 2
    event = created.get(object_id=str(household.pk))
    assert event.actor == world.xa_a
    assert event.after is not None
    assert event.after["members"] == ["Lê Văn Tư", "Lê Thị Năm", "Lê Văn Sáu"]
    assert event.after["poverty_reasons"] == ["land", "capital"]
    assert (event.village_id, event.commune_id) == (world.village_a2.pk, world.commune_a.pk)
    summary = AuditEvent.objects.get(action="registry.households_imported")
    assert summary.after is not None and summary.after["created"] == 2


def test_importing_the_same_file_twice_gives_the_same_households(
    world: World, two_households: Path
) -> None:
    first = imports.import_households(actor=world.xa_a, path=two_households, dry_run=False)
    versions = dict(Household.objects.values_list("code", "version"))
    persons = Person.objects.count()
    second = imports.import_households(actor=world.xa_a, path=two_households, dry_run=False)
    assert (first.created, second.created, second.updated, second.unchanged) == (2, 0, 0, 2)
    assert Household.objects.filter(code__in=["H-001", "H-002"]).count() == 2
    assert Person.objects.count() == persons
    assert dict(Household.objects.values_list("code", "version")) == versions


def test_a_reimport_updates_fields_adds_and_removes_members(world: World, tmp_path: Path) -> None:
    first = household_rows(
        "H-001",
        world.village_a1,
        others=(("Nguyễn Thị Bốn", "Vợ", "1985"), ("Nguyễn Văn Út", "Con", "2010")),
    )
    imports.import_households(
        actor=world.xa_a, path=write_csv(tmp_path / "a.csv", first), dry_run=False
    )
    household = Household.objects.get(code="H-001")
    leaving = Person.objects.get(full_name="Nguyễn Văn Út")
    # Accents and case differ, the ID is new, the income changed; Út left, a baby arrived.
    second = household_rows(
        "H-001",
        world.village_a1,
        head="NGUYEN VAN BA",
        head_id="044080000009",
        income="1.500.000",
        others=(("Nguyễn Thị Bốn", "Vợ", "1985"), ("Nguyễn Văn Bé", "Con", "2024")),
    )
    report = imports.import_households(
        actor=world.xa_a, path=write_csv(tmp_path / "b.csv", second), dry_run=False, complete=True
    )
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert (report.members_added, report.members_removed, report.members_updated) == (1, 1, 1)
    change = report.changes.to_dicts()[0]
    assert change["added"] == "Nguyễn Văn Bé"
    assert change["removed"] == "Nguyễn Văn Út"
    assert header("income") in change["fields"]
    household.refresh_from_db()
    assert household.income == 1_500_000
    assert household.version == 2
    assert household.member_count == 3
    assert household.head_name == "NGUYEN VAN BA"
    head = Person.objects.get(citizen_id="044080000009")
    assert head.full_name == "NGUYEN VAN BA"
    leaving.refresh_from_db()
    assert not leaving.is_active
    left = Membership.objects.get(person=leaving)
    assert left.left_on is not None and "b.csv" in left.leave_reason
    event = AuditEvent.objects.get(action="registry.household_updated", object_id=str(household.pk))
    assert event.before is not None and event.after is not None
    assert (event.before["income"], event.after["income"]) == (1_200_000, 1_500_000)
    assert "Nguyễn Văn Út" in event.before["members"]
    assert "Nguyễn Văn Bé" in event.after["members"]


def test_every_problem_is_listed_by_row_column_and_message_and_nothing_is_imported(
    world: World, tmp_path: Path
) -> None:
    registered = services.household_create(
        actor=None,
        village=world.village_b1,
        code="B1-777",
        members=[
            services.PersonData(
                full_name="Đã Có",
                sex="male",
                birth_year=1970,
                relation="head",
                citizen_id="044070000777",
            )
        ],
    )
    rows = [
        *household_rows("H-001", world.village_a1, head_id="44080000001"),  # rows 2-3: 11 digits
        *household_rows("H-002", world.village_a1, head_id="044070000777"),  # 4-5: ID in DB
        *household_rows("H-003", world.village_a1, income="nhiều"),  # 6-7
        *household_rows("H-004", world.village_a1, head_id="044080000004"),  # 8-9
        *household_rows("H-005", world.village_a1, head_id="044080000004"),  # 10-11: same ID
    ]
    rows[1]["sex"] = "Không rõ"  # row 3
    rows[3]["ethnicity"] = "99"  # row 5
    rows[4]["birth_date"] = "31/02/1990"  # row 6
    rows[6]["village"] = "Thôn Không Có"  # row 8
    rows += household_rows("H-006", world.village_a1)  # 12-13
    rows[10]["relation"] = "Con"  # row 12: no head left
    rows += household_rows("H-007", world.village_a1)  # 14-15
    rows[13]["relation"] = "Chủ hộ"  # row 15: a second head
    rows += household_rows("H-008", world.village_a1, commune="99999")  # 16-17
    rows[15]["income"] = "900000"  # row 17: differs from the head's row
    path = write_csv(tmp_path / "loi.csv", rows)
    report = imports.import_households(actor=world.xa_a, path=path, dry_run=False)
    assert not report.written and report.blocked
    assert "11 chữ số" in error_at(report, 2, "citizen_id")
    assert "Không rõ" in error_at(report, 3, "sex")
    assert "không dùng được" in error_at(report, 4, "citizen_id")  # B1-777: not xa_a's to see
    assert "99" in error_at(report, 5, "ethnicity")
    assert "nhiều" in error_at(report, 6, "income")
    assert "31/02/1990" in error_at(report, 6, "birth_date")
    assert "Thôn Không Có" in error_at(report, 8, "village")
    assert "dòng 8, 10" in error_at(report, 8, "citizen_id")
    assert "dòng 8, 10" in error_at(report, 10, "citizen_id")
    assert "không có thành viên nào là Chủ hộ" in error_at(report, 12, "relation")
    assert "nhiều hơn một chủ hộ" in error_at(report, 15, "relation")
    assert "99999" in error_at(report, 16, "commune")
    assert "dòng 16" in error_at(report, 17, "income")
    assert report.invalid == 8
    assert imported_codes() == set()
    assert Household.objects.get(pk=registered.pk).member_count == 1


def test_only_valid_households_are_imported_when_asked(world: World, tmp_path: Path) -> None:
    rows = household_rows("H-001", world.village_a1) + household_rows(
        "H-002", world.village_a1, income="abc"
    )
    path = write_csv(tmp_path / "mot-phan.csv", rows)
    blocked = imports.import_households(actor=world.xa_a, path=path, dry_run=False)
    assert not blocked.written and imported_codes() == set()
    report = imports.import_households(actor=world.xa_a, path=path, dry_run=False, only_valid=True)
    assert report.written
    assert (report.created, report.invalid, report.error_count) == (1, 1, 1)
    assert imported_codes() == {"H-001"}
    actions = {c["household"]: c["action"] for c in report.changes.to_dicts()}
    assert actions == {"H-001": "create", "H-002": "invalid"}


def test_rows_outside_the_villages_a_user_may_change_are_errors(
    world: World, tmp_path: Path
) -> None:
    rows = household_rows("H-001", world.village_a1) + household_rows("H-002", world.village_a2)
    path = write_csv(tmp_path / "pham-vi.csv", rows)
    report = imports.import_households(actor=world.ctv, path=path, dry_run=False, only_valid=True)
    assert "Thôn Hai" in error_at(report, 4, "village")
    assert imported_codes() == {"H-001"}
    # An existing household of another commune cannot be taken over by reusing its code.
    rows = household_rows("B1-001", world.village_a1)
    report = imports.import_households(
        actor=world.xa_a, path=write_csv(tmp_path / "chiem.csv", rows), dry_run=False
    )
    assert "ngoài địa bàn" in error_at(report, 2, "code")
    assert Household.objects.get(code="B1-001").village == world.village_b1
    # An inspector changes nothing.
    report = imports.import_households(actor=world.inspector, path=path, dry_run=True)
    assert report.invalid == 2


def test_an_id_held_outside_the_users_area_does_not_reveal_who_holds_it(
    world: World, tmp_path: Path
) -> None:
    outside = services.member_add(
        actor=None,
        household=world.household_b1,
        data=services.PersonData(
            full_name="Lò Thị Kín",
            sex="female",
            birth_year=1990,
            relation="other",
            citizen_id="044190000999",
        ),
    ).person
    rows = household_rows("H-001", world.village_a1, head_id=outside.citizen_id)
    report = imports.import_households(
        actor=world.xa_a, path=write_csv(tmp_path / "do-tham.csv", rows), dry_run=True
    )
    message = error_at(report, 2, "citizen_id")
    assert "Lò Thị Kín" not in message
    assert "B1-001" not in message
    assert "ngoài địa bàn" not in message  # not even that it is held elsewhere
    assert "không dùng được" in message
    # Whoever may see the holder is told who it is.
    report = imports.import_households(
        actor=world.tinh, path=write_csv(tmp_path / "tinh.csv", rows), dry_run=True
    )
    assert "Lò Thị Kín" in error_at(report, 2, "citizen_id")


def test_xlsx_cells_typed_as_numbers_keep_their_leading_zeros(world: World, tmp_path: Path) -> None:
    rows = household_rows("H-001", world.village_a1)
    rows[0].update(citizen_id=44080000001, ethnicity=1, phone=912345678, income=1500000.0)
    rows[0]["commune"] = int(rows[0]["commune"])
    rows[0]["birth_date"] = None
    rows[0]["birth_year"] = 1980
    path = write_xlsx(tmp_path / "so.xlsx", rows)
    report = imports.import_households(actor=world.xa_a, path=path, dry_run=False)
    assert report.error_count == 0, report.errors.to_dicts()
    household = Household.objects.get(code="H-001")
    assert household.phone == "0912345678"
    assert household.income == 1_500_000
    head = Person.objects.get(full_name="Nguyễn Văn Ba")
    assert (head.citizen_id, head.ethnicity, head.birth_year) == ("044080000001", "01", 1980)


def test_a_person_may_move_between_two_households_of_the_same_file(
    world: World, tmp_path: Path
) -> None:
    rows = household_rows(
        "H-001", world.village_a1, others=(("Trần Thị Dâu", "Con", "2000"),)
    ) + household_rows("H-002", world.village_a1, head="Phạm Văn Rể", others=())
    rows[1]["citizen_id"] = "044300000001"
    imports.import_households(
        actor=world.xa_a, path=write_csv(tmp_path / "a.csv", rows), dry_run=False
    )
    bride = Person.objects.get(citizen_id="044300000001")
    moved = household_rows("H-001", world.village_a1, others=()) + household_rows(
        "H-002", world.village_a1, head="Phạm Văn Rể", others=(("Trần Thị Dâu", "Vợ", "2000"),)
    )
    moved[2]["citizen_id"] = "044300000001"
    report = imports.import_households(
        actor=world.xa_a, path=write_csv(tmp_path / "b.csv", moved), dry_run=False
    )
    assert report.error_count == 0, report.errors.to_dicts()
    assert (report.members_moved, report.members_removed) == (1, 0)
    bride.refresh_from_db()
    assert bride.is_active
    stays = list(Membership.objects.filter(person=bride).order_by("id"))
    assert [(m.household.code, m.left_on is None) for m in stays] == [
        ("H-001", False),
        ("H-002", True),
    ]
    assert stays[1].relation == "spouse"
    assert Household.objects.get(code="H-001").member_count == 1


def test_the_report_files_list_the_errors(world: World, tmp_path: Path) -> None:
    rows = household_rows("H-001", world.village_a1, income="abc")
    report = imports.import_households(
        actor=world.xa_a, path=write_csv(tmp_path / "x.csv", rows), dry_run=True
    )
    imports.write_report_xlsx(report, tmp_path / "report.xlsx")
    imports.write_errors_csv(report, tmp_path / "errors.csv")
    book = CalamineWorkbook.from_path(str(tmp_path / "report.xlsx"))
    errors = book.get_sheet_by_name("Lỗi").to_python()
    assert errors[0] == ["Dòng", "Cột", "Mã hộ", "Lỗi"]
    assert errors[1][:3] == [2, header("income"), "H-001"]
    assert "abc" in errors[1][3]
    text = (tmp_path / "errors.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "Dòng,Cột,Mã hộ,Lỗi"
    assert "abc" in text


def test_a_file_without_the_required_columns_is_refused_with_one_clear_error(
    world: World, tmp_path: Path
) -> None:
    path = tmp_path / "sai.csv"
    path.write_text("Mã hộ,Tên\nH-1,Ai đó\n", encoding="utf-8")
    report = imports.import_households(actor=world.xa_a, path=path, dry_run=True)
    columns = {e["column"] for e in report.errors.to_dicts()}
    assert header("full_name") in columns and header("village") in columns
    assert all(e["row"] == 1 for e in report.errors.to_dicts())


@pytest.mark.django_db(transaction=True)
def test_the_web_import_runs_a_dry_run_then_imports_on_confirmation(
    world: World, tmp_path: Path, settings: Any, job_processes_use_the_test_database: None
) -> None:
    settings.VAR_DIR = tmp_path
    rows = household_rows("H-001", world.village_a1) + household_rows(
        "H-002", world.village_a1, income="abc"
    )
    path = write_csv(tmp_path / "tai-len.csv", rows)
    client = Client()
    log_in(client, "xa_a")
    with path.open("rb") as handle:
        response = client.post(reverse("registry_io:import_start"), {"file": handle})
    assert response.status_code == 302
    dry = Job.objects.get()
    assert response["Location"] == reverse("registry_io:import_detail", args=[dry.pk])
    assert dry.parameters["dry_run"] is True and dry.created_by == world.xa_a
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page  # queued: the bar polls

    assert worker.run_next_job() is not None
    page = client.get(response["Location"]).content.decode()
    assert "Chỉ nhập các hộ hợp lệ" in page and "“abc” không phải số tiền hợp lệ" in page
    assert "every 1s" not in page
    assert not Household.objects.filter(code__startswith="H-").exists()
    assert client.get(reverse("jobs:download", args=[dry.pk, "errors.csv"])).status_code == 200

    confirm = client.post(
        reverse("registry_io:import_confirm", args=[dry.pk]), {"mode": "only_valid"}
    )
    real = Job.objects.exclude(pk=dry.pk).get()
    assert confirm["Location"] == reverse("registry_io:import_detail", args=[real.pk])
    assert real.parameters["file"] == dry.parameters["file"]
    finished = worker.run_next_job()
    assert finished is not None and finished.status == JobStatus.SUCCEEDED, finished.error
    assert imported_codes() == {"H-001"}
    assert "Đã nhập: 1 hộ mới" in client.get(confirm["Location"]).content.decode()
    # Another user cannot see the import.
    other = Client()
    log_in(other, "xa_b")
    assert other.get(confirm["Location"]).status_code == 404


def test_the_command_line_prints_the_summary_and_errors_and_exits_2(
    world: World, tmp_path: Path, capsys: Any
) -> None:
    rows = household_rows("H-001", world.village_a1) + household_rows(
        "H-002", world.village_a1, income="abc"
    )
    path = write_csv(tmp_path / "dong-lenh.csv", rows)
    with pytest.raises(CommandError) as refused:
        call_command("import", "households", str(path), "--dry-run")
    assert refused.value.returncode == 2
    out = capsys.readouterr().out
    assert "Chưa nhập: tệp có 1 lỗi ở 1 hộ" in out
    assert "4 · Thu nhập bình quân đầu người/tháng (đồng) · H-002 · “abc”" in out
    call_command("import", "households", str(path), "--only-valid", "--province", "44")
    assert "Đã nhập: 1 hộ mới" in capsys.readouterr().out
    assert imported_codes() == {"H-001"}
    event = AuditEvent.objects.get(action="registry.households_imported")
    assert event.actor is None and event.after is not None and event.after["created"] == 1
