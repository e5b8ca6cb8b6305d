"""Labels of the workforce's reference codes (data files) for templates."""

from __future__ import annotations

from django import template

from giamngheo.lib.formatting import format_percent
from giamngheo.registry.reference import ethnicities
from giamngheo.workforce import labels

register = template.Library()


@register.filter
def role_name(code: str) -> str:
    return labels.role_label(code)


@register.filter
def organisation_name(code: str) -> str:
    return labels.organisation_short_label(code)


@register.filter
def organisation_full_name(code: str) -> str:
    return labels.organisation_label(code)


@register.filter
def education_name(code: str) -> str:
    return labels.education_label(code)


@register.filter
def ethnicity_name(code: str) -> str:
    return ethnicities().get(code, code)


@register.filter
def duty_name(number: int) -> str:
    return labels.duty_label(number)


@register.filter
def need_name(code: str) -> str:
    return labels.need_label(code)


@register.filter
def change_kind_name(code: str) -> str:
    return labels.change_kind_label(code)


@register.filter
def rating_name(code: str) -> str:
    return labels.rating_label(code)


@register.filter
def evaluator_name(code: str) -> str:
    return labels.evaluator_label(code)


@register.filter
def criterion_name(code: str) -> str:
    return labels.criterion_label(code)


@register.filter
def lookup(mapping: dict[str, int], key: str) -> int:
    return mapping.get(key, 0)


@register.filter
def share_of(count: int, total: int) -> str:
    """3, 5 → "60,0 %" (one decimal, as seed 001 writes shares); "" when the total is 0."""
    if not total:
        return ""
    return format_percent(count / total, 1)
