"""The Parquet export for analysts (registry.parquet + surveys.parquet): the files read back with
Polars, row counts against independent counts, no identifier column and no name, ID number,
phone, address or household code anywhere in any string cell, pseudonymous keys recomputed
independently, stable across exports and different under another key, scoping, one audit event."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from pathlib import Path

import polars as pl
import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from giamngheo.audit.models import AuditEvent
from giamngheo.registry import parquet
from giamngheo.registry import services as registry_services
from giamngheo.registry.models import Household, Membership, Person
from giamngheo.surveys import services as survey_services
from giamngheo.surveys.models import Survey
from tests.conftest import World
from tests.surveys.conftest import b2_answers

pytestmark = pytest.mark.django_db

FORBIDDEN_COLUMNS = {
    "id",
    "code",
    "household_id",
    "person_id",
    "address",
    "phone",
    "head_name",
    "full_name",
    "citizen_id",
    "birth_date",
    "surveyor",
    "surveyor_name",
    "answers",
    "inputs",
    "search_text",
    "search_name",
}


def _identified_household(world: World) -> Household:
    """A household with everything an export must not carry: phone, address, ID numbers,
    dates of birth."""
    return registry_services.household_create(
        actor=None,
        village=world.village_a1,
        code="A1-IDENT-77",
        address="Số 17 đường Hoàng Diệu, thôn Một",
        phone="0912345678",
        members=[
            registry_services.PersonData(
                full_name="Đặng Quang Huy",
                sex="male",
                birth_year=1975,
                birth_date=dt.date(1975, 3, 14),
                relation="head",
                citizen_id="044075001234",
            ),
            registry_services.PersonData(
                full_name="Vũ Thị Lan Hương",
                sex="female",
                birth_year=1979,
                relation="spouse",
                citizen_id="044179005678",
            ),
        ],
    )


@pytest.fixture
def data(world: World) -> World:
    _identified_household(world)
    for household, deprived in ((world.household_a1, 3), (world.household_b1, 0)):
        survey_services.survey_record(
            actor=None,
            household=household,
            form="b2-2022",
            review_year=2025,
            surveyed_on=dt.date(2025, 10, 1),
            answers=b2_answers(household, income=1_200_000, deprived=deprived),
            surveyor_name="Rà soát viên Hồ Thị Ánh",
        )
    return world


def _read(out: Path, table: str, province: str) -> pl.DataFrame:
    return pl.read_parquet(out / f"province={province}" / f"{table}.parquet")


def _secrets(world: World) -> list[str]:
    """Every direct identifier stored for the province's households and people."""
    households = Household.objects.filter(province=world.province)
    people = Person.objects.filter(memberships__household__in=households)
    values: set[str] = set()
    for code, address, phone, head in households.values_list(
        "code", "address", "phone", "head_name"
    ):
        values.update({code, address, phone, head})
    for name, citizen_id, born in people.values_list("full_name", "citizen_id", "birth_date"):
        values.update({name, citizen_id or ""})
        if born is not None:
            values.update({born.isoformat(), born.strftime("%d/%m/%Y")})
    values.update(Survey.objects.values_list("surveyor_name", flat=True))
    return sorted(v for v in values if v)


def _string_cells(frame: pl.DataFrame) -> list[str]:
    cells: list[str] = []
    for name, dtype in frame.schema.items():
        column = frame[name]
        if dtype == pl.List(pl.String):
            column = column.explode()
        elif dtype != pl.String:
            continue
        cells.extend(v for v in column.to_list() if v is not None)
    return cells


def _key(secret: bytes, kind: str, pk: int) -> str:
    return hmac.new(secret, f"{kind}:{pk}".encode(), hashlib.sha256).hexdigest()[:32]


