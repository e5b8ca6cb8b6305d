"""Explanations: why a household got its status, in Vietnamese and English.

The message templates below are data: one per clause of the status rules, with placeholders for
the numbers compared. Money is shown as 1.500.000 đ (vi) and 1,500,000 VND (en).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from giamngheo.standards.evaluators import Cause
from giamngheo.standards.packs import Pack
from giamngheo.standards.rules import RuleOutcome
from giamngheo.standards.schema import AREA_LABELS, STATUS_LABELS
from giamngheo.standards.text import Text, format_dong_en, format_dong_vi

# Placeholders: {income} {poverty_line} {near_poverty_line} {lower_line} {average_upper} (money);
# {count} {cutoff} {score_a} {score_cutoff} {score_b} {score_b_cutoff} {points} (numbers);
# {area} (area label); {lower_name} (name of the line below the MSTB band).
RULE_TEMPLATES: Final[Mapping[str, Text]] = {
    "income_at_or_below_poverty_line": Text(
        "Thu nhập bình quân {income} không vượt chuẩn nghèo {area} {poverty_line}: hộ nghèo, "
        "không phụ thuộc số chỉ số thiếu hụt ({count}).",
        "Income {income} is at or below the {area} poverty line {poverty_line}: poor whatever "
        "the number of deprivations ({count}).",
    ),
    "near_poverty_band_with_deprivations": Text(
        "Thu nhập bình quân {income} trên chuẩn nghèo {poverty_line} và không vượt mức sống tối "
        "thiểu {near_poverty_line} ({area}), thiếu hụt {count} chỉ số (từ {cutoff} trở lên): "
        "hộ nghèo.",
        "Income {income} is above the poverty line {poverty_line} and at or below the "
        "near-poverty line {near_poverty_line} ({area}), with {count} deprivations (at least "
        "{cutoff}): poor.",
    ),
    "near_poverty_band_few_deprivations": Text(
        "Thu nhập bình quân {income} trên chuẩn nghèo {poverty_line} và không vượt mức sống tối "
        "thiểu {near_poverty_line} ({area}), thiếu hụt {count} chỉ số (dưới {cutoff}): hộ cận "
        "nghèo.",
        "Income {income} is above the poverty line {poverty_line} and at or below the "
        "near-poverty line {near_poverty_line} ({area}), with {count} deprivations (fewer than "
        "{cutoff}): near-poor.",
    ),
    "at_or_below_line_with_deprivations": Text(
        "Thu nhập bình quân {income} không vượt chuẩn nghèo {area} {poverty_line} và thiếu hụt "
        "{count} chỉ số (từ {cutoff} trở lên): hộ nghèo.",
        "Income {income} is at or below the {area} poverty line {poverty_line} and the household "
        "has {count} deprivations (at least {cutoff}): poor.",
    ),
    "at_or_below_line_few_deprivations": Text(
        "Thu nhập bình quân {income} không vượt chuẩn nghèo {area} {poverty_line} và thiếu hụt "
        "{count} chỉ số (dưới {cutoff}): hộ cận nghèo.",
        "Income {income} is at or below the {area} poverty line {poverty_line} and the household "
        "has {count} deprivations (fewer than {cutoff}): near-poor.",
    ),
    "average_band": Text(
        "Thu nhập bình quân {income} trên {lower_name} {lower_line} và không vượt "
        "{average_upper} ({area}): hộ có mức sống trung bình.",
        "Income {income} is above the {lower_name} {lower_line} and at or below {average_upper} "
        "({area}): average living standard.",
    ),
    "above_average_band": Text(
        "Thu nhập bình quân {income} trên {average_upper}, mức trên của hộ có mức sống trung "
        "bình ({area}): không thuộc diện nghèo, cận nghèo hay mức sống trung bình.",
        "Income {income} is above {average_upper}, the upper bound of the average living "
        "standard ({area}): neither poor, near-poor nor average living standard.",
    ),
    "above_lines": Text(
        "Thu nhập bình quân {income} trên {lower_name} {lower_line} ({area}): không thuộc diện "
        "nghèo, cận nghèo (chuẩn này không quy định mức sống trung bình).",
        "Income {income} is above the {lower_name} {lower_line} ({area}): neither poor nor "
        "near-poor (this standard sets no average-living-standard band).",
    ),
    "score_poor": Text(
        "Điểm A = {score_a} không vượt {score_cutoff} ({area}) và điểm B = {score_b} "
        "({count} chỉ số × {points}) từ {score_b_cutoff} trở lên: hộ nghèo.",
        "Score A = {score_a} is at or below {score_cutoff} ({area}) and score B = {score_b} "
        "({count} deprivations × {points}) is at least {score_b_cutoff}: poor.",
    ),
    "score_near_poor": Text(
        "Điểm A = {score_a} không vượt {score_cutoff} ({area}) và điểm B = {score_b} "
        "({count} chỉ số × {points}) dưới {score_b_cutoff}: hộ cận nghèo.",
        "Score A = {score_a} is at or below {score_cutoff} ({area}) and score B = {score_b} "
        "({count} deprivations × {points}) is below {score_b_cutoff}: near-poor.",
    ),
    "score_not_poor": Text(
        "Điểm A = {score_a} trên {score_cutoff} ({area}): không thuộc diện nghèo, cận nghèo.",
        "Score A = {score_a} is above {score_cutoff} ({area}): neither poor nor near-poor.",
    ),
}

_MONEY_KEYS: Final = frozenset(
    {"income", "poverty_line", "near_poverty_line", "lower_line", "average_upper"}
)
_LINE_NAMES: Final[Mapping[str, Text]] = {
    "poverty_line": Text("chuẩn nghèo", "poverty line"),
    "near_poverty_line": Text("mức sống tối thiểu (chuẩn cận nghèo)", "near-poverty line"),
}


@dataclass(frozen=True)
class DeprivationReason:
    """One deprived indicator: the threshold applied and what caused it."""

    indicator: str
    label: Text
    threshold: Text
    causes: tuple[Cause, ...]
    verified: bool

    def to_dict(self) -> dict[str, object]:
        return {
            "indicator": self.indicator,
            "label": self.label.to_dict(),
            "threshold": self.threshold.to_dict(),
            "causes": [cause.to_dict() for cause in self.causes],
            "verified": self.verified,
        }


@dataclass(frozen=True)
class Explanation:
    """Why a household has its status under one standard."""

    standard: str
    status: str
    clause: str
    rule: Text
    reference: Text
    rule_verified: bool
    deprivations: tuple[DeprivationReason, ...]

    @property
    def text(self) -> Text:
        """The whole explanation as one paragraph per language."""
        status = STATUS_LABELS[self.status]
        vi = [f"Chuẩn {self.standard}: {status.vi}. {self.rule.vi} Căn cứ: {self.reference.vi}."]
        en = [f"Standard {self.standard}: {status.en}. {self.rule.en} Basis: {self.reference.en}."]
        for reason in self.deprivations:
            causes_vi = "; ".join(c.fact.vi for c in reason.causes)
            causes_en = "; ".join(c.fact.en for c in reason.causes)
            vi.append(f"Thiếu hụt {reason.label.vi} ({reason.threshold.vi}): {causes_vi}.")
            en.append(f"Deprived in {reason.label.en} ({reason.threshold.en}): {causes_en}.")
        unverified = [r.indicator for r in self.deprivations if not r.verified]
        if unverified or not self.rule_verified:
            vi.append("Lưu ý: có ngưỡng/quy định chưa được đối chiếu với văn bản gốc.")
            en.append("Note: some thresholds or rules are not verified against the legal text.")
        return Text(" ".join(vi), " ".join(en))

    def to_dict(self) -> dict[str, object]:
        return {
            "standard": self.standard,
            "status": self.status,
            "status_label": STATUS_LABELS[self.status].to_dict(),
            "rule": {
                "clause": self.clause,
                **self.rule.to_dict(),
                "reference": self.reference.to_dict(),
                "verified": self.rule_verified,
            },
            "deprivations": [reason.to_dict() for reason in self.deprivations],
            "text": self.text.to_dict(),
        }


def render_rule(outcome: RuleOutcome) -> Text:
    """Fill the template of the clause that decided the status."""
    template = RULE_TEMPLATES[outcome.clause]
    area = AREA_LABELS[outcome.area_type]
    vi_values: dict[str, str] = {"area": area.vi}
    en_values: dict[str, str] = {"area": area.en}
    for key, value in outcome.values.items():
        vi_values[key] = format_dong_vi(value) if key in _MONEY_KEYS else str(value)
        en_values[key] = format_dong_en(value) if key in _MONEY_KEYS else str(value)
    lower_name = _LINE_NAMES[
        "near_poverty_line" if "near_poverty_line" in outcome.values else "poverty_line"
    ]
    vi_values["lower_name"] = lower_name.vi
    en_values["lower_name"] = lower_name.en
    return Text(template.vi.format(**vi_values), template.en.format(**en_values))


def explain(
    pack: Pack,
    outcome: RuleOutcome,
    reasons: tuple[DeprivationReason, ...],
    *,
    by_score: bool = False,
) -> Explanation:
    if by_score and pack.score_method is not None:
        reference = pack.score_method.reference
        verified = pack.score_method.fact.verified
    else:
        reference = pack.classification.reference
        verified = pack.classification.fact.verified and pack.poverty_line.fact.verified
        if outcome.clause in {"average_band", "above_average_band"} and pack.average_upper:
            verified = verified and pack.average_upper.fact.verified
    return Explanation(
        standard=pack.code,
        status=outcome.status,
        clause=outcome.clause,
        rule=render_rule(outcome),
        reference=reference,
        rule_verified=verified,
        deprivations=reasons,
    )
