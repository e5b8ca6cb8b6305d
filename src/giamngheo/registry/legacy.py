"""Old three-level addresses (province, district, commune before 1 July 2025) → current communes.

Since 1 July 2025 there are no districts and most communes were merged (Resolution 202/2025/QH15
and the Standing Committee's resolutions on commune arrangement). Files kept from before still
say "Xã A, Huyện B, Tỉnh C". The ``vietnamadminunits`` package recognises such old names (case,
accents and abbreviations tolerated) and carries the official conversion table: which new
commune took over each old one.

When an old commune was split among several new communes, the package's own converter picks
one, either a "default" new commune or by geocoding the street over the network. We do
neither: the address is reported as ambiguous with its candidate communes, and the user chooses
(in the import's dry-run page, or by filling the "Mã xã" column).

New communes are matched to our ``AdministrativeUnit`` rows by province and name, not by code:
the package's commune codes differ from the official list (``vietnam-provinces``) for about a
hundred communes, while the names agree once dashes and apostrophes are normalised.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache, lru_cache
from typing import Any

from django.utils.translation import gettext as _

from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib.text import search_key

# Island districts that had no communes (the package's list): their key has an empty commune.
_ISLAND_DISTRICTS = frozenset(
    {"huyenbachlongvi", "huyenconco", "huyenhoangsa", "huyenlyson", "huyencondao"}
)
_DASHES = re.compile(r"\s*[-‐‑‒–—]\s*")
_APOSTROPHES = re.compile(r"['’ʼ`´]")


class Outcome(StrEnum):
    CONVERTED = "converted"
    AMBIGUOUS = "ambiguous"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class NewCommune:
    province_code: str
    name: str
    code: str | None = None  # our AdministrativeUnit code, once matched


@dataclass(frozen=True)
class LegacyResult:
    outcome: Outcome
    old_address: str  # the old address with official names when recognised
    communes: tuple[NewCommune, ...] = ()  # one when converted, the candidates when ambiguous
    problem: str = ""  # why it is unknown (Vietnamese)

    @property
    def commune_code(self) -> str | None:
        if self.outcome == Outcome.CONVERTED and self.communes:
            return self.communes[0].code
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome.value,
            "old_address": self.old_address,
            "communes": [
                {"code": c.code, "name": c.name, "province_code": c.province_code}
                for c in self.communes
            ],
            "problem": self.problem,
        }


def name_key(name: str) -> str:
    """Accent-free name with dashes and apostrophes normalised ("Chân Mây – Lăng Cô")."""
    return _DASHES.sub("-", _APOSTROPHES.sub("", search_key(name)))


def address_key(province: str, district: str, commune: str) -> str:
    """The key under which an old address is reported and resolved (accents ignored)."""
    return "|".join(search_key(part or "") for part in (province, district, commune))


@cache
def _tables() -> tuple[
    dict[str, str],
    dict[str, tuple[str, str]],
    dict[str, tuple[str, tuple[str, ...]]],
    dict[tuple[str, str], tuple[str, str]],
]:
    """The package's conversion data, indexed by old key (built once per process)."""
    # Lazy: the conversion tables cost about half a second to load; only old addresses need them.
    from vietnamadminunits.converter import converter_2025 as data  # noqa: PLC0415
    from vietnamadminunits.database import query  # noqa: PLC0415

    provinces = {old: new for new, olds in data.DICT_PROVINCE.items() for old in olds}
    undivided = {
        old: (province, ward)
        for province, wards in data.DICT_PROVINCE_WARD_NO_DIVIDED.items()
        for ward, olds in wards.items()
        for old in olds
    }
    divided = {
        old: (province, tuple(w["newWardKey"] for w in candidates))
        for province, table in data.DICT_PROVINCE_WARD_DIVIDED.items()
        for old, candidates in table.items()
    }
    names = {
        (row["provinceKey"], row["wardKey"]): (row["provinceCode"], row["ward"])
        for row in query("SELECT provinceKey, wardKey, provinceCode, ward FROM admin_units")
    }
    return provinces, undivided, divided, names


