"""The delivery sheet import: a good sheet is written whole; any wrong row writes nothing and
each error names its row and column in Vietnamese; hostile files are refused."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from giamngheo.audit.models import AuditEvent
from giamngheo.programmes.deliveries import imports
from giamngheo.programmes.models import SupportRecord
from tests.conftest import World
from tests.programmes.deliveries.conftest import Tree

pytestmark = pytest.mark.django_db

HEADER = [
    "Mã hộ",
    "Mã chương trình",
    "Hình thức",
    "Nội dung",
    "Số lượng",
    "Đơn vị tính",
    "Thành tiền (đồng)",
    "Ngày hỗ trợ",
    "Nguồn vốn",
]


def sheet(tmp_path: Path, rows: list[list[Any]], header: list[str] = HEADER) -> Path:
    book = Workbook()
    book.remove(book.worksheets[0])
    page = book.create_sheet(imports.SHEET)
    page.append(header)
    for row in rows:
        page.append(row)
    path = tmp_path / "cap-phat.xlsx"
    book.save(path)
    return path


def good_rows(tree: Tree) -> list[list[Any]]:
    return [
        [
            "A1-001",
            tree.subproject.code,
            "Hiện vật",
            "Bê giống",
            2,
            "con",
            24000000,
            "10/03/2026",
            "Ngân sách trung ương",
        ],
        ["A2-001", "", "tien mat", "Hỗ trợ Tết", None, "", "1.500.000", "15/01/2026", "local"],
    ]


def run(world: World, path: Path, tree: Tree, **more: Any) -> imports.DeliveryImportReport:
    return imports.import_deliveries(
        actor=world.xa_a, path=path, file_name=path.name, programme=tree.project, **more
    )


def test_a_good_sheet_is_written_whole(world: World, tree: Tree, tmp_path: Path) -> None:
    report = run(world, sheet(tmp_path, good_rows(tree)), tree)
    assert report.errors == []
    assert (report.written, report.created, report.amount) == (True, 2, Decimal(25_500_000))
    first = SupportRecord.objects.get(household=world.household_a1)
    assert (first.programme, first.support_kind, first.quantity, first.unit) == (
        tree.subproject,
        "in_kind",
        Decimal(2),
        "con",
    )
    second = SupportRecord.objects.get(household=world.household_a2)
    # An empty programme cell takes the programme chosen on upload.
    assert (second.programme, second.support_kind, second.funding_source) == (
        tree.project,
        "cash",
        "local",
    )
    assert second.amount == Decimal(1_500_000)
    assert AuditEvent.objects.filter(action="programmes.support_recorded").count() == 2
    assert AuditEvent.objects.filter(action="deliveries.imported").count() == 1


def test_a_dry_run_writes_nothing(world: World, tree: Tree, tmp_path: Path) -> None:
    report = run(world, sheet(tmp_path, good_rows(tree)), tree, dry_run=True)
    assert (report.created, report.written) == (2, False)
    assert not SupportRecord.objects.exists()


def test_the_same_sheet_twice_is_refused(world: World, tree: Tree, tmp_path: Path) -> None:
    path = sheet(tmp_path, good_rows(tree))
    run(world, path, tree)
    again = run(world, path, tree)
    assert not again.written
    assert [e["row"] for e in again.errors] == [2, 3]
    assert "đã được ghi" in again.errors[0]["message"]
    assert SupportRecord.objects.count() == 2


def test_any_wrong_row_writes_nothing_and_names_row_and_column(
    world: World, tree: Tree, tmp_path: Path
) -> None:
    rows = [
        *good_rows(tree),
        ["B1-001", "", "Tiền mặt", "", None, "", 100, "01/02/2026", "local"],  # commune B
        ["KHONG-CO", "", "Tiền mặt", "", None, "", 100, "01/02/2026", "local"],
        ["A1-001", "khong-co", "Tiền mặt", "", None, "", 100, "01/02/2026", "local"],
        ["A1-001", "", "Quà", "", None, "", 100, "01/02/2026", "local"],
        ["A1-001", "", "Tiền mặt", "", None, "", "-5", "01/02/2026", "local"],
        ["A1-001", "", "Tiền mặt", "", None, "", 100, "31/02/2026", "local"],
        ["A1-001", "", "Tiền mặt", "", None, "", 100, "01/12/2026", "local"],
        ["A1-001", "", "Tiền mặt", "", "nhiều", "", 100, "01/02/2026", ""],
        ["A1-001", "", "Tiền mặt", "", None, "", 100, "10/03/2026", "local"],
        ["A1-001", "", "Tiền mặt", "", None, "", 100, "10/03/2026", "local"],  # = row 12
    ]
    report = run(world, sheet(tmp_path, rows), tree)
    assert not report.written
    assert not SupportRecord.objects.exists()
    errors = {(e["row"], e["column"]) for e in report.errors}
    assert errors == {
        (4, "Mã hộ"),
        (5, "Mã hộ"),
        (6, "Mã chương trình"),
        (7, "Hình thức"),
        (8, "Thành tiền (đồng)"),
        (9, "Ngày hỗ trợ"),
        (10, "Ngày hỗ trợ"),
        (11, "Số lượng"),
        (11, "Nguồn vốn"),
        (13, "Mã hộ"),
    }
    messages = {e["row"]: e["message"] for e in report.errors}
    # Commune B's household is not revealed: the same message as a code that does not exist.
    assert messages[4] == messages[5].replace("KHONG-CO", "B1-001")
    assert "tương lai" in messages[10]
    assert "dòng 12" in messages[13]
    assert report.headline() == "Tệp có 10 lỗi: chưa ghi dòng nào."


@pytest.mark.parametrize(
    ("index", "value", "column"),
    [(4, "1e20", "Số lượng"), (6, "99999999999999999999", "Thành tiền (đồng)")],
)
def test_a_number_too_large_for_its_column_is_an_error_of_its_row(
    world: World, tree: Tree, tmp_path: Path, index: int, value: str, column: str
) -> None:
    rows = good_rows(tree)
    rows[0][index] = value
    report = run(world, sheet(tmp_path, rows), tree)
    assert [(e["row"], e["column"]) for e in report.errors] == [(2, column)]
    assert not report.written
    assert not SupportRecord.objects.exists()


def test_a_missing_column_is_named(world: World, tree: Tree, tmp_path: Path) -> None:
    path = sheet(tmp_path, [["A1-001", "Tiền mặt"]], header=["Mã hộ", "Hình thức"])
    report = run(world, path, tree)
    assert {e["column"] for e in report.errors} == {"Ngày hỗ trợ", "Nguồn vốn"}
    assert not SupportRecord.objects.exists()


def test_a_formula_is_refused(world: World, tree: Tree, tmp_path: Path) -> None:
    rows = good_rows(tree)
    rows[0][6] = "=1000*2"
    report = run(world, sheet(tmp_path, rows), tree)
    assert report.errors and not report.written
    assert not SupportRecord.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused(
    world: World, tree: Tree, tmp_path: Path
) -> None:
    fake = tmp_path / "cap-phat.xlsx"
    fake.write_bytes(b"%PDF-1.4 not a workbook")
    report = run(world, fake, tree)
    assert report.errors and report.errors[0]["row"] == 1
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 50_000_000)
    report = run(world, bomb, tree)
    assert report.errors and not report.written
    empty = sheet(tmp_path, [])
    assert "không có dòng" in run(world, empty, tree).errors[0]["message"]
    assert not SupportRecord.objects.exists()


def test_a_csv_sheet_is_read_too(world: World, tree: Tree, tmp_path: Path) -> None:
    path = tmp_path / "cap-phat.csv"
    path.write_text(
        ",".join(HEADER) + "\nA1-001,,Tiền mặt,Tết,,,500000,02/02/2026,Ngân sách địa phương\n",
        encoding="utf-8",
    )
    report = run(world, path, tree)
    assert report.written and report.created == 1


def test_the_template_reads_back(tmp_path: Path) -> None:
    book = load_workbook(io.BytesIO(imports.template_xlsx()))
    assert book.sheetnames == [imports.SHEET, "Hướng dẫn"]
    header = [c.value for c in book[imports.SHEET][1]]
    assert header == [c.header for c in imports.delivery_columns()]
    assert all(h for h in header)


def test_a_long_sheet_costs_a_bounded_number_of_queries(
    world: World, tree: Tree, tmp_path: Path, django_assert_max_num_queries: Any
) -> None:
    rows = [
        [code, "", "Tiền mặt", f"Đợt {i}", None, "", 1000 + i, "10/03/2026", "local"]
        for i in range(200)
        for code in ("A1-001", "A2-001")
    ]
    path = sheet(tmp_path, rows)
    with django_assert_max_num_queries(40):
        report = run(world, path, tree)
    assert report.written and report.created == 400
    assert SupportRecord.objects.count() == 400
