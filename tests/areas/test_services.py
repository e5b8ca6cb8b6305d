"""Administrative units: official load, villages, urban/rural, validity and past names."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from giamngheo.areas import services
from giamngheo.areas.models import AdministrativeUnit, AreaKindSetting, Level, UnitType
from giamngheo.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_it_loads_34_provinces_and_3321_communes_idempotently(official_units: None) -> None:
    again = services.load_official_units()
    assert (again.provinces_created, again.communes_created, again.updated) == (0, 0, 0)
    assert services.unit_stats() == {"provinces": 34, "communes": 3321, "villages": 0}


def test_official_codes_and_names_are_kept(official_units: None) -> None:
    hanoi = AdministrativeUnit.objects.get(code="01")
    assert hanoi.name == "Thành phố Hà Nội"
    assert hanoi.level == Level.PROVINCE
    hoan_kiem = AdministrativeUnit.objects.get(code="00070")
    assert hoan_kiem.name == "Phường Hoàn Kiếm"
    assert hoan_kiem.parent == hanoi


def test_urban_rural_follows_the_unit_type(official_units: None) -> None:
    communes = AdministrativeUnit.objects.filter(level=Level.COMMUNE)
    assert not communes.filter(unit_type=UnitType.WARD).exclude(area_kind="urban").exists()
    assert not communes.filter(unit_type=UnitType.COMMUNE).exclude(area_kind="rural").exists()
    assert communes.filter(unit_type=UnitType.SPECIAL_ZONE).count() == 13


def test_special_zones_follow_the_configured_area_kind(no_official_units: None) -> None:
    AreaKindSetting.objects.create(unit_type=UnitType.SPECIAL_ZONE, area_kind="urban")
    services.load_official_units()
    zones = AdministrativeUnit.objects.filter(unit_type=UnitType.SPECIAL_ZONE)
    assert set(zones.values_list("area_kind", flat=True)) == {"urban"}


def test_stats_command_prints_json(
    official_units: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("areas", "stats", "--format", "json")
    assert json.loads(capsys.readouterr().out) == {
        "provinces": 34,
        "communes": 3321,
        "villages": 0,
    }


def _commune(code: str = "44") -> AdministrativeUnit:
    return AdministrativeUnit.objects.filter(province__code=code, unit_type="xa").order_by("code")[
        0
    ]


def test_villages_inherit_area_kind_and_get_sequential_codes(official_units: None) -> None:
    commune = _commune()
    first = services.village_create(actor=None, commune=commune, name="Thôn 1", unit_type="thon")
    second = services.village_create(actor=None, commune=commune, name="Bản Ra", unit_type="ban")
    assert first.code == f"{commune.code}.001"
    assert second.code == f"{commune.code}.002"
    assert first.area_kind == "rural"
    assert first.province_id == commune.province_id
    assert AuditEvent.objects.filter(action="areas.village_created").count() == 2


def test_a_duplicate_village_name_is_refused_ignoring_accents(official_units: None) -> None:
    commune = _commune()
    services.village_create(actor=None, commune=commune, name="Thôn Đông", unit_type="thon")
    with pytest.raises(services.AreaError, match="đã có"):
        services.village_create(actor=None, commune=commune, name="thon dong", unit_type="thon")


def test_villages_can_only_be_created_under_a_commune(official_units: None) -> None:
    province = AdministrativeUnit.objects.get(code="44")
    with pytest.raises(services.AreaError):
        services.village_create(actor=None, commune=province, name="Thôn X", unit_type="thon")


def test_csv_import_is_all_or_nothing_with_row_level_errors(official_units: None) -> None:
    commune = _commune()
    text = (
        "ma_xa,ten,loai\n"
        f"{commune.code},Thôn A,thon\n"
        "99999,Thôn B,thon\n"
        f"{commune.code},Thôn C,lang\n"
        f"{commune.code},Thôn A,thon\n"
    )
    result = services.villages_import_csv(actor=None, text=text)
    assert [(row, column) for row, column, _m in result.errors] == [
        (3, "ma_xa"),
        (4, "loai"),
        (5, "ten"),
    ]
    assert not AdministrativeUnit.objects.filter(level=Level.VILLAGE).exists()
    ok = services.villages_import_csv(
        actor=None, text=f"ma_xa,ten,loai\n{commune.code},Thôn A,thon\n{commune.code},Ấp B,ap\n"
    )
    assert not ok.errors
    assert len(ok.created) == 2


def test_area_kind_override_needs_a_reason_and_is_audited(official_units: None) -> None:
    commune = _commune()
    with pytest.raises(services.AreaError, match="lý do"):
        services.area_kind_override(actor=None, unit=commune, area_kind="urban", reason=" ")
    services.area_kind_override(
        actor=None, unit=commune, area_kind="urban", reason="Đô thị loại V theo quyết định"
    )
    commune.refresh_from_db()
    assert (commune.area_kind, commune.area_kind_overridden) == ("urban", True)
    event = AuditEvent.objects.get(action="areas.area_kind_overridden")
    assert event.before["area_kind"] == "rural"
    assert event.after["area_kind"] == "urban"


def test_a_reload_keeps_an_overridden_area_kind(official_units: None) -> None:
    commune = _commune()
    services.area_kind_override(actor=None, unit=commune, area_kind="urban", reason="Đô thị")
    AdministrativeUnit.objects.filter(pk=commune.pk).update(name="Tên cũ")
    services.load_official_units()
    commune.refresh_from_db()
    assert commune.area_kind == "urban"
    assert commune.name != "Tên cũ"


def test_a_renamed_unit_keeps_its_old_name_for_earlier_dates(official_units: None) -> None:
    commune = _commune()
    old_name = commune.name
    services.unit_rename(
        actor=None, unit=commune, new_name="Xã Mới Đổi Tên", effective_on=dt.date(2026, 1, 1)
    )
    commune.refresh_from_db()
    assert commune.name_on(dt.date(2025, 12, 31)) == old_name
    assert commune.name_on(dt.date(2026, 1, 1)) == "Xã Mới Đổi Tên"


def test_predecessors_are_linked_and_dates_are_checked_by_the_database(
    official_units: None,
) -> None:
    commune = _commune()
    other = AdministrativeUnit.objects.filter(province__code="44").exclude(pk=commune.pk)[0]
    commune.predecessors.add(
        other, through_defaults={"kind": "merger", "effective_on": dt.date(2025, 7, 1)}
    )
    assert list(other.successors.all()) == [commune]
    with pytest.raises(IntegrityError), transaction.atomic():
        AdministrativeUnit.objects.filter(pk=commune.pk).update(valid_to=dt.date(2020, 1, 1))


def test_merged_villages_stop_on_the_eve_and_keep_their_names(official_units: None) -> None:
    commune = _commune()
    old_a = services.village_create(
        actor=None,
        commune=commune,
        name="Thôn Cũ A",
        unit_type="thon",
        valid_from=dt.date(2020, 1, 1),
    )
    old_b = services.village_create(
        actor=None,
        commune=commune,
        name="Thôn Cũ B",
        unit_type="thon",
        valid_from=dt.date(2020, 1, 1),
    )
    merged = services.village_create(
        actor=None,
        commune=commune,
        name="Thôn Hợp Nhất",
        unit_type="thon",
        valid_from=dt.date(2026, 1, 1),
    )
    services.units_merge(
        actor=None,
        predecessors=[old_a, old_b],
        successor=merged,
        effective_on=dt.date(2026, 1, 1),
        legal_basis="Nghị quyết HĐND tỉnh số 01/2025",
    )
    old_a.refresh_from_db()
    assert old_a.valid_to == dt.date(2025, 12, 31)
    assert old_a.is_valid_on(dt.date(2025, 12, 31))
    assert not old_a.is_valid_on(dt.date(2026, 1, 1))
    assert set(merged.predecessors.all()) == {old_a, old_b}
    assert services.unit_stats()["villages"] == 1
    with pytest.raises(services.AreaError):
        services.units_merge(
            actor=None, predecessors=[merged], successor=merged, effective_on=dt.date(2027, 1, 1)
        )
