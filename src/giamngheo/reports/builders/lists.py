"""The detailed lists of poor and near-poor households of a commune for a year (Forms 15 / 14 of
``shared/domain/report_forms.md`` §3.6, "DANH SÁCH CHI TIẾT HỘ NGHÈO / HỘ CẬN NGHÈO").

From the frozen recognition decision of the year's periodic review (``review.DecisionEntry``:
names, birth years and relations as decided): per village a sub-total line, then each household
head (depth 0) followed by its members (depth 1); birth year in the Nam / Nữ column; ethnicity;
relation; the classification ticks (new, re-entered, continuing); merit, ethnic-minority and
no-working-capacity households; the support received that year (``programmes.SupportRecord``,
sorted into the form's six columns by the data file). Ticks are ``True``.

No personal ID or phone number is printed. A fixed number of queries whatever the size of the
commune (the decision, its entries, the members' ethnicity, the year's support, earlier escapes).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.lib.formatting import format_date
from giamngheo.lib.report_table import CellValue, Column, ColumnGroup, ReportTable, Row
from giamngheo.programmes.models import SupportRecord
from giamngheo.registry import reference as registry_reference
from giamngheo.registry.models import Membership, Status
from giamngheo.reports.builders import ExtraForm, register
from giamngheo.reports.builders import _common as common
from giamngheo.review.models import Decision, DecisionEntry, ListKind, RoundKind

DATA = "lists"
SUPPORT_KEYS = ("health", "education", "production", "credit", "housing", "other")
MARK_KEYS = (
    "new",
    "reentered",
    "old",
    "merit",
    "minority",
    "no_labour",
    *(f"support_{key}" for key in SUPPORT_KEYS),
)
MALE_LABELS = frozenset({"nam", "male"})


def support_column(programme_code: str, kind: str, data: Mapping[str, Any] | None = None) -> str:
    """The support column of a record: the longest matching programme-code prefix of the data
    file, else the record's kind, else "other"."""
    rules = (data or common.form_data(DATA))["support"]
    best = ""
    for prefix in rules["prefixes"]:
        if programme_code.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    if best:
        return str(rules["prefixes"][best])
    return str(rules["kinds"].get(kind, "other"))


def annual_decision(viewer: Viewer, commune: AdministrativeUnit, year: int) -> Decision | None:
    """The commune's recognition decision of the year's periodic review, if issued."""
    return (
        access.scoped(
            Decision.objects.filter(commune=commune, year=year, round__kind=RoundKind.ANNUAL),
            viewer,
            village="",
        )
        .order_by("-signed_on", "-pk")
        .first()
    )


def _header(data: Mapping[str, Any], status: str) -> tuple[Any, ...]:
    h = common.heading
    c = common.column
    suffix = "poor" if status == Status.POOR else "near_poor"
    return (
        c(data, "head_no", "A", "label"),
        c(data, "member_no", "B", "label"),
        c(data, "name", "C", "label"),
        ColumnGroup(
            h(data, "birth"), (c(data, "male", "1", "text"), c(data, "female", "2", "text"))
        ),
        c(data, "ethnicity", "3", "text"),
        c(data, "relation", "4", "text"),
        ColumnGroup(
            h(data, f"classification_{suffix}"),
            (
                Column("new", h(data, f"new_{suffix}"), "5", "mark"),
                Column("reentered", h(data, f"reentered_{suffix}"), "6", "mark"),
                Column("old", h(data, f"old_{suffix}"), "7", "mark"),
            ),
        ),
        c(data, "merit", "8", "mark"),
        c(data, "minority", "9", "mark"),
        c(data, "no_labour", "10", "mark"),
        ColumnGroup(
            h(data, "support"),
            tuple(
                Column(f"support_{key}", h(data, f"support_{key}"), str(11 + i), "mark")
                for i, key in enumerate(SUPPORT_KEYS)
            ),
        ),
    )


