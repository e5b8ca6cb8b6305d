"""Labels of the workforce's reference codes, in the active language.

The lists are data (``data/*.csv``, Vietnamese, as the provinces write them); the English of
each label is in the gettext catalogue, so a page shows "Cộng tác viên giảm nghèo" in
Vietnamese and "Poverty-reduction collaborator" after the language switch. A code missing from
a list (an old row after a list changed) shows as the code itself rather than failing.
"""

from __future__ import annotations

from django.utils.translation import gettext

from giamngheo.workforce import reference


def _t(text: str) -> str:
    # Data, not a literal: translated when the catalogue has it, shown as written otherwise.
    return gettext(text) if text else text


def role_label(code: str) -> str:
    info = reference.roles().get(code)
    return _t(info.name) if info else code


def organisation_label(code: str) -> str:
    return _t(reference.mass_organisations().get(code, "")) or code


def organisation_short_label(code: str) -> str:
    return _t(reference.mass_organisation_short_names().get(code, "")) or code


def education_label(code: str) -> str:
    level = reference.education_levels().get(code)
    return _t(level.name) if level else code


def duty_label(number: int) -> str:
    name = reference.duties().get(number)
    return f"{number}. {_t(name)}" if name else str(number)


def duty_description(number: int) -> str:
    return _t(reference.duty_descriptions().get(number, ""))


def need_label(code: str) -> str:
    return _t(reference.need_types().get(code, "")) or code


def change_kind_label(code: str) -> str:
    kind = reference.change_kinds().get(code)
    return _t(kind.name) if kind else code


def rating_label(code: str) -> str:
    return next((_t(r.name) for r in reference.ratings() if r.code == code), code)


def evaluator_label(code: str) -> str:
    return _t(reference.evaluator_bodies().get(code, "")) or code


def criterion_label(code: str) -> str:
    criterion = reference.evaluation_criteria().get(code)
    return _t(criterion.name) if criterion else code


def translated_choices(values: dict[str, str] | dict[int, str]) -> list[tuple[object, str]]:
    """Form choices of a reference list, labels in the active language."""
    return [(code, _t(name)) for code, name in values.items()]
