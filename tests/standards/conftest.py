"""Fixtures of the standards tests: the shipped packs (pure Python, no database)."""

from __future__ import annotations

import pytest

from giamngheo.standards.packs import Pack, load_pack


@pytest.fixture(scope="session")
def pack_2016() -> Pack:
    return load_pack("2016-2020")


@pytest.fixture(scope="session")
def pack_2022() -> Pack:
    return load_pack("2022-2025")


@pytest.fixture(scope="session")
def pack_2027() -> Pack:
    return load_pack("2027-2030")
