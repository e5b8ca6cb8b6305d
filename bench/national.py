"""National-scale benchmark (not a test): `giamngheo bench national --households N --json`.

1. Generate (cached in `--data-dir`, reused when households, seed and layout version match):
   N synthetic households with the member rows the engine reads, as Parquet partitioned by
   province (hive style `province=PP/`), each province cut into files of whole communes
   (`households-KKK.parquet` + `members-KKK.parquet`, at most `--file-households` households a
   file). Province and commune sizes are uneven (Dirichlet draws), households and members come
   from the engine's vectorised generator (`standards.synthetic.generate`) one file at a time,
   in a child process, so generation memory is bounded and not counted below. Enumerated
   fields are stored as their uint8 codes, booleans as booleans, the household size as uint8:
   members need no household id because they are stored in household order (the size is the
   member aggregate that groups them).
2. Analyse, streaming, file by file: read the engine's columns (Polars), classify with the
   engine's vectorised path (`classify_columns`, 2022-2025 pack), and add the part to
   Alkire–Foster totals by province and by commune (`standards.af_stream`: whole-number
   numerators over L, exact whatever the split) and status counts. Only one file's data are in
   memory at a time.
3. Floor: reading the same columns of the same files with Polars alone, measured in the same run.

Prints JSON: households, members, times (generation separately), ratio to the floor, the
process's peak RSS (getrusage: the analysing process; generation runs in a child), the load
average, and the national measures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from giamngheo.standards.af_stream import AFTotals, status_counts_by_group
from giamngheo.standards.classify import classify_columns, default_workers
from giamngheo.standards.columns import RawColumns
from giamngheo.standards.measures import AFSpec
from giamngheo.standards.packs import Pack, load_pack
from giamngheo.standards.schema import STATUSES
from giamngheo.standards.synthetic import generate

LAYOUT = 1  # bump when the files' layout changes: cached data are regenerated
PROVINCES = 34
COMMUNES = 3321
TARGETS = {"analysis_s": "< 60 at 27,000,000 households", "peak_rss_mb": "< 4096"}


# -- generation ---------------------------------------------------------------------------------


def _plan(households: int, seed: int) -> list[dict[str, Any]]:
    """Households per province and per commune (uneven, deterministic)."""
    rng = np.random.default_rng([seed, 0])
    province_share = rng.dirichlet(np.full(PROVINCES, 3.0))
    per_province = rng.multinomial(households, province_share)
    communes = np.maximum(1, np.round(province_share * COMMUNES)).astype(int)
    plan = []
    for index in range(PROVINCES):
        province = index + 1
        share = rng.dirichlet(np.full(int(communes[index]), 5.0))
        per_commune = rng.multinomial(int(per_province[index]), share)
        plan.append(
            {
                "province": province,
                "households": int(per_province[index]),
                "communes": [int(v) for v in per_commune],
            }
        )
    return plan


def _batches(per_commune: list[int], limit: int) -> list[tuple[int, int]]:
    """Consecutive commune ranges [first, stop) of at most `limit` households (a commune larger
    than the limit has a file of its own)."""
    batches: list[tuple[int, int]] = []
    first, total = 0, 0
    for index, count in enumerate(per_commune):
        if total and total + count > limit:
            batches.append((first, index))
            first, total = index, 0
        total += count
    if first < len(per_commune):
        batches.append((first, len(per_commune)))
    return batches


def _codes(frame: pl.DataFrame) -> pl.DataFrame:
    """Enums as their uint8 codes (the schema's positions), as the engine reads them."""
    return frame.with_columns(
        pl.col(name).to_physical().cast(pl.UInt8)
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Enum)
    )


def _write_province(
    root: Path, entry: dict[str, Any], seed: int, limit: int, pack: Pack, first_id: int
) -> int:
    province = entry["province"]
    folder = root / f"province={province:02d}"
    folder.mkdir(parents=True, exist_ok=True)
    household_fields = [f for f in pack.household_fields() if f != "household_id"]
    member_fields = [f for f in pack.member_fields() if f != "household_id"]
    next_id = first_id
    for number, (first, stop) in enumerate(_batches(entry["communes"], limit)):
        counts = entry["communes"][first:stop]
        n = sum(counts)
        if n == 0:
            continue
        households, members = generate(n, seed=seed * 1000 + province * 100_000 + number)
        commune = np.repeat(np.arange(first, stop, dtype=np.int32) + province * 1000, counts)
        size = members.group_by("household_id", maintain_order=True).len()["len"]
        households = _codes(households.select(household_fields)).with_columns(
            household_id=pl.int_range(next_id, next_id + n, dtype=pl.Int64, eager=True),
            commune=pl.Series(commune),
            size=size.cast(pl.UInt8),
        )
        households.write_parquet(folder / f"households-{number:03d}.parquet", statistics=False)
        _codes(members.select(member_fields)).write_parquet(
            folder / f"members-{number:03d}.parquet", statistics=False
        )
        next_id += n
    return next_id


