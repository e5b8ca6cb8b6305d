"""Rule packs (packs.py): the shipped standards, province inheritance and validation messages."""

from __future__ import annotations

import textwrap
from fractions import Fraction
from pathlib import Path

import pytest

from giamngheo.standards.classify import household_flags
from giamngheo.standards.errors import PackError, PackIssue, UnknownStandardError
from giamngheo.standards.packs import (
    PACKS_DIR_ENV,
    Pack,
    available_standards,
    load_all,
    load_pack,
    pack_for_review_year,
)
from tests.standards.builders import household, member

CODES_2022 = (
    "employment",
    "dependants",
    "nutrition",
    "health_insurance",
    "adult_education",
    "school_attendance",
    "housing_quality",
    "housing_area",
    "water",
    "latrine",
    "telecom",
    "information_access",
)
CODES_2016 = (
    "health_access",
    "health_insurance",
    "adult_education",
    "school_attendance",
    "housing_quality",
    "housing_area",
    "water",
    "latrine",
    "telecom",
    "information_assets",
)


# -- the shipped national packs ------------------------------------------------------------------


def test_it_ships_the_three_national_standards() -> None:
    assert available_standards() == ["2016-2020", "2022-2025", "2027-2030"]


def test_indicator_codes_are_exactly_the_contract(pack_2016: Pack, pack_2022: Pack) -> None:
    assert pack_2022.indicator_codes == CODES_2022
    assert pack_2016.indicator_codes == CODES_2016


def test_2027_has_twelve_indicators_without_information_means(pack_2027: Pack) -> None:
    codes = pack_2027.indicator_codes
    assert len(codes) == 12
    assert "information_access" not in codes
    assert {"digital_services", "waste"} <= set(codes)
    assert not any(i.fact.verified for i in pack_2027.indicators)
    assert pack_2027.structure.verified is False


def test_income_lines_are_whole_dong_from_the_law(
    pack_2016: Pack, pack_2022: Pack, pack_2027: Pack
) -> None:
    assert (pack_2016.poverty_line.rural, pack_2016.poverty_line.urban) == (700_000, 900_000)
    assert pack_2016.near_poverty_line is not None
    assert (pack_2016.near_poverty_line.rural, pack_2016.near_poverty_line.urban) == (
        1_000_000,
        1_300_000,
    )
    assert (pack_2022.poverty_line.rural, pack_2022.poverty_line.urban) == (1_500_000, 2_000_000)
    assert pack_2022.near_poverty_line is None  # near-poor = same line, fewer deprivations
    assert pack_2022.average_upper is not None
    assert (pack_2022.average_upper.rural, pack_2022.average_upper.urban) == (2_250_000, 3_000_000)
    assert (pack_2027.poverty_line.rural, pack_2027.poverty_line.urban) == (2_200_000, 2_800_000)
    assert pack_2027.average_upper is None  # MSTB bounds for 2027-2030 were not found


def test_verification_flags_follow_the_research_notes(pack_2016: Pack, pack_2022: Pack) -> None:
    # Part 2: the 2022-2025 lines, rule and MSTB band are verified; no threshold is.
    assert pack_2022.poverty_line.fact.verified
    assert pack_2022.classification.fact.verified
    assert pack_2022.average_upper is not None and pack_2022.average_upper.fact.verified
    assert not any(indicator.fact.verified for indicator in pack_2022.indicators)
    # 2016-2020: lines and rule quoted; the MSTB bounds are from memory.
    assert pack_2016.poverty_line.fact.verified
    assert pack_2016.average_upper is not None and not pack_2016.average_upper.fact.verified
    assert not pack_2022.verified  # the pack as a whole is not verified


def test_rules_and_score_methods(pack_2016: Pack, pack_2022: Pack, pack_2027: Pack) -> None:
    assert pack_2016.classification.rule == "income_only_or_count"
    assert pack_2022.classification.rule == "income_and_count"
    assert pack_2027.classification.rule == "income_and_count"
    assert {p.classification.deprivation_cutoff for p in (pack_2016, pack_2022, pack_2027)} == {3}
    method = pack_2022.score_method
    assert method is not None
    assert (method.income_score_cutoff.rural, method.income_score_cutoff.urban) == (140, 175)
    assert (method.points_per_deprivation, method.deprivation_score_cutoff) == (10, 30)
    assert pack_2016.score_method is None and pack_2027.score_method is None