def test_the_export_reads_back_complete_and_without_identifiers(
    data: World, tmp_path: Path
) -> None:
    world = data
    events = AuditEvent.objects.filter(action="registry.parquet_exported").count()
    out = tmp_path / "a"
    report = parquet.export_parquet(actor=None, area=world.province, output=out, chunk_rows=2)
    code = world.province.code

    households = _read(out, "households", code)
    members = _read(out, "members", code)
    surveys = _read(out, "surveys", code)
    expected_households = Household.objects.filter(province=world.province)
    assert households.height == expected_households.count() == 4  # 3 of the world + 1
    assert (
        members.height
        == Membership.objects.filter(
            household__province=world.province, left_on__isnull=True
        ).count()
    )
    assert surveys.height == Survey.objects.filter(province=world.province).count() == 2
    assert report.rows == {"households": 4, "members": members.height, "surveys": 2}

    for frame in (households, members, surveys):
        assert not FORBIDDEN_COLUMNS & set(frame.columns)
    assert {"household_key", "commune", "status", "income", "water_source"} <= set(
        households.columns
    )
    assert {"person_key", "household_key", "birth_year", "sex", "education"} <= set(members.columns)
    assert members.schema["birth_year"] == pl.Int16
    assert surveys.schema["deprived_water"] == pl.Boolean

    secrets = _secrets(world)
    assert "0912345678" in secrets and "044075001234" in secrets and "1975-03-14" in secrets
    for frame in (households, members, surveys):
        for cell in _string_cells(frame):
            leaked = [s for s in secrets if s in cell]
            assert not leaked, (cell, leaked)
    # The raw bytes too: the footer (schema, min/max statistics) is not compressed.
    for path in out.rglob("*.parquet"):
        raw = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in raw, (path.name, secret)

    # Keys recomputed independently: HMAC-SHA256 with the key derived from SECRET_KEY.
    secret = parquet.pseudonym_key()
    expected_keys = {
        _key(secret, "household", pk) for pk in expected_households.values_list("pk", flat=True)
    }
    assert set(households["household_key"]) == expected_keys
    assert households["household_key"].n_unique() == households.height
    assert set(members["household_key"]) <= expected_keys
    assert members["person_key"].n_unique() == members.height

    # The engine's result of household A1's survey: status and flags as stored.
    survey = Survey.objects.get(household=world.household_a1)
    row = surveys.filter(pl.col("household_key") == _key(secret, "household", survey.household_id))
    assert row["status"].to_list() == [survey.status]
    assert row["standard_code"].to_list() == [survey.standard_code]
    assert row["deprivation_count"].to_list() == [survey.deprivation_count]
    for indicator, flag in (survey.deprivation_flags or {}).items():
        assert row[f"deprived_{indicator}"].to_list() == [flag], indicator
    assert sum(row[f"deprived_{i}"][0] for i in survey.deprivation_flags or {}) == 3

    # One audit event for the export.
    assert AuditEvent.objects.filter(action="registry.parquet_exported").count() == events + 1

    # Hive partitioning: the province comes back as a column.
    scanned = pl.scan_parquet(
        out / "*" / "households.parquet",
        hive_partitioning=True,
        hive_schema={"province": pl.String},
    ).collect()
    assert scanned["province"].unique().to_list() == [code]


def test_keys_are_stable_and_change_with_the_secret(data: World, tmp_path: Path) -> None:
    world = data
    code = world.province.code
    parquet.export_parquet(actor=None, area=world.province, output=tmp_path / "one")
    parquet.export_parquet(actor=None, area=world.province, output=tmp_path / "two", chunk_rows=1)
    with override_settings(GIAMNGHEO_PSEUDONYM_KEY="another deployment's key"):
        parquet.export_parquet(actor=None, area=world.province, output=tmp_path / "other")
    for table in ("households", "members", "surveys"):
        one = _read(tmp_path / "one", table, code)
        two = _read(tmp_path / "two", table, code)
        assert one.equals(two), table
        other = _read(tmp_path / "other", table, code)
        assert not set(one["household_key"]) & set(other["household_key"])
        assert one.drop(c for c in one.columns if c.endswith("_key")).equals(
            other.drop(c for c in other.columns if c.endswith("_key"))
        )


def test_scoped_to_what_the_user_may_see(data: World, tmp_path: Path) -> None:
    world = data
    out = tmp_path / "xa"
    parquet.export_parquet(actor=world.xa_a, area=world.commune_a, output=out)
    households = _read(out, "households", world.province.code)
    assert households.height == Household.objects.filter(commune=world.commune_a).count() == 3
    assert set(households["commune"]) == {world.commune_a.code}
    # Areas outside the user's reach (or above it, as for the pages) are refused.
    for user, area in (
        (world.outsider, world.province),
        (world.xa_a, world.commune_b),
        (world.xa_a, world.province),
    ):
        with pytest.raises(parquet.ParquetError):
            parquet.export_parquet(actor=user, area=area, output=tmp_path / "refused")
    assert not (tmp_path / "refused").exists()


def test_the_command(data: World, tmp_path: Path) -> None:
    world = data
    out = tmp_path / "cmd"
    call_command("export", "parquet", "--area", world.commune_b.code, "--output", str(out))
    households = _read(out, "households", world.province.code)
    assert households.height == Household.objects.filter(commune=world.commune_b).count() == 1
    with pytest.raises(CommandError):
        call_command("export", "parquet", "--area", world.province.code)
    with pytest.raises(CommandError):  # not an empty directory: nothing is overwritten
        call_command("export", "parquet", "--area", world.province.code, "--output", str(out))
    call_command(
        "export",
        "parquet",
        "--area",
        world.village_a1.code,
        "--user",
        "ctv",
        "--output",
        str(tmp_path / "ctv"),
    )
    assert _read(tmp_path / "ctv", "households", world.province.code).height == (
        Household.objects.filter(village=world.village_a1).count()
    )
