"""Shared fixtures: the official units and named personas.

Personas (healthchecks/Zulip style): ``tinh`` (provincial officer of province P), ``xa_a`` and
``xa_b`` (officers of communes A and B of P), ``ctv`` (collaborator of village A1 only),
``inspector`` (read-only on A), ``outsider`` (no grant), ``admin`` (system administrator).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from giamngheo.accounts import services as account_services
from giamngheo.accounts.models import Role, User
from giamngheo.areas import services as area_services
from giamngheo.areas.models import AdministrativeUnit, Level, UnitType
from giamngheo.registry import services as registry_services
from giamngheo.registry.models import Household

PASSWORD = "mat-khau-thu-nghiem"
PROVINCE_CODE = "44"


@pytest.fixture
def official_units(db: None) -> None:
    """The 34 provinces and 3,321 communes (reloaded after transactional tests flush)."""
    if not AdministrativeUnit.objects.filter(level=Level.PROVINCE).exists():
        area_services.load_official_units()


@dataclass
class World:
    province: AdministrativeUnit
    commune_a: AdministrativeUnit
    commune_b: AdministrativeUnit
    village_a1: AdministrativeUnit
    village_a2: AdministrativeUnit
    village_b1: AdministrativeUnit
    other_province: AdministrativeUnit
    village_x1: AdministrativeUnit
    tinh: User
    xa_a: User
    xa_b: User
    ctv: User
    inspector: User
    outsider: User
    admin: User
    household_a1: Household
    household_a2: Household
    household_b1: Household
    household_x1: Household


def make_user(username: str, role: str | None, area: AdministrativeUnit | None) -> User:
    user = account_services.user_create(
        actor=None, username=username, password=PASSWORD, full_name=username.upper()
    )
    if role is not None:
        account_services.role_grant(actor=None, user=user, role=role, area=area)
    return user


def make_household(village: AdministrativeUnit, code: str, head: str) -> Household:
    return registry_services.household_create(
        actor=None,
        village=village,
        code=code,
        members=[
            registry_services.PersonData(
                full_name=head, sex="male", birth_year=1980, relation="head"
            ),
            registry_services.PersonData(
                full_name=f"{head} Con", sex="female", birth_year=2015, relation="child"
            ),
        ],
    )


def build_world() -> World:
    """The personas, built without fixtures (module-scoped fixtures elsewhere reuse it)."""
    if not AdministrativeUnit.objects.filter(level=Level.PROVINCE).exists():
        area_services.load_official_units()
    province = AdministrativeUnit.objects.get(code=PROVINCE_CODE)
    communes = list(
        AdministrativeUnit.objects.filter(parent=province, unit_type=UnitType.COMMUNE).order_by(
            "code"
        )[:2]
    )
    commune_a, commune_b = communes
    other_province = AdministrativeUnit.objects.get(code="01")
    other_commune = AdministrativeUnit.objects.filter(parent=other_province).order_by("code")[0]

    def village(commune: AdministrativeUnit, name: str) -> AdministrativeUnit:
        return area_services.village_create(
            actor=None, commune=commune, name=name, unit_type=UnitType.THON
        )

    a1, a2 = village(commune_a, "Thôn Một"), village(commune_a, "Thôn Hai")
    b1 = village(commune_b, "Thôn Ba")
    x1 = village(other_commune, "Tổ dân phố 1")
    return World(
        province=province,
        commune_a=commune_a,
        commune_b=commune_b,
        village_a1=a1,
        village_a2=a2,
        village_b1=b1,
        other_province=other_province,
        village_x1=x1,
        tinh=make_user("tinh", Role.PROVINCE_OFFICER, province),
        xa_a=make_user("xa_a", Role.COMMUNE_OFFICER, commune_a),
        xa_b=make_user("xa_b", Role.COMMUNE_OFFICER, commune_b),
        ctv=make_user("ctv", Role.COLLABORATOR, a1),
        inspector=make_user("inspector", Role.INSPECTOR, commune_a),
        outsider=make_user("outsider", None, None),
        admin=make_user("admin", Role.SYSTEM_ADMIN, None),
        household_a1=make_household(a1, "A1-001", "Nguyễn Văn An"),
        household_a2=make_household(a2, "A2-001", "Trần Thị Bình"),
        household_b1=make_household(b1, "B1-001", "Lê Văn Cường"),
        household_x1=make_household(x1, "X1-001", "Phạm Thị Dung"),
    )


@pytest.fixture
def world(official_units: None) -> World:
    return build_world()
