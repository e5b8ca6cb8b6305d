"""Eligibility rules as data, compiled to one set-based SQL query over the registry.

A programme's ``eligibility`` (from its TOML, correctable by a province) says which households
a list of it may hold: statuses (``newly_escaped`` within N months, 36 by default, measured on
the registry's dated ``StatusChange`` history), household groups, member attributes, communes,
and ordered priorities. ``parse`` checks the data (a Vietnamese refusal names what is wrong);
``EligibilityQuery`` turns it into SQL over ``registry_household`` for one area and reference
day: the count preview per status and priority, the plain count (the benchmark's floor), and
the rows a beneficiary list is generated from (``lists.py``).

Boundaries (tested in ``tests/programmes/test_eligibility.py``): a household whose status left
poor/near-poor on day E is newly escaped on a reference day R when E ≤ R (the day of the change
counts) and E ≥ R − N months (exactly N months still counts); ages are whole years on R.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Final

from django.db import connection, transaction
from django.utils.translation import gettext as _

from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.programmes.errors import ProgrammeError

DATA_DIR: Final = Path(__file__).parent / "data"
STATUSES: Final = ("poor", "near_poor", "newly_escaped", "average_living_standard")
LISTED: Final = ("poor", "near_poor")  # the statuses one "escapes" from
ESCAPED_TO: Final = ("not_poor", "average_living_standard")
HOUSEHOLD_FLAGS: Final = (
    "is_ethnic_minority",
    "is_merit_family",
    "has_social_assistance_member",
    "has_no_labour_capacity",
)
DEFAULT_ESCAPED_MONTHS: Final = 36
KINH: Final = "01"  # the ethnicity code of the Kinh majority (Tổng cục Thống kê list)


@dataclass(frozen=True)
class WorkingAge:
    minimum: int
    below_male: int
    below_female: int


@cache
def working_age() -> WorkingAge:
    """The working-age bounds, as data (``data/policies.toml`` ``[working_age]``)."""
    data = tomllib.loads((DATA_DIR / "policies.toml").read_text(encoding="utf-8"))["working_age"]
    return WorkingAge(int(data["min"]), int(data["below_male"]), int(data["below_female"]))


@dataclass(frozen=True)
class MemberCondition:
    min_age: int | None = None
    max_age: int | None = None
    sex: str | None = None
    ethnic_minority: bool | None = None
    ethnicities: tuple[str, ...] = ()
    disability: bool | None = None
    working_age: bool | None = None


@dataclass(frozen=True)
class Conditions:
    statuses: tuple[str, ...] = ()
    flags: tuple[tuple[str, bool], ...] = ()
    area_kind: tuple[str, ...] = ()
    poverty_reasons: tuple[str, ...] = ()
    support_needs: tuple[str, ...] = ()
    communes: tuple[str, ...] = ()
    member: MemberCondition | None = None


@dataclass(frozen=True)
class Priority:
    code: str
    label: str
    conditions: Conditions


@dataclass(frozen=True)
class Rules:
    statuses: tuple[str, ...]
    newly_escaped_months: int
    conditions: Conditions
    priorities: tuple[Priority, ...] = field(default_factory=tuple)


def _refuse(message: str) -> ProgrammeError:
    return ProgrammeError(_("Điều kiện thụ hưởng không hợp lệ: %(what)s") % {"what": message})


def _strings(value: Any, name: str, allowed: Sequence[str] | None = None) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _refuse(_("“%(name)s” phải là một danh sách chữ") % {"name": name})
    unknown = [v for v in value if allowed is not None and v not in allowed]
    if unknown:
        raise _refuse(
            _("“%(name)s” có giá trị không biết: %(values)s")
            % {"name": name, "values": ", ".join(unknown)}
        )
    return tuple(dict.fromkeys(value))


def _bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise _refuse(_("“%(name)s” phải là true hoặc false") % {"name": name})
    return value


def _age(value: Any, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 130:
        raise _refuse(_("“%(name)s” phải là số tuổi từ 0 đến 130") % {"name": name})
    return value


def _member(data: Any) -> MemberCondition:
    if not isinstance(data, Mapping):
        raise _refuse(_("“member” phải là một bảng điều kiện"))
    known = {
        "min_age",
        "max_age",
        "sex",
        "ethnic_minority",
        "ethnicities",
        "disability",
        "working_age",
    }
    unknown = sorted(set(data) - known)
    if unknown:
        raise _refuse(_("điều kiện thành viên không biết: %s") % ", ".join(unknown))
    sex = data.get("sex")
    if sex is not None and sex not in ("male", "female"):
        raise _refuse(_("“sex” phải là male hoặc female"))
    condition = MemberCondition(
        min_age=_age(data["min_age"], "min_age") if "min_age" in data else None,
        max_age=_age(data["max_age"], "max_age") if "max_age" in data else None,
        sex=sex,
        ethnic_minority=(
            _bool(data["ethnic_minority"], "ethnic_minority") if "ethnic_minority" in data else None
        ),
        ethnicities=_strings(data.get("ethnicities", []), "ethnicities"),
        disability=_bool(data["disability"], "disability") if "disability" in data else None,
        working_age=_bool(data["working_age"], "working_age") if "working_age" in data else None,
    )
    if (
        condition.min_age is not None
        and condition.max_age is not None
        and condition.min_age > condition.max_age
    ):
        raise _refuse(_("tuổi tối thiểu lớn hơn tuổi tối đa"))
    return condition


def _conditions(data: Mapping[str, Any], *, extra: frozenset[str]) -> Conditions:
    known = {"statuses", "household", "communes", "member"} | extra
    unknown = sorted(set(data) - known)
    if unknown:
        raise _refuse(_("khóa không biết: %s") % ", ".join(unknown))
    household = data.get("household", {})
    if not isinstance(household, Mapping):
        raise _refuse(_("“household” phải là một bảng điều kiện"))
    lists = {"area_kind", "poverty_reasons", "support_needs"}
    unknown = sorted(set(household) - set(HOUSEHOLD_FLAGS) - lists)
    if unknown:
        raise _refuse(_("điều kiện hộ không biết: %s") % ", ".join(unknown))
    return Conditions(
        statuses=_strings(data.get("statuses", []), "statuses", STATUSES),
        flags=tuple((k, _bool(household[k], k)) for k in HOUSEHOLD_FLAGS if k in household),
        area_kind=_strings(household.get("area_kind", []), "area_kind", ("urban", "rural")),
        poverty_reasons=_strings(household.get("poverty_reasons", []), "poverty_reasons"),
        support_needs=_strings(household.get("support_needs", []), "support_needs"),
        communes=_strings(data.get("communes", []), "communes"),
        member=_member(data["member"]) if "member" in data else None,
    )


def parse(data: Mapping[str, Any]) -> Rules | None:
    """The rules of a programme's ``eligibility`` data; ``None`` when it has none (a programme
    that makes no household list, e.g. infrastructure)."""
    if not data:
        return None
    base = _conditions(data, extra=frozenset({"newly_escaped_months", "priorities"}))
    if not base.statuses:
        raise _refuse(_("cần ít nhất một tình trạng hộ (“statuses”)"))
    months = data.get("newly_escaped_months", DEFAULT_ESCAPED_MONTHS)
    if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= 120:
        raise _refuse(_("“newly_escaped_months” phải từ 1 đến 120 tháng"))
    priorities = []
    raw_priorities = data.get("priorities", [])
    if not isinstance(raw_priorities, list):
        raise _refuse(_("“priorities” phải là một danh sách"))
    for raw in raw_priorities:
        if not isinstance(raw, Mapping) or not raw.get("code") or not raw.get("label"):
            raise _refuse(_("mỗi nhóm ưu tiên cần “code” và “label”"))
        priorities.append(
            Priority(
                code=str(raw["code"]),
                label=str(raw["label"]),
                conditions=_conditions(raw, extra=frozenset({"code", "label"})),
            )
        )
    codes = [p.code for p in priorities]
    if len(codes) != len(set(codes)):
        raise _refuse(_("mã nhóm ưu tiên bị trùng"))
    return Rules(
        statuses=base.statuses,
        newly_escaped_months=months,
        conditions=base,
        priorities=tuple(priorities),
    )


def months_before(day: dt.date, months: int) -> dt.date:
    """``day`` minus whole months, the day clamped to the month's end (31/05 − 3 → 28/02)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


