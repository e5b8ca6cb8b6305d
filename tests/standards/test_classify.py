"""Classification (classify.py): the scalar and the vectorised path agree everywhere.

Hypothesis draws batches of households whose values cluster on every threshold (incomes at each
line ±1 đồng, ages at each age limit, floor area at exactly 8 m² per person, ...) and checks flags,
counts and statuses of both paths under every shipped standard and a province pack.
"""

from __future__ import annotations

import random

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from giamngheo.standards.classify import (
    classify_columns,
    classify_flag_columns,
    classify_flags,
    classify_household,
)
from giamngheo.standards.inputs import raw_columns_from_frames, raw_columns_from_records
from giamngheo.standards.packs import Pack, load_all, load_pack

from .builders import Household, batches, household, member
from .test_packs import PROVINCE, write_pack

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PACKS = {pack.code: pack for pack in load_all()}


def both_paths(pack: Pack, records: list[Household], *, by_score: bool = False) -> None:
    cols = raw_columns_from_records(
        records,
        household_fields=pack.household_fields(),
        member_fields=pack.member_fields(),
        score_a=by_score,
    )
    vector = classify_columns(pack, cols, by_score=by_score, workers=1)
    statuses = vector.statuses()
    for index, (house, people) in enumerate(records):
        scalar = classify_household(pack, house, people, by_score=by_score)
        assert scalar.flags == {
            code: bool(vector.flags[code][index]) for code in pack.indicator_codes
        }
        assert scalar.deprivation_count == int(vector.deprivation_count[index])
        assert scalar.status == statuses[index], (house, people)


@pytest.mark.parametrize("code", sorted(PACKS))
@PROPERTY
@given(records=batches())
def test_scalar_and_vectorised_agree_on_raw_data(code: str, records: list[Household]) -> None:
    both_paths(PACKS[code], records)


@PROPERTY
@given(records=batches())
def test_they_agree_on_the_score_path(records: list[Household]) -> None:
    both_paths(PACKS["2022-2025"], records, by_score=True)


@settings(max_examples=25, deadline=None)
@given(records=batches())
def test_they_agree_under_a_province_pack(
    tmp_path_factory: pytest.TempPathFactory, records: list[Household]
) -> None:
    directory = tmp_path_factory.mktemp("packs")
    write_pack(directory, "ha-noi-2022-2025", PROVINCE)
    both_paths(load_pack("ha-noi-2022-2025", packs_dir=directory), records)


@pytest.mark.parametrize("code", sorted(PACKS))
@PROPERTY
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["rural", "urban"]),
            st.sampled_from(
                [
                    0,
                    699_999,
                    700_000,
                    700_001,
                    1_000_000,
                    1_000_001,
                    1_500_000,
                    1_500_001,
                    2_000_000,
                    2_000_001,
                    2_200_000,
                    2_800_001,
                    3_000_000,
                    3_000_001,
                ]
            ),
            st.lists(st.booleans(), min_size=12, max_size=12),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_they_agree_on_given_flags(code: str, rows: list[tuple[str, int, list[bool]]]) -> None:
    pack = PACKS[code]
    codes = pack.indicator_codes
    vector = classify_flag_columns(
        pack,
        household_ids=np.arange(len(rows)),
        is_urban=np.array([area == "urban" for area, _, _ in rows]),
        income=np.array([income for _, income, _ in rows], dtype=np.int64),
        flags={c: np.array([bits[j] for _, _, bits in rows]) for j, c in enumerate(codes)},
    )
    for index, (area, income, bits) in enumerate(rows):
        scalar = classify_flags(
            pack, area_type=area, income=income, flags=dict(zip(codes, bits, strict=False))
        )
        assert scalar.status == vector.statuses()[index]
        assert scalar.deprivation_count == sum(bits[: len(codes)])


@settings(max_examples=20, deadline=None)
@given(records=batches(max_size=30), workers=st.integers(2, 5))
def test_threads_do_not_change_the_result(records: list[Household], workers: int) -> None:
    pack = PACKS["2022-2025"]
    cols = raw_columns_from_records(
        records, household_fields=pack.household_fields(), member_fields=pack.member_fields()
    )
    one = classify_columns(pack, cols, workers=1)
    many = classify_columns(pack, cols, workers=workers)
    assert np.array_equal(one.status_codes, many.status_codes)
    assert np.array_equal(one.deprivation_count, many.deprivation_count)
    for code in pack.indicator_codes:
        assert np.array_equal(one.flags[code], many.flags[code])


