"""Command line (cli.py): the contract other parts and outside checks rely on.

Run in-process through `main([...])`; two tests run it in a subprocess as a user would.
Every bad input must exit with code 2, say what is wrong (row and column) on stderr and print
nothing on stdout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from giamngheo.standards.cli import main
from giamngheo.standards.packs import load_pack

from .builders import flatten, household, member
from .test_packs import PROVINCE, write_pack

CODES_2022 = load_pack("2022-2025").indicator_codes
HEADER = "household_id,area_type,income," + ",".join(CODES_2022)


def flags_row(household_id: str, area: str, income: str, deprived: set[str]) -> str:
    bits = ",".join("1" if code in deprived else "0" for code in CODES_2022)
    return f"{household_id},{area},{income},{bits}"


@pytest.fixture
def flags_csv(tmp_path: Path) -> Path:
    path = tmp_path / "households.csv"
    rows = [
        HEADER,
        flags_row("H1", "rural", "1500000", {"water", "latrine", "telecom"}),  # poor
        flags_row("H2", "rural", "1500000", {"water", "latrine"}),  # near-poor
        flags_row("H3", "urban", "2000001", {"water", "latrine", "telecom"}),  # MSTB
        flags_row("H4", "urban", "3000001", set()),  # not poor
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_standards_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "standards", "list", "--format", "json")
    assert code == 0
    assert [s["code"] for s in json.loads(out)] == ["2016-2020", "2022-2025", "2027-2030"]
    code, out, _ = run(capsys, "standards", "list")
    assert code == 0 and "2022-2025" in out


def test_standards_show(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "standards", "show", "2022-2025", "--format", "json")
    assert code == 0
    shown = json.loads(out)
    assert [i["code"] for i in shown["indicators"]] == list(CODES_2022)
    assert shown["income_lines"]["poverty"] == {
        "rural": 1500000,
        "urban": 2000000,
        "source": "Decree 07/2021 Art. 3.1.a",
        "verified": True,
    }
    water = shown["indicators"][8]
    assert water["dimension"] == "water_sanitation" and water["verified"] is False
    assert shown["legal_basis"]["article"] == "Điều 3"


def test_classify_csv(capsys: pytest.CaptureFixture[str], flags_csv: Path) -> None:
    code, out, err = run(capsys, "classify", str(flags_csv), "--standard", "2022-2025")
    assert (code, err) == (0, "")
    frame = pl.read_csv(out.encode(), infer_schema=False)
    assert frame["status"].to_list() == ["poor", "near_poor", "average_living_standard", "not_poor"]
    assert frame["deprivation_count"].to_list() == ["3", "2", "3", "0"]
    assert frame["deprived"].to_list() == [
        "water;latrine;telecom",
        "water;latrine",
        "water;latrine;telecom",
        "",
    ]


def test_classify_json_with_explanation(
    capsys: pytest.CaptureFixture[str], flags_csv: Path
) -> None:
    code, out, _ = run(
        capsys,
        "classify",
        str(flags_csv),
        "--standard",
        "2022-2025",
        "--format",
        "json",
        "--explain",
    )
    assert code == 0
    records = json.loads(out)
    first = records[0]
    assert first["household_id"] == "H1" and first["status"] == "poor"
    assert first["deprived"] == ["water", "latrine", "telecom"]
    explanation = first["explanation"]
    assert explanation["rule"]["reference"]["vi"] == "Khoản 2 Điều 3 Nghị định 07/2021/NĐ-CP"
    assert (
        "1.500.000 đ" in explanation["text"]["vi"] and "1,500,000 VND" in explanation["text"]["en"]
    )
    assert [d["indicator"] for d in explanation["deprivations"]] == ["water", "latrine", "telecom"]


def test_classify_csv_with_explanation_columns(
    capsys: pytest.CaptureFixture[str], flags_csv: Path
) -> None:
    code, out, _ = run(capsys, "classify", str(flags_csv), "--standard", "2022-2025", "--explain")
    assert code == 0
    frame = pl.read_csv(out.encode(), infer_schema=False)
    assert frame.columns[-2:] == ["explanation_vi", "explanation_en"]
    assert frame["explanation_en"][3].startswith("Standard 2022-2025: not poor.")


def raw_files(tmp_path: Path) -> tuple[Path, Path]:
    records = [
        (
            household(household_id="H1", income=1_200_000, floor_area_m2=12.0),
            [
                member(member_id="A"),
                member(
                    age=7, has_health_insurance=False, attends_age_appropriate=True, member_id="B"
                ),
            ],
        ),
        (household(household_id="H2", income=9_000_000), [member()]),
    ]
    households, members = flatten(records)
    households_path, members_path = tmp_path / "households.csv", tmp_path / "members.csv"
    pl.DataFrame(households).write_csv(households_path)
    pl.DataFrame(members).write_csv(members_path)
    return households_path, members_path


def test_classify_raw_survey_data(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    households_path, members_path = raw_files(tmp_path)
    code, out, err = run(
        capsys,
        "classify",
        str(households_path),
        "--members",
        str(members_path),
        "--standard",
        "2022-2025",
        "--format",
        "json",
        "--explain",
    )
    assert (code, err) == (0, "")
    first, second = json.loads(out)
    assert first["deprived"] == ["health_insurance", "housing_area"]
    assert first["status"] == "near_poor"
    causes = first["explanation"]["deprivations"][0]["causes"]
    assert causes == [
        {
            "vi": "thành viên #2 (mã B), 7 tuổi: không có thẻ BHYT",
            "en": "member #2 (id B), aged 7: has no health insurance",
            "member": 2,
            "member_id": "B",
        }
    ]
    assert second["status"] == "not_poor"


def test_simulate(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    households_path, members_path = raw_files(tmp_path)
    code, out, _ = run(
        capsys,
        "simulate",
        str(households_path),
        "--members",
        str(members_path),
        "--from",
        "2022-2025",
        "--to",
        "2027-2030",
        "--format",
        "json",
    )
    assert code == 0
    result = json.loads(out)
    assert result["transitions"]["near_poor"]["near_poor"] == 1
    assert result["transitions"]["not_poor"]["not_poor"] == 1
    assert result["by"] == "area_type" and result["groups"]["rural"]["n"] == 2


def test_simulate_from_flags_needs_both_sets_of_columns(
    capsys: pytest.CaptureFixture[str], flags_csv: Path
) -> None:
    code, out, err = run(
        capsys, "simulate", str(flags_csv), "--from", "2022-2025", "--to", "2027-2030"
    )
    assert (code, out) == (2, "")
    assert "column 'digital_services': missing column" in err and "column 'waste'" in err


def test_mpi(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "flags.csv"
    path.write_text("id,village,size,a,b,c\n1,x,1,1,1,0\n2,y,3,0,1,1\n3,x,2,0,0,1\n4,y,2,0,0,0\n")
    code, out, err = run(
        capsys,
        "mpi",
        str(path),
        "--indicators",
        "a,b,c",
        "--weights",
        "a=1/2,b=1/4,c=1/4",
        "--k",
        "1/2",
        "--by",
        "village",
        "--format",
        "json",
    )
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert (result["n"], result["H"], result["A"], result["M0"]) == (4, 0.5, 0.625, 0.3125)
    assert result["indicators"]["c"] == {"uncensored": 0.5, "censored": 0.25, "contribution": 0.2}
    assert result["groups"]["x"] == {
        "n": 2,
        "share": 0.5,
        "H": 0.5,
        "A": 0.75,
        "M0": 0.375,
        "contribution": 0.6,
    }
    code, out, _ = run(
        capsys,
        "mpi",
        str(path),
        "--indicators",
        "a,b,c",
        "--weights",
        "a=0.5,b=0.25,c=0.25",
        "--k",
        "0.5",
        "--weight-column",
        "size",
    )
    assert code == 0
    assert json.loads(out)["M0"] == 9 / 32


def test_mpi_equal_weights_by_default(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "flags.csv"
    path.write_text("a,b,c\n1,1,0\n1,0,0\n")
    code, out, _ = run(capsys, "mpi", str(path), "--indicators", "a,b,c", "--k", "2/3")
    assert code == 0
    assert json.loads(out)["H"] == 0.5


def test_province_pack_from_packs_dir(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, flags_csv: Path
) -> None:
    write_pack(tmp_path, "ha-noi-2022-2025", PROVINCE)
    code, out, _ = run(
        capsys,
        "classify",
        str(flags_csv),
        "--standard",
        "ha-noi-2022-2025",
        "--packs-dir",
        str(tmp_path),
    )
    assert code == 0
    # H3 (urban, 2,000,001 đ, 3 deprivations) is above the national line but below Hà Nội's 2.8 M.
    assert pl.read_csv(out.encode())["status"][2] == "poor"


def bad(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    return err


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "input.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_bad_input_exits_2_with_row_and_column(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = flags_row("H1", "rural", "1000", set())
    cases = {
        "missing column": (
            HEADER.replace(",telecom", "") + "\n" + good.rsplit(",", 1)[0],
            "column 'telecom': missing column",
        ),
        "non-numeric income": (
            HEADER + "\n" + good + "\n" + flags_row("H2", "rural", "abc", set()),
            "row 2 (household_id=H2), column 'income': 'abc': must be a whole number of đồng",
        ),
        "negative income": (
            HEADER + "\n" + flags_row("H1", "rural", "-5", set()),
            "row 1 (household_id=H1), column 'income': '-5': must not be negative",
        ),
        "bad area": (
            HEADER + "\n" + flags_row("H1", "city", "5", set()),
            "column 'area_type': 'city': must be one of: rural, urban",
        ),
        "non-0/1 flag": (
            HEADER + "\n" + good.replace(",0,0\n", ",0,0\n")[:-1] + "2",
            "column 'information_access': '2': must be 0 or 1",
        ),
    }
    for name, (text, message) in cases.items():
        err = bad(capsys, "classify", write(tmp_path, text + "\n"), "--standard", "2022-2025")
        assert message in err, (name, err)
        assert err.startswith("error: "), name


def test_unknown_standard_exits_2(capsys: pytest.CaptureFixture[str], flags_csv: Path) -> None:
    err = bad(capsys, "classify", str(flags_csv), "--standard", "2031-2035")
    assert "unknown standard '2031-2035'; known: 2016-2020, 2022-2025, 2027-2030" in err


def test_mpi_bad_input_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write(tmp_path, "a,b,c,w\n1,0,1,2\n0,1,1,x\n")
    assert "add up to exactly 1; they add up to 3/4" in bad(
        capsys, "mpi", path, "--indicators", "a,b,c", "--weights", "a=1/4,b=1/4,c=1/4", "--k", "1/3"
    )
    assert "column 'd': missing column" in bad(
        capsys, "mpi", path, "--indicators", "a,b,d", "--k", "1/3"
    )
    assert "weight given for an indicator not in the list: z" in bad(
        capsys,
        "mpi",
        path,
        "--indicators",
        "a,b,c",
        "--weights",
        "a=1/3,b=1/3,c=1/3,z=0",
        "--k",
        "1/3",
    )
    assert "row 2, column 'w'" in bad(
        capsys, "mpi", path, "--indicators", "a,b,c", "--k", "1/3", "--weight-column", "w"
    )
    assert "give --k" in bad(capsys, "mpi", path, "--indicators", "a,b,c")
    assert "k: must be a fraction" in bad(
        capsys, "mpi", path, "--indicators", "a,b,c", "--k", "third"
    )
    assert "--weights: expected code=fraction" in bad(
        capsys, "mpi", path, "--indicators", "a,b,c", "--weights", "a:1", "--k", "1/3"
    )


def test_raw_input_problems_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    households_path, members_path = raw_files(tmp_path)
    members = pl.read_csv(members_path, infer_schema=False)
    members.with_columns(
        pl.when(pl.col("member_id") == "B")
        .then(pl.lit("seven"))
        .otherwise(pl.col("age"))
        .alias("age")
    ).write_csv(members_path)
    err = bad(
        capsys,
        "classify",
        str(households_path),
        "--members",
        str(members_path),
        "--standard",
        "2022-2025",
    )
    assert (
        f"error: {members_path}, row 2 (household_id=H1), column 'age': 'seven': "
        "must be a whole number of years" in err
    )


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], flags_csv: Path) -> None:
    assert "required" in bad(capsys, "classify", str(flags_csv))
    assert "invalid choice" in bad(
        capsys, "classify", str(flags_csv), "--standard", "2022-2025", "--format", "xml"
    )
    assert "no score method" in bad(
        capsys, "classify", str(flags_csv), "--standard", "2027-2030", "--score"
    )
    assert "file not found" in bad(
        capsys, "classify", str(flags_csv) + ".missing", "--standard", "2022-2025"
    )


def test_a_broken_province_pack_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, flags_csv: Path
) -> None:
    write_pack(
        tmp_path,
        "broken",
        PROVINCE.replace("ha-noi-2022-2025", "broken").replace("rural = 2_000_000", "rural = -1"),
    )
    err = bad(
        capsys, "classify", str(flags_csv), "--standard", "broken", "--packs-dir", str(tmp_path)
    )
    assert "broken.toml:17: income_lines.poverty.rural: must not be negative" in err


def subprocess_main(*argv: str) -> subprocess.CompletedProcess[str]:
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    program = "import sys; from giamngheo.standards.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", program, *argv],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


def test_subprocess_classify(flags_csv: Path) -> None:
    done = subprocess_main(
        "classify", str(flags_csv), "--standard", "2022-2025", "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    assert [r["status"] for r in json.loads(done.stdout)] == [
        "poor",
        "near_poor",
        "average_living_standard",
        "not_poor",
    ]


def test_subprocess_bad_input(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "\n" + flags_row("H1", "rural", "1,5", set()) + "\n")
    done = subprocess_main("classify", path, "--standard", "2022-2025")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "row 1: 16 fields where the header has 15" in done.stderr


def test_empty_input_gives_empty_output(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "\n")
    code, out, _ = run(capsys, "classify", path, "--standard", "2022-2025", "--format", "json")
    assert (code, json.loads(out)) == (0, [])
    code, out, _ = run(capsys, "classify", path, "--standard", "2022-2025")
    assert (code, out.strip()) == (0, "household_id,status,deprivation_count,deprived")


def test_classify_by_score(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    header = HEADER.replace(",income,", ",score_a,")
    rows = [
        flags_row("H1", "rural", "140", {"water", "latrine", "telecom"}),
        flags_row("H2", "urban", "175", {"water"}),
        flags_row("H3", "urban", "176", {"water", "latrine", "telecom"}),
    ]
    path = write(tmp_path, "\n".join([header, *rows]) + "\n")
    code, out, err = run(
        capsys, "classify", path, "--standard", "2022-2025", "--score", "--format", "json"
    )
    assert (code, err) == (0, "")
    assert [r["status"] for r in json.loads(out)] == ["poor", "near_poor", "not_poor"]