def _manifest(households: int, seed: int, limit: int) -> dict[str, Any]:
    return {"layout": LAYOUT, "households": households, "seed": seed, "file_households": limit}


def generate_partitions(root: Path, households: int, seed: int, limit: int) -> bool:
    """Write the partitioned data set unless `root` already holds it; True when written."""
    manifest_path = root / "manifest.json"
    wanted = _manifest(households, seed, limit)
    if manifest_path.is_file() and json.loads(manifest_path.read_text()) == wanted:
        return False
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    pack = load_pack("2022-2025")
    next_id = 1
    for entry in _plan(households, seed):
        next_id = _write_province(root, entry, seed, limit, pack, next_id)
    manifest_path.write_text(json.dumps(wanted))
    return True


# -- analysis -----------------------------------------------------------------------------------


def partition_files(root: Path) -> list[tuple[int, Path, Path]]:
    """(province, households file, members file), province by province."""
    out = []
    for folder in sorted(root.glob("province=*")):
        province = int(folder.name.split("=", 1)[1])
        for households in sorted(folder.glob("households-*.parquet")):
            members = folder / households.name.replace("households-", "members-")
            out.append((province, households, members))
    return out


def _columns(pack: Pack) -> tuple[list[str], list[str]]:
    household = [f for f in pack.household_fields() if f != "household_id"]
    member = [f for f in pack.member_fields() if f != "household_id"]
    return [*household, "household_id", "commune", "size"], member


def read_part(pack: Pack, households_file: Path, members_file: Path) -> tuple[RawColumns, Any]:
    """One file's households and members as the engine's columns, and the commune codes."""
    household_columns, member_columns = _columns(pack)
    households = pl.read_parquet(households_file, columns=household_columns)
    members = pl.read_parquet(members_file, columns=member_columns)
    size = households["size"].to_numpy().astype(np.int64)
    starts = np.zeros(size.shape[0], dtype=np.intp)
    np.cumsum(size[:-1], out=starts[1:])
    cols = RawColumns(
        household_ids=households["household_id"].to_numpy(),
        households={c: households[c].to_numpy() for c in household_columns[:-3]},
        members={c: members[c].to_numpy() for c in member_columns},
        starts=starts,
        size=size,
        member_rows=np.arange(members.height, dtype=np.intp),
    )
    return cols, households["commune"].to_numpy()


def analyse(root: Path, pack: Pack) -> dict[str, Any]:
    """Classification and Alkire–Foster by province and commune, one file at a time."""
    spec = AFSpec.from_pack(pack)
    by_commune = AFTotals(spec, by="commune")
    province_of: dict[Hashable, int] = {}
    status = np.zeros(len(STATUSES), dtype=np.int64)
    status_by_province: dict[int, list[int]] = {}
    members = 0
    for province, households_file, members_file in partition_files(root):
        cols, communes = read_part(pack, households_file, members_file)
        members += cols.n_members
        result = classify_columns(pack, cols, workers=default_workers(cols.n_households))
        status += np.bincount(result.status_codes, minlength=len(STATUSES))
        provinces = np.full(cols.n_households, province, dtype=np.int16)
        by_commune.add(result.flags, communes)
        province_of.update(dict.fromkeys(np.unique(communes).tolist(), province))
        counts = status_counts_by_group(result.status_codes, provinces, len(STATUSES))[province]
        previous = status_by_province.get(province, [0] * len(STATUSES))
        status_by_province[province] = [a + b for a, b in zip(previous, counts, strict=True)]
    # Provinces from their communes' totals: sums are additive, no second pass over the data.
    by_province = by_commune.rollup(province_of, by="province")
    return {
        "members": members,
        "status_counts": dict(zip(STATUSES, status.tolist(), strict=True)),
        "status_by_province": status_by_province,
        "af_province": by_province.result(),
        "af_commune": by_commune.result(),
        "af_exact": by_province.exact(),
    }


