"""Deterministic synthetic households for the demo province and for benchmarks.

Pure: no Django, no database. Everything is drawn column by column with NumPy from
``default_rng`` streams derived from one seed, so the same communes, number of households and
seed give byte-identical data (``DemoData.fingerprint``), and a million households take seconds.

The model, in one paragraph: each commune has a size weight and a profile (urban/rural,
mountain, share and mix of ethnic minorities; the profile table below covers Quảng Trị, other
provinces get a lowland default). Households get a size, a head, and a composition (spouse,
parents, children, or an older head's married child and grandchildren), from which ages,
sexes and names follow. One latent "wealth" score per household drives income (log-normal,
lower in mountain communes and minority households) and, more weakly, every deprivation
(housing, water, latrine, internet, insurance gaps, schooling, informal work, child
malnutrition), so that households under the poverty line are also the ones that lack services,
as in real survey data. The figures are plausible orders of magnitude, not statistics.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from giamngheo.standards import schema
from giamngheo.synthetic.living import (
    with_living_conditions,
)
from giamngheo.synthetic.people import (
    MemberBuilder,
    household_columns,
)
from giamngheo.synthetic.profiles import (
    DEFAULT_HOUSEHOLDS,
    DEFAULT_SEED,
    DEMO_COMMUNES,
    POVERTY_REASONS,
    REFERENCE_DATE,
    RELATIONS,
    SUPPORT_NEEDS,
    CommuneInput,
    CommuneProfile,
    IntArray,
    VillagePlan,
    commune_profile,
    official_communes,
    official_province_name,
    plan_villages,
)
from giamngheo.synthetic.text import (
    names_and_text,
)

# -- the data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoData:
    """Generated households and members, columnar.

    ``households`` has one row per household in village order; ``members`` one row per person,
    grouped by household (column ``household`` = household row) with the head first.
    Enumerated survey fields hold ``schema`` codes (the value's position in its tuple); use
    ``household_frame_for_db``/``member_frame_for_db`` for the stored strings.
    """

    province_code: str
    province_name: str
    seed: int
    villages: tuple[VillagePlan, ...]
    households: pl.DataFrame
    members: pl.DataFrame
    reference_date: dt.date = REFERENCE_DATE
    stats: Mapping[str, Any] = field(default_factory=dict)

    @property
    def n_households(self) -> int:
        return self.households.height

    @property
    def n_members(self) -> int:
        return self.members.height

    def fingerprint(self) -> str:
        """SHA-256 of every generated column and the village plan."""
        digest = hashlib.sha256()
        digest.update(repr((self.province_code, self.seed, self.villages)).encode())
        for frame in (self.households, self.members):
            for name in frame.columns:
                digest.update(name.encode())
                digest.update(frame.select(name).write_csv(include_header=False).encode())
        return digest.hexdigest()

    def survey_columns(
        self,
    ) -> tuple[IntArray, dict[str, NDArray[Any]], IntArray, dict[str, NDArray[Any]]]:
        """(household ids, household fields, member household ids, member fields) in the raw
        survey schema of the standards engine, ready for ``RawColumns.build``."""
        h, m = self.households, self.members
        households = {
            name: h[name].to_numpy()
            for name in (f.name for f in schema.HOUSEHOLD_FIELDS)
            if name != "household_id"
        }
        members = {
            name: m[name].to_numpy()
            for name in (f.name for f in schema.MEMBER_FIELDS)
            if name not in ("household_id", "member_id")
        }
        return (
            np.arange(h.height, dtype=np.int64),
            households,
            m["household"].to_numpy().astype(np.int64),
            members,
        )


def generate(
    *,
    province_code: str,
    province_name: str,
    communes: Sequence[CommuneInput],
    households: int = DEFAULT_HOUSEHOLDS,
    seed: int = DEFAULT_SEED,
    villages: Sequence[VillagePlan] | None = None,
) -> DemoData:
    """Generate ``households`` households with their members over ``communes``.

    ``villages`` defaults to ``plan_villages(...)``; the loader passes the plan with the area
    kinds of the villages as stored (a village may have been set urban/rural by a user).
    """
    if households < 1:
        raise ValueError("households must be >= 1")
    if seed < 0:
        raise ValueError("seed must be >= 0")
    plans = tuple(
        villages if villages is not None else plan_villages(province_code, communes, seed=seed)
    )
    by_code = {c.code: c for c in communes}
    profiles = {c.code: commune_profile(province_code, c) for c in communes}
    if not plans:
        raise ValueError("no villages to put households in")

    columns = household_columns(province_code, plans, by_code, profiles, households, seed)
    member_columns = MemberBuilder(seed, columns).build()
    columns = with_living_conditions(seed, columns, member_columns)
    household_frame, member_frame = names_and_text(
        seed, province_code, province_name, plans, by_code, columns, member_columns
    )
    return DemoData(
        province_code=province_code,
        province_name=province_name,
        seed=seed,
        villages=plans,
        households=household_frame,
        members=member_frame,
    )


__all__ = [
    "DEFAULT_HOUSEHOLDS",
    "DEFAULT_SEED",
    "DEMO_COMMUNES",
    "POVERTY_REASONS",
    "REFERENCE_DATE",
    "RELATIONS",
    "SUPPORT_NEEDS",
    "CommuneInput",
    "CommuneProfile",
    "DemoData",
    "VillagePlan",
    "commune_profile",
    "generate",
    "official_communes",
    "official_province_name",
    "plan_villages",
]
