"""The demo province's inputs: constants, commune profiles, random streams and villages."""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import vietnam_provinces as vp
from numpy.typing import NDArray

# Ages are counted to this day: the reference date of the 2025 annual review (fixed, not
# "today", so that the data do not change from one day to the next).
REFERENCE_DATE: Final = dt.date(2025, 10, 1)
DEFAULT_HOUSEHOLDS: Final = 20_000
DEFAULT_SEED: Final = 2025
KINH: Final = "01"

# Relation to the head, in the order members are listed in a household.
RELATIONS: Final = (
    "head",
    "spouse",
    "parent",
    "grandparent",
    "child",
    "child_in_law",
    "grandchild",
    "sibling",
    "other",
)
R_HEAD, R_SPOUSE, R_PARENT, R_GRANDPARENT, R_CHILD, R_CHILD_IN_LAW, R_GRANDCHILD = range(7)
R_SIBLING, R_OTHER = 7, 8

# Codes of the registry's PovertyReason and SupportNeed choices, bit i = entry i.
POVERTY_REASONS: Final = (
    "land",
    "capital",
    "labour",
    "tools",
    "knowledge",
    "skills",
    "illness",
    "other",
)
SUPPORT_NEEDS: Final = (
    "health",
    "education",
    "production",
    "credit",
    "housing",
    "water",
    "employment",
    "information",
    "other",
)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


# -- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommuneInput:
    """A commune, ward or special zone as the generator needs it."""

    code: str  # five digits, e.g. "19435"
    name: str  # "Xã Hướng Lập"
    unit_type: str  # "xa" | "phuong" | "dac_khu" (areas.models.UnitType values)
    area_kind: str  # "rural" | "urban"


@dataclass(frozen=True)
class CommuneProfile:
    mountain: bool
    minority_share: float
    # Ethnicity codes (GSO) of the commune's minorities with their relative shares.
    minority_mix: tuple[tuple[str, float], ...]
    weight: float  # relative number of households


@dataclass(frozen=True)
class VillagePlan:
    commune_code: str
    name: str
    unit_type: str  # "thon" | "ban" | "to_dan_pho"
    area_kind: str
    minority_share: float = 0.0


# Quảng Trị (44, since 1 July 2025 also the former Quảng Bình): mountain communes and their
# ethnic minorities, Bru - Vân Kiều (23) along the Trường Sơn range, Tà Ôi/Pa Kô (31) in
# Đakrông and southern Hướng Hóa, Chứt (44) in Minh Hóa and Tuyên Hóa. Shares are rounded
# guesses from district-level figures, good enough for a demo; the commune codes are official.
_BRU = (("23", 1.0),)
_PROFILES_44: Final[Mapping[str, tuple[float, tuple[tuple[str, float], ...]]]] = {
    "18904": (0.92, (("44", 0.6), ("23", 0.4))),  # Dân Hóa
    "18922": (0.10, (("44", 0.7), ("23", 0.3))),  # Kim Điền
    "18943": (0.08, (("44", 1.0),)),  # Kim Phú
    "18901": (0.03, (("44", 1.0),)),  # Minh Hóa
    "18919": (0.03, (("44", 1.0),)),  # Tân Thành
    "18958": (0.18, (("44", 1.0),)),  # Tuyên Lâm
    "18952": (0.02, (("44", 1.0),)),  # Tuyên Sơn
    "19147": (0.95, _BRU),  # Thượng Trạch
    "19204": (0.55, _BRU),  # Trường Sơn
    "19318": (0.35, _BRU),  # Kim Ngân
    "19435": (0.95, _BRU),  # Hướng Lập
    "19441": (0.70, _BRU),  # Hướng Phùng
    "19429": (0.25, (("23", 0.9), ("31", 0.1))),  # Khe Sanh
    "19462": (0.65, _BRU),  # Tân Lập
    "19432": (0.30, (("23", 0.85), ("37", 0.15))),  # Lao Bảo (border, some Lào)
    "19489": (0.90, (("23", 0.75), ("31", 0.25))),  # Lìa
    "19483": (0.95, (("31", 0.6), ("23", 0.4))),  # A Dơi
    "19594": (0.95, (("31", 0.75), ("23", 0.25))),  # La Lay
    "19588": (0.95, (("31", 0.65), ("23", 0.35))),  # Tà Rụt
    "19564": (0.75, (("23", 0.7), ("31", 0.3))),  # Đakrông
    "19567": (0.30, (("23", 0.8), ("31", 0.2))),  # Ba Lòng
    "19555": (0.70, (("23", 0.9), ("31", 0.1))),  # Hướng Hiệp
}
_MINORITY_SOME_44: Final = {"19165": 0.03, "19237": 0.05, "19366": 0.08, "19501": 0.05}
_WEIGHTS_44: Final = {
    "18880": 4.0,  # Phường Đồng Hới
    "19333": 3.8,  # Phường Đông Hà
    "19009": 2.4,  # Phường Ba Đồn
    "19360": 1.4,  # Phường Quảng Trị
    "19249": 2.2,  # Xã Lệ Thủy
    "19111": 1.8,  # Xã Hoàn Lão
    "19363": 1.8,  # Xã Vĩnh Linh
    "19441": 1.3,  # Xã Hướng Phùng
    "19429": 1.4,  # Xã Khe Sanh
}
# The demo users' communes: a large lowland commune and a mountain one with many Bru - Vân
# Kiều households, so that the two dashboards look different.
DEMO_COMMUNES: Final[Mapping[str, tuple[str, str]]] = {"44": ("19249", "19441")}
# Migrants and mixed marriages: a few households of other groups everywhere
# (Tày, Thái, Hoa, Mường, Cơ Tu).
_SCATTERED: Final = (("02", 0.2), ("03", 0.2), ("04", 0.2), ("06", 0.25), ("26", 0.15))
_SCATTERED_SHARE: Final = 0.004


