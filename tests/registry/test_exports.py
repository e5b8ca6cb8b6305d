"""Exports and templates: Vietnamese headers and a "Hướng dẫn" sheet, scope, masking of
personal numbers by role, an audit event for every export, and an export that imports back
unchanged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from giamngheo.audit.models import AuditEvent
from giamngheo.registry import exports, imports, reference, spreadsheets
from giamngheo.registry.models import Household
from tests.conftest import World
from tests.registry.io_helpers import header, household_rows, write_csv

pytestmark = pytest.mark.django_db


def sheet_rows(path: Path, name: str | None = None) -> list[list[Any]]:
    book = CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_name(name or book.sheet_names[0]).to_python()


def as_dicts(rows: list[list[Any]]) -> list[dict[str, Any]]:
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


@pytest.fixture
def registered(world: World, tmp_path: Path) -> World:
    """Households of village A1 with a citizen ID and a phone, imported."""
    rows = household_rows(
        "H-001", world.village_a1, head_id="044080000001", phone="0912345678"
    ) + household_rows("H-002", world.village_a1, head="Lê Văn Tư", support_needs="Y tế; Nhà ở")
    report = imports.import_households(
        actor=None, path=write_csv(tmp_path / "seed.csv", rows), dry_run=False
    )
    assert report.error_count == 0, report.errors.to_dicts()
    return world


def test_the_household_template_has_vietnamese_headers_and_a_guide_sheet(tmp_path: Path) -> None:
    download = spreadsheets.household_template("xlsx")
    path = tmp_path / download.filename
    path.write_bytes(download.content)
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == [spreadsheets.DATA_SHEET, "Hướng dẫn"]
    headers = sheet_rows(path)[0]
    for key in ("code", "commune", "village", "full_name", "relation", "citizen_id", "income"):
        assert header(key) in headers
    assert "Mã hộ" in headers and "Họ và tên" in headers and "Số định danh cá nhân" in headers
    guide = sheet_rows(path, "Hướng dẫn")
    explained = {row[0] for row in guide}
    assert set(headers) <= explained  # every column is explained
    flat = [str(cell) for row in guide for cell in row]
    # Allowed values come from the reference lists and the engine's schema.
    assert all(name in flat for name in reference.ethnicities().values())
    assert "Bru - Vân Kiều" in flat or "Bru-Vân Kiều" in flat
    assert "giếng khoan" in flat and "tự hoại" in flat and "Con dâu/con rể" in flat
    # The examples import as described: they are the format's specification.
    assert sheet_rows(path)[1][headers.index(header("relation"))] == "Chủ hộ"


def test_the_csv_templates_and_the_survey_template(tmp_path: Path) -> None:
    text = spreadsheets.household_template("csv").content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Mã hộ,Mã xã,Thôn/tổ dân phố")
    guide = spreadsheets.household_guide_csv().content.decode("utf-8-sig")
    assert "Giải thích" in guide.splitlines()[0] and "Kinh (01)" in guide
    download = spreadsheets.survey_template("xlsx", "2022-2025")
    path = tmp_path / download.filename
    path.write_bytes(download.content)
    headers = sheet_rows(path)[0]
    assert headers[:5] == [
        "Mã hộ",
        "Năm rà soát",
        "Chuẩn áp dụng",
        "Khu vực",
        "Thu nhập bình quân đầu người/tháng (đồng)",
    ]
    assert "Thiếu hụt: Bảo hiểm y tế" in headers
    assert len(headers) == 5 + 12  # one 0/1 column per indicator of the standard
    assert any(
        "Chuẩn nghèo đa chiều giai đoạn 2022-2025" in str(r) for r in sheet_rows(path, "Hướng dẫn")
    )


def test_a_collaborator_gets_masked_numbers_and_a_commune_officer_gets_them_in_full(
    registered: World, tmp_path: Path
) -> None:
    world = registered
    masked = exports.export_households(
        actor=world.ctv, area=world.village_a1, path=tmp_path / "ctv.xlsx"
    )
    assert masked.masked and masked.households == 3  # H-001, H-002 and A1-001
    rows = {r[header("full_name")]: r for r in as_dicts(sheet_rows(masked.path))}
    head = rows["Nguyễn Văn Ba"]
    assert head[header("citizen_id")] == "********0001"
    assert head[header("phone")] == "091****678"
    full = exports.export_households(
        actor=world.xa_a, area=world.commune_a, path=tmp_path / "xa.csv"
    )
    assert not full.masked
    text = full.path.read_text(encoding="utf-8-sig")
    assert "044080000001" in text and "0912345678" in text
    assert "Y tế; Nhà ở" in text


def test_every_export_is_recorded_in_the_audit_log(registered: World, tmp_path: Path) -> None:
    world = registered
    exports.export_households(actor=world.ctv, area=world.village_a1, path=tmp_path / "a.xlsx")
    event = AuditEvent.objects.get(action="registry.households_exported")
    assert event.actor == world.ctv
    assert event.object_id == world.village_a1.code
    assert event.province_id == world.province.pk
    assert event.after is not None
    assert event.after["households"] == 3 and event.after["rows"] == 6
    assert event.after["masked"] is True and event.after["format"] == "xlsx"
    call_command("export", "households", "--area", world.commune_a.code, str(tmp_path / "b.csv"))
    system = AuditEvent.objects.filter(action="registry.households_exported").order_by("-id")[0]
    assert system.actor is None and system.after is not None and system.after["masked"] is False
    assert (tmp_path / "b.csv").read_text(encoding="utf-8-sig").count("\n") == 1 + 8


def test_exports_never_reach_outside_the_users_areas(registered: World, tmp_path: Path) -> None:
    world = registered
    for actor, area in ((world.xa_a, world.commune_b), (world.ctv, world.commune_a)):
        with pytest.raises(exports.ExportError):
            exports.export_households(actor=actor, area=area, path=tmp_path / "x.csv")
    report = exports.export_households(
        actor=world.xa_a, area=world.commune_a, path=tmp_path / "a.csv"
    )
    codes = {r[header("code")] for r in as_dicts(sheet_rows_csv(report.path))}
    assert codes == {"H-001", "H-002", "A1-001", "A2-001"}


def sheet_rows_csv(path: Path) -> list[list[str]]:
    import csv

    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize("user", ["xa_a", "ctv"])
def test_an_export_imports_back_unchanged(registered: World, tmp_path: Path, user: str) -> None:
    world = registered
    actor = getattr(world, user)
    path = exports.export_households(
        actor=actor, area=world.village_a1, path=tmp_path / "back.xlsx"
    ).path
    versions = dict(Household.objects.values_list("code", "version"))
    report = imports.import_households(actor=actor, path=path, dry_run=False)
    assert report.error_count == 0, report.errors.to_dicts()
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert dict(Household.objects.values_list("code", "version")) == versions


def test_the_pages_offer_the_templates_and_queue_exports(world: World) -> None:
    from django.test import Client
    from django.urls import reverse

    from giamngheo.jobs.models import Job
    from tests.conftest import log_in

    client = Client()
    log_in(client, "xa_a")
    index = client.get(reverse("registry_io:index")).content.decode()
    assert "Chạy thử" in index  # an officer may import
    xlsx = client.get(reverse("registry_io:template", args=["households", "xlsx"]))
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"] == spreadsheets.XLSX_TYPE
    assert 'filename="mau-ho-gia-dinh.xlsx"' in xlsx["Content-Disposition"]
    surveys = client.get(
        reverse("registry_io:template", args=["surveys", "csv"]) + "?standard=2016-2020"
    )
    assert surveys.status_code == 200 and "Thiếu hụt" in surveys.content.decode("utf-8-sig")
    assert client.get(reverse("registry_io:template", args=["other", "csv"])).status_code == 404

    response = client.post(
        reverse("registry_io:export_start"),
        {"area": world.commune_a.code, "file_format": "csv"},
    )
    job = Job.objects.get(kind=exports.EXPORT_JOB)
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.parameters == {"area_code": world.commune_a.code, "format": "csv"}
    assert (job.created_by, job.province, job.commune) == (
        world.xa_a,
        world.province,
        world.commune_a,
    )
    outside = client.post(
        reverse("registry_io:export_start"), {"area": world.commune_b.code, "file_format": "csv"}
    )
    assert outside.status_code == 404

    inspector = Client()
    log_in(inspector, "inspector")
    assert "Chạy thử" not in inspector.get(reverse("registry_io:index")).content.decode()
    assert inspector.post(reverse("registry_io:import_start")).status_code == 403


def test_the_survey_template_defaults_to_the_standard_in_force(world: World) -> None:
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from giamngheo.standards import pack_for_review_year
    from tests.conftest import log_in

    client = Client()
    log_in(client, "xa_a")
    in_force = pack_for_review_year(timezone.localdate().year)
    default = client.get(reverse("registry_io:template", args=["surveys", "csv"]))
    explicit = client.get(
        reverse("registry_io:template", args=["surveys", "csv"]), {"standard": in_force.code}
    )
    assert default.status_code == 200
    assert default.content == explicit.content


FORMULA = '=HYPERLINK("http://x","a")'


def formula_address(world: World) -> Household:
    """A collaborator stores a formula as an address (through the service, as the form does)."""
    from giamngheo.registry import services

    household = world.household_a1
    household.refresh_from_db()
    services.household_update(
        actor=world.ctv,
        household=household,
        expected_version=household.version,
        address=FORMULA,
        phone="0912345678",
    )
    return household


def test_a_formula_in_an_address_is_inert_text_in_the_xlsx_export(
    world: World, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    formula_address(world)
    path = exports.export_households(
        actor=world.xa_a, area=world.commune_a, path=tmp_path / "f.xlsx"
    ).path
    sheet = load_workbook(path)[spreadsheets.DATA_SHEET]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == FORMULA]
    assert cells, "the address is exported as written"
    for cell in cells:
        assert cell.data_type == "s" and cell.quotePrefix
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]


def test_a_formula_in_an_address_gets_an_apostrophe_in_the_csv_export(
    world: World, tmp_path: Path
) -> None:
    formula_address(world)
    path = exports.export_households(
        actor=world.xa_a, area=world.commune_a, path=tmp_path / "f.csv"
    ).path
    rows = as_dicts(sheet_rows_csv(path))
    addresses = {r[header("address")] for r in rows if r[header("code")] == "A1-001"}
    assert addresses == {"'" + FORMULA}
    # Ordinary values are untouched: the phone and a plain address.
    assert {r[header("phone")] for r in rows if r[header("code")] == "A1-001"} == {"0912345678"}


def test_csv_bytes_and_templates_never_hold_live_formulas() -> None:
    import csv
    import io

    from openpyxl import load_workbook

    data = spreadsheets.csv_bytes(["=h"], [["=cmd|' /C calc'!A0", "+1+1", "-2", "@x", "ok", 5]])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["'=h"], ["'=cmd|' /C calc'!A0", "'+1+1", "-2", "'@x", "ok", "5"]]
    content = spreadsheets.write_template_xlsx(
        spreadsheets.household_columns()[:2],
        sheet_title="Dữ liệu",
        guide_title="Hướng dẫn",
        rules=["=1+1"],
        examples=[["=2+2", "@SUM(A1)"]],
    )
    book = load_workbook(io.BytesIO(content))
    assert not [c for s in book.worksheets for r in s.iter_rows() for c in r if c.data_type == "f"]
    assert book["Dữ liệu"]["A2"].value == "=2+2" and book["Dữ liệu"]["A2"].data_type == "s"


def test_a_commune_officer_collaborating_in_another_commune_gets_its_numbers_masked(
    registered: World, tmp_path: Path
) -> None:
    """The export decides per household's area, not by "an officer role somewhere"."""
    from giamngheo.accounts import services as account_services
    from giamngheo.accounts.models import Role, User
    from giamngheo.registry import services

    world = registered
    account_services.role_grant(
        actor=None, user=world.xa_a, role=Role.COLLABORATOR, area=world.village_b1
    )
    b1 = world.household_b1
    services.household_update(
        actor=None, household=b1, expected_version=b1.version, phone="0987654321"
    )
    officer = User.objects.get(pk=world.xa_a.pk)
    foreign = exports.export_households(
        actor=officer, area=world.village_b1, path=tmp_path / "b.csv"
    )
    text = foreign.path.read_text(encoding="utf-8-sig")
    assert foreign.masked and "0987654321" not in text and "098****321" in text
    home = exports.export_households(actor=officer, area=world.commune_a, path=tmp_path / "a.csv")
    assert not home.masked and "044080000001" in home.path.read_text(encoding="utf-8-sig")


