"""Reads of programmes and their eligibility (scoped where they touch households)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.programmes import eligibility
from giamngheo.programmes.errors import ProgrammeError
from giamngheo.programmes.models import Programme


def programmes() -> QuerySet[Programme]:
    """The programmes and policies a province runs (deleted ones hidden), tree order."""
    return Programme.objects.filter(is_deleted=False).order_by("sort_order", "code")


def in_tree_order(rows: list[Programme]) -> list[tuple[Programme, int]]:
    """Programmes depth-first (each parent before its children), with their depth."""
    children: dict[int | None, list[Programme]] = {}
    present = {p.pk for p in rows}
    for p in rows:
        parent = p.parent_id if p.parent_id in present else None
        children.setdefault(parent, []).append(p)
    out: list[tuple[Programme, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for p in sorted(children.get(parent, []), key=lambda r: (r.sort_order, r.code)):
            out.append((p, depth))
            walk(p.pk, depth + 1)

    walk(None, 0)
    return out


def programme_by_code(code: str) -> Programme:
    try:
        return programmes().get(code=code)
    except Programme.DoesNotExist as exc:
        raise ProgrammeError(
            _("Không có chương trình, chính sách mã %(code)s.") % {"code": code}
        ) from exc


def rules_of(programme: Programme) -> eligibility.Rules:
    rules = eligibility.parse(programme.eligibility)
    if rules is None:
        raise ProgrammeError(
            _("%(code)s không có điều kiện thụ hưởng theo hộ.") % {"code": programme.code}
        )
    return rules


def eligibility_preview(
    *, viewer: Viewer | None, programme: Programme, area: AdministrativeUnit, on: dt.date
) -> eligibility.Preview:
    """How many households of ``area`` the programme's rules select on ``on``, by status and
    priority (``viewer`` None: the command line, which sees everything)."""
    if viewer is not None and not access.can_view_area(viewer, area):
        raise ProgrammeError(_("Bạn không có quyền xem địa bàn này."))
    return eligibility.query_for(rules_of(programme), area, on).preview()


def as_json(programme: Programme) -> dict[str, Any]:
    return {
        "code": programme.code,
        "parent": programme.parent.code if programme.parent else None,
        "kind": programme.kind,
        "name": programme.name,
        "legal_basis": programme.legal_basis,
        "valid_from": programme.valid_from.isoformat(),
        "valid_to": programme.valid_to.isoformat() if programme.valid_to else None,
        "funding_sources": list(programme.funding_sources),
        "benefit": programme.benefit,
        "verified": programme.verified,
        "locally_changed": programme.locally_changed,
        "eligibility_version": programme.eligibility_version,
    }