def _ethnicities(households: list[int]) -> dict[tuple[int, str, int], str]:
    """(household, name, birth year) -> ethnicity code of the current members (one query)."""
    return {
        (household_id, name, birth_year): code
        for household_id, name, birth_year, code in Membership.objects.filter(
            household_id__in=households, left_on__isnull=True
        ).values_list(
            "household_id", "person__full_name", "person__birth_year", "person__ethnicity"
        )
    }


def _support(households: list[int], year: int, data: Mapping[str, Any]) -> dict[int, set[str]]:
    """household -> the support columns it received something in during ``year`` (one query)."""
    received: dict[int, set[str]] = defaultdict(set)
    rows = (
        SupportRecord.objects.filter(household_id__in=households, delivered_on__year=year)
        .values_list("household_id", "programme__code", "support_kind")
        .distinct()
    )
    for household_id, code, kind in rows:
        received[household_id].add(support_column(code, kind, data))
    return received


def _reentered_near_poor(households: list[int], decision: Decision) -> set[int]:
    """Households an earlier decision recognised as having escaped near-poverty (one query)."""
    return set(
        DecisionEntry.objects.filter(
            household_id__in=households,
            lists__contains=[ListKind.ESCAPED_NEAR_POVERTY],
            decision__signed_on__lt=decision.signed_on,
        ).values_list("household_id", flat=True)
    )


def _classification(entry: Mapping[str, Any], status: str, reentered_near: set[int]) -> str:
    if entry["status_before"] == status:
        return "old"
    if status == Status.POOR:
        return "reentered" if entry["reentered"] else "new"
    return "reentered" if entry["household_id"] in reentered_near else "new"


def _member_rows(
    entry: Mapping[str, Any], head_no: int, ethnicity_of: Mapping[tuple[int, str, int], str]
) -> Iterable[tuple[bool, dict[str, CellValue]]]:
    names = registry_reference.ethnicities()
    number = 0
    for member in entry["members"]:
        birth_year = member.get("birth_year")
        male = str(member.get("sex", "")).strip().lower() in MALE_LABELS
        code = ethnicity_of.get((entry["household_id"], member.get("name", ""), birth_year), "")
        values: dict[str, CellValue] = {
            "male": str(birth_year) if male and birth_year else None,
            "female": str(birth_year) if not male and birth_year else None,
            "ethnicity": names.get(code, code) or None,
            "relation": member.get("relation") or None,
            "name": member.get("name", ""),
        }
        if member.get("is_head"):
            values["head_no"] = str(head_no)
            values["member_no"] = ""
        else:
            number += 1
            values["head_no"] = ""
            values["member_no"] = str(number)
        yield bool(member.get("is_head")), values