def test_equal_weights_are_exact_fractions(pack_2022: Pack) -> None:
    assert {indicator.weight for indicator in pack_2022.indicators} == {Fraction(1, 12)}


def test_every_indicator_has_a_dimension_and_a_threshold_text(pack_2022: Pack) -> None:
    dimensions = {d.code for d in pack_2022.dimensions}
    assert len(dimensions) == 6
    for indicator in pack_2022.indicators:
        assert indicator.dimension in dimensions
        assert indicator.evaluator.threshold().vi and indicator.evaluator.threshold().en


@pytest.mark.parametrize(
    ("year", "code"),
    [
        (2016, "2016-2020"),
        (2021, "2016-2020"),
        (2022, "2022-2025"),
        (2026, "2022-2025"),
        (2027, "2027-2030"),
        (2030, "2027-2030"),
    ],
)
def test_the_review_year_picks_the_standard(year: int, code: str) -> None:
    assert pack_for_review_year(year).code == code


def test_no_standard_before_2016() -> None:
    with pytest.raises(LookupError):
        pack_for_review_year(2015)


def test_show_data_lists_thresholds_and_flags(pack_2022: Pack) -> None:
    shown = pack_2022.to_dict()
    area = next(i for i in shown["indicators"] if i["code"] == "housing_area")  # type: ignore[union-attr,index]
    assert area["params"] == {"m2": 8}
    assert "8 m²" in area["threshold"]["vi"]
    assert area["verified"] is False
    assert shown["legal_basis"]["document"] == "Nghị định 07/2021/NĐ-CP"  # type: ignore[index]


def test_unknown_code_names_the_known_ones() -> None:
    with pytest.raises(UnknownStandardError, match="2022-2025"):
        load_pack("2031-2035")


# -- province packs -------------------------------------------------------------------------------

PROVINCE = """\
format = 1
code = "ha-noi-2022-2025"
inherits = "2022-2025"
version = "2023.1"

[name]
vi = "Chuẩn nghèo Hà Nội 2022-2025"
en = "Ha Noi poverty standard 2022-2025"

[legal_basis]
document = "Nghị quyết 04/2021/NQ-HĐND"
article = "Điều 1"
source = "Provincial resolution (example)"
verified = false

[income_lines.poverty]
rural = 2_000_000
urban = 2_800_000
source = "Provincial resolution (example)"
verified = false

[income_lines.average_living_standard]
rural = 3_000_000
urban = 4_000_000
source = "Provincial resolution (example)"
verified = false

[indicators.housing_area]
params = { m2 = 10 }
source = "Provincial resolution (example)"
verified = false
"""


def write_pack(directory: Path, code: str, text: str) -> Path:
    path = directory / f"{code}.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_province_pack_inherits_and_overrides(tmp_path: Path, pack_2022: Pack) -> None:
    write_pack(tmp_path, "ha-noi-2022-2025", PROVINCE)
    pack = load_pack("ha-noi-2022-2025", packs_dir=tmp_path)
    assert pack.inherits == "2022-2025"
    assert (pack.poverty_line.rural, pack.poverty_line.urban) == (2_000_000, 2_800_000)
    assert pack.indicator_codes == pack_2022.indicator_codes
    assert "10 m²" in pack.indicator("housing_area").evaluator.threshold().vi
    assert pack.indicator("housing_area").fact.source == "Provincial resolution (example)"
    # Everything not overridden comes from the parent.
    assert pack.indicator("water").fact == pack_2022.indicator("water").fact
    assert pack.classification == pack_2022.classification
    assert pack.files[1].endswith("2022-2025.toml")


def test_a_pack_is_built_once_per_process_while_its_files_are_unchanged(tmp_path: Path) -> None:
    write_pack(tmp_path, "ha-noi-2022-2025", PROVINCE)
    first = load_pack("ha-noi-2022-2025", packs_dir=tmp_path)
    assert load_pack("ha-noi-2022-2025", packs_dir=tmp_path) is first
    # An edit of the province file, even one of the same length, is seen at the next load.
    edited = PROVINCE.replace("2_000_000", "2_100_000")
    assert len(edited) == len(PROVINCE)
    write_pack(tmp_path, "ha-noi-2022-2025", edited)
    second = load_pack("ha-noi-2022-2025", packs_dir=tmp_path)
    assert second is not first
    assert second.poverty_line.rural == 2_100_000


# -- readings: thresholds the sources word differently (issue 11) ------------------------------