def commune_profile(province_code: str, commune: CommuneInput) -> CommuneProfile:
    """The demographic profile of a commune (a lowland default outside the known provinces)."""
    urban = commune.area_kind == "urban"
    weight = 2.6 if commune.unit_type == "phuong" else 1.0
    if commune.unit_type == "dac_khu":
        weight = 0.05  # island special zones are small
    mountain = False
    share: float = _SCATTERED_SHARE
    mix: tuple[tuple[str, float], ...] = _SCATTERED
    if province_code == "44":
        if commune.code in _PROFILES_44:
            share, mix = _PROFILES_44[commune.code]
            mountain = True
            weight *= 0.75
        elif commune.code in _MINORITY_SOME_44:
            share, mix = _MINORITY_SOME_44[commune.code], _BRU
        weight = _WEIGHTS_44.get(commune.code, weight)
    if urban:
        mountain = False
    return CommuneProfile(mountain, share, mix, weight)


def official_communes(province_code: str) -> list[CommuneInput]:
    """The communes of a province from the ``vietnam-provinces`` package (no database), with the
    default urban/rural of their unit type: for benchmarks and tests without PostgreSQL."""
    kinds = {"phường": ("phuong", "urban"), "xã": ("xa", "rural"), "đặc khu": ("dac_khu", "rural")}
    communes = []
    for ward in vp.Ward.iter_all():
        if int(ward.province_code) != int(province_code):
            continue
        unit_type, area_kind = kinds[ward.division_type.value]
        communes.append(CommuneInput(f"{int(ward.code):05d}", ward.name, unit_type, area_kind))
    return sorted(communes, key=lambda c: c.code)


def official_province_name(province_code: str) -> str:
    for province in vp.Province.iter_all():
        if int(province.code) == int(province_code):
            return str(province.name)
    raise KeyError(province_code)


# -- random streams ---------------------------------------------------------------------------


def random_stream(seed: int, stage: str) -> np.random.Generator:
    """An independent stream per stage: changing one stage leaves the others' draws alone."""
    return np.random.default_rng([seed, zlib.crc32(stage.encode())])


def sigmoid(x: FloatArray) -> FloatArray:
    result: FloatArray = 1.0 / (1.0 + np.exp(-x))
    return result


