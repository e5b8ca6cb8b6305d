"""From validated answers to the engine's inputs, and from inputs to a survey result.

Everything here goes through the standards engine's public scalar path
(``classify_household`` for Phiếu B2, ``classify_flags`` for Phiếu B1), so the live preview,
the stored result and a later re-run are one computation. No database access: the rule pack is
passed in (``services`` and ``reproduce`` find it).

Inputs are stored as JSON exactly as the engine received them::

    {"kind": "deprivation", "by_score": false,
     "household": {"household_id": "A1-001", "area_type": "rural", "income": 1500000, ...},
     "members": [{"member_id": "12", "age": 40, "sex": "male", ...}, ...]}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from giamngheo.standards import Explanation, Pack, classify_flags, classify_household
from giamngheo.surveys.definitions import (
    SCORE_A,
    AnswersInvalid,
    CleanAnswers,
    FormSpec,
    Kind,
    Problem,
    flag_fields,
)

SCREENING_EXCLUDED = "excluded"
SCREENING_NEEDS_FULL = "needs_full_survey"
METHOD_FLAGS = "flags"


@dataclass(frozen=True)
class SurveyResult:
    """What a survey concludes. ``status`` is the proposed status ("" when the form cannot
    decide it, e.g. a Phiếu B1 at or below the poverty line, or a Phiếu A)."""

    kind: str
    standard_code: str
    standard_version: str
    method: str = ""  # "income", "score" or ""
    status: str = ""
    screening: str = ""
    income: int | None = None
    score_a: int | None = None
    score_b: int | None = None
    flags: Mapping[str, bool] | None = None
    count: int | None = None
    clause: str = ""
    explanation: Explanation | None = None
    # Reasons of a Phiếu A result, or why a Phiếu B1 cannot decide (Vietnamese).
    notes: tuple[str, ...] = field(default=())

    def stored_fields(self) -> dict[str, Any]:
        """The ``Survey`` columns holding this result."""
        return {
            "standard_code": self.standard_code,
            "standard_version": self.standard_version,
            "method": self.method,
            "status": self.status,
            "screening": self.screening,
            "income": self.income,
            "score_a": self.score_a,
            "score_b": self.score_b,
            "deprivation_flags": None if self.flags is None else dict(self.flags),
            "deprivation_count": self.count,
        }


def build_inputs(
    spec: FormSpec,
    answers: CleanAnswers,
    *,
    pack: Pack,
    household_code: str,
    area_type: str,
) -> dict[str, Any]:
    """The engine inputs for these answers: answers renamed to the engine fields they map to,
    plus the household's code and area type (from the registry, not asked on the form)."""
    if spec.kind is Kind.SCREENING:
        return {
            "kind": spec.kind.value,
            "household": {f.name: answers.household.get(f.name) for f in spec.household_fields},
            "excludes": [f.name for f in spec.household_fields if f.excludes],
        }
    household: dict[str, Any] = {"household_id": household_code, "area_type": area_type}
    if spec.kind is Kind.FLAGS:
        return flag_inputs(
            household_code=household_code,
            area_type=area_type,
            income=answers.household.get("income"),  # type: ignore[arg-type]
            flags={
                code: bool(answers.household.get(f.name)) for code, f in flag_fields(spec).items()
            },
        )
    for spec_field in spec.household_fields:
        value = answers.household.get(spec_field.name)
        if spec_field.maps_to and value is not None:
            household[spec_field.maps_to] = value
    by_score = household.get(SCORE_A) is not None
    if by_score and pack.score_method is None:
        raise AnswersInvalid(
            [
                Problem(
                    f"household.{SCORE_A}",
                    _("Chuẩn %(standard)s không phân loại theo điểm A; hãy nhập thu nhập.")
                    % {"standard": pack.code},
                )
            ]
        )
    members: list[dict[str, Any]] = []
    if spec.kind is Kind.DEPRIVATION:
        for row in answers.members:
            member: dict[str, Any] = {"member_id": str(row["person_id"])}
            for spec_field in spec.member_fields:
                value = row.get(spec_field.name)
                if spec_field.maps_to and value is not None:
                    member[spec_field.maps_to] = value
            members.append(member)
    return {
        "kind": spec.kind.value,
        "by_score": by_score,
        "household": household,
        "members": members,
    }


def flag_inputs(
    *, household_code: str, area_type: str, income: int, flags: Mapping[str, bool]
) -> dict[str, Any]:
    """The engine inputs of a results (flags) form: income and the given indicator flags."""
    return {
        "kind": Kind.FLAGS.value,
        "by_score": False,
        "household": {"household_id": household_code, "area_type": area_type, "income": income},
        "flags": dict(flags),
    }