@settings(max_examples=20, deadline=None)
@given(records=batches(max_size=15), seed=st.integers(0, 10_000))
def test_member_order_across_households_does_not_matter(
    records: list[Household], seed: int
) -> None:
    """Members listed out of household order are regrouped (stable within a household)."""
    pack = PACKS["2022-2025"]
    grouped = raw_columns_from_records(
        records, household_fields=pack.household_fields(), member_fields=pack.member_fields()
    )
    households = pl.DataFrame([h for h, _ in records])
    members = [{**m, "household_id": h["household_id"]} for h, people in records for m in people]
    # Interleave households at random while keeping each household's members in their order.
    queues: dict[str, list[int]] = {}
    for index, row in enumerate(members):
        queues.setdefault(row["household_id"], []).append(index)
    keys = [row["household_id"] for row in members]
    random.Random(seed).shuffle(keys)
    interleaved = [queues[key].pop(0) for key in keys]
    member_frame = pl.DataFrame([members[i] for i in interleaved])
    regrouped = raw_columns_from_frames(
        households,
        member_frame,
        household_fields=pack.household_fields(),
        member_fields=pack.member_fields(),
    )
    assert np.array_equal(
        classify_columns(pack, grouped).status_codes, classify_columns(pack, regrouped).status_codes
    )
    assert sorted(regrouped.member_rows.tolist()) == list(range(len(members)))


# -- explanations ---------------------------------------------------------------------------------


def test_explanation_names_members_thresholds_and_legal_basis(pack_2022: Pack) -> None:
    house = household(income=1_200_000, floor_area_m2=20.0)
    pupil = {"attends_age_appropriate": True, "studying": True}
    people = [
        member(),
        member(age=7, has_health_insurance=False, **pupil),
        member(age=3, **pupil),
        member(age=9, **pupil),
    ]
    result = classify_household(pack_2022, house, people, explain_result=True)
    assert result.status == "poor"
    assert result.deprived == ("dependants", "health_insurance", "housing_area")
    explanation = result.explanation
    assert explanation is not None
    reasons = {reason.indicator: reason for reason in explanation.deprivations}
    assert (
        reasons["health_insurance"].causes[0].fact.vi == "thành viên #2, 7 tuổi: không có thẻ BHYT"
    )
    assert "5 m²/người" in reasons["housing_area"].causes[0].fact.vi
    assert (
        reasons["dependants"].causes[0].fact.vi == "3/4 thành viên là người phụ thuộc (#2, #3, #4)"
    )
    assert "dưới 8 m²" in reasons["housing_area"].threshold.vi
    assert explanation.rule.vi == (
        "Thu nhập bình quân 1.200.000 đ không vượt chuẩn nghèo nông thôn 1.500.000 đ và thiếu hụt "
        "3 chỉ số (từ 3 trở lên): hộ nghèo."
    )
    assert explanation.rule.en == (
        "Income 1,200,000 VND is at or below the rural poverty line 1,500,000 VND and the "
        "household has 3 deprivations (at least 3): poor."
    )
    assert explanation.reference.vi == "Khoản 2 Điều 3 Nghị định 07/2021/NĐ-CP"
    text = explanation.text
    assert text.vi.startswith("Chuẩn 2022-2025: hộ nghèo.")
    assert "Căn cứ: Khoản 2 Điều 3 Nghị định 07/2021/NĐ-CP." in text.vi
    assert "chưa được đối chiếu" in text.vi  # thresholds are unverified
    assert "Basis: Decree 07/2021/NĐ-CP, Art. 3(2)." in text.en
    as_dict = result.to_dict()
    assert as_dict["explanation"]["rule"]["clause"] == "at_or_below_line_with_deprivations"  # type: ignore[index]


def test_2016_explanation_says_poor_whatever_the_deprivations(pack_2016: Pack) -> None:
    result = classify_household(
        pack_2016, household(income=700_000), [member()], explain_result=True
    )
    assert result.status == "poor" and result.deprivation_count == 0
    assert result.explanation is not None
    assert "không phụ thuộc số chỉ số thiếu hụt (0)" in result.explanation.rule.vi
    assert result.explanation.reference.en == "Decision 59/2015/QĐ-TTg, Art. 2"


def test_mstb_and_score_explanations(pack_2022: Pack) -> None:
    result = classify_household(
        pack_2022, household(area_type="urban", income=2_500_000), [member()], explain_result=True
    )
    assert result.status == "average_living_standard"
    assert result.explanation is not None
    assert result.explanation.rule.en == (
        "Income 2,500,000 VND is above the poverty line 2,000,000 VND and at or below "
        "3,000,000 VND (urban): average living standard."
    )
    scored = classify_flags(
        pack_2022,
        area_type="rural",
        score_a=140,
        flags=dict.fromkeys(pack_2022.indicator_codes, False),
        explain_result=True,
    )
    assert scored.status == "near_poor"
    assert scored.explanation is not None
    assert scored.explanation.reference.vi == "Khoản 1 Điều 1 Thông tư 07/2021/TT-BLĐTBXH"
    assert "điểm B = 0" in scored.explanation.rule.vi


