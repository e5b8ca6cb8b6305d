"""Indicator evaluators (evaluators.py): each threshold at its boundary, on the scalar path.

Expected values follow the threshold wording in the research notes (vn_poverty_rules.md §1.2 and
Part 2), e.g. "a member aged 6 or over without health insurance", "under 8 m² per person".
The vectorised path is held to the same answers by the property tests in test_classify.py.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from giamngheo.standards.evaluators import parse_exact_fraction
from giamngheo.standards.packs import Pack

from .builders import household, member


def deprived(
    pack: Pack, code: str, house: dict[str, object], people: list[dict[str, object]]
) -> bool:
    return pack.indicator(code).evaluator.is_deprived(house, people)


@pytest.mark.parametrize(("age", "expected"), [(5, False), (6, True), (7, True), (80, True)])
def test_health_insurance_counts_members_from_age_6(
    pack_2022: Pack, age: int, expected: bool
) -> None:
    people = [member(), member(age=age, has_health_insurance=False)]
    assert deprived(pack_2022, "health_insurance", household(), people) is expected


@pytest.mark.parametrize(("age", "expected"), [(2, False), (3, True), (15, True), (16, False)])
def test_school_attendance_covers_ages_3_to_under_16(
    pack_2022: Pack, age: int, expected: bool
) -> None:
    people = [member(), member(age=age, attends_age_appropriate=False)]
    assert deprived(pack_2022, "school_attendance", household(), people) is expected


@pytest.mark.parametrize(("age", "expected"), [(4, False), (5, True), (14, True), (15, False)])
def test_2016_school_attendance_covers_ages_5_to_under_15(
    pack_2016: Pack, age: int, expected: bool
) -> None:
    people = [member(), member(age=age, studying=False)]
    assert deprived(pack_2016, "school_attendance", household(), people) is expected


@pytest.mark.parametrize("age", [0, 15, 16, 17])
def test_nutrition_covers_children_under_16(pack_2022: Pack, age: int) -> None:
    people = [member(), member(age=age, underweight=True)]
    assert deprived(pack_2022, "nutrition", household(), people) is (age < 16)
    people = [member(), member(age=age, stunted=True)]
    assert deprived(pack_2022, "nutrition", household(), people) is (age < 16)


@pytest.mark.parametrize(
    ("age", "education", "expected"),
    [
        (15, "primary", False),  # below the first band
        (16, "primary", True),
        (16, "lower_secondary", False),
        (17, "primary", True),
        (18, "lower_secondary", True),  # 18-30 needs upper secondary or vocational
        (18, "vocational_elementary", False),
        (30, "lower_secondary", True),
        (31, "none", False),  # above the last band
    ],
)
def test_adult_education_bands(pack_2022: Pack, age: int, education: str, expected: bool) -> None:
    people = [member(), member(age=age, education=education)]
    assert deprived(pack_2022, "adult_education", household(), people) is expected


def test_adult_education_is_met_by_studying_or_on_the_job_training(pack_2022: Pack) -> None:
    assert not deprived(
        pack_2022, "adult_education", household(), [member(age=20, education="none", studying=True)]
    )
    assert not deprived(
        pack_2022,
        "adult_education",
        household(),
        [member(age=20, education="none", on_the_job_training=True)],
    )


def test_2016_adult_education_is_15_to_under_30_without_lower_secondary(pack_2016: Pack) -> None:
    assert deprived(
        pack_2016, "adult_education", household(), [member(age=15, education="primary")]
    )
    assert deprived(
        pack_2016, "adult_education", household(), [member(age=29, education="primary")]
    )
    assert not deprived(
        pack_2016, "adult_education", household(), [member(age=30, education="primary")]
    )
    assert not deprived(
        pack_2016, "adult_education", household(), [member(age=20, education="lower_secondary")]
    )
    assert deprived(
        pack_2016,
        "adult_education",
        household(),
        [member(age=20, education="none", on_the_job_training=True)],
    )


@pytest.mark.parametrize(
    ("status", "age", "expected"),
    [
        ("unemployed", 35, True),
        ("wage_without_contract", 35, True),
        ("wage_with_contract", 35, False),
        ("self_employed", 35, False),
        ("not_working", 35, False),
        ("wage_without_contract", 14, False),  # below working age
        ("wage_without_contract", 15, True),
    ],
)
def test_employment(pack_2022: Pack, status: str, age: int, expected: bool) -> None:
    people = [member(), member(age=age, employment=status)]
    assert deprived(pack_2022, "employment", household(), people) is expected


def test_dependants_must_be_more_than_half(pack_2022: Pack) -> None:
    adult = member()
    child = member(age=15)
    # Exactly 1/2 is not "more than 50 %".
    assert not deprived(pack_2022, "dependants", household(), [adult, adult, child, child])
    assert deprived(pack_2022, "dependants", household(), [adult, child, child])
    # A 16-year-old is not a child dependant.
    assert not deprived(
        pack_2022, "dependants", household(), [adult, member(age=16), member(age=16)]
    )


def test_elderly_and_disabled_are_dependants_only_with_a_monthly_allowance(pack_2022: Pack) -> None:
    adult = member()
    assert not deprived(
        pack_2022, "dependants", household(), [adult, member(age=85), member(age=85)]
    )
    on_allowance = member(age=60, receives_social_allowance=True)
    assert deprived(pack_2022, "dependants", household(), [adult, on_allowance, on_allowance])
    too_young = member(age=59, receives_social_allowance=True)
    assert not deprived(pack_2022, "dependants", household(), [adult, too_young, too_young])
    disabled = member(age=40, disability=True, receives_social_allowance=True)
    assert deprived(pack_2022, "dependants", household(), [adult, disabled, disabled])


@pytest.mark.parametrize(
    ("area", "size", "expected"),
    [(32.0, 4, False), (31.5, 4, True), (8.0, 1, False), (0.0, 1, True)],
)
def test_floor_area_below_8_m2_per_person(
    pack_2022: Pack, area: float, size: int, expected: bool
) -> None:
    assert (
        deprived(pack_2022, "housing_area", household(floor_area_m2=area), [member()] * size)
        is expected
    )


@pytest.mark.parametrize(
    ("wall", "column", "roof", "expected"),
    [
        (True, True, True, False),
        (False, True, True, False),
        (False, False, True, True),
        (False, False, False, True),
        (True, False, False, True),
    ],
)
def test_housing_quality_needs_two_of_three_structures_non_durable(
    pack_2022: Pack, wall: bool, column: bool, roof: bool, expected: bool
) -> None:
    house = household(wall_durable=wall, column_durable=column, roof_durable=roof)
    assert deprived(pack_2022, "housing_quality", house, [member()]) is expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("piped", False),
        ("rainwater", False),
        ("unprotected_dug_well", True),
        ("surface_water", True),
    ],
)
def test_water(pack_2022: Pack, source: str, expected: bool) -> None:
    assert deprived(pack_2022, "water", household(water_source=source), [member()]) is expected


@pytest.mark.parametrize(
    ("latrine", "expected"),
    [("septic", False), ("double_vault", False), ("simple_pit", True), ("none", True)],
)
def test_latrine(pack_2022: Pack, latrine: str, expected: bool) -> None:
    assert deprived(pack_2022, "latrine", household(latrine_type=latrine), [member()]) is expected


def test_information_access_needs_none_of_the_means(pack_2022: Pack) -> None:
    nothing = {
        "owns_tv": False,
        "owns_radio": False,
        "owns_computer": False,
        "owns_phone": False,
        "loudspeaker_access": False,
    }
    assert deprived(pack_2022, "information_access", household(**nothing), [member()])
    assert not deprived(
        pack_2022, "information_access", household(**{**nothing, "owns_radio": True}), [member()]
    )
    assert not deprived(
        pack_2022,
        "information_access",
        household(**{**nothing, "loudspeaker_access": True}),
        [member()],
    )


def test_telecom_differs_between_standards(pack_2016: Pack, pack_2022: Pack) -> None:
    phone_only = household(uses_internet=False, uses_phone=True)
    assert deprived(pack_2022, "telecom", phone_only, [member()])  # 2022-2025: internet
    assert not deprived(
        pack_2016, "telecom", phone_only, [member()]
    )  # 2016-2020: phone or internet


def test_2027_waste_and_digital_services(pack_2027: Pack) -> None:
    assert deprived(pack_2027, "waste", household(waste_handled=False), [member()])
    assert deprived(pack_2027, "digital_services", household(uses_internet=False), [member()])
    assert not deprived(pack_2027, "digital_services", household(), [member()])


def test_2016_health_access(pack_2016: Pack) -> None:
    assert deprived(pack_2016, "health_access", household(), [member(), member(ill_untreated=True)])
    assert not deprived(pack_2016, "health_access", household(), [member()])


def test_causes_name_the_member_and_the_fact(pack_2022: Pack) -> None:
    people = [member(), member(age=7, has_health_insurance=False, member_id="M02")]
    causes = pack_2022.indicator("health_insurance").evaluator.causes(household(), people)
    assert len(causes) == 1
    assert causes[0].member_position == 2
    assert causes[0].fact.vi == "thành viên #2 (mã M02), 7 tuổi: không có thẻ BHYT"
    assert causes[0].fact.en == "member #2 (id M02), aged 7: has no health insurance"


def test_household_causes_give_the_numbers(pack_2022: Pack) -> None:
    causes = pack_2022.indicator("housing_area").evaluator.causes(
        household(floor_area_m2=30.0), [member()] * 4
    )
    assert causes[0].fact.vi == "diện tích 30 m² cho 4 người = 7,5 m²/người"
    assert causes[0].fact.en == "30 m² for 4 people = 7.5 m² per person"
    assert pack_2022.indicator("housing_area").evaluator.causes(household(), [member()]) == ()


def test_thresholds_read_the_pack_parameters(pack_2022: Pack) -> None:
    threshold = pack_2022.indicator("health_insurance").evaluator.threshold()
    assert threshold.vi == "có ít nhất một thành viên từ 6 tuổi trở lên: không có thẻ BHYT"
    assert threshold.en == "at least one member aged 6 and over: has no health insurance"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1/6", Fraction(1, 6)),
        (" 1/18 ", Fraction(1, 18)),
        ("0.25", Fraction(1, 4)),
        ("1", Fraction(1)),
        (2, Fraction(2)),
    ],
)
def test_fractions_are_parsed_exactly(text: object, value: Fraction) -> None:
    assert parse_exact_fraction(text) == value


@pytest.mark.parametrize("text", [0.1, "1/0", "one third", "1/-3", True, "", None])
def test_fractions_refuse_floats_and_nonsense(text: object) -> None:
    with pytest.raises(ValueError, match="fraction"):
        parse_exact_fraction(text)
