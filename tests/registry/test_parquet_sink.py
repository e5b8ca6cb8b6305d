"""registry.parquet._sink: frames produced on the caller's thread reach one Parquet file through
Polars' streaming sink; an empty export still has its columns; a failing producer stops the
writer (no hang, the producer's error is raised)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from giamngheo.registry.parquet import _sink

SCHEMA = {"key": pl.String, "n": pl.Int16}


def _frames(count: int) -> Iterator[pl.DataFrame]:
    for i in range(count):
        yield pl.DataFrame({"key": [f"k{i}", f"l{i}"], "n": [i, -i]})


def test_frames_are_written_in_order_with_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    assert _sink(path, SCHEMA, _frames(7)) == 14
    frame = pl.read_parquet(path)
    assert frame.schema == pl.Schema(SCHEMA)
    assert frame["key"].to_list() == [k for i in range(7) for k in (f"k{i}", f"l{i}")]


def test_an_empty_export_keeps_its_columns(tmp_path: Path) -> None:
    path = tmp_path / "empty.parquet"
    assert _sink(path, SCHEMA, iter([])) == 0
    assert pl.read_parquet(path).schema == pl.Schema(SCHEMA)


def test_a_failing_producer_stops_the_writer(tmp_path: Path) -> None:
    def failing() -> Iterator[pl.DataFrame]:
        yield from _frames(2)
        raise ValueError("database went away")

    before = threading.active_count()
    with pytest.raises(ValueError, match="database went away"):
        _sink(tmp_path / "f.parquet", SCHEMA, failing())
    assert threading.active_count() == before
