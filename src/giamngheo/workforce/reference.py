"""Reference lists of the workforce, read from data files in ``data/`` (rules are data).

No national text governs poverty-reduction collaborators (vn_poverty_rules.md §6.2): the roles,
the six duties, need types, evaluation criteria and the default deadlines below come from
provincial practice (seed 001: Kon Tum, Quyết định 29/QĐ-UBND of 16/01/2017 and the province's
2016-2020 multidimensional-poverty plan) and are unverified. Changing a list means editing its
file; the database stores the codes, so no migration is needed.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext

DATA_DIR = Path(__file__).resolve().parent / "data"
KINH = "01"
NO_ORGANISATION = "none"
COLLABORATOR = "collaborator"
COMMUNE_OFFICER = "commune_officer"
# The in-year review forms as a change proposes them, and as the review app spells them
# (``review.ApplicationForm``): Mẫu 01 to join the list, Mẫu 04 to leave it (QĐ 24/2021).
APPLICATION_FORMS = {"mau_01": "mau01", "mau_04": "mau04"}


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _flag(value: str) -> bool:
    return value.strip().lower() == "true"


@dataclass(frozen=True)
class RoleInfo:
    code: str
    name: str
    level: str
    # The access role a roster entry of this kind gets on its assigned areas when linked to a
    # user ("" = none: officers' grants are managed by administrators, never by the roster).
    access_role: str
    reports_monthly: bool


@dataclass(frozen=True)
class EducationLevel:
    code: str
    name: str
    rank: int
    intermediate_or_above: bool
    college_or_university: bool


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    max_score: int


@dataclass(frozen=True)
class Rating:
    code: str
    name: str
    min_percent: int


@dataclass(frozen=True)
class ChangeKind:
    code: str
    name: str
    suggested_form: str


@dataclass(frozen=True)
class Rules:
    """Deadlines in force for a province (defaults from ``rules.toml``, or a ProvinceRule)."""

    report_deadline_day: int
    forward_within_days: int
    resolve_within_days: int
    legal_basis: str
    verified: bool


@cache
def mass_organisations() -> dict[str, str]:
    return {row["code"]: row["name"] for row in _rows("mass_organisations.csv")}


@cache
def mass_organisation_short_names() -> dict[str, str]:
    return {row["code"]: row["short_name"] for row in _rows("mass_organisations.csv")}


@cache
def roles() -> dict[str, RoleInfo]:
    return {
        row["code"]: RoleInfo(
            row["code"],
            row["name"],
            row["level"],
            row["access_role"],
            _flag(row["reports_monthly"]),
        )
        for row in _rows("roles.csv")
    }


@cache
def duties() -> dict[int, str]:
    """The six duties of a collaborator, by number (seed 001)."""
    return {int(row["code"]): row["short_name"] for row in _rows("duties.csv")}


@cache
def duty_descriptions() -> dict[int, str]:
    return {int(row["code"]): row["name"] for row in _rows("duties.csv")}


@cache
def need_types() -> dict[str, str]:
    return {row["code"]: row["name"] for row in _rows("need_types.csv")}


@cache
def education_levels() -> dict[str, EducationLevel]:
    return {
        row["code"]: EducationLevel(
            row["code"],
            row["name"],
            int(row["rank"]),
            _flag(row["intermediate_or_above"]),
            _flag(row["college_or_university"]),
        )
        for row in _rows("education_levels.csv")
    }


@cache
def change_kinds() -> dict[str, ChangeKind]:
    return {
        row["code"]: ChangeKind(row["code"], row["name"], row["suggested_form"])
        for row in _rows("change_kinds.csv")
    }


@cache
def evaluation_criteria() -> dict[str, Criterion]:
    return {
        row["code"]: Criterion(row["code"], row["name"], int(row["max_score"]))
        for row in _rows("evaluation_criteria.csv")
    }


@cache
def ratings() -> list[Rating]:
    """Ratings from the highest threshold down."""
    rows = [Rating(r["code"], r["name"], int(r["min_percent"])) for r in _rows("ratings.csv")]
    return sorted(rows, key=lambda rating: -rating.min_percent)


@cache
def evaluator_bodies() -> dict[str, str]:
    return {row["code"]: row["name"] for row in _rows("evaluator_bodies.csv")}


@cache
def default_rules() -> Rules:
    with (DATA_DIR / "rules.toml").open("rb") as handle:
        data: dict[str, Any] = tomllib.load(handle)
    return Rules(
        report_deadline_day=int(data["reporting"]["deadline_day_of_next_month"]),
        forward_within_days=int(data["support_requests"]["forward_within_days"]),
        resolve_within_days=int(data["support_requests"]["resolve_within_days"]),
        legal_basis=str(data["legal_basis"]),
        verified=bool(data["verified"]),
    )


def rating_for(total: int, maximum: int) -> str:
    """The rating code of a score (thresholds in ``ratings.csv``, percent of the maximum)."""
    percent = 100 * total / maximum if maximum else 0
    for rating in ratings():
        if percent >= rating.min_percent:
            return rating.code
    return ratings()[-1].code


def _t(text: str) -> str:
    # The lists are Vietnamese data; their English is in the gettext catalogue (``labels``).

    return gettext(text) if text else text


def choices(values: dict[str, str] | dict[int, str]) -> list[tuple[Any, str]]:
    return [(code, _t(name)) for code, name in values.items()]


def role_choices() -> list[tuple[str, str]]:
    return [(code, _t(info.name)) for code, info in roles().items()]


def education_choices() -> list[tuple[str, str]]:
    return [(code, _t(level.name)) for code, level in education_levels().items()]


def change_kind_choices() -> list[tuple[str, str]]:
    return [(code, _t(kind.name)) for code, kind in change_kinds().items()]