def pick(rng: np.random.Generator, weights: Sequence[float], n: int) -> NDArray[np.intp]:
    """n indexes drawn with the given relative weights."""
    cum = np.cumsum(np.asarray(weights, dtype=np.float64))
    result: NDArray[np.intp] = np.searchsorted(cum / cum[-1], rng.random(n), side="right")
    return np.minimum(result, len(weights) - 1)


def allocate(total: int, weights: FloatArray) -> IntArray:
    """Split ``total`` over ``weights`` exactly (largest remainder; ties by position)."""
    if total == 0 or weights.sum() <= 0:
        return np.zeros(weights.shape[0], dtype=np.int64)
    exact = total * weights / weights.sum()
    counts: IntArray = np.floor(exact).astype(np.int64)
    rest = total - int(counts.sum())
    if rest:
        order = np.argsort(-(exact - counts), kind="stable")
        counts[order[:rest]] += 1
    return counts


# -- villages ---------------------------------------------------------------------------------

# Names of the kind found in Bru - Vân Kiều, Tà Ôi and Chứt areas; synthetic villages.
_BAN_NAMES: Final = (
    "Cha Lỳ",
    "Ka Ai",
    "Ra Mai",
    "Dộ",
    "Hà Vi",
    "Cu Pua",
    "A Xóc",
    "Tà Rùng",
    "Xa Bai",
    "Ploang",
    "Cóc",
    "Ho Le",
    "Ba Tầng",
    "Ta Nua",
    "Vôi",
    "Ka Tăng",
    "Pa Công",
    "A Ngo",
    "La Tó",
    "Ra Ly",
    "Tà Lềnh",
    "Trầm",
    "Ka Lu",
    "Ón",
    "Yên Hợp",
    "Ka Oóc",
    "Tà Vờng",
    "Cà Xen",
    "Sê Pôn",
    "Cuôi",
)


def plan_villages(
    province_code: str, communes: Sequence[CommuneInput], *, seed: int
) -> list[VillagePlan]:
    """Synthetic villages of every commune: about 4-10 each, more in larger communes.

    Rural communes get "Thôn 1…"; mountain communes with many minority households also get
    "Bản …" villages, where most minority households live; wards and special zones get
    "Tổ dân phố 1…". Depends on the seed and the communes only, not on the number of
    households, so that a reload with another ``--households`` reuses the same villages.
    """
    rng = random_stream(seed, "villages")
    plans: list[VillagePlan] = []
    for commune in communes:
        profile = commune_profile(province_code, commune)
        jitter = float(rng.uniform(-1.0, 1.0))
        count = int(np.clip(round(3.0 + 2.2 * profile.weight + jitter), 4, 10))
        if commune.unit_type == "dac_khu":
            count = 2  # an island zone of a few hundred people
        if commune.unit_type in ("phuong", "dac_khu") or commune.area_kind == "urban":
            plans.extend(
                VillagePlan(
                    commune.code,
                    f"Tổ dân phố {k}",
                    "to_dan_pho",
                    commune.area_kind,
                    profile.minority_share,
                )
                for k in range(1, count + 1)
            )
            continue
        n_ban = 0
        if profile.mountain and profile.minority_share >= 0.5:
            n_ban = max(1, round(count * min(0.9, profile.minority_share)))
        ban_share = min(0.98, profile.minority_share * 1.15) if n_ban else 0.0
        # Thôn keep the rest of the commune's minority households (weights roughly equal).
        rest = profile.minority_share * count - ban_share * n_ban
        thon_share = float(np.clip(rest / max(count - n_ban, 1), 0.0, 1.0))
        picked: list[int] = rng.choice(len(_BAN_NAMES), size=n_ban, replace=False).tolist()
        for index in picked:
            plans.append(
                VillagePlan(
                    commune.code,
                    f"Bản {_BAN_NAMES[int(index)]}",
                    "ban",
                    commune.area_kind,
                    ban_share,
                )
            )
        plans.extend(
            VillagePlan(commune.code, f"Thôn {k}", "thon", commune.area_kind, thon_share)
            for k in range(1, count - n_ban + 1)
        )
    return plans
