"""bench/national.py at small N: the partitioned files hold every household once, and the
streaming analysis (file by file, communes rolled up into provinces) equals the engine's one
pass over all the data read at once (classification counts and Alkire–Foster measures)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import polars as pl

from giamngheo.lib.paths import checkout_root
from giamngheo.standards.classify import classify_columns
from giamngheo.standards.measures import AFSpec, alkire_foster
from giamngheo.standards.packs import load_pack


def _bench() -> ModuleType:
    root = checkout_root()
    assert root is not None
    spec = importlib.util.spec_from_file_location("bench_national", root / "bench" / "national.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_streaming_equals_one_pass(tmp_path: Path) -> None:
    bench = _bench()
    pack = load_pack("2022-2025")
    # Small files: several per province, so partitions really split the data.
    assert bench.generate_partitions(tmp_path, 6_000, 7, 150) is True
    assert bench.generate_partitions(tmp_path, 6_000, 7, 150) is False  # cached
    files = bench.partition_files(tmp_path)
    assert len(files) > 34
    streamed = bench.analyse(tmp_path, pack)

    # One pass: every file's columns concatenated, classified and measured at once.
    parts = [bench.read_part(pack, h, m) for _p, h, m in files]
    provinces = np.concatenate(
        [
            np.full(cols.n_households, p, dtype=np.int64)
            for (p, _h, _m), (cols, _c) in zip(files, parts, strict=True)
        ]
    )
    communes = np.concatenate([c for _cols, c in parts])
    households = pl.concat(pl.read_parquet(h) for _p, h, _m in files)
    assert households.height == 6_000
    assert households["household_id"].n_unique() == 6_000
    assert households["size"].cast(pl.Int64).sum() == streamed["members"]
    all_flags = [classify_columns(pack, cols, workers=1) for cols, _c in parts]
    flags = {
        code: np.concatenate([r.flags[code] for r in all_flags]) for code in pack.indicator_codes
    }
    statuses = np.concatenate([r.status_codes for r in all_flags])
    counts = dict(
        zip(
            ("poor", "near_poor", "average_living_standard", "not_poor"),
            np.bincount(statuses, minlength=4).tolist(),
            strict=True,
        )
    )
    assert streamed["status_counts"] == counts
    spec = AFSpec.from_pack(pack)
    by_province = alkire_foster(flags, spec, groups=provinces, by="province")
    by_commune = alkire_foster(flags, spec, groups=communes, by="commune")
    assert streamed["af_province"].to_dict() == by_province.to_dict()
    assert streamed["af_commune"].to_dict() == by_commune.to_dict()
