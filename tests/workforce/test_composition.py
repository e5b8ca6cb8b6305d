"""Composition of the workforce by area: hand counts, seed 001's Kon Tum table, Excel."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook
from pytest_django import DjangoAssertNumQueries

from giamngheo.areas.models import AdministrativeUnit
from giamngheo.workforce import exports, selectors, services
from giamngheo.workforce.models import Worker
from tests.conftest import World
from tests.workforce.conftest import make_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(world: World) -> None:
    """Commune A: five active collaborators, one who left, one officer; commune B: one
    collaborator; another province: one collaborator."""
    people: list[tuple[AdministrativeUnit, str, dict[str, Any]]] = [
        (
            world.commune_a,
            "A1",
            {
                "mass_organisation": "hoi_nong_dan",
                "sex": "female",
                "ethnicity": "23",
                "education": "university",
            },
        ),
        (
            world.commune_a,
            "A2",
            {
                "mass_organisation": "hoi_nong_dan",
                "sex": "male",
                "ethnicity": "01",
                "education": "college",
            },
        ),
        (
            world.commune_a,
            "A3",
            {
                "mass_organisation": "doan_thanh_nien",
                "sex": "female",
                "ethnicity": "31",
                "education": "intermediate",
            },
        ),
        (
            world.commune_a,
            "A4",
            {
                "mass_organisation": "hoi_phu_nu",
                "sex": "female",
                "ethnicity": "01",
                "education": "general",
            },
        ),
        (
            world.commune_a,
            "A5",
            {"mass_organisation": "none", "sex": "male", "ethnicity": "01", "education": "general"},
        ),
        (
            world.commune_b,
            "B1",
            {
                "mass_organisation": "hoi_cuu_chien_binh",
                "sex": "male",
                "ethnicity": "01",
                "education": "elementary",
            },
        ),
    ]
    for area, code, data in people:
        make_worker(area, code, "collaborator", **data)
    gone = make_worker(world.commune_a, "A6", "collaborator", sex="female")
    services.worker_status_change(
        actor=None, worker=gone, status="ended", effective_on=gone.created_at.date()
    )
    make_worker(world.commune_a, "CB-A", "commune_officer", sex="female")
    other_commune = world.village_x1.parent
    assert other_commune is not None
    make_worker(other_commune, "X1", "collaborator", sex="female")


def test_composition_matches_the_hand_count(
    world: World, roster: None, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_max_num_queries(3):
        result = selectors.composition(world.tinh, area=world.province)
    rows = {row.label: row for row in result.rows}
    a, b = rows[world.commune_a.name], rows[world.commune_b.name]
    assert a.total == 5
    assert a.organisations["hoi_nong_dan"] == 2
    assert a.organisations["doan_thanh_nien"] == 1
    assert a.organisations["hoi_phu_nu"] == 1
    assert a.organisations["none"] == 1
    assert (a.women, a.minority) == (3, 2)
    assert (a.intermediate_or_above, a.college_or_university) == (3, 2)
    assert a.education == {
        "general": 2,
        "elementary": 0,
        "intermediate": 1,
        "college": 1,
        "university": 1,
        "postgraduate": 0,
    }
    assert a.share(a.women) == 0.6
    assert (b.total, b.organisations["hoi_cuu_chien_binh"], b.women) == (1, 1, 0)
    # Every commune of the province is listed, with or without collaborators.
    assert len(result.rows) == AdministrativeUnit.objects.filter(parent=world.province).count()
    assert (result.total.total, result.total.women, result.total.minority) == (6, 3, 2)


def test_composition_of_every_role_and_of_one_commune(world: World, roster: None) -> None:
    result = selectors.composition(world.xa_a, area=world.commune_a, role="")
    assert [row.label for row in result.rows] == [world.commune_a.name]
    assert result.total.total == 6  # five collaborators and the officer; not the one who left


def test_composition_is_scoped(world: World, roster: None) -> None:
    assert selectors.composition(world.xa_b).total.total == 1
    assert selectors.composition(world.outsider).total.total == 0
    assert selectors.composition(world.admin).total.total == 7


def test_kon_tum_2018_table_of_seed_001(world: World) -> None:
    """Seed 001: 102 collaborators, 15 Hội Nông dân, 27 Đoàn Thanh niên, 24 Hội Phụ nữ, 5 Hội
    Cựu chiến binh, 4 Hội Chữ thập đỏ, 12 Hội Nạn nhân chất độc da cam/dioxin, 15 none;
    57 women (55,9 %), 54 ethnic minority (52,9 %); 57 % intermediate or above (35 % college
    or university, 22 % intermediate)."""
    organisations = (
        ["hoi_nong_dan"] * 15
        + ["doan_thanh_nien"] * 27
        + ["hoi_phu_nu"] * 24
        + ["hoi_cuu_chien_binh"] * 5
        + ["hoi_chu_thap_do"] * 4
        + ["hoi_nan_nhan_da_cam"] * 12
        + ["none"] * 15
    )
    education = ["university"] * 20 + ["college"] * 16 + ["intermediate"] * 22 + ["general"] * 44
    Worker.objects.bulk_create(
        Worker(
            code=f"KT{i:03d}",
            full_name=f"CTV {i}",
            sex="female" if i < 57 else "male",
            birth_year=1985,
            ethnicity="14" if i >= 48 else "01",  # 54 minority (Xơ Đăng, of Kon Tum)
            education=education[i],
            role="collaborator",
            mass_organisation=organisations[i],
            province=world.province,
            commune=world.commune_a,
        )
        for i in range(102)
    )
    total = selectors.composition(world.tinh, area=world.province).total
    assert total.total == 102
    assert total.organisations == {
        "hoi_nong_dan": 15,
        "doan_thanh_nien": 27,
        "hoi_phu_nu": 24,
        "hoi_cuu_chien_binh": 5,
        "hoi_chu_thap_do": 4,
        "hoi_nan_nhan_da_cam": 12,
        "none": 15,
    }
    assert round(100 * (total.share(total.women) or 0), 1) == 55.9
    assert round(100 * (total.share(total.minority) or 0), 1) == 52.9
    assert round(100 * (total.share(total.college_or_university) or 0)) == 35
    assert round(100 * (total.share(total.education["intermediate"]) or 0)) == 22
    assert round(100 * (total.share(total.intermediate_or_above) or 0)) == 57


def test_the_excel_export_reads_back(world: World, roster: None) -> None:
    data = selectors.composition(world.tinh, area=world.province)
    content = exports.composition_workbook(
        data, role_name="Cộng tác viên giảm nghèo", on=world.province.valid_from
    )
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    assert "Cộng tác viên giảm nghèo" in sheet["A1"].value
    assert world.province.name in sheet["A2"].value
    header = [c.value for c in sheet[exports.HEADER_ROW]]
    sub = [c.value for c in sheet[exports.HEADER_ROW + 1]]
    assert header[:3] == ["Địa bàn", "Tổng số", "Nông dân"]
    assert sub[2:4] == ["Số người", "Tỷ lệ"]
    rows = {
        row[0]: row for row in sheet.iter_rows(min_row=exports.HEADER_ROW + 2, values_only=True)
    }
    a = rows[world.commune_a.name]
    women = header.index("Nữ")
    minority = header.index("Dân tộc thiểu số")
    assert a[1] == 5
    assert (a[2], a[3]) == (2, 0.4)  # Hội Nông dân: 2 of 5
    assert (a[women], a[women + 1]) == (3, 0.6)
    assert (a[minority], a[minority + 1]) == (2, 0.4)
    total = rows["Tổng"]
    assert total[1] == 6
    assert sheet.cell(exports.HEADER_ROW + 2, 4).number_format == exports.PERCENT_FORMAT
    # A commune without collaborators has counts of 0 and no share (empty cell, not 0 %).
    empty = next(
        r
        for label, r in rows.items()
        if label not in {world.commune_a.name, world.commune_b.name, "Tổng"}
    )
    assert (empty[1], empty[3]) == (0, None)
