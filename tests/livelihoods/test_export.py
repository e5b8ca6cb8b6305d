"""The Excel export of a model's participants and outcomes, read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import log_in
from tests.livelihoods.conftest import LivelihoodWorld

pytestmark = pytest.mark.django_db


def _book(username: str, lw: LivelihoodWorld):  # type: ignore[no-untyped-def]
    client = Client()
    log_in(client, username)
    response = client.get(reverse("livelihoods:model_xlsx", args=[lw.model.pk]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def test_the_export_has_typed_cells_and_the_hand_counted_totals(lw: LivelihoodWorld) -> None:
    book = _book("xa_a", lw)
    sheet = book["Hộ tham gia"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"A1-001", "A2-001", "A1-002", "A2-002"}
    h1 = rows["A1-001"]
    assert isinstance(h1[3], dt.datetime) and h1[3].date() == dt.date(2026, 2, 1)  # not text
    assert h1[4] == "Hộ nghèo" and h1[9] == "Hộ cận nghèo"
    assert (h1[5], h1[6], h1[8], h1[10]) == (1000000, 3500000, 2200000, 1200000)
    assert all(isinstance(h1[i], int) for i in (5, 6, 8, 10))
    assert sheet.cell(row=2, column=6).number_format == "#,##0"
    h4 = rows["A2-002"]
    assert (h4[7], h4[8], h4[9], h4[10]) == (None, None, None, None)
    totals = dict(book["Tổng hợp"].iter_rows(values_only=True))
    assert totals["Số hộ tham gia"] == 4
    assert totals["Số hộ đã đánh giá kết quả"] == 3
    assert totals["Thu nhập trước bình quân (đồng)"] == 1433333
    assert totals["Thu nhập sau bình quân (đồng)"] == 2133333
    assert totals["Số hộ thoát nghèo, thoát cận nghèo"] == 1
    assert totals["Số hộ tái nghèo, tụt bậc"] == 1
    assert totals["Vật tư, giống đã cấp (đồng)"] == 5500000
    assert totals["Tổng kinh phí (đồng)"] == 380000000


def test_a_collaborator_exports_only_their_village(lw: LivelihoodWorld) -> None:
    sheet = _book("ctv", lw)["Hộ tham gia"]
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(codes) == ["A1-001", "A1-002"]


def test_an_english_export_is_english_throughout(lw: LivelihoodWorld) -> None:
    client = Client()
    log_in(client, "xa_a")
    client.cookies["giamngheo_language"] = "en"
    response = client.get(reverse("livelihoods:model_xlsx", args=[lw.model.pk]))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Participating household", "Summary"]
    sheet = book["Participating household"]
    header = [cell.value for cell in sheet[1]]
    assert header[0] == "Household code" and header[4] == "Status on joining"
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["A1-001"][4] == "Poor households"
    totals = dict(book["Summary"].iter_rows(values_only=True))
    assert totals["Participating households"] == 4
    assert totals["Total budget (VND)"] == 380000000
    assert lw.model.programme.name in totals["Programme, project"]
    summary = book["Summary"]
    budget_row = next(c.row for c in summary["A"] if c.value == "Total budget (VND)")
    assert summary.cell(row=budget_row, column=2).number_format == "#,##0"
