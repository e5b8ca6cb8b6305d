"""What the builders of ``reports.builders`` share: their data files (titles, column headings,
legal basis and ``verified`` flags, one TOML file per form beside the builders), the area a form
is built for (404 outside the viewer's reach), the issuing body, the place-and-date line and the
signature block (``shared/domain/report_forms.md`` §5).

The documents are official Vietnamese texts: their wording comes from the data files, not from
the interface's translations; the catalogue's titles go through gettext.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from django.http import Http404

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit, Level, UnitType
from giamngheo.lib.report_table import Column, Signature

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def catalogue_fields(name: str) -> dict[str, Any]:
    """What the catalogue shows of a form built by code: its data file's marker, legal basis and
    verification flag."""
    data = form_data(name)
    return {
        "marker": str(data["marker"]),
        "legal_basis": str(data["legal_basis"]),
        "verified": bool(data["verified"]),
    }


def form_data(name: str) -> Mapping[str, Any]:
    """The data file ``data/<name>.toml`` (read once per process). Every file carries its
    ``legal_basis`` and ``verified`` flag; a missing one is a broken file, refused loudly."""
    with (DATA_DIR / f"{name}.toml").open("rb") as handle:
        raw = tomllib.load(handle)
    for key in ("marker", "title", "legal_basis", "verified", "headings", "notes"):
        if key not in raw:
            raise ValueError(f"data/{name}.toml: missing {key!r}")
    if not isinstance(raw["verified"], bool):
        raise ValueError(f"data/{name}.toml: 'verified' must be true or false")
    return raw


def heading(data: Mapping[str, Any], key: str) -> str:
    return str(data["headings"][key])


def column(data: Mapping[str, Any], key: str, number: str, kind: str = "count") -> Column:
    """A leaf column whose heading is the data file's ``headings.<key>``."""
    return Column(key=key, heading=heading(data, key), number=number, kind=kind)  # type: ignore[arg-type]


def unit_for(viewer: Viewer, unit: AdministrativeUnit, levels: tuple[str, ...]) -> None:
    """Refuse (404, the house convention for what is outside one's reach) a unit the viewer
    may not see or a level the form is not made for."""
    if unit.level not in levels or not access.can_view_area(viewer, unit):
        raise Http404


def sub_units(viewer: Viewer, unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The rows of an area form: a province's communes in force, a commune's villages, by name
    (only those the viewer sees; one query)."""
    child = Level.COMMUNE if unit.level == Level.PROVINCE else Level.VILLAGE
    units = access.visible_units(viewer).filter(parent=unit, level=child)
    if child == Level.COMMUNE:
        units = units.filter(valid_to__isnull=True)
    return list(units.order_by("name", "pk"))


def province_heading(province: AdministrativeUnit) -> str:
    kind = "THÀNH PHỐ" if province.unit_type == UnitType.CENTRAL_CITY else "TỈNH"
    return f"{kind} {province.name.upper()}"


def _commune(unit: AdministrativeUnit) -> AdministrativeUnit:
    """A commune, or a village's commune."""
    if unit.level == Level.COMMUNE or unit.parent is None:
        return unit
    return unit.parent


def issuer(unit: AdministrativeUnit) -> tuple[str, ...]:
    """The issuing body: the People's Committee of the commune (its name carries "Xã …",
    "Phường …") or of the province."""
    if unit.level == Level.PROVINCE:
        return ("ỦY BAN NHÂN DÂN", province_heading(unit))
    return ("ỦY BAN NHÂN DÂN", _commune(unit).name.upper())


def area_name(unit: AdministrativeUnit) -> str:
    """The area as a title names it: "XÃ AN BÌNH, TỈNH …" or "TỈNH …"."""
    if unit.level == Level.PROVINCE:
        return province_heading(unit)
    province = unit.province if unit.province_id else None
    suffix = f", {province_heading(province)}" if province is not None else ""
    return f"{unit.name.upper()}{suffix}"


def committee_of(unit: AdministrativeUnit) -> str:
    """The area after "Ủy ban nhân dân": "xã An Bình" (the unit's name as it is written), "tỉnh
    …" for a province."""
    if unit.level == Level.PROVINCE:
        kind = "thành phố" if unit.unit_type == UnitType.CENTRAL_CITY else "tỉnh"
        return f"{kind} {unit.name}"
    name = _commune(unit).name
    return name[:1].lower() + name[1:]


def signatures(data: Mapping[str, Any]) -> tuple[Signature, ...]:
    """NGƯỜI LẬP BIỂU on the left, the head of the unit (or the committee's chairman) on the
    right, as the data file says."""
    return tuple(
        Signature(title=str(item["title"]), hint=str(item["hint"]))
        for item in data.get("signatures", ())
    )


PLACE_DATE = "…, ngày … tháng … năm …"


def notes(data: Mapping[str, Any], *extra: str) -> tuple[str, ...]:
    lines = [str(line) for line in data["notes"]]
    if not data["verified"]:
        lines.append(str(data.get("unverified_note", "")) or UNVERIFIED)
    return (*lines, *extra)


UNVERIFIED = (
    "Mẫu biểu chưa được đối chiếu với văn bản gốc (chưa kiểm chứng): bố cục theo mẫu của địa "
    "phương và phần mềm tham khảo."
)


def metadata(
    code: str, unit: AdministrativeUnit, year: int, month: int | None = None
) -> dict[str, str]:
    data = {"form": code, "area": unit.code, "level": str(unit.level), "year": str(year)}
    if month is not None:
        data["month"] = str(month)
    return data