SWITCH_READING = """\
format = 1
code = "tinh-2022-2025"
inherits = "2022-2025"
version = "2026.1"

[name]
vi = "Chuẩn nghèo tỉnh 2022-2025"
en = "Province standard 2022-2025"

[legal_basis]
document = "Quyết định 1/2026/QĐ-UBND"
article = "Điều 1"
source = "Provincial decision (example)"
verified = false

[indicators.health_insurance]
reading = "child_over_6"
source = "Provincial decision (example)"
verified = false
"""


def test_conflicting_readings_are_both_kept_one_chosen(pack_2022: Pack) -> None:
    insurance = pack_2022.indicator("health_insurance")
    assert insurance.reading == "member_from_6"
    assert [r.code for r in insurance.readings] == ["member_from_6", "child_over_6"]
    assert [r.code for r in insurance.other_readings] == ["child_over_6"]
    assert insurance.params == insurance.readings[0].params
    employment = pack_2022.indicator("employment")
    assert employment.reading == "from_15"
    assert [r.code for r in employment.other_readings] == ["working_age"]
    shown = insurance.to_dict()
    assert shown["reading"] == "member_from_6"
    assert [r["code"] for r in shown["readings"]] == ["member_from_6", "child_over_6"]  # type: ignore[index]


def test_a_province_switches_the_reading_with_its_own_source(
    tmp_path: Path, pack_2022: Pack
) -> None:
    write_pack(tmp_path, "tinh-2022-2025", SWITCH_READING)
    province = load_pack("tinh-2022-2025", packs_dir=tmp_path)
    insurance = province.indicator("health_insurance")
    assert insurance.reading == "child_over_6"
    assert insurance.fact.source == "Provincial decision (example)"
    # A 40-year-old without insurance: deprived under "any member aged 6+", not "a child over 6".
    adult_uninsured = (household(), [member(age=40, has_health_insurance=False)])
    child_uninsured = (household(), [member(), member(age=6, has_health_insurance=False)])
    assert household_flags(pack_2022, *adult_uninsured)["health_insurance"]
    assert not household_flags(province, *adult_uninsured)["health_insurance"]
    assert household_flags(province, *child_uninsured)["health_insurance"]
    too_old = (household(), [member(age=16, has_health_insurance=False)])
    assert not household_flags(province, *too_old)["health_insurance"]


def test_switching_a_reading_without_a_source_is_refused(tmp_path: Path) -> None:
    text = SWITCH_READING.rsplit('source = "Provincial decision (example)"', 1)[0]
    write_pack(tmp_path, "tinh-2022-2025", text)
    with pytest.raises(PackError, match="must state its own 'source'"):
        load_pack("tinh-2022-2025", packs_dir=tmp_path)


def test_an_unknown_reading_or_params_beside_readings_is_refused(tmp_path: Path) -> None:
    write_pack(tmp_path, "tinh-2022-2025", SWITCH_READING.replace('"child_over_6"', '"children"'))
    with pytest.raises(PackError, match="unknown reading 'children'"):
        load_pack("tinh-2022-2025", packs_dir=tmp_path)
    beside = SWITCH_READING + 'params = { field = "has_health_insurance", age_from = 6 }\n'
    write_pack(tmp_path, "tinh-2022-2025", beside)
    with pytest.raises(PackError, match="params in each reading"):
        load_pack("tinh-2022-2025", packs_dir=tmp_path)


def test_the_packs_directory_can_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_pack(tmp_path, "ha-noi-2022-2025", PROVINCE)
    monkeypatch.setenv(PACKS_DIR_ENV, str(tmp_path))
    assert "ha-noi-2022-2025" in available_standards()
    assert {p.code for p in load_all()} >= {"ha-noi-2022-2025", "2022-2025"}


def test_a_province_pack_cannot_reuse_a_national_code(tmp_path: Path) -> None:
    write_pack(tmp_path, "2022-2025", PROVINCE.replace("ha-noi-2022-2025", "2022-2025"))
    with pytest.raises(PackError, match="already defined"):
        load_pack("2022-2025", packs_dir=tmp_path)


def only_issue(error: pytest.ExceptionInfo[PackError]) -> PackIssue:
    assert len(error.value.issues) == 1, error.value.issues
    return error.value.issues[0]


