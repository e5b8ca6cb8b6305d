"""Deterministic synthetic households for the demo province and for benchmarks.

Pure: no Django, no database. Everything is drawn column by column with NumPy from
``default_rng`` streams derived from one seed, so the same communes, number of households and
seed give byte-identical data (``DemoData.fingerprint``), and a million households take seconds.

The model, in one paragraph: each commune has a size weight and a profile (urban/rural,
mountain, share and mix of ethnic minorities; the profile table below covers Quảng Trị, other
provinces get a lowland default). Households get a size, a head, and a composition (spouse,
parents, children, or an older head's married child and grandchildren), from which ages,
sexes and names follow. One latent "wealth" score per household drives income (log-normal,
lower in mountain communes and minority households) and, more weakly, every deprivation
(housing, water, latrine, internet, insurance gaps, schooling, informal work, child
malnutrition), so that households under the poverty line are also the ones that lack services,
as in real survey data. The figures are plausible orders of magnitude, not statistics.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import polars as pl
from numpy.typing import NDArray

from giamngheo.lib.text import search_key
from giamngheo.standards import schema

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
    import vietnam_provinces as vp

    kinds = {"phường": ("phuong", "urban"), "xã": ("xa", "rural"), "đặc khu": ("dac_khu", "rural")}
    communes = []
    for ward in vp.Ward.iter_all():
        if int(ward.province_code) != int(province_code):
            continue
        unit_type, area_kind = kinds[ward.division_type.value]
        communes.append(CommuneInput(f"{int(ward.code):05d}", ward.name, unit_type, area_kind))
    return sorted(communes, key=lambda c: c.code)


def official_province_name(province_code: str) -> str:
    import vietnam_provinces as vp

    for province in vp.Province.iter_all():
        if int(province.code) == int(province_code):
            return str(province.name)
    raise KeyError(province_code)


# -- random streams ---------------------------------------------------------------------------


def _rng(seed: int, stage: str) -> np.random.Generator:
    """An independent stream per stage: changing one stage leaves the others' draws alone."""
    return np.random.default_rng([seed, zlib.crc32(stage.encode())])


def _sigmoid(x: FloatArray) -> FloatArray:
    result: FloatArray = 1.0 / (1.0 + np.exp(-x))
    return result


def _pick(rng: np.random.Generator, weights: Sequence[float], n: int) -> NDArray[np.intp]:
    """n indexes drawn with the given relative weights."""
    cum = np.cumsum(np.asarray(weights, dtype=np.float64))
    result: NDArray[np.intp] = np.searchsorted(cum / cum[-1], rng.random(n), side="right")
    return np.minimum(result, len(weights) - 1)


def _allocate(total: int, weights: FloatArray) -> IntArray:
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
    rng = _rng(seed, "villages")
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


# -- names ------------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _vocab(pairs: Sequence[tuple[str, float]]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    return tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)


_KINH_FAMILY = _vocab(
    [
        ("Nguyễn", 30),
        ("Lê", 11),
        ("Trần", 9),
        ("Hoàng", 6),
        ("Phan", 6),
        ("Võ", 6),
        ("Hồ", 4),
        ("Đặng", 3.5),
        ("Trương", 3),
        ("Phạm", 3),
        ("Đinh", 2.5),
        ("Bùi", 2),
        ("Ngô", 2),
        ("Dương", 1.5),
        ("Mai", 1.5),
        ("Cao", 1.5),
        ("Đỗ", 1.5),
        ("Lương", 1),
        ("Huỳnh", 1),
        ("Thái", 1),
        ("Hà", 1),
        ("Đoàn", 1),
        ("Văn", 0.5),
        ("Tạ", 0.5),
        ("Châu", 0.5),
        ("Lưu", 0.5),
        ("Đào", 0.5),
    ]
)
_BRU_FAMILY = _vocab(
    [
        ("Hồ", 55),
        ("Lê", 8),
        ("Nguyễn", 6),
        ("Kray", 5),
        ("Pả", 4),
        ("Ăm", 3),
        ("Côn", 3),
        ("Trần", 3),
        ("Chăm", 3),
        ("Kăn", 2),
    ]
)
_TAOI_FAMILY = _vocab(
    [
        ("Hồ", 35),
        ("Kăn", 10),
        ("Côn", 8),
        ("Pi", 7),
        ("Lê", 6),
        ("Nguyễn", 5),
        ("Pả", 4),
        ("Kray", 4),
        ("Trần", 3),
    ]
)
_CHUT_FAMILY = _vocab(
    [
        ("Cao", 25),
        ("Đinh", 25),
        ("Hồ", 20),
        ("Trương", 10),
        ("Hà", 5),
        ("Nguyễn", 5),
        ("Lê", 5),
        ("Phạm", 5),
    ]
)
_FAMILY_BY_GROUP: Final = {"23": _BRU_FAMILY, "31": _TAOI_FAMILY, "44": _CHUT_FAMILY}

_MALE_MIDDLE = _words("Văn Đức Hữu Minh Quang Xuân Công Thanh Ngọc Anh Gia Bảo Đình Trọng Quốc")
_FEMALE_MIDDLE = _words("Thị Ngọc Thu Thanh Phương Bảo Khánh Minh Hoài Thùy Mai Kim Diệu Hồng Thảo")

_MALE_OLDER = _words(
    "Hùng Dũng Hải Long Sơn Thắng Cường Bình Hòa Toàn Tài Lợi Thành Trung Tiến Minh Nam Tuấn "
    "Quang Hiếu Phúc Lộc Thọ Châu Nghĩa Hưng Đông Tâm Thanh Vinh Chiến Lâm Hạnh Đức Phương"
)
_MALE_YOUNGER = _words(
    "Huy Khang Bảo An Phúc Khoa Nhật Duy Đạt Kiên Quân Hoàng Minh Nam Tuấn Long Phong Vũ "
    "Thịnh Khánh Lâm Trí Hiếu Đức Tùng Hưng Thái Sang Khôi Nguyên"
)
_FEMALE_OLDER = _words(
    "Lan Hoa Hương Mai Hằng Nga Hạnh Hà Nhung Yến Vân Thủy Loan Liên Dung Thu Xuân Hiền Tâm "
    "Lý Sen Cúc Đào Bích Huệ Tuyết Oanh Phượng Hồng Lệ"
)
_FEMALE_YOUNGER = _words(
    "Linh Trang Thảo Anh Ngọc Vy Nhi My Châu Hân Uyên Quỳnh Thư Giang Hà Phương Ly Tiên "
    "Nhung Hương Trinh Yến Diễm Hoài Ngân Tâm"
)
_MINORITY_MALE = _words(
    "Thương Lai Bin Xoan Cân Vai Dơi Kiên Thuận Phiên Sơn Xuân Đơn Hồi Phăn Ây Pỏi Chôm"
)
_MINORITY_FEMALE = _words(
    "Pheo Ly Ngân Trang Xoan Bơ Nhơn Hiên Lan Xuân Kim Vân Thơm Hoa Chiên Sen Pa Mơ"
)


