"""The synthetic demo data: deterministic, internally consistent, plausible (no database)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from giamngheo import synthetic as generator
from giamngheo.demo.loader import classify_statuses
from giamngheo.lib.text import search_key
from giamngheo.standards import schema
from giamngheo.synthetic import RELATIONS, DemoData

PROVINCE = "44"


def make(households: int, seed: int) -> DemoData:
    return generator.generate(
        province_code=PROVINCE,
        province_name="Quảng Trị",
        communes=generator.official_communes(PROVINCE),
        households=households,
        seed=seed,
    )


@pytest.fixture(scope="module")
def data() -> DemoData:
    return make(20_000, 2025)


def relation(name: str) -> int:
    return RELATIONS.index(name)


def head_of_each_member(data: DemoData) -> pl.DataFrame:
    heads = data.members.filter(pl.col("is_head")).select(
        "household", pl.col("age").alias("head_age")
    )
    return data.members.join(heads, on="household", how="left", maintain_order="left")


def test_it_gives_byte_identical_data_for_the_same_size_and_seed() -> None:
    first, second = make(500, 11), make(500, 11)
    assert first.fingerprint() == second.fingerprint()
    assert first.households.equals(second.households)
    assert first.members.equals(second.members)


def test_it_gives_other_data_for_another_seed_or_size() -> None:
    base = make(500, 11).fingerprint()
    assert make(500, 12).fingerprint() != base
    assert make(501, 11).fingerprint() != base


def test_villages_depend_on_the_seed_not_on_the_number_of_households() -> None:
    assert make(300, 5).villages == make(900, 5).villages


def test_every_commune_gets_villages_named_by_kind(data: DemoData) -> None:
    communes = {c.code: c for c in generator.official_communes(PROVINCE)}
    assert {v.commune_code for v in data.villages} == set(communes)
    per_commune: dict[str, list[generator.VillagePlan]] = {}
    for village in data.villages:
        per_commune.setdefault(village.commune_code, []).append(village)
    for code, villages in per_commune.items():
        names = [v.name for v in villages]
        assert len(names) == len(set(names))
        commune = communes[code]
        if commune.unit_type == "dac_khu":
            assert len(villages) == 2
        else:
            assert 4 <= len(villages) <= 10
        if commune.unit_type == "phuong":
            assert all(
                v.unit_type == "to_dan_pho" and v.name.startswith("Tổ dân phố ") for v in villages
            )
        if commune.unit_type == "xa":
            assert any(v.name == "Thôn 1" for v in villages) or all(
                v.unit_type == "ban" for v in villages
            )
    ban = [v for v in data.villages if v.unit_type == "ban"]
    assert ban and all(v.name.startswith("Bản ") for v in ban)
    for code in {v.commune_code for v in ban}:
        profile = generator.commune_profile(PROVINCE, communes[code])
        assert profile.mountain and profile.minority_share >= 0.5


def test_households_spread_over_communes_with_more_in_larger_ones(data: DemoData) -> None:
    per_commune = data.households.group_by("commune_code").len()
    counts = dict(zip(per_commune["commune_code"], per_commune["len"], strict=True))
    assert len(counts) == 78
    assert sum(counts.values()) == 20_000
    assert counts["18880"] > 2 * counts["19093"]  # Phường Đồng Hới > Xã Nam Gianh
    assert counts["19742"] < 100  # Đặc khu Cồn Cỏ, an island


def test_household_codes_are_unique_within_the_province(data: DemoData) -> None:
    codes = data.households["code"]
    assert codes.n_unique() == data.n_households
    assert codes.str.contains(r"^44-[0-9]{5}-[0-9]{5}$").all()
    assert (codes.str.slice(3, 5) == data.households["commune_code"]).all()


def test_every_household_has_exactly_one_head_listed_first(data: DemoData) -> None:
    members = data.members
    heads = members.filter(pl.col("is_head"))
    assert heads["household"].n_unique() == heads.height == data.n_households
    assert (heads["position"] == 0).all()
    assert (heads["relation"] == relation("head")).all()
    assert (members.filter(~pl.col("is_head"))["relation"] != relation("head")).all()
    assert (members["household"].diff().drop_nulls() >= 0).all()  # grouped by household


def test_household_sizes_are_plausible(data: DemoData) -> None:
    sizes = data.members.group_by("household").len().sort("household")["len"]
    assert (sizes.to_numpy() == data.households["member_count"].to_numpy()).all()
    assert sizes.min() == 1 and sizes.max() == 10
    assert 3.4 <= data.n_members / data.n_households <= 4.0


def test_ages_are_consistent_with_relations(data: DemoData) -> None:
    m = head_of_each_member(data)
    gap = m["head_age"] - m["age"]

    def where(name: str) -> pl.Series:
        return m["relation"] == relation(name)

    assert (m.filter(where("head"))["age"] >= 18).all()
    assert (m.filter(where("spouse"))["age"] >= 18).all()
    assert (m.filter(where("child_in_law"))["age"] >= 18).all()
    assert (gap.filter(where("child")) >= 15).all()
    assert (gap.filter(where("grandchild")) >= 30).all()
    assert (gap.filter(where("parent")) <= -20).all()
    assert (gap.filter(where("grandparent")) <= -40).all()
    assert m["age"].min() == 0 and m["age"].max() <= 100


def test_the_age_pyramid_is_plausible(data: DemoData) -> None:
    age = data.members["age"].to_numpy()
    assert 0.18 <= (age < 15).mean() <= 0.30
    assert 0.05 <= (age >= 65).mean() <= 0.12
    assert 25 <= np.median(age) <= 38
    male = (data.members["sex"] == schema.SEXES.index("male")).mean()
    assert 0.45 <= male <= 0.55


def test_birth_dates_give_the_age_on_the_reference_date(data: DemoData) -> None:
    ref = generator.REFERENCE_DATE
    m = data.members
    dated = m.filter(pl.col("birth_date").is_not_null())
    birth = dated["birth_date"]
    before_birthday = (birth.dt.month() > ref.month) | (
        (birth.dt.month() == ref.month) & (birth.dt.day() > ref.day)
    )
    age = ref.year - birth.dt.year().cast(pl.Int32) - before_birthday.cast(pl.Int32)
    assert (age == dated["age"].cast(pl.Int32)).all()
    assert (birth.dt.year() == dated["birth_year"].cast(pl.Int32)).all()
    year_only = m.filter(pl.col("birth_date").is_null())
    assert 0.03 <= year_only.height / m.height <= 0.2
    assert ((ref.year - year_only["birth_year"].cast(pl.Int32)) == year_only["age"]).all()


def test_citizen_ids_are_twelve_unique_digits_encoding_sex_and_birth_year(data: DemoData) -> None:
    m = data.members
    with_id = m.filter(pl.col("citizen_id").is_not_null())
    ids = with_id["citizen_id"]
    assert ids.str.contains(r"^044[0-3][0-9]{8}$").all()
    assert ids.n_unique() == ids.len()
    century_sex = ids.str.slice(3, 1).cast(pl.Int32)
    female = (with_id["sex"] == schema.SEXES.index("female")).cast(pl.Int32)
    born_2000s = (with_id["birth_year"] >= 2000).cast(pl.Int32)
    assert (century_sex == 2 * born_2000s + female).all()
    assert (ids.str.slice(4, 2).cast(pl.Int32) == with_id["birth_year"] % 100).all()
    assert (with_id["age"] >= 14).all()
    adults = m.filter(pl.col("age") >= 14)
    missing = adults["citizen_id"].null_count() / adults.height
    assert 0.03 <= missing <= 0.2


def test_names_are_vietnamese_and_children_carry_the_fathers_family_name(data: DemoData) -> None:
    m = data.members
    parts = m["full_name"].str.split(" ")
    assert (parts.list.len() == 3).all()
    middle = parts.list.get(1)
    male = m["sex"] == schema.SEXES.index("male")
    assert (middle.filter(~male) == "Văn").sum() == 0
    assert (middle.filter(male) == "Thị").sum() == 0
    family = parts.list.get(0)
    assert 0.2 <= (family == "Nguyễn").mean() <= 0.4
    heads = m.filter(pl.col("is_head") & (pl.col("sex") == schema.SEXES.index("male")))
    head_family = dict(
        zip(heads["household"], heads["full_name"].str.split(" ").list.get(0), strict=True)
    )
    children = m.filter(pl.col("relation") == relation("child"))
    same = [
        name.split(" ")[0] == head_family[h]
        for h, name in zip(children["household"], children["full_name"], strict=True)
        if h in head_family
    ]
    assert all(same)
    assert (m["search_name"] == m["full_name"].map_elements(search_key, pl.String)).all()


def test_search_text_is_the_search_key_of_code_and_member_names(data: DemoData) -> None:
    names = data.members.group_by("household", maintain_order=True).agg(pl.col("full_name"))
    for row in range(0, data.n_households, 997):
        household = data.households.row(row, named=True)
        expected = search_key(" ".join([household["code"], *names["full_name"][row]]))
        assert household["search_text"] == expected[:400]
        assert household["head_name"] == names["full_name"][row][0]


def test_ethnic_minorities_live_mostly_in_mountain_communes(data: DemoData) -> None:
    h, m = data.households, data.members
    assert 0.05 <= h["is_ethnic_minority"].mean() <= 0.2
    heads = m.filter(pl.col("is_head"))
    assert (h["is_ethnic_minority"] == (heads["ethnicity"] != "01")).all()
    groups = m.group_by("ethnicity").len()
    shares = dict(zip(groups["ethnicity"], groups["len"] / m.height, strict=True))
    assert shares["01"] > 0.8
    assert shares["23"] > shares["31"] > 0.005 and shares["44"] > 0.003
    in_hướng_lập = h.filter(pl.col("commune_code") == "19435")["is_ethnic_minority"].mean()
    in_đồng_hới = h.filter(pl.col("commune_code") == "18880")["is_ethnic_minority"].mean()
    assert in_hướng_lập > 0.8 and in_đồng_hới < 0.05


def test_member_attributes_are_consistent_with_age(data: DemoData) -> None:
    m = data.members
    level = m["education"]
    age = m["age"]
    assert (level.filter(age < 11) == 0).all()
    assert (level.filter(age < 15) <= 1).all()
    assert (level.filter(age < 18) <= 2).all()
    assert (level == schema.EDUCATION_LEVELS.index("university")).any()
    assert (age.filter(level == schema.EDUCATION_LEVELS.index("university")) >= 22).all()
    studying = m.filter(pl.col("studying"))
    assert studying["age"].min() >= 3 and studying["age"].max() <= 25
    assert not m.filter(pl.col("attends_age_appropriate") & ~pl.col("studying")).height
    children = m.filter((pl.col("age") >= 6) & (pl.col("age") <= 10))
    assert children["studying"].mean() > 0.95
    assert (age.filter(m["stunted"] | m["underweight"]) < 16).all()
    under5 = m.filter(pl.col("age") < 5)
    assert 0.05 <= under5["stunted"].mean() <= 0.3
    assert (m.filter(pl.col("age") < 15)["employment"] == 4).all()  # not_working
    assert m["has_health_insurance"].mean() >= 0.9
    assert m["ill_untreated"].mean() < 0.02
    assert (m.filter(pl.col("age") < 6)["has_health_insurance"]).all()


def test_household_flags_follow_the_members(data: DemoData) -> None:
    h, m = data.households, data.members
    per_household = m.group_by("household", maintain_order=True).agg(
        pl.col("receives_social_allowance").any().alias("allowance"),
        (pl.col("age").is_between(15, 60) & ~pl.col("disability")).any().alias("able"),
    )
    assert (h["has_social_assistance_member"] == per_household["allowance"]).all()
    assert (h["has_no_labour_capacity"] == ~per_household["able"]).all()
    assert 0.01 <= h["is_merit_family"].mean() <= 0.04
    assert (h["poverty_reason_bits"] > 0).all() and (h["support_need_bits"] > 0).all()


def test_poverty_shares_are_plausible_under_the_2022_2025_standard(data: DemoData) -> None:
    codes = classify_statuses(data)
    poor = codes == schema.STATUSES.index("poor")
    near = codes == schema.STATUSES.index("near_poor")
    assert 0.03 <= poor.mean() <= 0.06
    assert 0.03 <= near.mean() <= 0.05
    minority = data.households["is_ethnic_minority"].to_numpy()
    assert poor[minority].mean() > 4 * poor[~minority].mean()
    assert (poor | near)[minority].mean() > 0.3
    urban = data.households["area_type"].to_numpy() == 1
    assert poor[urban].mean() < poor[~urban].mean()


def test_low_income_goes_with_deprivations(data: DemoData) -> None:
    h = data.households
    low = h["income"] <= 1_500_000
    weak_house = ~(h["wall_durable"] & h["roof_durable"])
    assert weak_house.filter(low).mean() > 3 * weak_house.filter(~low).mean()
    unclean_sources = ("unprotected_dug_well", "unprotected_spring", "surface_water", "other")
    unclean = h["water_source"].is_in([schema.WATER_SOURCES.index(v) for v in unclean_sources])
    assert unclean.filter(low).mean() > 3 * unclean.filter(~low).mean()
    assert h["income"].min() > 0 and (h["income"] % 1000 == 0).all()


def test_survey_columns_fit_the_engine_schema(data: DemoData) -> None:
    household_ids, households, member_household_ids, members = data.survey_columns()
    assert household_ids.shape == (data.n_households,)
    assert member_household_ids.shape == (data.n_members,)
    expected_h = {f.name for f in schema.HOUSEHOLD_FIELDS} - {"household_id"}
    expected_m = {f.name for f in schema.MEMBER_FIELDS} - {"household_id", "member_id"}
    assert set(households) == expected_h
    assert set(members) == expected_m
    for name in ("water_source", "latrine_type", "area_type"):
        values = schema.household_field(name).values
        assert int(households[name].max()) < len(values)