def test_unknown_parent(tmp_path: Path) -> None:
    path = write_pack(
        tmp_path,
        "x",
        PROVINCE.replace('"2022-2025"\n', '"2021-2099"\n', 1).replace("ha-noi-2022-2025", "x"),
    )
    with pytest.raises(PackError) as error:
        load_pack("x", packs_dir=tmp_path)
    issue = only_issue(error)
    assert (issue.file, issue.key, issue.line) == (str(path), "inherits", 3)
    assert "unknown parent pack '2021-2099'" in issue.message


def test_an_inheritance_cycle_is_reported(tmp_path: Path) -> None:
    write_pack(tmp_path, "a", 'code = "a"\ninherits = "b"\n')
    write_pack(tmp_path, "b", 'code = "b"\ninherits = "a"\n')
    with pytest.raises(PackError, match="cycle: a -> b -> a"):
        load_pack("a", packs_dir=tmp_path)


def test_every_mistake_is_reported_with_file_key_and_line(tmp_path: Path) -> None:
    text = PROVINCE.replace("ha-noi-2022-2025", "bad")
    text = text.replace("rural = 2_000_000", "rural = -5")  # line 17, 18 after colour
    text = text.replace('version = "2023.1"', 'version = "2023.1"\ncolour = "red"')  # line 5
    text = text.replace("params = { m2 = 10 }", 'params = { m2 = "ten", storeys = 2 }')
    text += textwrap.dedent(
        """
        [indicators.fishing]
        dimension = "employment"
        vi = "Đánh bắt"
        en = "Fishing"
        source = "x"
        verified = false

        [indicators.boats]
        dimension = "employment"
        vi = "Thuyền"
        en = "Boats"
        evaluator = "count_boats"
        source = "x"
        verified = "no"
        """
    )
    path = write_pack(tmp_path, "bad", text)
    with pytest.raises(PackError) as error:
        load_pack("bad", packs_dir=tmp_path)
    found = {(issue.key, issue.line): issue for issue in error.value.issues}
    assert all(issue.file == str(path) for issue in error.value.issues)
    assert "unknown key 'colour'" in found[("colour", 5)].message
    assert "must not be negative" in found[("income_lines.poverty.rural", 18)].message
    assert "greater than 0" in found[("indicators.housing_area.params.m2", 30)].message
    assert "unknown parameter" in found[("indicators.housing_area.params.storeys", 30)].message
    assert "missing evaluator" in found[("indicators.fishing.evaluator", 34)].message
    assert "unknown evaluator 'count_boats'" in found[("indicators.boats.evaluator", 45)].message
    assert "true or false" in found[("indicators.boats.verified", 47)].message
    assert len(error.value.issues) == 7, error.value.issues
    # The message reads like a compiler's: file:line: key: message.
    assert str(found[("colour", 5)]).startswith(f"{path}:5: colour: unknown key")


def test_duplicate_indicator_codes_are_reported_with_their_line(tmp_path: Path) -> None:
    text = PROVINCE.replace("ha-noi-2022-2025", "dup") + textwrap.dedent(
        """
        [indicators.housing_area]
        params = { m2 = 12 }
        """
    )
    path = write_pack(tmp_path, "dup", text)
    with pytest.raises(PackError) as error:
        load_pack("dup", packs_dir=tmp_path)
    issue = only_issue(error)
    assert issue.file == str(path)
    assert issue.key == "indicators.housing_area"
    assert issue.line == 33
    assert "duplicate indicator code 'housing_area'" in issue.message


def test_wrong_types_are_named(tmp_path: Path) -> None:
    text = PROVINCE.replace("ha-noi-2022-2025", "types").replace(
        "urban = 2_800_000", 'urban = "2.8M"'
    )
    write_pack(tmp_path, "types", text)
    with pytest.raises(PackError) as error:
        load_pack("types", packs_dir=tmp_path)
    issue = only_issue(error)
    assert (issue.key, issue.line) == ("income_lines.poverty.urban", 18)
    assert "whole number of đồng, got a string" in issue.message


def test_lines_must_rise_band_by_band(tmp_path: Path) -> None:
    text = PROVINCE.replace("ha-noi-2022-2025", "order").replace(
        "rural = 3_000_000", "rural = 1_900_000"
    )
    write_pack(tmp_path, "order", text)
    with pytest.raises(PackError) as error:
        load_pack("order", packs_dir=tmp_path)
    issue = only_issue(error)
    assert (issue.key, issue.line) == ("income_lines.average_living_standard.rural", 23)
    assert "above the poverty line (2000000)" in issue.message


