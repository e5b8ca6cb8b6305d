"""Building household files for import tests (the template's Vietnamese headers)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from giamngheo.areas.models import AdministrativeUnit
from giamngheo.registry import spreadsheets


def header(key: str) -> str:
    return spreadsheets.columns_by_key(spreadsheets.household_columns())[key].header


def household_rows(
    code: str,
    village: AdministrativeUnit | str,
    *,
    head: str = "Nguyễn Văn Ba",
    others: Sequence[tuple[str, str, str]] = (("Nguyễn Thị Bốn", "Vợ/chồng", "1985"),),
    head_id: str | None = None,
    income: str = "1200000",
    **household: str,
) -> list[dict[str, str]]:
    """A household: the head's row with the household columns, then one row per other member
    (name, relation, birth year). A village given by name only leaves the commune out."""
    place = {"village": village} if isinstance(village, str) else {}
    if isinstance(village, AdministrativeUnit):
        assert village.parent is not None
        place = {"commune": village.parent.code, "village": village.name}
    head_row = {
        "code": code,
        **place,
        "full_name": head,
        "relation": "Chủ hộ",
        "sex": "Nam",
        "birth_date": "15/03/1980",
        "ethnicity": "01",
        "income": income,
        "water_source": "giếng khoan",
        **household,
    }
    if head_id:
        head_row["citizen_id"] = head_id
    rows = [head_row]
    for name, relation, year in others:
        rows.append(
            {
                "code": code,
                "full_name": name,
                "relation": relation,
                "sex": "Nữ",
                "birth_year": year,
                "ethnicity": "Kinh",
            }
        )
    return rows


def write_csv(
    path: Path, rows: Sequence[dict[str, Any]], keys: Sequence[str] | None = None
) -> Path:
    keys = list(keys or dict.fromkeys(k for row in rows for k in row))
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([header(k) for k in keys])
        for row in rows:
            writer.writerow([row.get(k, "") for k in keys])
    return path


def write_xlsx(
    path: Path, rows: Sequence[dict[str, Any]], keys: Sequence[str] | None = None
) -> Path:
    from openpyxl import Workbook

    keys = list(keys or dict.fromkeys(k for row in rows for k in row))
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([header(k) for k in keys])
    for row in rows:
        sheet.append([row.get(k) for k in keys])
    workbook.save(path)
    return path
