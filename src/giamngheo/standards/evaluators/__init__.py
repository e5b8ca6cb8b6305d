"""Indicator evaluators: named, parameterised rules that decide one deprivation indicator.

A rule pack names an evaluator for each indicator and gives its parameters (ages, the m² threshold,
the clean water sources…). No threshold is written here: every number and list comes from the pack.
Each evaluator has two implementations that must agree exactly:

- `is_deprived` / `causes` on one household given as plain mappings (the scalar path, for forms and
  for explanations), and
- `vector` on `RawColumns` (the vectorised path, for millions of households).

Member-level evaluators of the form "at least one member who…" derive from `MemberAnyEvaluator`;
the engine packs their member masks into bits and aggregates them in a single pass.
"""

from __future__ import annotations

from collections.abc import Mapping

from giamngheo.standards.evaluators.base import (
    AgeRange,
    Cause,
    Evaluator,
    MemberAnyEvaluator,
    MemberCountEvaluator,
    ParamIssue,
    ParamReader,
    Row,
    parse_exact_fraction,
)
from giamngheo.standards.evaluators.households import (
    DependantShareAbove,
    FloorAreaPerPersonBelow,
    LacksAll,
    StructuresNonDurable,
    ValueNotIn,
)
from giamngheo.standards.evaluators.members import (
    AnyMemberIn,
    AnyMemberWith,
    AnyMemberWithout,
    EducationBelowAgeLevel,
)
from giamngheo.standards.toml_lines import KeyPath

# -- registry ------------------------------------------------------------------------------------


EVALUATORS: Mapping[str, type[Evaluator]] = {
    cls.name: cls
    for cls in (
        AnyMemberIn,
        AnyMemberWith,
        AnyMemberWithout,
        EducationBelowAgeLevel,
        DependantShareAbove,
        FloorAreaPerPersonBelow,
        StructuresNonDurable,
        ValueNotIn,
        LacksAll,
    )
}


def build_evaluator(
    name: str, params: Mapping[str, object], path: KeyPath
) -> tuple[Evaluator | None, list[ParamIssue]]:
    """Instantiate evaluator `name` from pack parameters; returns it (or None) and the mistakes."""
    cls = EVALUATORS.get(name)
    if cls is None:
        known = ", ".join(sorted(EVALUATORS))
        return None, [((*path[:-1], "evaluator"), f"unknown evaluator {name!r} (known: {known})")]
    reader = ParamReader(params, path)
    evaluator = cls.from_params(reader)
    issues = reader.finish()
    return (None if issues else evaluator), issues


__all__ = [
    "EVALUATORS",
    "AgeRange",
    "AnyMemberIn",
    "AnyMemberWith",
    "AnyMemberWithout",
    "Cause",
    "DependantShareAbove",
    "EducationBelowAgeLevel",
    "Evaluator",
    "FloorAreaPerPersonBelow",
    "LacksAll",
    "MemberAnyEvaluator",
    "MemberCountEvaluator",
    "ParamIssue",
    "ParamReader",
    "Row",
    "StructuresNonDurable",
    "ValueNotIn",
    "build_evaluator",
    "parse_exact_fraction",
]