def floor(root: Path, pack: Pack) -> int:
    """Reading the same columns of the same files with Polars alone."""
    household_columns, member_columns = _columns(pack)
    rows = 0
    for _province, households_file, members_file in partition_files(root):
        rows += pl.read_parquet(households_file, columns=household_columns).height
        rows += pl.read_parquet(members_file, columns=member_columns).height
    return rows


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _cpu_pressure() -> str | None:
    """Linux PSI: the share of time some task waited for a core (a shared machine's load)."""
    try:
        return Path("/proc/pressure/cpu").read_text().splitlines()[0]
    except (OSError, IndexError):
        return None


def _disk_mb(root: Path) -> float:
    return round(sum(p.stat().st_size for p in root.rglob("*.parquet")) / 2**20, 1)


def run(households: int, *, seed: int, data_dir: Path, limit: int, repeat: int) -> dict[str, Any]:
    started = time.perf_counter()
    # Generation in a child process: its memory is not the analysis's.
    child = subprocess.run(  # noqa: S603 - this script, with numbers
        [
            sys.executable,
            __file__,
            "--generate-only",
            "--households",
            str(households),
            "--seed",
            str(seed),
            "--data-dir",
            str(data_dir),
            "--file-households",
            str(limit),
        ],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    generated = json.loads(child.stdout)["written"]
    generate_s = time.perf_counter() - started
    generation_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    pack = load_pack("2022-2025")
    floor_s = float("inf")
    analysis_s = float("inf")
    outcome: dict[str, Any] = {}
    floor_cpu = analysis_cpu = float("inf")
    for _ in range(repeat):
        start, cpu = time.perf_counter(), _cpu()
        floor(data_dir, pack)
        floor_s = min(floor_s, time.perf_counter() - start)
        floor_cpu = min(floor_cpu, _cpu() - cpu)
        start, cpu = time.perf_counter(), _cpu()
        outcome = analyse(data_dir, pack)
        analysis_s = min(analysis_s, time.perf_counter() - start)
        analysis_cpu = min(analysis_cpu, _cpu() - cpu)
    af = outcome["af_province"]
    communes = outcome["af_commune"]
    load = os.getloadavg()
    return {
        "households": households,
        "members": outcome["members"],
        "standard": pack.code,
        "seed": seed,
        "files": len(partition_files(data_dir)),
        "provinces": len(af.groups or {}),
        "communes": len(communes.groups or {}),
        "data_dir": str(data_dir),
        "data_mb_on_disk": _disk_mb(data_dir),
        "generated_this_run": generated,
        "times_s": {
            "generation_or_cache_check_not_counted": round(generate_s, 2),
            "analysis": round(analysis_s, 3),
            "floor_polars_read_same_columns": round(floor_s, 3),
        },
        "cpu_s": {
            "analysis": round(analysis_cpu, 3),
            "floor": round(floor_cpu, 3),
            "note": (
                "user + system CPU of the process, every thread: on a shared machine the wall "
                "clock also counts the time spent waiting for a core"
            ),
        },
        "slowdown_vs_floor": round(analysis_s / floor_s, 2),
        "slowdown_vs_floor_cpu": round(analysis_cpu / floor_cpu, 2),
        "households_per_second": round(households / analysis_s),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_method": (
            "getrusage(RUSAGE_SELF).ru_maxrss of the analysing process (floor and analysis, "
            "all repeats); generation runs in a child process"
        ),
        "generation_child_peak_rss_mb": round(generation_rss, 1),
        "threads": {"classify": default_workers(10**6), "cpus": os.cpu_count()},
        "load_average_1_5_15": [round(v, 2) for v in load],
        "cpu_pressure": _cpu_pressure(),
        "status_counts": outcome["status_counts"],
        "af": {
            "k": str(af.spec.k),
            "H": af.H,
            "A": af.A,
            "M0": af.M0,
            "exact_totals": outcome["af_exact"],
        },
        "repeat": repeat,
        "targets": TARGETS,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="giamngheo bench national")
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20250701)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--file-households", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print JSON (the default format)")
    args = parser.parse_args(argv)
    if args.households < 1:
        parser.error("--households must be at least 1")
    data_dir = args.data_dir or Path("var") / "bench-national" / f"n{args.households}"
    if args.generate_only:
        written = generate_partitions(data_dir, args.households, args.seed, args.file_households)
        sys.stdout.write(json.dumps({"written": written}) + "\n")
        return 0
    out = run(
        args.households,
        seed=args.seed,
        data_dir=data_dir,
        limit=args.file_households,
        repeat=args.repeat,
    )
    sys.stdout.write(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
