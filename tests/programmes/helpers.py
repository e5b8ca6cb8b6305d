"""Households with dated statuses for the programmes tests (through the registry services)."""

from __future__ import annotations

import datetime as dt

from giamngheo.areas.models import AdministrativeUnit
from giamngheo.programmes.models import Programme
from giamngheo.registry import services as registry_services
from giamngheo.registry.models import Household


def household(
    village: AdministrativeUnit,
    code: str,
    *,
    members: list[tuple[str, int]] | None = None,
    ethnicity: str = "01",
    birth_date: dt.date | None = None,
) -> Household:
    """A household whose head (male, born 1980 unless given) and other members are
    ``(sex, birth_year)``."""
    people = [
        registry_services.PersonData(
            full_name=f"Chủ hộ {code}",
            sex="male",
            birth_year=birth_date.year if birth_date else 1980,
            birth_date=birth_date,
            relation="head",
            ethnicity=ethnicity,
        )
    ]
    for i, (sex, year) in enumerate(members or []):
        people.append(
            registry_services.PersonData(
                full_name=f"Thành viên {code} {i}",
                sex=sex,
                birth_year=year,
                relation="child",
                ethnicity=ethnicity,
            )
        )
    created = registry_services.household_create(
        actor=None, village=village, code=code, members=people
    )
    if ethnicity != "01":
        created = registry_services.household_update(
            actor=None,
            household=created,
            expected_version=created.version,
            is_ethnic_minority=True,
        )
    return created


def set_status(household: Household, status: str, on: dt.date) -> None:
    registry_services.household_status_set(
        actor=None,
        household=household,
        status=status,
        standard="2022-2025",
        year=on.year,
        basis=f"QĐ ngày {on:%d/%m/%Y}",
        effective_on=on,
    )


def programme(code: str, eligibility: dict[str, object], **extra: object) -> Programme:
    return Programme.objects.create(
        code=code,
        kind="policy",
        name=code,
        valid_from=dt.date(2020, 1, 1),
        eligibility=eligibility,
        **extra,  # type: ignore[arg-type]
    )