class _Sql:
    """SQL text with named parameters (``%(pN)s``), collected as the text is built: every value
    of the rules is a parameter, only fixed column names are in the text (hence the S608
    exemptions below)."""

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}

    def p(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"%({name})s"


@dataclass(frozen=True)
class Preview:
    households: int
    by_status: dict[str, int]
    by_priority: dict[str, int]
    by_status_priority: dict[tuple[str, str], int]


NO_PRIORITY: Final = ""
# The current members of household ``h`` (the membership index on household and left_on).
MEMBERS: Final = (
    "FROM registry_membership m JOIN registry_person p ON p.id = m.person_id"
    " WHERE m.household_id = h.id AND m.left_on IS NULL"
)


class EligibilityQuery:
    """The rules of one programme over one area on one reference day, as SQL."""

    def __init__(self, rules: Rules, area: AdministrativeUnit, on: dt.date) -> None:
        self.rules, self.area, self.on = rules, area, on
        self.sql = _Sql()
        self.cutoff = months_before(on, rules.newly_escaped_months)
        self._member_flags: dict[MemberCondition, tuple[str, str]] = {}
        self._placed_first: list[str] = []
        self.where = self._where()
        self.category = self._category()
        self.priority = self._priority()

    # -- the parts ----------------------------------------------------------------------------
    def _area(self) -> str:
        column = {
            Level.PROVINCE: "province_id",
            Level.COMMUNE: "commune_id",
            Level.VILLAGE: "village_id",
        }[Level(self.area.level)]
        return f"h.{column} = {self.sql.p(self.area.pk)}"

    def _escaped(self) -> str:
        s = self.sql
        return (
            f"(h.status IN ({s.p(ESCAPED_TO[0])}, {s.p(ESCAPED_TO[1])}) AND EXISTS ("  # noqa: S608
            "SELECT 1 FROM registry_statuschange sc WHERE sc.household_id = h.id"
            f" AND sc.previous_status IN ({s.p(LISTED[0])}, {s.p(LISTED[1])})"
            f" AND sc.status NOT IN ({s.p(LISTED[0])}, {s.p(LISTED[1])})"
            f" AND sc.effective_on >= {s.p(self.cutoff)} AND sc.effective_on <= {s.p(self.on)}))"
        )

    def _status(self, status: str) -> str:
        if status == "newly_escaped":
            return self._escaped()
        return f"h.status = {self.sql.p(status)}"

    def _statuses(self, statuses: Sequence[str]) -> str:
        plain = [s for s in statuses if s != "newly_escaped"]
        parts = [f"h.status = ANY({self.sql.p(plain)})"] if plain else []
        if "newly_escaped" in statuses:
            parts.append(self._escaped())
        return "(" + " OR ".join(parts) + ")"

    def _at_least(self, years: int) -> str:
        """The member is at least ``years`` old on the reference day: born on or before the
        same day ``years`` earlier (29/02 falls back to 28/02, as a birthday on 29/02 is only
        reached on 01/03 in other years), or, with only a birth year, born by that year. Dates
        computed here, not ``age()`` per member: the same answer, without a date function
        evaluated on every member read."""
        s = self.sql
        born_by = months_before(self.on, 12 * years)
        return (
            f"(CASE WHEN p.birth_date IS NOT NULL THEN p.birth_date <= {s.p(born_by)}"
            f" ELSE p.birth_year <= {s.p(self.on.year - years)} END)"
        )

    def _member_test(self, m: MemberCondition) -> str:
        """The condition on one member (``p``, the person), the cheap tests first."""
        s = self.sql
        parts = []
        if m.sex is not None:
            parts.append(f"p.sex = {s.p(m.sex)}")
        if m.disability is not None:
            parts.append(f"p.disability = {s.p(m.disability)}")
        if m.ethnic_minority is not None:
            parts.append(f"(p.ethnicity <> {s.p(KINH)}) = {s.p(m.ethnic_minority)}")
        if m.ethnicities:
            parts.append(f"p.ethnicity = ANY({s.p(list(m.ethnicities))})")
        if m.min_age is not None:
            parts.append(self._at_least(m.min_age))
        if m.max_age is not None:
            parts.append(f"NOT {self._at_least(m.max_age + 1)}")
        if m.working_age is not None:
            # Working age: from the minimum to below the bound of the member's sex.
            bounds = working_age()
            inside = (
                f"({self._at_least(bounds.minimum)} AND NOT CASE p.sex WHEN 'male'"
                f" THEN {self._at_least(bounds.below_male)}"
                f" ELSE {self._at_least(bounds.below_female)} END)"
            )
            parts.append(inside if m.working_age else f"NOT {inside}")
        return " AND ".join(parts) or "TRUE"

    def _member(self, m: MemberCondition, *, per_row: bool = False) -> str:
        if per_row:
            # In a priority: a flag of the household's one aggregate over its members
            # (``member_flags``), shared by all priorities, instead of a look-up per priority.
            if m not in self._member_flags:
                self._member_flags[m] = (f"mf.f{len(self._member_flags)}", self._member_test(m))
            return f"{self._member_flags[m][0]} IS TRUE"
        # In the filter: EXISTS, which the planner may turn into a semi-join.
        return f"EXISTS (SELECT 1 {MEMBERS} AND {self._member_test(m)})"

    def _member_join(self) -> str:
        """The priorities' member conditions, evaluated in one pass over the current members of
        each household the filter keeps (``bool_or`` per condition; a household without members
        gets NULL, which ``IS TRUE`` reads as false). A lateral join, not a scalar sub-query per
        priority: one index look-up per household, and parallel-safe (a correlated SubPlan
        keeps the whole CASE out of PostgreSQL's parallel workers)."""
        if not self._member_flags:
            return ""
        flags = ", ".join(
            f"bool_or({test}) AS {alias.removeprefix('mf.')}"
            for alias, test in self._member_flags.values()
        )
        # Households placed by a priority before the first one on members (in the programme
        # of 2021-2025: poor minority households) skip the look-up (a one-time filter).
        skip = (
            f" AND NOT ({' OR '.join(f'({t})' for t in self._placed_first)})"
            if self._placed_first
            else ""
        )
        return f" CROSS JOIN LATERAL (SELECT {flags} {MEMBERS}{skip}) mf"

    def _conditions(self, c: Conditions, *, per_row: bool = False) -> list[str]:
        s = self.sql
        parts = [f"h.{flag} = {s.p(value)}" for flag, value in c.flags]
        if c.area_kind:
            parts.append(f"h.area_kind = ANY({s.p(list(c.area_kind))})")
        if c.poverty_reasons:
            parts.append(f"h.poverty_reasons && {s.p(list(c.poverty_reasons))}::varchar[]")
        if c.support_needs:
            parts.append(f"h.support_needs && {s.p(list(c.support_needs))}::varchar[]")
        if c.communes:
            parts.append(
                "h.commune_id IN (SELECT id FROM areas_administrativeunit"  # noqa: S608
                f" WHERE code = ANY({s.p(list(c.communes))}))"
            )
        if c.member is not None:
            parts.append(self._member(c.member, per_row=per_row))
        return parts

    def _where(self) -> str:
        parts = [self._area(), self._statuses(self.rules.statuses)]
        parts += self._conditions(self.rules.conditions)
        return " AND ".join(parts)

    def _category(self) -> str:
        # The order says which status names a household that is two at once: a poor household
        # is "poor"; an average-living-standard household that left the list is "newly escaped".
        # The filter keeps only households of one of the statuses: the last one needs no test
        # (for the 2021-2025 programme, no second look at the escaped history).
        ordered = [status for status in STATUSES if status in self.rules.statuses]
        branches = [
            f"WHEN {self._status(status)} THEN {self.sql.p(status)}" for status in ordered[:-1]
        ]
        last = self.sql.p(ordered[-1])
        return f"(CASE {' '.join(branches)} ELSE {last} END)" if branches else last

    def _priority(self) -> str:
        branches = []
        for priority in self.rules.priorities:
            c = priority.conditions
            parts = [self._statuses(c.statuses)] if c.statuses else []
            parts += self._conditions(c, per_row=True)
            test = " AND ".join(parts) if parts else "TRUE"
            if not self._member_flags:
                # Before the first priority that tests members: a household it places needs
                # no look-up of its members.
                self._placed_first.append(test)
            branches.append(f"WHEN {test} THEN {self.sql.p(priority.code)}")
        if not branches:
            return self.sql.p(NO_PRIORITY)
        return f"(CASE {' '.join(branches)} ELSE {self.sql.p(NO_PRIORITY)} END)"

    # -- the queries --------------------------------------------------------------------------
    def select(self, columns: str, *, priorities: bool = True) -> str:
        """``SELECT columns FROM registry_household h … WHERE …``; ``category`` and ``priority``
        are available as the expressions ``self.category`` / ``self.priority`` (with
        ``priorities``: the members' flags the priorities read are joined)."""
        joined = self._member_join() if priorities else ""
        return f"SELECT {columns} FROM registry_household h{joined} WHERE {self.where}"  # noqa: S608

    def count_sql(self) -> str:
        return self.select("count(*)", priorities=False)

    def preview_sql(self) -> str:
        inner = self.select(f"{self.category} AS category, {self.priority} AS priority")
        return f"SELECT category, priority, count(*) FROM ({inner}) e GROUP BY category, priority"  # noqa: S608

    def insert_entries_sql(self, list_param: str) -> str:
        """INSERT the selected households into a beneficiary list, with their snapshot, in one
        statement (``list_param`` is the list id's placeholder, in ``self.sql.params``)."""
        columns = (
            "beneficiary_list_id, household_id, province_id, commune_id, village_id, category,"
            " priority, source, included, reason, exclusion_reason, household_code, head_name,"
            " village_name, address, status, member_count, is_ethnic_minority"
        )
        values = (
            f"{list_param}, h.id, h.province_id, h.commune_id, h.village_id, {self.category},"  # noqa: S608
            f" {self.priority}, 'rule', TRUE, '', '', h.code, h.head_name,"
            " (SELECT v.name FROM areas_administrativeunit v WHERE v.id = h.village_id),"
            " h.address, h.status, h.member_count, h.is_ethnic_minority"
        )
        return f"INSERT INTO programmes_beneficiaryentry ({columns}) {self.select(values)}"

    def execute(self, cursor: Any, sql: str) -> None:
        """Run ``sql`` with this query's parameters, without PostgreSQL's JIT: the compiled
        query's cost estimate (hashed sub-plans over the members) crosses ``jit_above_cost``,
        and compiling then takes about a second, several times the query itself."""
        with transaction.atomic():
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(sql, self.sql.params)

    def count(self) -> int:
        with connection.cursor() as cursor:
            self.execute(cursor, self.count_sql())
            row = cursor.fetchone()
        return int(row[0]) if row else 0

    def preview(self) -> Preview:
        with connection.cursor() as cursor:
            self.execute(cursor, self.preview_sql())
            rows = cursor.fetchall()
        by_status: dict[str, int] = dict.fromkeys(self.rules.statuses, 0)
        by_priority: dict[str, int] = {p.code: 0 for p in self.rules.priorities}
        pairs: dict[tuple[str, str], int] = {}
        for category, priority, n in rows:
            by_status[category] = by_status.get(category, 0) + n
            if priority:
                by_priority[priority] = by_priority.get(priority, 0) + n
            pairs[(category, priority)] = n
        return Preview(
            households=sum(by_status.values()),
            by_status=by_status,
            by_priority=by_priority,
            by_status_priority=pairs,
        )


def query_for(rules: Rules, area: AdministrativeUnit, on: dt.date) -> EligibilityQuery:
    return EligibilityQuery(rules, area, on)