def test_the_import_report_quotes_formula_like_values_as_text(world: World, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    rows = household_rows("=1+1", world.village_a1, head="=cmd|' /C calc'!A0", income="abc")
    report = imports.import_households(
        actor=None, path=write_csv(tmp_path / "bad.csv", rows), dry_run=True
    )
    assert report.error_count > 0
    imports.write_report_xlsx(report, tmp_path / "report.xlsx")
    book = load_workbook(tmp_path / "report.xlsx")
    cells = [c for s in book.worksheets for r in s.iter_rows() for c in r]
    assert any(c.value == "=1+1" and c.data_type == "s" for c in cells)
    assert not [c for c in cells if c.data_type == "f"]
    imports.write_errors_csv(report, tmp_path / "errors.csv")
    assert "'=1+1" in (tmp_path / "errors.csv").read_text(encoding="utf-8-sig")


def test_the_xlsx_export_has_typed_cells(registered: World, tmp_path: Path) -> None:
    """Issue 11: dates are dates (shown dd/mm/yyyy), yes/no are booleans, numbers are numbers,
    so that the file sorts, filters and sums; the CSV keeps 1/0 and dd/mm/yyyy."""
    world = registered
    path = exports.export_households(
        actor=world.xa_a, area=world.village_a1, path=tmp_path / "typed.xlsx"
    ).path
    sheet = load_workbook(path, read_only=True)[spreadsheets.DATA_SHEET]
    rows = list(sheet.iter_rows())
    position = {cell.value: index for index, cell in enumerate(rows[0])}
    kinds = {c.key: c.kind for c in exports.export_columns()}
    checked: dict[str, int] = {}
    for column in exports.export_columns():
        for row in rows[1:]:
            cell = row[position[column.header]]
            if cell.value is None:
                continue
            if column.kind == spreadsheets.Kind.BOOL:
                assert isinstance(cell.value, bool), (column.key, cell.value)
            elif column.kind == spreadsheets.Kind.DATE:
                assert isinstance(cell.value, dt.datetime), (column.key, cell.value)
                assert cell.is_date and cell.number_format == "DD/MM/YYYY"
            elif column.kind in (spreadsheets.Kind.MONEY, spreadsheets.Kind.YEAR):
                assert isinstance(cell.value, int) and not isinstance(cell.value, bool)
            else:
                continue
            checked[column.kind] = checked.get(column.kind, 0) + 1
    assert set(checked) == {"bool", "date", "money", "year"}
    assert kinds["birth_date"] == spreadsheets.Kind.DATE
    head = next(r for r in rows[1:] if r[position[header("full_name")]].value == "Nguyễn Văn Ba")
    assert head[position[header("birth_date")]].value.date() == dt.date(1980, 3, 15)
    # The CSV stays text as the template describes it.
    text = exports.export_households(
        actor=world.xa_a, area=world.village_a1, path=tmp_path / "typed.csv"
    ).path.read_text(encoding="utf-8-sig")
    assert "15/03/1980" in text