def test_weights_must_add_up_to_exactly_one(tmp_path: Path) -> None:
    weights = "".join(
        f'\n[indicators.{code}]\nweight = "1/13"\nsource = "x"\nverified = false\n'
        for code in CODES_2022
        if code != "housing_area"
    )
    text = PROVINCE.replace("ha-noi-2022-2025", "weights").replace(
        "params = { m2 = 10 }", 'params = { m2 = 10 }\nweight = "1/13"'
    )
    write_pack(tmp_path, "weights", text + weights)
    with pytest.raises(PackError) as error:
        load_pack("weights", packs_dir=tmp_path)
    issue = only_issue(error)
    assert issue.key == "indicators.information_access.weight"
    assert "add up to exactly 1, they add up to 12/13" in issue.message
    assert issue.line is not None and issue.line > 30


def test_floats_are_refused_as_weights(tmp_path: Path) -> None:
    text = PROVINCE.replace("ha-noi-2022-2025", "floaty").replace(
        "params = { m2 = 10 }", "params = { m2 = 10 }\nweight = 0.1"
    )
    write_pack(tmp_path, "floaty", text)
    with pytest.raises(PackError) as error:
        load_pack("floaty", packs_dir=tmp_path)
    messages = [issue.message for issue in error.value.issues]
    assert any("fraction written as text" in message for message in messages)


def test_an_override_must_state_its_own_source(tmp_path: Path) -> None:
    text = PROVINCE.replace("ha-noi-2022-2025", "nosource").replace(
        'params = { m2 = 10 }\nsource = "Provincial resolution (example)"\nverified = false\n',
        "params = { m2 = 10 }\n",
    )
    write_pack(tmp_path, "nosource", text)
    with pytest.raises(PackError) as error:
        load_pack("nosource", packs_dir=tmp_path)
    issue = only_issue(error)
    assert (issue.key, issue.line) == ("indicators.housing_area", 28)
    assert "own 'source' and 'verified'" in issue.message


def test_an_inheriting_pack_states_its_own_name(tmp_path: Path) -> None:
    text = PROVINCE.replace("ha-noi-2022-2025", "noname")
    text = text.replace(
        '[name]\nvi = "Chuẩn nghèo Hà Nội 2022-2025"\nen = "Ha Noi poverty standard 2022-2025"\n',
        "",
    )
    write_pack(tmp_path, "noname", text)
    with pytest.raises(PackError, match="must state its own 'name'"):
        load_pack("noname", packs_dir=tmp_path)


def test_the_code_must_match_the_file_name(tmp_path: Path) -> None:
    write_pack(tmp_path, "file-name", PROVINCE)
    with pytest.raises(PackError, match=r"does not match the file name file-name\.toml"):
        load_pack("file-name", packs_dir=tmp_path)


def test_invalid_toml_is_reported_with_its_line(tmp_path: Path) -> None:
    path = write_pack(
        tmp_path,
        "broken",
        PROVINCE.replace("ha-noi-2022-2025", "broken").replace("rural = 2_000_000", "rural = = 2"),
    )
    with pytest.raises(PackError) as error:
        load_pack("broken", packs_dir=tmp_path)
    issue = only_issue(error)
    assert (issue.file, issue.line) == (str(path), 17)
    assert "not valid TOML" in issue.message


def test_evaluator_parameters_are_checked_against_the_schema(tmp_path: Path) -> None:
    text = PROVINCE.replace("ha-noi-2022-2025", "params") + textwrap.dedent(
        """
        [indicators.water]
        params = { field = "water_source", allowed = ["piped", "well water"] }
        source = "x"
        verified = false

        [indicators.health_insurance.readings.member_from_6]
        params = { field = "insured", age_from = 6 }
        source = "x"
        verified = false
        """
    )
    write_pack(tmp_path, "params", text)
    with pytest.raises(PackError) as error:
        load_pack("params", packs_dir=tmp_path)
    found = {issue.key: issue for issue in error.value.issues}
    assert (
        "'well water' is not a value of water_source"
        in found["indicators.water.params.allowed[1]"].message
    )
    assert found["indicators.water.params.allowed[1]"].line == 34
    assert (
        "'insured' is not a member bool field"
        # The health-insurance threshold has two readings: each reading's params are checked.
        in found["indicators.health_insurance.readings.member_from_6.params.field"].message
    )
