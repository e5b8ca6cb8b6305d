"""Old three-level addresses (before 1 July 2025) converted to the current communes; split
communes are listed for the user to choose, never guessed."""

from __future__ import annotations

from pathlib import Path

import pytest

from giamngheo.areas import services as area_services
from giamngheo.areas.models import AdministrativeUnit, UnitType
from giamngheo.registry import imports, legacy
from giamngheo.registry.models import Household
from tests.conftest import World
from tests.registry.io_helpers import header, household_rows, write_csv

pytestmark = pytest.mark.django_db

QUY_DAT = ("Tỉnh Quảng Bình", "Huyện Minh Hóa", "Thị trấn Quy Đạt")  # now Xã Minh Hóa (18901)
TAY_DANG = ("Thành phố Hà Nội", "Huyện Ba Vì", "Thị trấn Tây Đằng")  # split in 2025


def test_an_old_address_converts_to_the_commune_that_took_it_over(official_units: None) -> None:
    result = legacy.convert(*QUY_DAT)
    assert result.outcome == legacy.Outcome.CONVERTED
    assert result.commune_code == "18901"
    assert AdministrativeUnit.objects.get(code="18901").name == "Xã Minh Hóa"
    # Accents, case and the unit words may be left out.
    assert legacy.convert("quang tri", "huong hoa", "huong lap").commune_code == "19435"


def test_a_split_commune_is_ambiguous_and_lists_the_communes_that_share_it(
    official_units: None,
) -> None:
    result = legacy.convert(*TAY_DANG)
    assert result.outcome == legacy.Outcome.AMBIGUOUS
    assert result.commune_code is None
    assert {(c.code, c.name) for c in result.communes} == {
        ("09661", "Xã Minh Châu"),
        ("09619", "Xã Quảng Oai"),
    }
    assert all(AdministrativeUnit.objects.filter(code=c.code).exists() for c in result.communes)


def test_an_unrecognised_address_says_which_level_is_wrong(official_units: None) -> None:
    assert "tỉnh" in legacy.convert("Tỉnh Không Có", "Huyện A", "Xã B").problem
    assert "xã “Xã Không Có”" in legacy.convert("Hà Nội", "Ba Vì", "Xã Không Có").problem
    assert legacy.convert("", "Ba Vì", "Tây Đằng").outcome == legacy.Outcome.UNKNOWN


def _legacy_rows(code: str, village: str, address: tuple[str, str, str]) -> list[dict[str, str]]:
    """A household whose head's row gives the old address instead of the commune code."""
    rows = household_rows(code, village)
    rows[0].update(
        legacy_province=address[0], legacy_district=address[1], legacy_commune=address[2]
    )
    return rows


def test_a_legacy_file_is_imported_into_the_converted_communes(
    world: World, tmp_path: Path
) -> None:
    assert world.commune_a.code == "18901"
    rows = _legacy_rows("H-001", world.village_a1.name, QUY_DAT)
    keys = ["code", "village", "full_name", "relation", "sex", "birth_date", "birth_year"]
    keys += ["ethnicity", "legacy_province", "legacy_district", "legacy_commune"]
    path = write_csv(tmp_path / "cu.csv", rows, keys)
    report = imports.import_households(actor=world.xa_a, path=path, dry_run=False)
    assert report.error_count == 0, report.errors.to_dicts()
    assert report.legacy
    household = Household.objects.get(code="H-001")
    assert (household.commune, household.village) == (world.commune_a, world.village_a1)


def test_ambiguous_old_addresses_are_listed_in_the_dry_run_and_imported_once_chosen(
    world: World, tmp_path: Path
) -> None:
    minh_chau = AdministrativeUnit.objects.get(code="09661")
    area_services.village_create(
        actor=None, commune=minh_chau, name="Thôn Đông", unit_type=UnitType.THON
    )
    rows = _legacy_rows("H-101", "Thôn Đông", TAY_DANG) + _legacy_rows(
        "H-102", "Thôn Đông", TAY_DANG
    )
    path = write_csv(tmp_path / "ba-vi.csv", rows)
    report = imports.import_households(actor=None, path=path, dry_run=True)
    assert report.created == 0 and report.invalid == 2
    [item] = report.ambiguous
    assert item["old_address"] == "Thị trấn Tây Đằng, Huyện Ba Vì, Thành phố Hà Nội"
    assert item["rows"] == [2, 4] and item["row_count"] == 2
    assert {c["code"] for c in item["candidates"]} == {"09661", "09619"}
    messages = {
        e["message"] for e in report.errors.to_dicts() if e["column"] == header("legacy_commune")
    }
    assert len(messages) == 1 and "Xã Minh Châu" in messages.pop()
    assert not Household.objects.filter(code__in=["H-101", "H-102"]).exists()

    chosen = imports.import_households(
        actor=None, path=path, dry_run=False, resolutions={item["key"]: "09661"}
    )
    assert chosen.error_count == 0, chosen.errors.to_dicts()
    assert chosen.ambiguous[0]["chosen"] == "09661"
    assert set(
        Household.objects.filter(code__in=["H-101", "H-102"]).values_list(
            "commune__code", flat=True
        )
    ) == {"09661"}
