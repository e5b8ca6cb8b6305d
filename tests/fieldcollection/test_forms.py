"""The ODK form package: XLSForms derived from the form definitions convert with pyxform (and
pass ODK Validate when Java is installed) and carry the server's constraints; the preloaded
households follow the collector's assignments and are masked for whoever holds the file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from giamngheo.audit.models import AuditEvent
from giamngheo.fieldcollection import forms_package, xlsform
from giamngheo.fieldcollection.forms_package import FieldCollectionError
from giamngheo.registry.models import Household, Person
from giamngheo.surveys import definitions
from giamngheo.workforce import services as workforce
from tests.conftest import World, make_household

pytestmark = pytest.mark.django_db

ID = "001080012345"
PHONE = "0912345678"
MADE = dt.datetime(2025, 9, 1, 8, 0, tzinfo=dt.UTC)


def _xform(spec_code: str, year: int = 2025) -> str:
    spec = definitions.load_form(spec_code)
    form = xlsform.build(spec, review_year=year, made_at=MADE, village_name="Thôn Một")
    return xlsform.to_xform(xlsform.xlsx_bytes(form))


def _bind(xml: str, name: str) -> str:
    match = re.search(rf'<bind [^>]*nodeset="[^"]*/{name}"[^>]*/>', xml)
    assert match, f"no bind for {name}"
    return match.group(0)


def test_b2_converts_and_carries_the_server_rules() -> None:
    xml = _xform("b2-2022")
    spec = definitions.load_form("b2-2022")
    # Every question of the definition is a bound node, at its group path.
    for section in spec.sections:
        for f in spec.section_fields(section.code):
            if f.level == "household":
                assert re.search(rf'nodeset="/\w+/grp_{section.code}/{f.name}"', xml), f.name
    for f in spec.member_fields:
        assert f'nodeset="/data/members/{f.name}"' in xml
    # Ranges: age 0..150, with the server's Vietnamese message.
    age = _bind(xml, "members/age")
    assert 'constraint=". &gt;= 0 and . &lt;= 150"' in age
    assert 'required="true()"' in age
    assert "phải từ 0 đến 150" in xml
    # require_one_of (income or score A): the later one is required when the other is empty.
    order = [f.name for f in spec.fields]
    later = max(("income", "score_a"), key=order.index)
    other = "score_a" if later == "income" else "income"
    assert re.search(rf"required=\" /data/grp_\w+/{other}  = ''\"", _bind(xml, later))
    assert 'required="true()"' not in _bind(xml, other)
    # Choice sets: every value of an enum question is a choice of its list.
    water = next(f for f in spec.fields if f.name == "water_source")
    listed = re.search(r'<instance id="c_water_source">(.*?)</instance>', xml, re.S)
    assert listed is not None
    assert re.findall(r"<name>(\w+)</name>", listed.group(1)) == [c.value for c in water.choices]
    # Types: bool → select one yes/no; money → int; geopoint, image, date; the survey date rule.
    assert 'type="geopoint"' in _bind(xml, "gps")
    assert 'type="binary"' in _bind(xml, "photo")
    assert 'type="int"' in _bind(xml, "income")
    assert "constraint=\". &lt;= today() and format-date(., '%Y') = '2025'\"" in _bind(
        xml, "surveyed_on"
    )
    # The preloaded households: a CSV attachment read by select_one_from_file and pulldata.
    assert 'src="jr://file-csv/households.csv"' in xml
    assert 'src="jr://file-csv/members.csv"' in xml
    assert "pulldata('households', 'version', 'name',  /data/household )" in _bind(
        xml, "household_version"
    )
    # The repeat has one instance per preloaded member.
    assert re.search(r'jr:count=" ?/data/member_count ?"', xml)
    # Settings: form id, version, Vietnamese title, default language.
    assert "<h:title>Phiếu B2" in xml
    assert 'id="giamngheo_b2_2022"' in xml and 'version="1.20250901080000"' in xml
    assert 'lang="Tiếng Việt (vi)" default="true()"' in xml


@pytest.mark.parametrize("code", ["a-2022", "b1-2022", "b-2016", "b2-2027", "b1-2027"])
def test_every_field_form_converts(code: str) -> None:
    xml = _xform(code, year=2027 if code.endswith("2027") else 2025)
    assert "<h:title>" in xml
    assert ("members" in xml) == definitions.load_form(code).has_members


@pytest.mark.skipif(not xlsform.java_available(), reason="ODK Validate needs java (not installed)")
def test_odk_validate_accepts_the_b2_form() -> None:
    spec = definitions.load_form("b2-2022")
    form = xlsform.build(spec, review_year=2025, made_at=MADE, village_name="Thôn Một")
    xlsform.to_xform(xlsform.xlsx_bytes(form), odk_validate=True)


def _ids(world: World) -> None:
    head = Person.objects.get(full_name="Nguyễn Văn An")
    Person.objects.filter(pk=head.pk).update(citizen_id=ID)
    Household.objects.filter(pk=world.household_a1.pk).update(phone=PHONE)


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def _collaborator(world: World, area: object) -> None:
    worker = workforce.worker_create(
        actor=None,
        area=world.commune_a,
        data=workforce.WorkerData(
            code="CTV-1",
            full_name="Ctv Một",
            sex="female",
            birth_year=1990,
            role="collaborator",
            mass_organisation="hoi_phu_nu",
            education="university",
        ),
        started_on=dt.date(2025, 1, 1),
    )
    workforce.worker_link_user(actor=None, worker=worker, user=world.ctv)
    workforce.assignment_add(actor=None, worker=worker, area=area, starts_on=dt.date(2025, 1, 1))


def test_command_writes_the_package_unmasked_for_the_system(world: World, tmp_path: Path) -> None:
    _ids(world)
    make_household(world.village_a1, "A1-002", "Đỗ Văn Hai")
    out = tmp_path / "form.xlsx"
    call_command(
        "odk", "form", "--village", world.village_a1.code, "--output", str(out), "--year", "2025"
    )
    written = sorted(p.name for p in tmp_path.iterdir())
    assert "households.csv" in written and "members.csv" in written and "form.xlsx" in written
    assert len([n for n in written if n.endswith(".xlsx")]) == 3  # Phiếu A, B1, B2 of 2022-2025
    households = _rows((tmp_path / "households.csv").read_bytes())
    assert [h["name"] for h in households] == ["A1-001", "A1-002"]
    first = households[0]
    assert first["version"] == str(Household.objects.get(code="A1-001").version)
    assert first["head_id"] == ID and first["phone"] == PHONE  # the system sees numbers
    members = _rows((tmp_path / "members.csv").read_bytes())
    assert [m["name"] for m in members[:2]] == ["A1-001#1", "A1-001#2"]  # head first
    assert AuditEvent.objects.filter(action="fieldcollection.form_generated").count() == 1


def test_collector_gets_only_assigned_households_masked(world: World, tmp_path: Path) -> None:
    _ids(world)
    _collaborator(world, world.village_a1)
    out = tmp_path / "odk.zip"
    call_command(
        "odk", "form", "--village", world.village_a1.code, "--output", str(out),
        "--year", "2025", "--collector", "ctv",
    )  # fmt: skip
    with zipfile.ZipFile(out) as archive:
        households = _rows(archive.read("households.csv"))
        assert any(n.endswith(".xlsx") for n in archive.namelist())
    assert [h["name"] for h in households] == ["A1-001"]
    # The file goes onto a collaborator's phone: masked although the system made it.
    assert households[0]["head_id"] != ID and households[0]["head_id"].endswith("345")
    assert PHONE not in households[0]["phone"]
    # Not assigned to village A2: refused, nothing written.
    with pytest.raises(CommandError, match="«ctv»"):
        call_command(
            "odk", "form", "--village", world.village_a2.code, "--output",
            str(tmp_path / "a2.zip"), "--year", "2025", "--collector", "ctv",
        )  # fmt: skip
    assert not (tmp_path / "a2.zip").exists()


def test_masking_follows_the_user_who_makes_it(world: World) -> None:
    _ids(world)
    officer = forms_package.build_package(
        actor=world.xa_a, village=world.village_a1, review_year=2025
    )
    assert officer.households[0][5] == ID
    inspector_like = forms_package.build_package(
        actor=world.ctv, village=world.village_a1, review_year=2025
    )
    assert inspector_like.households[0][5] != ID and inspector_like.households[0][6] != PHONE


def test_scoping_of_form_generation(world: World) -> None:
    with pytest.raises(FieldCollectionError):
        forms_package.village_for(world.xa_a, world.village_b1.code)  # another commune
    with pytest.raises(FieldCollectionError):
        forms_package.village_for(world.inspector, world.village_a1.code)  # sees, may not change
    assert forms_package.village_for(world.xa_a, world.village_a1.code) == world.village_a1
