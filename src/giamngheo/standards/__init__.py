"""Poverty standards engine: rule packs, classification with explanations, Alkire–Foster
measures and what-if simulation. A pure Python library: no Django import anywhere here.

Typical use::

    from giamngheo.standards import load_pack, classify_household

    pack = load_pack("2022-2025")
    result = classify_household(pack, household, members, explain_result=True)
    result.status, result.deprived, result.explanation.text.vi

See docs/standards.md for the pack format, the raw survey schema and the command line.
"""

from giamngheo.standards.classify import (
    Classification,
    HouseholdResult,
    classify_columns,
    classify_flag_columns,
    classify_flags,
    classify_household,
    evaluate_flags,
    household_flags,
)
from giamngheo.standards.columns import RawColumns
from giamngheo.standards.errors import (
    InputError,
    InputProblem,
    PackError,
    PackIssue,
    UnknownStandardError,
)
from giamngheo.standards.explain import Explanation
from giamngheo.standards.measures import AFResult, AFSpec, af_change, alkire_foster
from giamngheo.standards.packs import (
    Pack,
    available_standards,
    load_all,
    load_pack,
    load_pack_file,
    pack_for_review_year,
)
from giamngheo.standards.schema import HOUSEHOLD_FIELDS, MEMBER_FIELDS, STATUSES
from giamngheo.standards.simulate import Transitions, transitions

__all__ = [
    "HOUSEHOLD_FIELDS",
    "MEMBER_FIELDS",
    "STATUSES",
    "AFResult",
    "AFSpec",
    "Classification",
    "Explanation",
    "HouseholdResult",
    "InputError",
    "InputProblem",
    "Pack",
    "PackError",
    "PackIssue",
    "RawColumns",
    "Transitions",
    "UnknownStandardError",
    "af_change",
    "alkire_foster",
    "available_standards",
    "classify_columns",
    "classify_flag_columns",
    "classify_flags",
    "classify_household",
    "evaluate_flags",
    "household_flags",
    "load_all",
    "load_pack",
    "load_pack_file",
    "pack_for_review_year",
    "transitions",
]