def evaluate(pack: Pack, inputs: Mapping[str, Any], *, explain: bool = True) -> SurveyResult:
    """Run the engine's scalar path on stored or fresh inputs."""
    kind = inputs["kind"]
    if kind == Kind.SCREENING:
        return _screening(pack, inputs)
    if kind == Kind.FLAGS:
        return _flags(pack, inputs, explain)
    household = inputs["household"]
    by_score = bool(inputs.get("by_score"))
    income = household.get("income")
    score_a = household.get(SCORE_A) if by_score else None
    points = pack.score_method.points_per_deprivation if pack.score_method else None
    method = "score" if by_score else "income"
    if kind == Kind.DEPRIVATION:
        result = classify_household(
            pack, household, inputs["members"], explain_result=explain, by_score=by_score
        )
        return SurveyResult(
            kind=kind,
            standard_code=pack.code,
            standard_version=pack.version,
            method=method,
            status=result.status,
            income=income,
            score_a=score_a,
            # Circular 07/2021 Art. 1.1: score B = 10 points per deprived indicator.
            score_b=None if points is None else points * result.deprivation_count,
            flags=dict(result.flags),
            count=result.deprivation_count,
            clause=result.outcome.clause,
            explanation=result.explanation,
        )
    return _income_only(pack, household, by_score, income, score_a, explain, method)


def _income_only(
    pack: Pack,
    household: Mapping[str, Any],
    by_score: bool,
    income: int | None,
    score_a: int | None,
    explain: bool,
    method: str,
) -> SurveyResult:
    """Phiếu B1 alone: the status when income (or score A) decides it whatever the deprivations
    (found by classifying with no and with every indicator deprived), else "" (needs B2)."""
    area_type = str(household["area_type"])

    def run(deprived: bool) -> Any:
        flags = dict.fromkeys(pack.indicator_codes, deprived)
        if by_score:
            return classify_flags(
                pack, area_type=area_type, flags=flags, score_a=score_a, explain_result=explain
            )
        return classify_flags(
            pack, area_type=area_type, flags=flags, income=income, explain_result=explain
        )

    none, every = run(False), run(True)
    common = dict(
        kind=Kind.INCOME.value,
        standard_code=pack.code,
        standard_version=pack.version,
        method=method,
        income=income,
        score_a=score_a,
    )
    if none.status == every.status:
        return SurveyResult(
            **common,  # type: ignore[arg-type]
            status=none.status,
            clause=none.outcome.clause,
            explanation=none.explanation,
        )
    return SurveyResult(
        **common,  # type: ignore[arg-type]
        notes=(
            _(
                "Thu nhập (hoặc điểm A) chưa đủ để phân loại: cần Phiếu B2 để xác định hộ nghèo "
                "hay hộ cận nghèo."
            ),
        ),
    )


def _flags(pack: Pack, inputs: Mapping[str, Any], explain: bool) -> SurveyResult:
    """Results entered as flags: ``classify_flags`` on the given flags and income."""
    household = inputs["household"]
    income = household["income"]
    result = classify_flags(
        pack,
        area_type=str(household["area_type"]),
        flags=inputs["flags"],
        income=income,
        household_id=household.get("household_id"),
        explain_result=explain,
    )
    return SurveyResult(
        kind=Kind.FLAGS.value,
        standard_code=pack.code,
        standard_version=pack.version,
        method=METHOD_FLAGS,
        status=result.status,
        income=income,
        score_b=flag_score_b(pack, result.deprivation_count),
        flags=dict(result.flags),
        count=result.deprivation_count,
        clause=result.outcome.clause,
        explanation=result.explanation,
    )


def flag_score_b(pack: Pack, count: int) -> int | None:
    """Score B (Circular 07/2021 Art. 1.1: points per deprived indicator), where the pack has it."""
    points = pack.score_method.points_per_deprivation if pack.score_method else None
    return None if points is None else points * count


def _screening(pack: Pack, inputs: Mapping[str, Any]) -> SurveyResult:
    answers = inputs["household"]
    hits = [name for name in inputs["excludes"] if answers.get(name) is True]
    return SurveyResult(
        kind=Kind.SCREENING.value,
        standard_code=pack.code,
        standard_version=pack.version,
        screening=SCREENING_EXCLUDED if hits else SCREENING_NEEDS_FULL,
        notes=tuple(hits),
    )


def same_result(stored: Mapping[str, Any], fresh: SurveyResult) -> list[str]:
    """Names of the result columns where ``fresh`` differs from the ``stored`` values."""
    now = fresh.stored_fields()
    return [name for name in sorted(now) if stored.get(name) != now[name]]


def member_names(members: Sequence[Any]) -> dict[str, str]:
    """member_id (person id as text) → name, for explanations."""
    return {str(m.person_id): m.name for m in members}
