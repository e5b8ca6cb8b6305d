"""The loan policies' limits as data (``data/loan_limits.toml``), read once per process."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

DATA = Path(__file__).parent / "data" / "loan_limits.toml"


@dataclass(frozen=True)
class PolicyLimits:
    code: str
    name: str
    max_amount: Decimal
    max_term_months: int
    annual_rate: Decimal
    legal_basis: str
    verified: bool
    note: str


@functools.cache
def policies() -> dict[str, PolicyLimits]:
    with DATA.open("rb") as handle:
        raw = tomllib.load(handle)
    return {
        code: PolicyLimits(
            code=code,
            name=entry["name"],
            max_amount=Decimal(entry["max_amount"]),
            max_term_months=int(entry["max_term_months"]),
            annual_rate=Decimal(entry["annual_rate"]),
            legal_basis=entry["legal_basis"],
            verified=bool(entry["verified"]),
            note=entry.get("note", ""),
        )
        for code, entry in raw["policies"].items()
    }


def for_programme(code: str) -> PolicyLimits | None:
    return policies().get(code)