class _Names:
    """One vocabulary of name parts; members hold indexes into it until strings are needed."""

    def __init__(self) -> None:
        self.words: list[str] = []
        self._index: dict[str, int] = {}

    def ids(self, words: Sequence[str]) -> NDArray[np.int32]:
        out = []
        for word in words:
            if word not in self._index:
                self._index[word] = len(self.words)
                self.words.append(word)
            out.append(self._index[word])
        return np.asarray(out, dtype=np.int32)


def _choose_weighted(
    rng: np.random.Generator,
    names: _Names,
    vocab: tuple[tuple[str, ...], tuple[float, ...]],
    n: int,
) -> NDArray[np.int32]:
    words, weights = vocab
    result: NDArray[np.int32] = names.ids(words)[_pick(rng, weights, n)]
    return result


def _choose(
    rng: np.random.Generator, names: _Names, words: Sequence[str], n: int
) -> NDArray[np.int32]:
    result: NDArray[np.int32] = names.ids(words)[rng.integers(0, len(words), n)]
    return result


# -- the data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoData:
    """Generated households and members, columnar.

    ``households`` has one row per household in village order; ``members`` one row per person,
    grouped by household (column ``household`` = household row) with the head first.
    Enumerated survey fields hold ``schema`` codes (the value's position in its tuple); use
    ``household_frame_for_db``/``member_frame_for_db`` for the stored strings.
    """

    province_code: str
    province_name: str
    seed: int
    villages: tuple[VillagePlan, ...]
    households: pl.DataFrame
    members: pl.DataFrame
    reference_date: dt.date = REFERENCE_DATE
    stats: Mapping[str, Any] = field(default_factory=dict)

    @property
    def n_households(self) -> int:
        return self.households.height

    @property
    def n_members(self) -> int:
        return self.members.height

    def fingerprint(self) -> str:
        """SHA-256 of every generated column and the village plan."""
        digest = hashlib.sha256()
        digest.update(repr((self.province_code, self.seed, self.villages)).encode())
        for frame in (self.households, self.members):
            for name in frame.columns:
                digest.update(name.encode())
                digest.update(frame.select(name).write_csv(include_header=False).encode())
        return digest.hexdigest()

    def survey_columns(
        self,
    ) -> tuple[IntArray, dict[str, NDArray[Any]], IntArray, dict[str, NDArray[Any]]]:
        """(household ids, household fields, member household ids, member fields) in the raw
        survey schema of the standards engine, ready for ``RawColumns.build``."""
        h, m = self.households, self.members
        households = {
            name: h[name].to_numpy()
            for name in (f.name for f in schema.HOUSEHOLD_FIELDS)
            if name != "household_id"
        }
        members = {
            name: m[name].to_numpy()
            for name in (f.name for f in schema.MEMBER_FIELDS)
            if name not in ("household_id", "member_id")
        }
        return (
            np.arange(h.height, dtype=np.int64),
            households,
            m["household"].to_numpy().astype(np.int64),
            members,
        )


def generate(
    *,
    province_code: str,
    province_name: str,
    communes: Sequence[CommuneInput],
    households: int = DEFAULT_HOUSEHOLDS,
    seed: int = DEFAULT_SEED,
    villages: Sequence[VillagePlan] | None = None,
) -> DemoData:
    """Generate ``households`` households with their members over ``communes``.

    ``villages`` defaults to ``plan_villages(...)``; the loader passes the plan with the area
    kinds of the villages as stored (a village may have been set urban/rural by a user).
    """
    if households < 1:
        raise ValueError("households must be >= 1")
    if seed < 0:
        raise ValueError("seed must be >= 0")
    plans = tuple(
        villages if villages is not None else plan_villages(province_code, communes, seed=seed)
    )
    by_code = {c.code: c for c in communes}
    profiles = {c.code: commune_profile(province_code, c) for c in communes}
    if not plans:
        raise ValueError("no villages to put households in")

    columns = _household_frame(province_code, plans, by_code, profiles, households, seed)
    member_columns = _MemberBuilder(seed, columns).build()
    columns = _living_conditions(seed, columns, member_columns)
    household_frame, member_frame = _names_and_text(
        seed, province_code, province_name, plans, by_code, columns, member_columns
    )
    return DemoData(
        province_code=province_code,
        province_name=province_name,
        seed=seed,
        villages=plans,
        households=household_frame,
        members=member_frame,
    )


# -- households -------------------------------------------------------------------------------


