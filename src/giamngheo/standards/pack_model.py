"""The pack model: what a loaded, validated rule pack says (immutable values).

Built by `giamngheo.standards.pack_validation` from the TOML files that `giamngheo.standards.packs`
finds and merges; every fact carries its source and whether it was verified.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Final

from giamngheo.standards.evaluators import Evaluator
from giamngheo.standards.text import Text

RULE_INCOME_ONLY_OR_COUNT: Final = "income_only_or_count"
RULE_INCOME_AND_COUNT: Final = "income_and_count"
RULES: Final = (RULE_INCOME_ONLY_OR_COUNT, RULE_INCOME_AND_COUNT)


# -- the pack model ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """Where a rule comes from and whether that was checked against a quoting source."""

    source: str
    verified: bool
    note: str | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"source": self.source, "verified": self.verified}
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class ByArea:
    """A whole number per area type (income lines in đồng, score cut-offs in points)."""

    rural: int
    urban: int
    fact: Fact

    def for_area(self, area_type: str) -> int:
        return self.urban if area_type == "urban" else self.rural

    def to_dict(self) -> dict[str, object]:
        return {"rural": self.rural, "urban": self.urban, **self.fact.to_dict()}


@dataclass(frozen=True)
class LegalBasis:
    document: str
    article: str
    date: str | None
    fact: Fact

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"document": self.document, "article": self.article}
        if self.date:
            out["date"] = self.date
        return {**out, **self.fact.to_dict()}


@dataclass(frozen=True)
class Classification:
    rule: str
    deprivation_cutoff: int
    reference: Text
    fact: Fact

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "deprivation_cutoff": self.deprivation_cutoff,
            "reference": self.reference.to_dict(),
            **self.fact.to_dict(),
        }


@dataclass(frozen=True)
class ScoreMethod:
    """Circular 07/2021 scores: A estimates income, B = points × deprivations."""

    income_score_cutoff: ByArea
    points_per_deprivation: int
    deprivation_score_cutoff: int
    reference: Text
    fact: Fact

    def to_dict(self) -> dict[str, object]:
        return {
            "income_score_cutoff": {
                "rural": self.income_score_cutoff.rural,
                "urban": self.income_score_cutoff.urban,
            },
            "points_per_deprivation": self.points_per_deprivation,
            "deprivation_score_cutoff": self.deprivation_score_cutoff,
            "reference": self.reference.to_dict(),
            **self.fact.to_dict(),
        }


@dataclass(frozen=True)
class Dimension:
    code: str
    label: Text


@dataclass(frozen=True)
class Reading:
    """One way to read an indicator whose wording the sources give differently.

    A pack keeps every reading it knows, chooses one (``Indicator.reading``) and shows the others,
    so a province can switch by stating its own source, without a code change. Example: the
    2022-2025 health-insurance threshold reads "any member aged 6 or over" in one source and "a
    child over 6" in another.
    """

    code: str
    label: Text
    params: Mapping[str, object]
    evaluator: Evaluator
    fact: Fact

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "label": self.label.to_dict(),
            "params": dict(self.params),
            "threshold": self.evaluator.threshold().to_dict(),
            **self.fact.to_dict(),
        }


@dataclass(frozen=True)
class Indicator:
    code: str
    dimension: str
    label: Text
    evaluator_name: str
    params: Mapping[str, object]
    evaluator: Evaluator
    weight: Fraction
    fact: Fact
    # The chosen reading (its params and evaluator are the indicator's) and every known one.
    reading: str | None = None
    readings: tuple[Reading, ...] = ()

    @property
    def other_readings(self) -> tuple[Reading, ...]:
        return tuple(r for r in self.readings if r.code != self.reading)

    def to_dict(self) -> dict[str, object]:
        threshold = self.evaluator.threshold()
        return {
            "code": self.code,
            "dimension": self.dimension,
            "label": self.label.to_dict(),
            "evaluator": self.evaluator_name,
            "params": dict(self.params),
            "threshold": threshold.to_dict(),
            "weight": f"{self.weight.numerator}/{self.weight.denominator}",
            "household_fields": list(self.evaluator.household_fields()),
            "member_fields": list(self.evaluator.member_fields()),
            **self.fact.to_dict(),
            "reading": self.reading,
            "readings": [reading.to_dict() for reading in self.readings],
        }


@dataclass(frozen=True)
class Pack:
    """A validated poverty standard."""

    code: str
    version: str
    name: Text
    inherits: str | None
    legal_basis: LegalBasis
    review_years: tuple[int, int]
    review_years_fact: Fact
    structure: Fact
    poverty_line: ByArea
    near_poverty_line: ByArea | None
    average_upper: ByArea | None
    classification: Classification
    score_method: ScoreMethod | None
    dimensions: tuple[Dimension, ...]
    indicators: tuple[Indicator, ...]
    files: tuple[str, ...] = field(default=())

    @property
    def indicator_codes(self) -> tuple[str, ...]:
        return tuple(indicator.code for indicator in self.indicators)

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(code)

    def household_fields(self) -> tuple[str, ...]:
        """Household-level raw fields needed to evaluate this pack from survey data."""
        names = ["household_id", "area_type", "income"]
        for indicator in self.indicators:
            names.extend(indicator.evaluator.household_fields())
        return tuple(dict.fromkeys(names))

    def member_fields(self) -> tuple[str, ...]:
        """Member-level raw fields needed to evaluate this pack from survey data."""
        names = ["household_id"]
        for indicator in self.indicators:
            names.extend(indicator.evaluator.member_fields())
        return tuple(dict.fromkeys(names))

    def covers_year(self, year: int) -> bool:
        return self.review_years[0] <= year <= self.review_years[1]

    @property
    def verified(self) -> bool:
        """True only when every fact of the pack is verified."""
        facts = [
            self.legal_basis.fact,
            self.review_years_fact,
            self.structure,
            self.poverty_line.fact,
            self.classification.fact,
            *(i.fact for i in self.indicators),
        ]
        for optional in (self.near_poverty_line, self.average_upper, self.score_method):
            if optional is not None:
                facts.append(optional.fact)
        return all(fact.verified for fact in facts)

    def to_dict(self) -> dict[str, object]:
        """Everything `giamngheo standards show CODE --format json` prints."""
        lines: dict[str, object] = {"poverty": self.poverty_line.to_dict()}
        if self.near_poverty_line is not None:
            lines["near_poverty"] = self.near_poverty_line.to_dict()
        if self.average_upper is not None:
            lines["average_living_standard"] = self.average_upper.to_dict()
        return {
            "code": self.code,
            "version": self.version,
            "name": self.name.to_dict(),
            "inherits": self.inherits,
            "legal_basis": self.legal_basis.to_dict(),
            "review_years": {
                "first": self.review_years[0],
                "last": self.review_years[1],
                **self.review_years_fact.to_dict(),
            },
            "structure": self.structure.to_dict(),
            "income_lines": lines,
            "classification": self.classification.to_dict(),
            "score_method": None if self.score_method is None else self.score_method.to_dict(),
            "dimensions": [
                {
                    "code": d.code,
                    "label": d.label.to_dict(),
                    "indicators": [i.code for i in self.indicators if i.dimension == d.code],
                }
                for d in self.dimensions
            ],
            "indicators": [indicator.to_dict() for indicator in self.indicators],
            "verified": self.verified,
            "files": list(self.files),
        }
