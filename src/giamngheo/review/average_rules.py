"""The MSTB procedure's facts (``data/average_living.toml``), read once: the income period, the
exclusion of state social assistance, the review day, the occupations and the income form's
lines, each with its source and verification flag. The band itself is the rule pack's."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from giamngheo.review.average_models import IncomeItem, Occupation

DATA = Path(__file__).parent / "data" / "average_living.toml"


@dataclass(frozen=True)
class AverageRules:
    legal_basis: str
    income_months: int
    social_assistance_excluded: bool
    review_day: int
    posting: bool
    occupations: tuple[str, ...]
    income_items: tuple[str, ...]
    facts: dict[str, dict[str, Any]]

    def verified(self, key: str) -> bool:
        return bool(self.facts[key]["verified"])

    def source(self, key: str) -> str:
        return str(self.facts[key]["source"])


def parse(data: dict[str, Any]) -> AverageRules:
    facts = {k: v for k, v in data.items() if isinstance(v, dict)}
    for key, fact in facts.items():
        if not isinstance(fact.get("source"), str) or not isinstance(fact.get("verified"), bool):
            raise ValueError(f"average_living.{key}: needs a source and a verified flag")
    occupations = tuple(facts["occupations"]["codes"])
    items = tuple(facts["income_items"]["codes"])
    if not set(occupations) <= set(Occupation.values) or not occupations:
        raise ValueError("average_living.occupations: unknown code")
    if not set(items) <= set(IncomeItem.values) or not items:
        raise ValueError("average_living.income_items: unknown code")
    months = int(facts["income_months"]["value"])
    day = int(facts["review_day"]["value"])
    if not 1 <= months <= 24 or not 1 <= day <= 28:
        raise ValueError("average_living: income_months or review_day out of range")
    return AverageRules(
        legal_basis=str(data["legal_basis"]),
        income_months=months,
        social_assistance_excluded=bool(facts["social_assistance_excluded"]["value"]),
        review_day=day,
        posting=bool(facts["posting"]["value"]),
        occupations=occupations,
        income_items=items,
        facts=facts,
    )


@cache
def load() -> AverageRules:
    with DATA.open("rb") as handle:
        return parse(tomllib.load(handle))