def _household_frame(
    province_code: str,
    plans: Sequence[VillagePlan],
    communes: Mapping[str, CommuneInput],
    profiles: Mapping[str, CommuneProfile],
    n: int,
    seed: int,
) -> dict[str, NDArray[Any]]:
    """Village, commune and ethnicity of each household (as arrays, grouped by village)."""
    rng = _rng(seed, "households")
    commune_codes = sorted({p.commune_code for p in plans})
    commune_index = {code: i for i, code in enumerate(commune_codes)}
    jitter = _rng(seed, "commune-size").lognormal(0.0, 0.2, len(commune_codes))
    commune_weight = np.array([profiles[c].weight for c in commune_codes]) * jitter
    village_commune = np.array([commune_index[p.commune_code] for p in plans], dtype=np.int64)
    # Villages of a commune differ in size (Dirichlet shares, seeded, independent of n).
    village_share = _rng(seed, "village-size").gamma(4.0, 1.0, len(plans))
    totals = np.bincount(village_commune, weights=village_share, minlength=len(commune_codes))
    village_weight = commune_weight[village_commune] * village_share / totals[village_commune]
    per_village = _allocate(n, village_weight)
    village = np.repeat(np.arange(len(plans), dtype=np.int32), per_village)

    commune = village_commune[village]
    urban = np.array([p.area_kind == "urban" for p in plans], dtype=np.bool_)[village]
    mountain = np.array([profiles[c].mountain for c in commune_codes], dtype=np.bool_)[commune]
    minority_p = np.array([p.minority_share for p in plans], dtype=np.float64)
    is_minority = rng.random(n) < minority_p[village]

    # Ethnicity: each commune's own mix for its minority households.
    ethnicity = np.full(n, KINH, dtype="<U2")
    u = rng.random(n)
    for ci, code in enumerate(commune_codes):
        mix = profiles[code].minority_mix
        rows = np.flatnonzero((commune == ci) & is_minority)
        if rows.size == 0:
            continue
        chosen = _pick_from(u[rows], [w for _, w in mix])
        ethnicity[rows] = np.array([e for e, _ in mix], dtype="<U2")[chosen]

    # Serial numbers restart in every commune: code "44-19435-00012".
    starts = np.flatnonzero(np.r_[True, commune[1:] != commune[:-1]])
    serial = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n])) + 1
    return {
        "village": village,
        "commune": commune,
        "commune_code": np.array(commune_codes, dtype="<U5")[commune],
        "urban": urban,
        "mountain": mountain,
        "minority": is_minority,
        "ethnicity": ethnicity,
        "serial": serial,
        "wealth": rng.standard_normal(n),
        "noise": rng.standard_normal(n),
    }


def _pick_from(u: FloatArray, weights: Sequence[float]) -> NDArray[np.intp]:
    cum = np.cumsum(np.asarray(weights, dtype=np.float64))
    result: NDArray[np.intp] = np.minimum(
        np.searchsorted(cum / cum[-1], u, side="right"), len(weights) - 1
    )
    return result


# -- members ----------------------------------------------------------------------------------

# Household sizes 1-10 (2019 census shape for Kinh; larger for minority households).
_SIZE_KINH = (0.10, 0.19, 0.21, 0.28, 0.12, 0.06, 0.025, 0.01, 0.004, 0.001)
_SIZE_MINORITY = (0.04, 0.10, 0.15, 0.22, 0.19, 0.13, 0.08, 0.05, 0.025, 0.015)


def _birth_spacing(
    rng: np.random.Generator, parent_age: FloatArray, count: IntArray
) -> tuple[FloatArray, FloatArray]:
    """Age of the eldest child and the years between children: the eldest born when the
    parent was 19-30 (at least 15), the next ones 1.5-4 years apart, the youngest 0 or older."""
    n = parent_age.shape[0]
    room = parent_age - 2 * np.maximum(count - 1, 0)
    gap = np.maximum(np.minimum(np.floor(19 + 11 * rng.random(n)), room), 15)
    eldest = np.maximum(parent_age - gap, 0)
    spacing = np.minimum(1.5 + 2.5 * rng.random(n), eldest / np.maximum(count - 1, 1))
    return eldest, spacing


