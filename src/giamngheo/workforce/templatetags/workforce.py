"""Labels of the workforce's reference codes (data files) for templates."""

from __future__ import annotations

from django import template

from giamngheo.lib.formatting import format_percent
from giamngheo.registry.reference import ethnicities
from giamngheo.workforce import reference

register = template.Library()


@register.filter
def role_name(code: str) -> str:
    info = reference.roles().get(code)
    return info.name if info else code


@register.filter
def organisation_name(code: str) -> str:
    return reference.mass_organisation_short_names().get(code, code)


@register.filter
def education_name(code: str) -> str:
    level = reference.education_levels().get(code)
    return level.name if level else code


@register.filter
def ethnicity_name(code: str) -> str:
    return ethnicities().get(code, code)


@register.filter
def duty_name(number: int) -> str:
    name = reference.duties().get(number)
    return f"{number}. {name}" if name else str(number)


@register.filter
def need_name(code: str) -> str:
    return reference.need_types().get(code, code)


@register.filter
def change_kind_name(code: str) -> str:
    kind = reference.change_kinds().get(code)
    return kind.name if kind else code


@register.filter
def rating_name(code: str) -> str:
    return next((r.name for r in reference.ratings() if r.code == code), code)


@register.filter
def evaluator_name(code: str) -> str:
    return reference.evaluator_bodies().get(code, code)


@register.filter
def criterion_name(code: str) -> str:
    criterion = reference.evaluation_criteria().get(code)
    return criterion.name if criterion else code


@register.filter
def lookup(mapping: dict[str, int], key: str) -> int:
    return mapping.get(key, 0)


@register.filter
def share_of(count: int, total: int) -> str:
    """3, 5 → "60,0 %" (one decimal, as seed 001 writes shares); "" when the total is 0."""
    if not total:
        return ""
    return format_percent(count / total, 1)
