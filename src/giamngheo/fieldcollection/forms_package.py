"""Making the ODK form package of a village: the XLSForm (``xlsform.build``) of each survey form
of the standard in force, and the preloaded ``households.csv`` / ``members.csv`` (its
households, or only a collector's), written next to each other in one directory or as a zip.

Masking: the CSVs go onto a phone. The head's personal ID number and the household's phone are
written in full only when *every* person the file is for may see them
(``access.can_see_personal_data``): the user who makes it (``None`` = the system, the command
line) and the collector whose device it is for (a collaborator never does, so a collector's file
is always masked).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.models import User
from giamngheo.accounts.types import Actor
from giamngheo.areas.models import VILLAGE_TYPES, AdministrativeUnit
from giamngheo.audit import services as audit
from giamngheo.fieldcollection import xlsform
from giamngheo.lib import clock, masking
from giamngheo.lib.errors import DomainError
from giamngheo.lib.spreadsheet_text import inert_csv_row
from giamngheo.registry.models import Household
from giamngheo.standards.packs import pack_for_review_year
from giamngheo.surveys import definitions, selectors
from giamngheo.surveys.definitions import FormSpec, Kind
from giamngheo.workforce.models import Assignment

HOUSEHOLD_COLUMNS = ("name", "label", "version", "member_count", "head_name", "head_id", "phone")
MEMBER_COLUMNS = ("name", "label", "person_id", "birth_year", "household")
FIELD_KINDS = (Kind.SCREENING, Kind.INCOME, Kind.DEPRIVATION)


class FieldCollectionError(DomainError):
    """A refused field-collection request (Vietnamese message)."""


def forms_in_force(review_year: int) -> list[FormSpec]:
    """The field forms (Phiếu A, B1, B2: not the results forms) of the standard that governs
    ``review_year``."""
    try:
        pack = pack_for_review_year(review_year)
    except LookupError as error:
        raise FieldCollectionError(
            _("Không có chuẩn nghèo nào áp dụng cho năm rà soát %(year)s.") % {"year": review_year}
        ) from error
    return [
        spec
        for spec in definitions.load_forms()
        if spec.standard == pack.code and spec.kind in FIELD_KINDS
    ]


def village_for(actor: Actor, code: str) -> AdministrativeUnit:
    """The village ``code`` if ``actor`` may act on it (the system may everywhere)."""
    village = AdministrativeUnit.objects.filter(
        code=code, unit_type__in=[t.value for t in VILLAGE_TYPES]
    ).first()
    if village is None or (actor is not None and not access.can_view_area(actor, village)):
        raise FieldCollectionError(_("Không có thôn/tổ dân phố mã «%(code)s».") % {"code": code})
    if actor is not None and not access.can_change_area(actor, village):
        raise FieldCollectionError(
            _("Bạn không có quyền thu thập phiếu ở thôn/tổ dân phố «%(name)s».")
            % {"name": village.name}
        )
    return village


def collector_households(collector: User, village: AdministrativeUnit, on: dt.date) -> Q:
    """The households ``collector`` covers in ``village`` on ``on``: an open assignment to the
    village or to its whole commune (``workforce.Assignment``). Refused when there is none."""
    assigned = (
        Assignment.objects.filter(worker__user=collector, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .filter(Q(village=village) | Q(area=village) | Q(area_id=village.parent_id))
    )
    if not assigned.exists():
        raise FieldCollectionError(
            _("Cộng tác viên «%(user)s» không được phân công ở «%(village)s».")
            % {"user": collector.username, "village": village.name}
        )
    return Q(village=village)


@dataclass(frozen=True)
class Package:
    forms: list[tuple[FormSpec, xlsform.XlsForm]]
    households: list[list[Any]]
    members: list[list[Any]]
    village: AdministrativeUnit
    review_year: int


def build_package(
    *,
    actor: Actor,
    village: AdministrativeUnit,
    review_year: int,
    collector: User | None = None,
    form_codes: Sequence[str] = (),
) -> Package:
    today = clock.today()
    households = Household.objects.filter(village=village)
    if collector is not None:
        if not access.can_change_area(collector, village):
            raise FieldCollectionError(
                _("Tài khoản «%(user)s» không có quyền nhập phiếu ở «%(village)s».")
                % {"user": collector.username, "village": village.name}
            )
        households = households.filter(collector_households(collector, village, today))
    full_numbers = (actor is None or access.can_see_personal_data(actor, village)) and (
        collector is None or access.can_see_personal_data(collector, village)
    )
    specs = forms_in_force(review_year)
    if form_codes:
        specs = [s for s in specs if s.code in form_codes]
        if not specs:
            raise FieldCollectionError(
                _("Không có phiếu «%(codes)s» của chuẩn áp dụng cho năm %(year)s.")
                % {"codes": ", ".join(form_codes), "year": review_year}
            )
    made_at = timezone.localtime()
    forms = [
        (
            spec,
            xlsform.build(
                spec, review_year=review_year, made_at=made_at, village_name=village.name
            ),
        )
        for spec in specs
    ]
    household_rows: list[list[Any]] = []
    member_rows: list[list[Any]] = []
    for household in households.order_by("code"):
        members = selectors.members_at(household, today)
        head = next((m.person for m in members if m.is_head), None)
        head_id = (head.citizen_id or "") if head is not None else ""
        phone = household.phone or ""
        if not full_numbers:
            head_id, phone = masking.mask_citizen_id(head_id), masking.mask_phone(phone)
        household_rows.append(
            [
                household.code,
                f"{household.code} — {household.head_name}",
                household.version,
                len(members),
                household.head_name,
                head_id,
                phone,
            ]
        )
        for index, membership in enumerate(members, start=1):
            person = membership.person
            member_rows.append(
                [
                    f"{household.code}#{index}",
                    f"{person.full_name} ({person.birth_year})",
                    person.pk,
                    person.birth_year,
                    household.code,
                ]
            )
    return Package(forms, household_rows, member_rows, village, review_year)


def _csv_bytes(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(inert_csv_row(row))
    return text.getvalue().encode("utf-8")


def xlsx_name(spec: FormSpec, village: AdministrativeUnit) -> str:
    return f"{xlsform.form_id(spec)}_{village.code}.xlsx"


def write_package(package: Package, output: Path) -> list[Path]:
    """Write the package: ``output`` ending in ``.zip`` = one zip with every xlsx and both CSVs;
    ``output`` ending in ``.xlsx`` = that file (the first form) and the other forms' xlsx, with
    the CSVs, in its directory. Returns the files written."""
    files: dict[str, bytes] = {
        xlsform.HOUSEHOLDS_CSV: _csv_bytes(HOUSEHOLD_COLUMNS, package.households),
        xlsform.MEMBERS_CSV: _csv_bytes(MEMBER_COLUMNS, package.members),
    }
    written: list[Path] = []
    directory = output.parent
    directory.mkdir(parents=True, exist_ok=True)
    if output.suffix.lower() == ".zip":
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            for spec, form in package.forms:
                archive.writestr(xlsx_name(spec, package.village), xlsform.xlsx_bytes(form))
            for name, data in files.items():
                archive.writestr(name, data)
        return [output]
    for index, (spec, form) in enumerate(package.forms):
        path = output if index == 0 else directory / xlsx_name(spec, package.village)
        xlsform.write_xlsx(form, path)
        written.append(path)
    for name, data in files.items():
        (directory / name).write_bytes(data)
        written.append(directory / name)
    return written


def record_generated(*, actor: Actor, package: Package, collector: User | None) -> None:
    """One audit event per package made: who took which households onto a device."""
    audit.record(
        actor=actor,
        action="fieldcollection.form_generated",
        obj=package.village,
        after={
            "forms": [spec.code for spec, _form in package.forms],
            "review_year": package.review_year,
            "collector": collector.username if collector is not None else "",
            "households": len(package.households),
        },
    )
