"""The MSTB procedure's facts (``review/data/average_living.toml``): each has a source and a
verification flag, the codes are the models' and the verified ones are those the law notes quote."""

from __future__ import annotations

import copy
import tomllib
from typing import Any

import pytest

from giamngheo.review import average_rules


def shipped() -> dict[str, Any]:
    with average_rules.DATA.open("rb") as handle:
        return tomllib.load(handle)


def test_the_shipped_facts() -> None:
    rules = average_rules.load()
    # QĐ 24/2021 Art. 2.2 (quoted): 12 months, state social assistance not counted.
    assert rules.income_months == 12 and rules.verified("income_months")
    assert rules.social_assistance_excluded and rules.verified("social_assistance_excluded")
    # Art. 3 (quoted): from the 15th of each month.
    assert rules.review_day == 15 and rules.verified("review_day")
    assert set(rules.occupations) == {"agriculture", "forestry", "fishery", "salt"}
    # No posting step is known and no score cut-off exists: both unverified assumptions.
    assert rules.posting is False and not rules.verified("posting")
    assert not rules.verified("income_items") and not rules.verified("household_applies")


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("occupations", "codes"), ["agriculture", "trade"]),
        (("income_items", "codes"), ["crops", "lottery"]),
        (("income_months", "value"), 0),
        (("review_day", "value"), 31),
        (("posting", "source"), None),
    ],
)
def test_bad_data_is_refused(path: tuple[str, str], value: object) -> None:
    data = copy.deepcopy(shipped())
    if value is None:
        del data[path[0]][path[1]]
    else:
        data[path[0]][path[1]] = value
    with pytest.raises(ValueError):
        average_rules.parse(data)