def test_flags_input_explains_that_the_flag_was_given(pack_2022: Pack) -> None:
    flags = dict.fromkeys(pack_2022.indicator_codes, False) | {"water": True}
    result = classify_flags(
        pack_2022, area_type="rural", income=1_000_000, flags=flags, explain_result=True
    )
    assert result.explanation is not None
    (reason,) = result.explanation.deprivations
    assert reason.causes[0].fact.en == "marked deprived in the input data"


def test_missing_flags_are_refused(pack_2022: Pack) -> None:
    with pytest.raises(KeyError, match="telecom"):
        classify_flags(pack_2022, area_type="rural", income=1, flags={"water": True})


def test_frame_output_lists_deprived_codes(pack_2022: Pack) -> None:
    records = [
        (household(), [member()]),
        (
            household(household_id="H2", water_source="other"),
            [member(), member(age=8, has_health_insurance=False, attends_age_appropriate=True)],
        ),
    ]
    cols = raw_columns_from_records(
        records,
        household_fields=pack_2022.household_fields(),
        member_fields=pack_2022.member_fields(),
    )
    frame = classify_columns(pack_2022, cols).to_frame()
    assert frame["deprived"].to_list() == [[], ["health_insurance", "water"]]
    assert frame["status"].to_list() == ["not_poor", "not_poor"]


def boundary_households() -> list[Household]:
    """Households placed exactly on every threshold (and one step either side)."""
    from .builders import AGE_LIMITS

    records: list[Household] = []
    faults = [
        {"has_health_insurance": False},
        {"attends_age_appropriate": False, "studying": False},
        {"stunted": True},
        {"underweight": True},
        {"employment": "unemployed"},
        {"employment": "wage_without_contract"},
        {"education": "primary"},
        {"education": "lower_secondary"},
        {"receives_social_allowance": True},
        {"receives_social_allowance": True, "disability": True},
        {"ill_untreated": True},
    ]
    for age in AGE_LIMITS:
        for sex in ("male", "female"):
            for fault in faults:
                records.append((household(), [member(), member(age=age, sex=sex, **fault)]))
    for size in range(1, 6):
        for area in (8.0 * size - 0.5, 8.0 * size, 8.0 * size + 0.5):
            records.append((household(floor_area_m2=area), [member()] * size))
    for size in (2, 4, 6):
        for dependants in (size // 2 - 1, size // 2, size // 2 + 1):
            people = [member(age=10, attends_age_appropriate=True)] * dependants
            records.append((household(), people + [member()] * (size - dependants)))
    for income in sorted(
        {
            line + d
            for line in (
                700_000,
                900_000,
                1_000_000,
                1_300_000,
                1_500_000,
                1_950_000,
                2_000_000,
                2_200_000,
                2_250_000,
                2_800_000,
                3_000_000,
            )
            for d in (-1, 0, 1)
        }
    ):
        for area_type in ("rural", "urban"):
            # two deprivations (water, latrine), then a third (no internet)
            base = {"water_source": "other", "latrine_type": "none", "area_type": area_type}
            records.append((household(income=income, **base), [member()]))
            records.append(
                (
                    household(income=income, uses_internet=False, uses_phone=False, **base),
                    [member()],
                )
            )
    return [(dict(h, household_id=f"B{i:05d}"), people) for i, (h, people) in enumerate(records)]


@pytest.mark.parametrize("code", sorted(PACKS))
def test_they_agree_on_every_boundary(code: str) -> None:
    records = boundary_households()
    both_paths(PACKS[code], records)
    # The grid really reaches both sides of the count rule.
    cols = raw_columns_from_records(
        records,
        household_fields=PACKS[code].household_fields(),
        member_fields=PACKS[code].member_fields(),
    )
    counts = classify_columns(PACKS[code], cols).deprivation_count
    assert {2, 3} <= set(counts.tolist())


def test_large_households_do_not_overflow_small_counters(pack_2022: Pack) -> None:
    """200 members, 150 of them children: 150 × 2 does not fit the uint8 member counts."""
    children = [member(age=10, attends_age_appropriate=True)] * 150
    records = [(household(floor_area_m2=5000.0), [*children, *[member()] * 50])]
    both_paths(pack_2022, records)
    assert classify_household(pack_2022, *records[0]).flags["dependants"] is True