class _MemberBuilder:
    """Household composition, then ages, sexes, ethnicity of every member (vectorised)."""

    def __init__(self, seed: int, hh: dict[str, NDArray[Any]]) -> None:
        self.rng = _rng(seed, "members")
        self.hh = hh
        self.n = int(hh["village"].shape[0])

    def build(self) -> dict[str, NDArray[Any]]:
        rng, hh, n = self.rng, self.hh, self.n
        minority = hh["minority"]
        size = (
            np.where(minority, _pick(rng, _SIZE_MINORITY, n), _pick(rng, _SIZE_KINH, n)).astype(
                np.int64
            )
            + 1
        )
        head_age = self._head_age(size)
        head_male = rng.random(n) < np.where(size == 1, 0.42, np.where(head_age >= 75, 0.6, 0.78))

        # Composition: counts of each relation per household, summing to size.
        p_spouse = np.where(head_male, 0.9, 0.35) * np.where(head_age >= 75, 0.65, 1.0)
        spouse = ((size >= 2) & (rng.random(n) < p_spouse)).astype(np.int64)
        rest = size - 1 - spouse
        with_parents = (head_age < 45) & (rest >= 1) & (rng.random(n) < 0.25)
        parents = np.where(with_parents, np.minimum(1 + (rng.random(n) < 0.4), rest), 0)
        grandparent = ((head_age < 30) & (parents == 1) & (rng.random(n) < 0.25)).astype(np.int64)
        parents = parents - grandparent
        rest = rest - parents - grandparent
        older = (rest >= 1) & (rng.random(n) < np.clip((head_age - 50) / 20.0, 0.0, 0.85))
        # An older head's household: one married child, the child's spouse, grandchildren.
        child_in_law = (older & (rest >= 3)).astype(np.int64)
        grand_children = np.where(older & (rest >= 2), rest - 1 - child_in_law, 0)
        children = rest - child_in_law - grand_children
        extra = (children >= 2) & (rng.random(n) < 0.04)
        sibling = (extra & (head_age < 45)).astype(np.int64)
        other = (extra & (head_age >= 45)).astype(np.int64)
        children = children - sibling - other
        counts = np.column_stack(
            [
                np.ones(n, dtype=np.int64),
                spouse,
                parents,
                grandparent,
                children,
                child_in_law,
                grand_children,
                sibling,
                other,
            ]
        )

        # Member rows: household index and position; relation from the cumulative counts.
        m = int(size.sum())
        household = np.repeat(np.arange(n, dtype=np.int64), size)
        starts = _starts(size)
        position = np.arange(m, dtype=np.int64) - starts[household]
        bounds = np.cumsum(counts, axis=1)  # end (exclusive) of each relation block
        relation = (position[:, None] >= bounds[household]).sum(axis=1).astype(np.int8)
        block_start = np.where(relation > 0, bounds[household, np.maximum(relation - 1, 0)], 0)
        ordinal = position - block_start

        ages, male = self._ages_and_sexes(household, relation, ordinal, counts, head_age, head_male)
        ethnicity = hh["ethnicity"][household].copy()
        # Mixed marriages: some spouses and children-in-law of another group.
        married_in = np.isin(relation, (R_SPOUSE, R_CHILD_IN_LAW)) & (rng.random(m) < 0.05)
        ethnicity[married_in & (ethnicity != KINH)] = KINH
        hh["size"] = size
        return {
            "household": household,
            "position": position,
            "relation": relation,
            "ordinal": ordinal,
            "age": ages,
            "male": male,
            "ethnicity": ethnicity,
        }

    def _head_age(self, size: IntArray) -> IntArray:
        rng, n = self.rng, self.n
        young = 20 + 20 * rng.random(n)
        old = 60 + 30 * rng.beta(1.5, 2.2, n)
        middle = 22 + 46 * rng.beta(2.2, 3.0, n)
        big = 30 + 50 * rng.beta(2.5, 2.4, n)
        u = rng.random(n)
        single = np.where(u < 0.3, young, old)
        couple = np.where(u < 0.25, 20 + 18 * rng.random(n), 48 + 38 * rng.beta(1.6, 2.0, n))
        age = np.select([size == 1, size == 2, size >= 6], [single, couple, big], middle)
        result: IntArray = np.clip(np.floor(age), 18, 98).astype(np.int64)
        return result

    def _ages_and_sexes(
        self,
        household: IntArray,
        relation: NDArray[np.int8],
        ordinal: IntArray,
        counts: NDArray[np.int64],
        head_age: IntArray,
        head_male: BoolArray,
    ) -> tuple[IntArray, BoolArray]:
        rng, n = self.rng, self.n
        m = household.shape[0]
        n_kids, n_grand = counts[:, R_CHILD], counts[:, R_GRANDCHILD]
        spouse_age = np.clip(
            head_age + np.where(head_male, -3, 3) + np.round(rng.normal(0, 3, n)), 18, 99
        )
        mother_age = np.where(counts[:, R_SPOUSE] > 0, np.minimum(head_age, spouse_age), head_age)
        # Children come from age 19 on, about two years apart: make the parents old enough
        # for the number of children drawn.
        bump = np.maximum(19 + 2 * np.maximum(n_kids - 1, 0) - mother_age, 0)
        head_age, spouse_age, mother_age = head_age + bump, spouse_age + bump, mother_age + bump
        eldest, spacing = _birth_spacing(rng, mother_age, n_kids)
        # An older head's married child (20+), then that child's children.
        adult_child_age = np.clip(
            np.maximum(eldest, 19 + 2 * np.maximum(n_grand - 1, 0)), 20, mother_age - 15
        )
        grand_eldest, grand_spacing = _birth_spacing(rng, adult_child_age, n_grand)
        parent_age = np.minimum(head_age + 20 + np.floor(15 * rng.random(n)), 99)

        h = household
        noise = rng.random(m)
        # In an older head's household the (one) child is the grandchildren's parent.
        child_age = np.where(
            (counts[h, R_CHILD_IN_LAW] > 0) | (counts[h, R_GRANDCHILD] > 0),
            adult_child_age[h],
            np.floor(eldest[h] - ordinal * spacing[h]),
        )
        age = np.select(
            [
                relation == R_HEAD,
                relation == R_SPOUSE,
                relation == R_PARENT,
                relation == R_GRANDPARENT,
                relation == R_CHILD,
                relation == R_CHILD_IN_LAW,
                relation == R_GRANDCHILD,
                relation == R_SIBLING,
            ],
            [
                head_age[h],
                spouse_age[h],
                parent_age[h] + 3 * (ordinal == 0),
                np.minimum(head_age[h] + 45 + np.floor(12 * noise), 100),
                child_age,
                np.clip(adult_child_age[h] + np.floor(7 * noise) - 3, 18, 99),
                np.floor(grand_eldest[h] - ordinal * grand_spacing[h]),
                np.clip(head_age[h] + np.floor(16 * noise) - 8, 0, 99),
            ],
            np.floor(80 * noise),
        )
        ages: IntArray = np.clip(age, 0, 100).astype(np.int64)

        u = rng.random(m)
        male = np.select(
            [
                relation == R_HEAD,
                relation == R_SPOUSE,
                relation == R_PARENT,
                relation == R_GRANDPARENT,
                (relation == R_CHILD) & (counts[h, R_CHILD_IN_LAW] > 0),
                relation == R_CHILD_IN_LAW,
            ],
            [
                head_male[h],
                ~head_male[h],
                np.where(counts[h, R_PARENT] == 2, ordinal == 0, u < 0.3),
                u < 0.3,
                u < 0.85,  # usually a son living with his parents…
                u >= 0.85,  # …and his wife (the same draw: opposite sexes)
            ],
            u < 0.53,  # sex ratio at birth about 112 boys per 100 girls
        )
        return ages, male.astype(np.bool_)


# -- living conditions ------------------------------------------------------------------------

_HYGIENIC_LATRINES = (
    "septic",
    "semi_septic",
    "pour_flush",
    "ventilated_improved_pit",
    "double_vault",
    "biogas",
)


def _codes(values: Sequence[str], enumeration: Sequence[str]) -> NDArray[np.uint8]:
    return np.array([enumeration.index(v) for v in values], dtype=np.uint8)


