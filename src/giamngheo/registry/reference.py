"""Reference lists of the registry (data files, not code)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
KINH = "01"


@cache
def ethnicities() -> dict[str, str]:
    """The 54 ethnic groups with their GSO codes (Decision 121-TCTK/PPCĐ, 1979)."""
    with (DATA_DIR / "ethnicities.csv").open(encoding="utf-8") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}


def ethnicity_choices() -> list[tuple[str, str]]:
    return list(ethnicities().items())
