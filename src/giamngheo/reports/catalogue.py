"""Every report form the app offers: the forms defined as data (``reports.forms``, built from
the figures by ``reports.tables``) and those built by code (``reports.builders.EXTRA_FORMS``).
One lookup for the index page, the form pages and the ``giamngheo report`` command."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.lib.report_table import ReportTable
from giamngheo.reports import builders
from giamngheo.reports.forms import FormDef, forms
from giamngheo.reports.tables import FormUnavailable, build_table

__all__ = ["CatalogueEntry", "FormUnavailable", "all_forms", "build", "data_forms_at", "entry"]


@dataclass(frozen=True)
class CatalogueEntry:
    code: str
    title: str
    marker: str
    levels: tuple[str, ...]
    verified: bool
    legal_basis: str
    monthly: bool
    data: bool  # a form defined as data (else built by code)


def _from_form(form: FormDef) -> CatalogueEntry:
    return CatalogueEntry(
        form.code,
        form.title,
        form.marker,
        form.levels,
        form.verified,
        form.legal_basis,
        monthly=False,
        data=True,
    )


def _from_extra(form: builders.ExtraForm) -> CatalogueEntry:
    return CatalogueEntry(
        form.code,
        str(form.title),
        form.marker,
        tuple(form.levels),
        verified=form.verified,
        legal_basis=form.legal_basis,
        monthly=form.monthly,
        data=False,
    )


def all_forms() -> list[CatalogueEntry]:
    entries = [_from_form(form) for form in forms().values()]
    known = {entry.code for entry in entries}
    entries += [_from_extra(f) for code, f in builders.EXTRA_FORMS.items() if code not in known]
    return entries


def entry(code: str) -> CatalogueEntry | None:
    return next((e for e in all_forms() if e.code == code), None)


def data_forms_at(unit: AdministrativeUnit) -> list[FormDef]:
    return [form for form in forms().values() if unit.level in form.levels]


def forms_at(unit: AdministrativeUnit) -> list[CatalogueEntry]:
    return [e for e in all_forms() if unit.level in e.levels]


def build(
    code: str,
    *,
    viewer: Viewer | None,
    unit: AdministrativeUnit,
    year: int,
    month: int | None = None,
) -> ReportTable:
    """The table of form ``code``; raises :class:`FormUnavailable` for an unknown form, a form
    not made at the unit's level or a unit outside the viewer's reach."""
    form = forms().get(code)
    if form is not None:
        table = build_table(form, viewer=viewer, unit=unit, year=year)
        if table is None:
            raise FormUnavailable(_("Không tìm thấy địa bàn."))
        return table
    extra = builders.EXTRA_FORMS.get(code)
    if extra is None:
        raise FormUnavailable(_("Không có biểu mã %(code)s.") % {"code": code})
    if unit.level not in extra.levels:
        raise FormUnavailable(_("Biểu này không lập ở cấp của địa bàn đã chọn."))
    return extra.build(viewer=viewer, unit=unit, year=year, month=month if extra.monthly else None)
