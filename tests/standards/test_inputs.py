"""Reading household data (inputs.py, columns.py): every problem named by row and column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from giamngheo.standards.errors import InputError
from giamngheo.standards.inputs import (
    household_records,
    raw_columns_from_frames,
    read_flag_file,
    read_table,
)
from giamngheo.standards.packs import Pack

from .builders import flatten, household, member


def test_booleans_accept_0_1_true_false(tmp_path: Path) -> None:
    path = tmp_path / "flags.csv"
    path.write_text(
        "household_id,area_type,income,a\nH1,rural,10,1\nH2,urban,20,TRUE\nH3,rural,0,false\n"
    )
    flags = read_flag_file(path, ["a"])
    assert flags.flags["a"].tolist() == [True, True, False]
    assert flags.is_urban.tolist() == [False, True, False]
    assert flags.income is not None and flags.income.tolist() == [10, 20, 0]


@pytest.mark.parametrize(
    ("row", "message", "column"),
    [
        ("H2,rural,1.5e6,1", "'1.5e6': must be a whole number of đồng", "income"),
        ("H2,rural,-1,1", "'-1': must not be negative", "income"),
        ("H2,town,10,1", "'town': must be one of: rural, urban", "area_type"),
        ("H2,rural,10,2", "'2': must be 0 or 1", "a"),
        ("H2,rural,,1", "missing value", "income"),
        ("H1,rural,10,1", "household_id H1 appears more than once", "household_id"),
    ],
)
def test_problems_name_the_row_and_column(
    tmp_path: Path, row: str, message: str, column: str
) -> None:
    path = tmp_path / "flags.csv"
    path.write_text(f"household_id,area_type,income,a\nH1,rural,10,1\n{row}\n")
    with pytest.raises(InputError) as error:
        read_flag_file(path, ["a"])
    (problem,) = error.value.problems
    assert problem.row == 2 and problem.column == column and problem.file == str(path)
    assert message in str(problem)


def test_all_bad_columns_are_reported_together(tmp_path: Path) -> None:
    path = tmp_path / "flags.csv"
    path.write_text("household_id,area_type,income,a\nH1,city,x,7\nH2,rural,1,1\nH3,rural,y,1\n")
    with pytest.raises(InputError) as error:
        read_flag_file(path, ["a"])
    found = {problem.column: problem for problem in error.value.problems}
    assert set(found) == {"area_type", "income", "a"}
    assert "(2 rows in all)" in str(found["income"])
    assert found["income"].household_id == "H1"


def test_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "flags.csv"
    path.write_text("household_id,income\nH1,10\n")
    with pytest.raises(InputError) as error:
        read_flag_file(path, ["a"])
    assert {(p.column, p.message) for p in error.value.problems} == {
        ("area_type", "missing column"),
        ("a", "missing column (0/1 indicator flag)"),
    }


def test_parquet_input_keeps_its_types(tmp_path: Path) -> None:
    path = tmp_path / "flags.parquet"
    pl.DataFrame(
        {
            "household_id": [7, 8],
            "area_type": ["rural", "urban"],
            "income": [1, 2],
            "a": [True, False],
        }
    ).write_parquet(path)
    flags = read_flag_file(path, ["a"])
    assert flags.household_ids.tolist() == [7, 8]
    assert flags.flags["a"].tolist() == [True, False]


def test_unsupported_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").write_bytes(b"PK")
    with pytest.raises(InputError, match=r"unsupported file type '\.xlsx'"):
        read_table(tmp_path / "x.xlsx")
    with pytest.raises(InputError, match="file not found"):
        read_table(tmp_path / "x.csv")


def frames(
    records: list[tuple[dict[str, object], list[dict[str, object]]]],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    households, members = flatten(records)
    return pl.DataFrame(households), pl.DataFrame(members)


def test_members_of_an_unknown_household(pack_2022: Pack) -> None:
    households, members = frames([(household(), [member()])])
    members = pl.concat([members, members.with_columns(household_id=pl.lit("H9"))])
    with pytest.raises(InputError) as error:
        raw_columns_from_frames(
            households,
            members,
            household_fields=pack_2022.household_fields(),
            member_fields=pack_2022.member_fields(),
            members_file="m.csv",
        )
    (problem,) = error.value.problems
    assert (problem.row, problem.column, problem.file) == (2, "household_id", "m.csv")
    assert "H9 is not in the household file" in problem.message


def test_a_household_without_members(pack_2022: Pack) -> None:
    households, members = frames([(household(), [member()]), (household(household_id="H2"), [])])
    with pytest.raises(InputError, match="household H2 has no member rows"):
        raw_columns_from_frames(
            households,
            members,
            household_fields=pack_2022.household_fields(),
            member_fields=pack_2022.member_fields(),
        )


def test_member_fields_are_validated(pack_2022: Pack) -> None:
    households, members = frames([(household(), [member(), member(age=151, education="phd")])])
    with pytest.raises(InputError) as error:
        raw_columns_from_frames(
            households,
            members,
            household_fields=pack_2022.household_fields(),
            member_fields=pack_2022.member_fields(),
            members_file="m.csv",
        )
    found = {problem.column: problem for problem in error.value.problems}
    assert "must be at most 150" in found["age"].message and found["age"].row == 2
    assert "must be one of: none, primary" in found["education"].message


def test_records_round_trip_to_the_scalar_path(pack_2022: Pack) -> None:
    records = [
        (household(), [member(), member(age=9, member_id="M2")]),
        (household(household_id="H2", area_type="urban"), [member(sex="female")]),
    ]
    households, members = frames(records)
    cols = raw_columns_from_frames(
        households,
        members,
        household_fields=pack_2022.household_fields(),
        member_fields=[*pack_2022.member_fields(), "member_id"],
    )
    back = list(household_records(cols))
    assert back[0][0]["area_type"] == "rural" and back[1][0]["area_type"] == "urban"
    assert [m["age"] for m in back[0][1]] == [35, 9]
    assert back[0][1][1]["member_id"] == "M2"
    assert back[1][1][0]["education"] == "upper_secondary"
    assert cols.size.tolist() == [2, 1]
    assert np.array_equal(cols.starts, [0, 2])