def build_list(
    *, viewer: Viewer, unit: AdministrativeUnit, year: int, status: str, code: str
) -> ReportTable:
    common.unit_for(viewer, unit, FORM_LEVELS)
    data = common.form_data(DATA)
    decision = annual_decision(viewer, unit, year)
    header = _header(data, status)
    rows: list[Row] = []
    totals: dict[str, int] = dict.fromkeys(MARK_KEYS, 0)
    households = people = 0
    if decision is not None:
        entries = access.scoped(
            DecisionEntry.objects.filter(decision=decision, status_after=status), viewer
        )
        listed: list[dict[str, Any]] = [
            dict(row)
            for row in entries.order_by(
                "village_name", "village_id", "household_code", "pk"
            ).values(
                "household_id",
                "village_id",
                "village_name",
                "household_code",
                "head_name",
                "status_before",
                "reentered",
                "members",
                "household__is_merit_family",
                "household__is_ethnic_minority",
                "household__has_no_labour_capacity",
            )
        ]
        # By the households' ids (index scans), once the entries are read.
        ids = [entry["household_id"] for entry in listed]
        ethnicity_of = _ethnicities(ids)
        support = _support(ids, year, data)
        reentered_near = _reentered_near_poor(ids, decision) if status != Status.POOR else set()
        by_village: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for entry in listed:
            by_village[entry["village_id"]].append(entry)
        head_no = 0
        for village_entries in by_village.values():
            village_totals: dict[str, int] = dict.fromkeys(MARK_KEYS, 0)
            village_row = len(rows)
            rows.append(Row({}))  # replaced by the village's sub-total below
            for entry in village_entries:
                head_no += 1
                marks: dict[str, CellValue] = dict.fromkeys(MARK_KEYS, None)
                marks[_classification(entry, status, reentered_near)] = True
                marks["merit"] = entry["household__is_merit_family"] or None
                marks["minority"] = entry["household__is_ethnic_minority"] or None
                marks["no_labour"] = entry["household__has_no_labour_capacity"] or None
                for key in support.get(entry["household_id"], ()):
                    marks[f"support_{key}"] = True
                for key, value in marks.items():
                    if value:
                        village_totals[key] += 1
                members = list(_member_rows(entry, head_no, ethnicity_of))
                if not any(is_head for is_head, _ in members):  # a frozen list without its head
                    members.insert(
                        0,
                        (
                            True,
                            {"head_no": str(head_no), "member_no": "", "name": entry["head_name"]},
                        ),
                    )
                for is_head, values in members:
                    if is_head:
                        rows.append(Row({**values, **marks}, depth=0))
                    else:
                        rows.append(Row(values, depth=1))
                people += len(entry["members"])
            households += len(village_entries)
            name = common.heading(data, "village").format(
                name=village_entries[0]["village_name"], households=len(village_entries)
            )
            rows[village_row] = Row(
                {"head_no": "", "member_no": "", "name": name, **village_totals}, emphasis=True
            )
            for key, value in village_totals.items():
                totals[key] += value
    total = Row(
        {
            "head_no": "",
            "member_no": "",
            "name": common.heading(data, "total").format(households=households, people=people),
            **totals,
        },
        emphasis=True,
    )
    status_title = str(data["status_titles"][status])
    if decision is not None:
        subtitle = str(data["subtitle"]).format(
            number=decision.number,
            date=format_date(decision.signed_on),
            signer_title=decision.signer_title,
            commune=decision.commune_name,
        )
    else:
        subtitle = str(data["no_decision_subtitle"]).format(year=year)
    return ReportTable(
        marker=str(data["marker"]),
        issuer=common.issuer(unit),
        title=f"{str(data['title']).format(status=status_title, year=year)}\n"
        f"{common.area_name(unit)}",
        subtitle=subtitle,
        unit_line=str(data["unit_line"]),
        header=header,
        rows=tuple(rows),
        total=total,
        place_date=common.PLACE_DATE,
        signatures=common.signatures(data),
        notes=common.notes(data),
        landscape=True,
        legal_basis=str(data["legal_basis"]),
        verified=bool(data["verified"]),
        metadata={
            **common.metadata(code, unit, year),
            "decision": decision.number if decision is not None else "",
        },
    )


def build_poor(
    *, viewer: Viewer, unit: AdministrativeUnit, year: int, month: int | None = None
) -> ReportTable:
    return build_list(viewer=viewer, unit=unit, year=year, status=Status.POOR, code=POOR_CODE)


def build_near_poor(
    *, viewer: Viewer, unit: AdministrativeUnit, year: int, month: int | None = None
) -> ReportTable:
    return build_list(viewer=viewer, unit=unit, year=year, status=Status.NEAR_POOR, code=NEAR_CODE)


FORM_LEVELS = ("commune",)
POOR_CODE = "list-poor"
NEAR_CODE = "list-near-poor"

POOR_FORM = register(
    ExtraForm(
        code=POOR_CODE,
        title=_("Danh sách chi tiết hộ nghèo"),
        levels=FORM_LEVELS,
        monthly=False,
        build=build_poor,
        **common.catalogue_fields(DATA),
    )
)
NEAR_FORM = register(
    ExtraForm(
        code=NEAR_CODE,
        title=_("Danh sách chi tiết hộ cận nghèo"),
        levels=FORM_LEVELS,
        monthly=False,
        build=build_near_poor,
        **common.catalogue_fields(DATA),
    )
)