@lru_cache(maxsize=20_000)
def _convert(province: str, district: str, commune: str) -> LegacyResult:
    from vietnamadminunits import ParseMode, parse_address  # noqa: PLC0415 (lazy, as above)

    given = ", ".join(part for part in (commune, district, province) if part)
    if not (province and district and commune):
        return LegacyResult(
            Outcome.UNKNOWN,
            given,
            problem=_("Địa chỉ cũ cần đủ ba cấp: tỉnh, huyện, xã."),
        )
    old = parse_address(
        f"{commune}, {district}, {province}", mode=ParseMode.LEGACY, keep_street=False, level=3
    )
    if not old.province_key:
        return LegacyResult(
            Outcome.UNKNOWN, given, problem=_("Không nhận ra tỉnh “%(name)s”.") % {"name": province}
        )
    if not old.district_key:
        return LegacyResult(
            Outcome.UNKNOWN,
            given,
            problem=_("Không nhận ra huyện “%(name)s” của %(province)s.")
            % {"name": district, "province": old.province},
        )
    if not old.ward_key and old.district_key not in _ISLAND_DISTRICTS:
        return LegacyResult(
            Outcome.UNKNOWN,
            given,
            problem=_("Không nhận ra xã “%(name)s” của %(district)s, %(province)s.")
            % {"name": commune, "district": old.district, "province": old.province},
        )
    old_address = ", ".join(p for p in (old.ward, old.district, old.province) if p)
    provinces, undivided, divided, names = _tables()
    key = f"{old.province_key}_{old.district_key}_{old.ward_key or ''}"
    new_province = provinces.get(old.province_key)

    def commune_of(province_key: str, ward_key: str) -> NewCommune:
        code, name = names[(province_key, ward_key)]
        return NewCommune(code, name)

    if key in undivided:
        province_key, ward_key = undivided[key]
        return LegacyResult(Outcome.CONVERTED, old_address, (commune_of(province_key, ward_key),))
    if key in divided:
        province_key, ward_keys = divided[key]
        return LegacyResult(
            Outcome.AMBIGUOUS,
            old_address,
            tuple(commune_of(province_key, ward_key) for ward_key in ward_keys),
        )
    return LegacyResult(
        Outcome.UNKNOWN,
        old_address,
        problem=_("Không tìm thấy xã mới tương ứng với %(address)s (tỉnh mới: %(province)s).")
        % {"address": old_address, "province": new_province or "?"},
    )


def convert_many(
    addresses: Iterable[tuple[str, str, str]],
) -> dict[tuple[str, str, str], LegacyResult]:
    """Convert old addresses (province, district, commune) and match the new communes to the
    units in the database (one query)."""
    results = {address: _convert(*address) for address in set(addresses)}
    provinces = {c.province_code for r in results.values() for c in r.communes}
    index: dict[tuple[str, str], str] = {}
    for code, name, province_code in AdministrativeUnit.objects.filter(
        level=Level.COMMUNE, province__code__in=provinces, valid_to__isnull=True
    ).values_list("code", "name", "province__code"):
        index[(province_code, name_key(name))] = code
    matched: dict[tuple[str, str, str], LegacyResult] = {}
    for address, result in results.items():
        communes = tuple(
            replace(c, code=index.get((c.province_code, name_key(c.name)))) for c in result.communes
        )
        if result.outcome == Outcome.CONVERTED and communes[0].code is None:
            matched[address] = LegacyResult(
                Outcome.UNKNOWN,
                result.old_address,
                problem=_("Chưa có %(name)s trong danh mục đơn vị hành chính (hãy nạp danh mục).")
                % {"name": communes[0].name},
            )
        else:
            matched[address] = replace(result, communes=communes)
    return matched


def convert(province: str, district: str, commune: str) -> LegacyResult:
    return convert_many([(province, district, commune)])[(province, district, commune)]
