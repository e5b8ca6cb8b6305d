"""Names, dates of birth, identifiers, addresses and other text columns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from giamngheo.lib.text import search_key
from giamngheo.standards import schema
from giamngheo.synthetic.living import (
    group_starts,
)
from giamngheo.synthetic.names import (
    FAMILY_BY_GROUP,
    FEMALE_MIDDLE,
    FEMALE_OLDER,
    FEMALE_YOUNGER,
    KINH_FAMILY,
    MALE_MIDDLE,
    MALE_OLDER,
    MALE_YOUNGER,
    MINORITY_FEMALE,
    MINORITY_MALE,
    Names,
    choose,
    choose_weighted,
)
from giamngheo.synthetic.profiles import (
    KINH,
    R_CHILD,
    R_GRANDCHILD,
    R_HEAD,
    R_PARENT,
    R_SIBLING,
    R_SPOUSE,
    REFERENCE_DATE,
    BoolArray,
    CommuneInput,
    IntArray,
    VillagePlan,
    pick,
    random_stream,
)

# -- names, dates, identifiers, text ----------------------------------------------------------


def names_and_text(
    seed: int,
    province_code: str,
    province_name: str,
    plans: Sequence[VillagePlan],
    communes: Mapping[str, CommuneInput],
    hh: dict[str, NDArray[Any]],
    mem: dict[str, NDArray[Any]],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = random_stream(seed, "names")
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
    names = Names()
    group = np.where(np.isin(ethnicity, tuple(FAMILY_BY_GROUP)), ethnicity, KINH)
    family = np.zeros(m, dtype=np.int32)
    for code, vocab in [(KINH, KINH_FAMILY), *FAMILY_BY_GROUP.items()]:
        rows = np.flatnonzero(group == code)
        if rows.size:
            family[rows] = choose_weighted(rng, names, vocab, rows.size)
    starts = group_starts(hh["size"])
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
    for is_male, middles in ((True, MALE_MIDDLE[1:]), (False, FEMALE_MIDDLE[1:])):
        rows = np.flatnonzero(male == is_male)
        middle[rows] = np.where(
            traditional[rows],
            van if is_male else thi,
            choose(rng, names, middles, rows.size),
        )
    given_groups = [
        (male & ~minority & (birth_year < 1990), MALE_OLDER),
        (male & ~minority & (birth_year >= 1990), MALE_YOUNGER),
        (~male & ~minority & (birth_year < 1990), FEMALE_OLDER),
        (~male & ~minority & (birth_year >= 1990), FEMALE_YOUNGER),
    ]
    # The local groups (Bru - Vân Kiều, Tà Ôi, Chứt) often keep names of their own language;
    # the scattered ones (Tày, Thái, Hoa, Mường…) are given Kinh-style names here.
    own = (group != KINH) & (rng.random(m) < 0.55)
    given_groups += [
        (male & minority & own, MINORITY_MALE),
        (male & minority & ~own, MALE_OLDER),
        (~male & minority & own, MINORITY_FEMALE),
        (~male & minority & ~own, FEMALE_OLDER),
    ]
    for mask, choices in given_groups:
        rows = np.flatnonzero(mask)
        if rows.size:
            given[rows] = choose(rng, names, choices, rows.size)

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
            "phone_prefix": phone_prefix[pick(rng, [1.0] * len(phone_prefix), n)],
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