def _living_conditions(
    seed: int, hh: dict[str, NDArray[Any]], mem: dict[str, NDArray[Any]]
) -> dict[str, NDArray[Any]]:
    """Income, housing, services, member attributes, flags; all tied to one wealth score."""
    rng = _rng(seed, "conditions")
    n = int(hh["village"].shape[0])
    m = int(mem["household"].shape[0])
    h = mem["household"]
    age = mem["age"]
    urban, mountain, minority = hh["urban"], hh["mountain"], hh["minority"]
    size = hh["size"]
    z = hh["wealth"]
    d = -z  # deprivation propensity
    mm = (mountain & minority).astype(np.float64)
    mtn = mountain.astype(np.float64)
    urb = urban.astype(np.float64)

    def chance(logit: FloatArray) -> BoolArray:
        result: BoolArray = rng.random(logit.shape[0]) < _sigmoid(logit)
        return result

    # Income per person per month (đồng): log-normal around an area median.
    median = np.select(
        [urban, mountain & minority, mountain, minority],
        [5_600_000.0, 1_620_000.0, 2_900_000.0, 2_900_000.0],
        3_750_000.0,
    )
    log_income = np.log(median) + 0.52 * (0.85 * z + 0.53 * hh["noise"]) - 0.04 * (size - 4)
    income = (np.round(np.exp(log_income) / 1000.0) * 1000.0).astype(np.int64)

    # Housing: how many of walls, columns, roof are not durable.
    p2 = _sigmoid(-5.0 + 1.35 * d + 1.6 * mm + 0.5 * mtn - 1.0 * urb)
    r = rng.random(n)
    non_durable = np.select([r < 0.35 * p2, r < p2, r < p2 + 0.06], [3, 2, 1], 0)
    # Which ones: the k lowest of three biased keys, so roofs give way first, columns last.
    keys = rng.random((n, 3)) * np.array([0.6, 0.8, 1.0])
    rank = (keys[:, :, None] > keys[:, None, :]).sum(axis=2)
    weak_roof, weak_wall, weak_column = (rank < non_durable[:, None]).T

    area = size**0.6 * np.exp(np.log(30.0) + 0.32 * z + 0.3 * rng.standard_normal(n))
    area = area * np.where(urban, 1.2, 1.0) * np.where(mm > 0, 0.8, 1.0)
    floor_area = np.round(np.clip(area, 6.0, 900.0), 1)

    unclean_water = chance(np.select([urban, mm > 0, mountain], [-6.0, -1.3, -2.6], -4.0) + d)
    water = np.where(
        unclean_water,
        np.where(
            mountain,
            _codes(
                ["unprotected_spring", "surface_water", "unprotected_dug_well"],
                schema.WATER_SOURCES,
            )[_pick(rng, (0.55, 0.35, 0.10), n)],
            _codes(["unprotected_dug_well", "surface_water", "other"], schema.WATER_SOURCES)[
                _pick(rng, (0.6, 0.2, 0.2), n)
            ],
        ),
        np.select(
            [urban, mountain],
            [
                _codes(
                    ["piped", "drilled_well", "bottled", "protected_dug_well"], schema.WATER_SOURCES
                )[_pick(rng, (0.85, 0.08, 0.05, 0.02), n)],
                _codes(
                    [
                        "piped",
                        "protected_spring",
                        "drilled_well",
                        "protected_dug_well",
                        "rainwater",
                    ],
                    schema.WATER_SOURCES,
                )[_pick(rng, (0.45, 0.3, 0.1, 0.1, 0.05), n)],
            ],
            _codes(
                ["piped", "drilled_well", "protected_dug_well", "rainwater", "bottled"],
                schema.WATER_SOURCES,
            )[_pick(rng, (0.45, 0.35, 0.12, 0.03, 0.05), n)],
        ),
    ).astype(np.uint8)

    unhygienic = chance(np.select([urban, mm > 0, mountain], [-5.5, -0.6, -2.0], -3.0) + 1.2 * d)
    latrine = np.where(
        unhygienic,
        _codes(["simple_pit", "overhang", "none", "other"], schema.LATRINE_TYPES)[
            _pick(rng, (0.55, 0.05, 0.35, 0.05), n)
        ],
        np.where(
            urban,
            _codes(["septic", "semi_septic"], schema.LATRINE_TYPES)[_pick(rng, (0.95, 0.05), n)],
            _codes(list(_HYGIENIC_LATRINES), schema.LATRINE_TYPES)[
                _pick(rng, (0.62, 0.15, 0.12, 0.03, 0.05, 0.03), n)
            ],
        ),
    ).astype(np.uint8)

    # Member attributes -----------------------------------------------------------------------
    zm, dm = z[h], d[h]
    m_urban, m_mountain, m_minority = urban[h], mountain[h], mem["ethnicity"] != KINH
    m_mm = (m_mountain & m_minority).astype(np.float64)
    u = rng.random(m)

    # Schooling: preschool 3-5, primary 6-10, lower secondary 11-14, upper secondary 15-17.
    p_study = np.select(
        [age < 3, age <= 5, age <= 10, age <= 14, age <= 17, age <= 22, age <= 25],
        [
            np.zeros(m),
            0.93 - 0.12 * m_mm,
            np.full(m, 0.995),
            0.975 - 0.07 * m_mm - 0.02 * np.clip(dm, 0, None),
            0.84 - 0.22 * m_mm - 0.08 * np.clip(dm, 0, None),
            _sigmoid(-0.8 + 0.8 * zm + 0.5 * m_urban),
            np.full(m, 0.05),
        ],
        0.0,
    )
    studying = u < p_study
    held_back = rng.random(m) < 0.02 + 0.03 * (dm > 1)
    attends = studying & (age >= 3) & (age <= 17) & ~held_back

    # Highest completed level: children by age; adults from a cohort-and-wealth score.
    score = (
        np.select([age <= 30, age <= 45, age <= 60, age <= 75], [2.9, 2.2, 1.7, 1.0], 0.3)
        + 0.5 * zm
        - 0.9 * m_minority
        - 0.3 * m_mountain
        + 0.85 * rng.standard_normal(m)
    )
    level = np.select([score < 0, score < 1, score < 2, score < 3.2], [0, 1, 2, 3], 4)
    post = np.array([4, 5, 6, 7])[_pick(rng, (0.25, 0.2, 0.15, 0.4), m)]
    post = np.where((post == 7) & (age < 22), 6, post)
    post = np.where((post == 6) & (age < 21), 5, post)
    post = np.where((post == 5) & (age < 19), 4, post)
    adult_level = np.where(level == 4, post, level)
    # Students of 18+ have at least finished upper secondary.
    adult_level = np.where(studying & (age >= 18), np.maximum(adult_level, 3), adult_level)
    education = np.select(
        [age <= 10, age <= 14, age <= 17],
        [
            np.zeros(m, dtype=np.int64),
            np.where(held_back | (u > 0.97 + 0.03 * studying), 0, 1),
            np.where(studying & ~held_back, 2, np.where(score < 0.6, 1, 2)),
        ],
        adult_level,
    ).astype(np.uint8)
    # Leavers at 15-17 who never finished lower secondary.
    education = np.where(
        (age >= 15) & (age <= 17) & ~studying & (rng.random(m) < 0.35 + 0.3 * m_mm), 1, education
    ).astype(np.uint8)

    # Disability and social allowances (Decree 20/2021: 80+, or 75+ in poor households
    # since 2025, people with severe disabilities, orphans).
    disability = rng.random(m) < np.select(
        [age < 15, age < 60, age < 80], [0.01, 0.025, 0.08], 0.18
    ) * np.where(dm > 1, 1.5, 1.0)
    allowance = rng.random(m) < np.select(
        [age >= 80, (age >= 75) & (dm > 0.8), disability, age < 16],
        [0.85, 0.3, 0.45, 0.004 * (dm > 1)],
        0.0,
    )

    # Employment for 15+.
    v = rng.random(m)
    p_contract = np.clip(
        np.where(m_urban, 0.40, np.where(m_mountain, 0.10, 0.22)) + 0.1 * zm, 0.02, 0.8
    )
    p_informal = np.clip(0.07 + 0.04 * dm + 0.04 * m_mm, 0.01, 0.4)
    p_unemployed = np.clip(0.015 + 0.015 * dm, 0.002, 0.1)
    p_inactive = 0.07 + 0.5 * disability
    working_age = np.select(
        [
            v < p_inactive,
            v < p_inactive + p_unemployed,
            v < p_inactive + p_unemployed + p_informal,
            v < p_inactive + p_unemployed + p_informal + p_contract,
        ],
        [4, 3, 1, 0],
        2,
    )
    senior = np.where(
        v < np.select([age >= 75, age >= 65], [0.9, 0.65], 0.4),
        4,
        np.where(v > 0.97, 1, 2),
    )
    employment = np.select([age < 15, studying, age >= 60], [4, 4, senior], working_age).astype(
        np.uint8
    )
    on_the_job = (employment == 0) & (rng.random(m) < 0.06)

    # Health insurance: cards are free for children under 6, minority households of mountain
    # communes and poor households; gaps cluster in households that pay their own.
    gap_household = chance(-2.5 + 0.5 * d - 1.5 * mm - 0.6 * urb)
    insured = ~(gap_household[h] & (age >= 6) & (rng.random(m) < 0.6) & ~(studying & (age < 18)))

    under5 = age < 5
    stunted = under5 & (rng.random(m) < _sigmoid(-2.3 + 0.6 * dm + 1.1 * m_mm))
    stunted |= (age >= 5) & (age < 16) & (rng.random(m) < 0.01 * (dm > 1))
    underweight = (age < 16) & (
        (stunted & (rng.random(m) < 0.5)) | (under5 & (rng.random(m) < 0.03))
    )
    ill_untreated = rng.random(m) < 0.004 + 0.01 * (dm > 1) + 0.005 * m_mm

    mem.update(
        sex=np.where(mem["male"], 0, 1).astype(np.uint8),
        employment=employment,
        receives_social_allowance=allowance,
        disability=disability,
        has_health_insurance=insured,
        education=education,
        studying=studying,
        attends_age_appropriate=attends,
        on_the_job_training=on_the_job,
        stunted=stunted,
        underweight=underweight,
        ill_untreated=ill_untreated,
    )

    # Information and services ----------------------------------------------------------------
    elderly_only = np.logical_and.reduceat(age >= 60, _starts(size))
    uses_internet = ~chance(-3.2 + 1.1 * d + 0.4 * (1 - urb) + 1.4 * mm + 1.8 * elderly_only)
    uses_phone = ~chance(-4.5 + d + 1.5 * elderly_only + 0.8 * mm)
    owns_phone = uses_phone & (rng.random(n) < 0.99)
    owns_tv = ~chance(-2.6 + 1.0 * d + 0.9 * mm)
    owns_radio = rng.random(n) < 0.08
    owns_computer = chance(-1.8 + 0.9 * z + 1.0 * urb - 1.0 * mm)
    loudspeaker = rng.random(n) < np.where(urban, 0.8, 0.92)
    waste = chance(np.select([urban, mountain], [3.5, 0.0], 1.8) + 0.5 * z)

    # Group flags and candidate reasons ---------------------------------------------------------
    able = (age >= 15) & (age <= 60) & ~disability
    starts = _starts(size)
    any_able = np.logical_or.reduceat(able, starts)
    any_allowance = np.logical_or.reduceat(allowance, starts)
    any_ill = np.logical_or.reduceat(ill_untreated | disability, starts)
    any_uninsured = np.logical_or.reduceat(~insured & (age >= 6), starts)
    any_school_gap = np.logical_or.reduceat((age >= 3) & (age < 16) & ~attends, starts)
    any_job_gap = np.logical_or.reduceat(np.isin(employment, (1, 3)) & (age >= 15), starts)
    dependant = (age < 16) | (allowance & ((age >= 60) | disability))
    dependants = np.add.reduceat(dependant.astype(np.int64), starts)
    head_age = age[starts]
    merit = rng.random(n) < np.where(head_age >= 60, 0.035, 0.012)

    reasons = _bits(
        rng,
        n,
        [
            np.where(urban, 0.05, np.where(mm > 0, 0.5, 0.35)),  # land
            np.full(n, 0.55),  # capital
            np.where(~any_able | (2 * dependants > size), 0.9, 0.1),  # labour
            np.full(n, 0.15),  # tools
            np.where(mm > 0, 0.45, 0.2),  # knowledge
            np.where(mm > 0, 0.4, 0.25),  # skills
            np.where(any_ill, 0.8, 0.05),  # illness
            np.full(n, 0.04),  # other
        ],
        fallback=1,
    )
    small_home = floor_area < 8 * size
    weak_home = non_durable >= 1
    needs = _bits(
        rng,
        n,
        [
            np.where(any_uninsured | any_ill, 0.85, 0.1),  # health
            np.where(any_school_gap, 0.8, 0.1),  # education
            np.where(urban, 0.15, 0.55),  # production
            np.full(n, 0.6),  # credit
            np.where(weak_home | small_home, 0.85, 0.05),  # housing
            np.where(unclean_water | unhygienic, 0.8, 0.03),  # water
            np.where(any_job_gap, 0.6, 0.08),  # employment
            np.where(~uses_internet, 0.5, 0.03),  # information
            np.full(n, 0.02),  # other
        ],
        fallback=3,
    )

    hh.update(
        area_type=urban.astype(np.uint8),  # schema.AREA_TYPES: rural 0, urban 1
        income=income,
        wall_durable=~weak_wall,
        column_durable=~weak_column,
        roof_durable=~weak_roof,
        floor_area_m2=floor_area,
        water_source=water,
        latrine_type=latrine,
        uses_phone=uses_phone,
        uses_internet=uses_internet,
        owns_tv=owns_tv,
        owns_radio=owns_radio,
        owns_computer=owns_computer,
        owns_phone=owns_phone,
        loudspeaker_access=loudspeaker,
        waste_handled=waste,
        is_ethnic_minority=minority,
        is_merit_family=merit,
        has_social_assistance_member=any_allowance,
        has_no_labour_capacity=~any_able,
        poverty_reason_bits=reasons,
        support_need_bits=needs,
    )
    return hh


