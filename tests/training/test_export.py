"""The Excel export, read back with openpyxl: numbers stay numbers, figures match the page."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import log_in
from tests.training.conftest import TrainingWorld

pytestmark = pytest.mark.django_db


def test_statistics_workbook_reads_back(tw: TrainingWorld) -> None:
    client = Client()
    log_in(client, "tinh")
    response = client.get(reverse("training:statistics_export"), {"year": "2025"})
    assert response.status_code == 200
    assert 'filename="tap-huan-2025.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Tổng hợp",
        "Lớp",
        "Theo địa bàn",
        "Theo thành phần",
        "Bao phủ",
        "Chưa tập huấn",
    ]
    summary = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(values_only=True)}
    assert summary["Số lượt người tham dự"] == 12
    assert summary["Số người tham dự (không trùng)"] == 7
    assert summary["Tổng kinh phí (đồng)"] == 7_520_000
    assert summary["Kinh phí bình quân/người (đồng)"] == round(7_520_000 / 7)
    assert summary["Chưa từng được tập huấn"] == 1
    classes = list(book["Lớp"].iter_rows(values_only=True))
    assert [row[0] for row in classes[1:]] == ["C1", "C2", "C3"]
    assert classes[1][6:9] == (5, 4, 7_200_000)  # participations, completed, cost
    categories = {
        row[0]: row[1:] for row in book["Theo thành phần"].iter_rows(min_row=2, values_only=True)
    }
    assert categories["Công chức làm công tác giảm nghèo cấp xã"] == (4, 2)
    coverage = list(book["Bao phủ"].iter_rows(values_only=True))
    assert coverage[-1][0] == "Tổng"
    assert coverage[-1][1:4] == (6, 4, pytest.approx(4 / 6))
    never = list(book["Chưa tập huấn"].iter_rows(min_row=2, values_only=True))
    # Issue 11: the role's label, not its code.
    assert never == [("Ngô Văn Mới", "B-03", "Cộng tác viên giảm nghèo", tw.world.commune_b.name)]


def test_the_workbook_cells_are_typed(tw: TrainingWorld) -> None:
    """Issue 11: dates are Excel dates shown dd/mm/yyyy, numbers are numbers, not text."""
    import datetime as dt

    client = Client()
    log_in(client, "tinh")
    response = client.get(reverse("training:statistics_export"), {"year": "2025"})
    sheet = load_workbook(io.BytesIO(response.content))["Lớp"]
    assert sheet.cell(1, 4).value == "Từ ngày"
    for row in range(2, sheet.max_row + 1):
        for column in (4, 5):
            cell = sheet.cell(row, column)
            assert isinstance(cell.value, dt.datetime), cell.value
            assert cell.is_date and cell.number_format == "DD/MM/YYYY"
        for column in (6, 7, 8, 9):
            assert isinstance(sheet.cell(row, column).value, int)
    first = sheet.cell(2, 4).value
    assert first.date() == tw.c1.start_date


def test_the_export_is_scoped_like_the_page(tw: TrainingWorld) -> None:
    client = Client()
    log_in(client, "xa_b")
    response = client.get(reverse("training:statistics_export"), {"year": "2025"})
    book = load_workbook(io.BytesIO(response.content))
    codes = [row[0] for row in book["Lớp"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["C3"]
    response = client.get(
        reverse("training:statistics_export"), {"year": "2025", "area": tw.world.commune_a.code}
    )
    assert response.status_code == 404