def _starts(size: IntArray) -> IntArray:
    starts = np.zeros(size.shape[0], dtype=np.int64)
    if size.shape[0]:
        starts[1:] = np.cumsum(size)[:-1]
    return starts


def _bits(
    rng: np.random.Generator, n: int, probabilities: Sequence[FloatArray], *, fallback: int
) -> NDArray[np.uint16]:
    """A bit set per household: bit i with probability ``probabilities[i]``; at least one."""
    bits = np.zeros(n, dtype=np.uint16)
    for i, p in enumerate(probabilities):
        bits |= (rng.random(n) < p).astype(np.uint16) << np.uint16(i)
    bits[bits == 0] = np.uint16(1 << fallback)
    return bits


# -- names, dates, identifiers, text ----------------------------------------------------------


def _names_and_text(
    seed: int,
    province_code: str,
    province_name: str,
    plans: Sequence[VillagePlan],
    communes: Mapping[str, CommuneInput],
    hh: dict[str, NDArray[Any]],
    mem: dict[str, NDArray[Any]],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = _rng(seed, "names")
    n = int(hh["village"].shape[0])
    m = int(mem["household"].shape[0])
    h = mem["household"]
    age, male, relation = mem["age"], mem["male"], mem["relation"]
    ethnicity = mem["ethnicity"]
    year = REFERENCE_DATE.year

    # Birth dates: a day of the year, then the year that gives the drawn age on the reference
    # date; some people (older, minority) only know their birth year.
    day = rng.integers(0, 365, m)
    month_day = np.datetime64("2001-01-01") + day.astype("timedelta64[D]")
    month = month_day.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dom = (month_day - month_day.astype("datetime64[M]")).astype(np.int64) + 1
    later = (month > REFERENCE_DATE.month) | (
        (month == REFERENCE_DATE.month) & (dom > REFERENCE_DATE.day)
    )
    year_only = rng.random(m) < 0.04 + 0.2 * (age >= 65) + 0.1 * (ethnicity != KINH)
    birth_year = np.where(year_only, year - age, year - age - later).astype(np.int64)
    birth_date = (
        (birth_year - 1970).astype("datetime64[Y]").astype("datetime64[M]")
        + (month - 1).astype("timedelta64[M]")
    ).astype("datetime64[D]") + (dom - 1).astype("timedelta64[D]")

    # Citizen IDs (Decree 137/2015, Circular 59/2021): province of birth registration "044",
    # century-and-sex digit, two-digit birth year, six random digits; unique.
    has_id = (age >= 14) & (
        rng.random(m) < np.where(ethnicity != KINH, 0.85, 0.93) - 0.1 * (age >= 80)
    )
    century = np.where(birth_year >= 2000, 2, 0) + np.where(male, 0, 1)
    prefix = (44 * 10 + century) * 100 + birth_year % 100  # "044" + c + yy as a number
    serial = rng.integers(0, 1_000_000, m)
    number = prefix.astype(np.int64) * 1_000_000 + serial
    number = _unique_serials(rng, number, has_id)

    # Names: the household's family name passes to the head's children and grandchildren.
    names = _Names()
    group = np.where(np.isin(ethnicity, tuple(_FAMILY_BY_GROUP)), ethnicity, KINH)
    family = np.zeros(m, dtype=np.int32)
    for code, vocab in [(KINH, _KINH_FAMILY), *_FAMILY_BY_GROUP.items()]:
        rows = np.flatnonzero(group == code)
        if rows.size:
            family[rows] = _choose_weighted(rng, names, vocab, rows.size)
    starts = _starts(hh["size"])
    head_family = family[starts]
    second = np.minimum(starts + 1, m - 1)
    spouse_row = np.where((hh["size"] > 1) & (relation[second] == R_SPOUSE), second, starts)
    # Children take the father's name: the head's if he is a man, else the husband's.
    father_family = np.where(male[starts], head_family, family[spouse_row])
    inherits = np.isin(relation, (R_CHILD, R_GRANDCHILD)) | (
        (relation == R_SIBLING) | ((relation == R_PARENT) & male)
    )
    family = np.where(
        inherits & np.isin(relation, (R_CHILD, R_GRANDCHILD)),
        father_family[h],
        np.where(inherits, head_family[h], family),
    ).astype(np.int32)

    minority = ethnicity != KINH
    p_traditional = np.where(
        minority, 0.88, np.select([birth_year < 1975, birth_year < 1995], [0.7, 0.5], 0.2)
    )
    traditional = rng.random(m) < p_traditional
    middle = np.zeros(m, dtype=np.int32)
    given = np.zeros(m, dtype=np.int32)
    van, thi = names.ids(["Văn", "Thị"])
    for is_male, middles in ((True, _MALE_MIDDLE[1:]), (False, _FEMALE_MIDDLE[1:])):
        rows = np.flatnonzero(male == is_male)
        middle[rows] = np.where(
            traditional[rows],
            van if is_male else thi,
            _choose(rng, names, middles, rows.size),
        )
    given_groups = [
        (male & ~minority & (birth_year < 1990), _MALE_OLDER),
        (male & ~minority & (birth_year >= 1990), _MALE_YOUNGER),
        (~male & ~minority & (birth_year < 1990), _FEMALE_OLDER),
        (~male & ~minority & (birth_year >= 1990), _FEMALE_YOUNGER),
    ]
    # The local groups (Bru - Vân Kiều, Tà Ôi, Chứt) often keep names of their own language;
    # the scattered ones (Tày, Thái, Hoa, Mường…) are given Kinh-style names here.
    own = (group != KINH) & (rng.random(m) < 0.55)
    given_groups += [
        (male & minority & own, _MINORITY_MALE),
        (male & minority & ~own, _MALE_OLDER),
        (~male & minority & own, _MINORITY_FEMALE),
        (~male & minority & ~own, _FEMALE_OLDER),
    ]
    for mask, choices in given_groups:
        rows = np.flatnonzero(mask)
        if rows.size:
            given[rows] = _choose(rng, names, choices, rows.size)

    keys = [search_key(w) for w in names.words]
    members = pl.DataFrame(
        {
            "household": h.astype(np.int32),
            "position": mem["position"].astype(np.int16),
            "relation": relation.astype(np.uint8),
            "is_head": relation == R_HEAD,
            "family": family,
            "middle": middle,
            "given": given,
            "birth_year": birth_year.astype(np.int16),
            "birth_date": birth_date,
            "year_only": year_only,
            "ethnicity": ethnicity,
            "citizen_number": number,
            "has_id": has_id,
            "age": age.astype(np.int16),
            **{
                name: mem[name]
                for name in (
                    "sex",
                    "employment",
                    "receives_social_allowance",
                    "disability",
                    "has_health_insurance",
                    "education",
                    "studying",
                    "attends_age_appropriate",
                    "on_the_job_training",
                    "stunted",
                    "underweight",
                    "ill_untreated",
                )
            },
        }
    )
    members = members.with_columns(
        full_name=pl.concat_str(
            [_lookup(c, names.words) for c in ("family", "middle", "given")], separator=" "
        ),
        search_name=pl.concat_str(
            [_lookup(c, keys) for c in ("family", "middle", "given")], separator=" "
        ),
        birth_date=pl.when(pl.col("year_only")).then(None).otherwise(pl.col("birth_date")),
        citizen_id=pl.when(pl.col("has_id"))
        .then(pl.col("citizen_number").cast(pl.String).str.zfill(12))
        .otherwise(None),
    ).drop("family", "middle", "given", "year_only", "citizen_number", "has_id")

    # Households: code, address, phone, head name, search text.
    village_names = [p.name for p in plans]
    commune_names = {c.code: c.name for c in communes.values()}
    phone_prefix = np.array(
        [
            "086",
            "096",
            "097",
            "098",
            "032",
            "035",
            "038",
            "091",
            "094",
            "088",
            "083",
            "090",
            "093",
            "077",
            "079",
        ]
    )
    has_phone = hh["uses_phone"] & (rng.random(n) < 0.7)
    phone_number = rng.integers(0, 10_000_000, n)
    house_number = rng.integers(1, 250, n)
    # Members are grouped by household already: telling Polars so halves the cost.
    names_by_household = (
        members.lazy()
        .select(pl.col("household").set_sorted(), "search_name", "full_name")
        .group_by("household", maintain_order=True)
        .agg(
            pl.col("search_name").str.join(" ").alias("member_keys"),
            pl.col("full_name").first().alias("head_name"),
        )
        .collect()
    )
    frame = pl.DataFrame(
        {
            "village": hh["village"].astype(np.int32),
            "commune_code": hh["commune_code"].astype(str),
            "serial": hh["serial"],
            "has_phone": has_phone,
            "phone_prefix": phone_prefix[_pick(rng, [1.0] * len(phone_prefix), n)],
            "phone_number": phone_number,
            "house_number": house_number,
            "member_count": hh["size"].astype(np.int16),
            **{
                name: hh[name]
                for name in (
                    # Every household field of the engine's raw schema, then the group flags.
                    *(f.name for f in schema.HOUSEHOLD_FIELDS if f.name != "household_id"),
                    "is_ethnic_minority",
                    "is_merit_family",
                    "has_social_assistance_member",
                    "has_no_labour_capacity",
                    "poverty_reason_bits",
                    "support_need_bits",
                )
            },
        },
        schema_overrides={"commune_code": pl.String, "phone_prefix": pl.String},
    )
    width = max(5, len(str(int(hh["serial"].max()))))
    frame = frame.with_row_index("row").join(
        names_by_household.rename({"household": "row"}).with_columns(pl.col("row").cast(pl.UInt32)),
        on="row",
        how="left",
        maintain_order="left",
    )
    frame = frame.with_columns(
        code=pl.concat_str(
            [
                pl.lit(f"{province_code}-"),
                pl.col("commune_code"),
                pl.lit("-"),
                pl.col("serial").cast(pl.String).str.zfill(width),
            ]
        ),
        village_name=_lookup("village", village_names),
        commune_name=pl.col("commune_code").replace_strict(commune_names, return_dtype=pl.String),
    ).with_columns(
        address=pl.concat_str(
            [
                pl.when(pl.col("area_type") == 1)
                .then(
                    pl.concat_str(
                        [pl.lit("Số "), pl.col("house_number").cast(pl.String), pl.lit(", ")]
                    )
                )
                .otherwise(pl.lit("")),
                pl.col("village_name"),
                pl.lit(", "),
                pl.col("commune_name"),
                pl.lit(f", {province_name}"),
            ]
        ),
        phone=pl.when(pl.col("has_phone"))
        .then(
            pl.concat_str(
                [pl.col("phone_prefix"), pl.col("phone_number").cast(pl.String).str.zfill(7)]
            )
        )
        .otherwise(pl.lit("")),
        search_text=pl.concat_str(
            [pl.col("code").str.to_lowercase(), pl.col("member_keys")], separator=" "
        ).str.slice(0, 400),
    )
    frame = frame.drop(
        "row",
        "serial",
        "has_phone",
        "phone_prefix",
        "phone_number",
        "house_number",
        "village_name",
        "commune_name",
        "member_keys",
    )
    return frame, members


def _lookup(column: str, values: Sequence[str]) -> pl.Expr:
    """The strings at the integer positions held in ``column``."""
    return pl.col(column).replace_strict(
        list(range(len(values))), list(values), return_dtype=pl.String
    )


def _unique_serials(rng: np.random.Generator, number: IntArray, has_id: BoolArray) -> IntArray:
    """Redraw the six random digits of colliding ID numbers until all present ones are unique."""
    number = number.copy()
    for _ in range(50):
        present = np.flatnonzero(has_id)
        values = number[present]
        order = np.argsort(values, kind="stable")
        sorted_values = values[order]
        duplicate = np.zeros(values.shape[0], dtype=np.bool_)
        duplicate[order[1:]] = sorted_values[1:] == sorted_values[:-1]
        if not duplicate.any():
            return number
        rows = present[duplicate]
        number[rows] = (number[rows] // 1_000_000) * 1_000_000 + rng.integers(
            0, 1_000_000, rows.shape[0]
        )
    raise RuntimeError("could not draw unique citizen ID numbers")
