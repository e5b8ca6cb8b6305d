"""The measures of the official reports: what each figure counts, computed set-based in SQL.

Legal and form references: Thông tư 07/2021/TT-BLĐTBXH Phụ lục VII (report templates "Mẫu số
7.1 … 7.10", official columns UNVERIFIED: ``shared/domain/report_forms.md``), QĐ 24/2021/QĐ-TTg
Art. 4–7 (the review and its decision). Every key is an integer number of households unless it
ends in ``.people`` (persons). Missing key = 0.

**The status of a household in review year Y** (the frozen decisions first, then the registry):

- *end of Y* (``s_end``): the ``status_after`` of its last decision entry of a year-Y decision
  (annual or in-year round, by signing date); else, from the dated status history
  (``registry.StatusChange``, a chain: each row's ``previous_status`` is the status before it;
  a change belongs to its review ``year``, else to its date's year), the ``previous_status`` of
  its first change of a later year, else the ``status`` of its last change of Y or earlier;
  else (no recorded change) the ``status_before`` of its first entry of a later
  year's decision (the status it entered that review with); else the ``status_after`` of its
  last entry of an earlier year; else the registry's current status (no recorded change).
- *start of Y* (``s_start``): the ``status_before`` of its first entry of a year-Y decision;
  else the ``previous_status`` of its first change of year Y or later; else its end-of-year
  status (no change recorded in or after Y: unchanged). A household poor in 2024 that escaped
  in 2025 is poor in 2024's figures, whatever its status today.
- *persons* of a household: the members frozen in its last year-Y decision entry; else the
  registry's ``member_count``. ``people`` is the sum over all households, so every rate ≤ 100 %.
- *households*: the registry's households of the area today (the registry keeps no dated
  membership of a household in an area: one that moved is counted where it is now), except
  those that came into being after Y: entered in the registry after Y (``created_at``), with
  members whose every stay began after Y (``joined_on``, all known), and no trace in or before
  Y (no status change, decision entry or survey of a year up to Y). A household whose members'
  arrival dates are unknown counts (the registry cannot tell when it was formed).
- What a past year still reads from today's registry (not recorded then): the group flags
  (ethnic minority, merit, no labour capacity, social assistance), the causes of poverty, the
  head's sex and ethnicity and the children (today's members); persons from ``member_count``
  when the household is in no decision of Y. The reports' notes say so.

**Changes over Y** (forms 2 and 3, "diễn biến"), for S = poor (near_poor mirrored):
``S.start`` (s_start = S); decreases: ``poor.escaped_to_near_poor`` (→ near_poor; form 2 col 2),
``S.escaped_above`` (→ not poor nor near-poor, or average living standard; col 3),
``S.other_decrease`` (→ no status: removed from the lists without a new status; col 4);
increases: ``poor.from_near_poor`` / ``near_poor.from_poor`` (col 5), ``S.reentered`` (col 6),
``S.new`` (col 7), ``S.other_increase`` (no status at the start: a household new to the
registry — split, moved in; col 8); ``S.end`` = S.start − decreases + increases, exact by
construction. Increases are classified in that order: from the other list first, then a
household without a status, then re-entered, else new. *Re-entered poor* (tái nghèo): the
decision's own flag (``DecisionEntry.reentered``: an earlier decision recognised its escape).
*Re-entered near-poor*: the choice ``near_poor_reentered`` of ``data/measures.toml``.

**Deprivations** (forms 4–7, 11): from the household's latest survey of review year Y
(``Survey.deprivation_flags``), indicators of the standard governing Y (its pack, in the pack's
order). ``S.surveyed``: S households with such a survey; ``S.deprived.<i>``;
``S.deprivations`` (Σ over indicators); ``S.by_count.<n>`` (exactly n deprivations, surveyed
households only). Children (form 11): ``S.children`` members under ``child_age_below`` in the
year; ``S.children.deprived.<i>``: children living in S households deprived in indicator i (the
indicators are household-level; a per-child reading is unverified).

**Groups** (forms 8, 12/13, R2), for S in poor, near_poor, average and ``all`` (every household):
``S.ethnic_minority`` (household flag), ``S.no_labour_capacity``, ``S.merit``,
``S.social_assistance``, ``S.female_head`` (head's sex), ``S.no_group`` (in none of ethnic
minority, no labour capacity, merit: form 8's "Khác", exact although the groups overlap — the
printed "5=1−2−3−4" assumes they do not, report_forms.md §3.4), ``S.kinh`` (head of the majority
ethnicity), ``S.ethnicity.<code>`` (head's ethnicity code), ``S.cause.<reason>`` (registry's
``poverty_reasons``; a household may give several causes), each also with ``.people``.

**Alkire–Foster** (``standards.measures``, ``AFSpec.from_pack`` of the year's standard) over the
surveyed households of Y, whatever their status: ``af.units``, ``af.poor``, ``af.score_sum``
(Σ censored integer scores over ``af.denominator``), ``af.deprived.<i>``, ``af.censored.<i>``.
``af.denominator`` is not summed in roll-ups (``NON_ADDITIVE``).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction

from giamngheo.registry.models import Status
from giamngheo.standards.measures import AFSpec
from giamngheo.standards.packs import Pack, pack_for_review_year

POOR, NEAR_POOR = Status.POOR.value, Status.NEAR_POOR.value
AVERAGE, NOT_POOR = Status.AVERAGE.value, Status.NOT_POOR.value
LISTED = (POOR, NEAR_POOR)
ABOVE = (NOT_POOR, AVERAGE)
KNOWN = (POOR, NEAR_POOR, NOT_POOR, AVERAGE)
GROUP_STATUSES = (POOR, NEAR_POOR, "average", "all")
NON_ADDITIVE = frozenset({"af.denominator"})
DATA = Path(__file__).resolve().parent / "data" / "measures.toml"


@dataclass(frozen=True)
class Choices:
    near_poor_reentered: str
    child_age_below: int
    majority_ethnicity: str


@cache
def _choices_from(path: str) -> Choices:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    reentered = data.get("near_poor_reentered", "earlier_escape")
    if reentered not in ("earlier_escape", "none"):
        raise ValueError(f"{path}: near_poor_reentered must be 'earlier_escape' or 'none'")
    age = data.get("child_age_below", 16)
    if not isinstance(age, int) or not 0 < age < 30:
        raise ValueError(f"{path}: child_age_below must be an integer between 1 and 29")
    return Choices(reentered, age, str(data.get("majority_ethnicity", "01")))


def choices() -> Choices:
    return _choices_from(str(getattr(settings, "GIAMNGHEO_REPORTS_MEASURES", "") or DATA))


def standard_for(year: int) -> Pack:
    return pack_for_review_year(year)


# -- the households of an area and their status in the year -----------------------------------

_HOUSEHOLDS = """
CREATE TEMPORARY TABLE rp_hh ON COMMIT DROP AS
WITH de AS (
    SELECT e.household_id, d.year, d.signed_on, e.id, e.status_before, e.status_after,
           e.reentered, jsonb_array_length(e.members) AS members
    FROM review_decisionentry e JOIN review_decision d ON d.id = e.decision_id
    WHERE e.province_id = %(province)s {commune_de}
), this_year AS (
    SELECT household_id,
           (array_agg(status_before ORDER BY signed_on, id))[1] AS s_start,
           (array_agg(status_after ORDER BY signed_on DESC, id DESC))[1] AS s_end,
           (array_agg(members ORDER BY signed_on DESC, id DESC))[1] AS members,
           bool_or(reentered) AS reentered
    FROM de WHERE year = %(year)s GROUP BY household_id
), later AS (
    SELECT DISTINCT ON (household_id) household_id, status_before
    FROM de WHERE year > %(year)s ORDER BY household_id, year, signed_on, id
), earlier AS (
    SELECT DISTINCT ON (household_id) household_id, status_after
    FROM de WHERE year < %(year)s ORDER BY household_id, year DESC, signed_on DESC, id DESC
), escaped_near AS (
    SELECT DISTINCT e.household_id
    FROM review_decisionentry e JOIN review_decision d ON d.id = e.decision_id
    WHERE e.province_id = %(province)s {commune_de} AND d.year < %(year)s
      AND %(near_reentered)s AND 'escaped_near_poverty' = ANY(e.lists)
), survey AS (
    SELECT DISTINCT ON (household_id) household_id, deprivation_flags AS flags
    FROM surveys_survey
    WHERE province_id = %(province)s {commune_sv} AND review_year = %(year)s
      AND deprivation_flags IS NOT NULL
    ORDER BY household_id, surveyed_on DESC, id DESC
), sc AS (
    -- The dated status history; a change belongs to its review year (else its date's year).
    SELECT household_id, effective_on, id, previous_status, status,
           COALESCE(year, EXTRACT(YEAR FROM effective_on)::int) AS y
    FROM registry_statuschange
    WHERE province_id = %(province)s {commune_sc}
), sc_last AS (
    -- No change after Y: the status its last change of Y or earlier gave it.
    SELECT DISTINCT ON (household_id) household_id, status
    FROM sc WHERE y <= %(year)s ORDER BY household_id, effective_on DESC, id DESC
), sc_end AS (
    -- The status at the end of Y: the one the first change of a later year replaced.
    SELECT DISTINCT ON (household_id) household_id, previous_status
    FROM sc WHERE y > %(year)s ORDER BY household_id, effective_on, id
), sc_start AS (
    -- The status at the start of Y: the one the first change of Y or later replaced.
    SELECT DISTINCT ON (household_id) household_id, previous_status
    FROM sc WHERE y >= %(year)s ORDER BY household_id, effective_on, id
), members AS (
    SELECT m.household_id,
           bool_or(m.is_head AND p.sex = 'female') AS female_head,
           max(CASE WHEN m.is_head THEN p.ethnicity END) AS ethnicity,
           count(*) FILTER (WHERE p.birth_year > %(year)s - %(child_age)s
                            AND p.birth_year <= %(year)s) AS children
    FROM registry_household h
    JOIN registry_membership m ON m.household_id = h.id AND m.left_on IS NULL
    JOIN registry_person p ON p.id = m.person_id
    WHERE h.province_id = %(province)s {commune_h}
    GROUP BY m.household_id
)
SELECT h.id, h.village_id, h.commune_id,
       COALESCE(y.s_end, se.previous_status, sl.status, later.status_before,
                earlier.status_after, h.status) AS s,
       COALESCE(y.s_start, ss.previous_status, se.previous_status, sl.status,
                later.status_before, earlier.status_after, h.status) AS s0,
       COALESCE(y.members, h.member_count)::bigint AS people,
       COALESCE(y.reentered, false) AS reentered,
       (x.household_id IS NOT NULL) AS escaped_near,
       h.is_ethnic_minority AS ethnic_minority, h.has_no_labour_capacity AS no_labour_capacity,
       h.is_merit_family AS merit, h.has_social_assistance_member AS social_assistance,
       COALESCE(mb.female_head, false) AS female_head, COALESCE(mb.ethnicity, '') AS ethnicity,
       COALESCE(mb.children, 0)::bigint AS children,
       h.poverty_reasons AS reasons, sv.flags {flag_columns}
FROM registry_household h
LEFT JOIN this_year y ON y.household_id = h.id
LEFT JOIN later ON later.household_id = h.id
LEFT JOIN earlier ON earlier.household_id = h.id
LEFT JOIN escaped_near x ON x.household_id = h.id
LEFT JOIN survey sv ON sv.household_id = h.id
LEFT JOIN members mb ON mb.household_id = h.id
LEFT JOIN sc_end se ON se.household_id = h.id
LEFT JOIN sc_start ss ON ss.household_id = h.id
LEFT JOIN sc_last sl ON sl.household_id = h.id
WHERE h.province_id = %(province)s {commune_h}
  -- Not a household that came into being after Y (see "households" in the docstring). An
  -- expression, not top-level NOT EXISTS, so the look-ups run only for the few households
  -- entered in the registry after Y whose every member joined after Y.
  AND NOT (
      h.created_at >= %(after_year)s
      AND NOT EXISTS (
          SELECT 1 FROM registry_membership m
          WHERE m.household_id = h.id AND (m.joined_on IS NULL OR m.joined_on < %(after_day)s))
      AND EXISTS (SELECT 1 FROM registry_membership m WHERE m.household_id = h.id)
      AND NOT EXISTS (
          SELECT 1 FROM registry_statuschange c
          WHERE c.household_id = h.id
            AND COALESCE(c.year, EXTRACT(YEAR FROM c.effective_on)::int) <= %(year)s)
      AND NOT EXISTS (
          SELECT 1 FROM review_decisionentry e JOIN review_decision d ON d.id = e.decision_id
          WHERE e.household_id = h.id AND d.year <= %(year)s)
      AND NOT EXISTS (
          SELECT 1 FROM surveys_survey v WHERE v.household_id = h.id AND v.review_year <= %(year)s)
  )
"""


def _flag_columns(indicators: tuple[str, ...], af: AFSpec) -> str:
    flags = [f"COALESCE((sv.flags ->> '{code}')::boolean, false)" for code in indicators]
    columns = [f", {flag} AS f_{code}" for code, flag in zip(indicators, flags, strict=True)]
    count = " + ".join(f"{flag}::int" for flag in flags) or "0"
    score = (
        " + ".join(
            f"{weight} * {flag}::int"
            for weight, flag in zip(af.integer_weights, flags, strict=True)
        )
        or "0"
    )
    columns.append(f", CASE WHEN sv.flags IS NULL THEN NULL ELSE {count} END AS n_deprived")
    columns.append(f", ({score}) AS af_score")
    # Poor in the AF sense: score/L >= k, in integers: score·den(k) >= num(k)·L.
    k = Fraction(af.k)
    columns.append(
        f", (sv.flags IS NOT NULL AND ({score}) * {k.denominator} >= "
        f"{k.numerator * af.denominator}) AS af_poor"
    )
    return "".join(columns)


STATUS_GROUP = (
    f"CASE s WHEN '{POOR}' THEN '{POOR}' WHEN '{NEAR_POOR}' THEN '{NEAR_POOR}' "
    f"WHEN '{AVERAGE}' THEN 'average' ELSE '' END"
)
GROUP_FLAGS = ("ethnic_minority", "no_labour_capacity", "merit", "social_assistance", "female_head")


def change_keys(start: str, end: str, *, reentered: bool, escaped_near: bool) -> list[str]:
    """The change measures (forms 2 and 3) a household with status ``start`` at the start of
    the year and ``end`` at its end counts in (see the module's docstring)."""
    keys: list[str] = []
    for status, other in ((POOR, NEAR_POOR), (NEAR_POOR, POOR)):
        if start == status:
            keys.append(f"{status}.start")
        if end == status:
            keys.append(f"{status}.end")
        if start == status and end != status:
            if end == other:
                keys.append(f"{status}.{'escaped_to_near_poor' if status == POOR else 'to_poor'}")
            elif end in ABOVE:
                keys.append(f"{status}.escaped_above")
            else:
                keys.append(f"{status}.other_decrease")
        if end == status and start != status:
            flag = reentered if status == POOR else escaped_near
            if start == other:
                keys.append(f"{status}.{'from_near_poor' if status == POOR else 'from_poor'}")
            elif start == "":
                keys.append(f"{status}.other_increase")
            elif flag:
                keys.append(f"{status}.reentered")
            else:
                keys.append(f"{status}.new")
    return keys


def village_figures(
    *, province_id: int, year: int, commune_id: int | None = None
) -> tuple[str, dict[int, tuple[int, dict[str, int]]]]:
    """The standard's code and, for every village with households in the province (or in one
    commune of it): ``village_id -> (commune_id, values)``. A handful of statements whatever
    the number of households: one temporary table of the households' state in ``year``, then
    GROUP BY village (and a few attributes, so that each aggregate is computed once per group,
    not once per measure): statuses and changes, groups, deprivations, ethnicities, causes.
    The grouped rows (a few dozen per village) are turned into measure keys here."""
    pack = standard_for(year)
    af = AFSpec.from_pack(pack)
    indicators = tuple(af.indicators)
    for code in indicators:
        if not code.replace("_", "").isalnum():
            raise ValueError(f"indicator code {code!r} is not an identifier")
    conf = choices()
    commune = commune_id is not None
    sql = _HOUSEHOLDS.format(
        commune_de="AND e.commune_id = %(commune)s" if commune else "",
        commune_sv="AND commune_id = %(commune)s" if commune else "",
        commune_h="AND h.commune_id = %(commune)s" if commune else "",
        commune_sc="AND commune_id = %(commune)s" if commune else "",
        flag_columns=_flag_columns(indicators, af),
    )
    params: dict[str, Any] = {
        "province": province_id,
        "commune": commune_id,
        "year": year,
        "near_reentered": conf.near_poor_reentered == "earlier_escape",
        "child_age": conf.child_age_below,
        "majority": conf.majority_ethnicity,
        "after_day": dt.date(year + 1, 1, 1),
        # The first instant of Y + 1 in Vietnam (created_at is a timestamp).
        "after_year": dt.datetime(year + 1, 1, 1, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
    }
    result: dict[int, tuple[int, dict[str, int]]] = {}

    def values_of(village_id: int) -> dict[str, int]:
        return result[village_id][1]

    # The temporary table lives until the end of the transaction (ON COMMIT DROP).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS rp_hh")
        # The correlated look-ups of the existence test inflate the plan's estimated cost past
        # jit_above_cost, and compiling the plan took seconds (6.6 s of a 20,000-household
        # province's statement) for a query that runs in a fraction of that without.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        cursor.execute(
            "SELECT village_id, min(commune_id), s, s0, reentered, escaped_near, count(*), "
            "sum(people) FROM rp_hh GROUP BY village_id, s, s0, reentered, escaped_near"
        )
        for village_id, commune_of, end, start, reentered, escaped_near, n, people in cursor:
            if village_id not in result:
                result[village_id] = (commune_of, {"af.denominator": af.denominator})
            values = values_of(village_id)
            keys = [
                "households",
                *change_keys(
                    start or "", end or "", reentered=reentered, escaped_near=escaped_near
                ),
            ]
            keys += [{AVERAGE: "average"}.get(end, end)] if end in (*LISTED, AVERAGE) else []
            for key in keys:
                _add(values, key, n)
                _add(values, "people" if key == "households" else f"{key}.people", people)
        flags = ", ".join(GROUP_FLAGS)
        cursor.execute(
            f"SELECT village_id, {STATUS_GROUP}, {flags}, ethnicity = %(majority)s, "  # noqa: S608
            f"count(*), sum(people), sum(children) FROM rp_hh GROUP BY 1, 2, {flags}, 8",
            params,
        )
        for village_id, status, *row in cursor:
            *marks, kinh, n, people, children = row
            values = values_of(village_id)
            for prefix in (status, "all") if status else ("all",):
                members = [g for g, on in zip(GROUP_FLAGS, marks, strict=True) if on]
                if not any(marks[:3]):  # ethnic minority, no labour capacity, merit
                    members.append("no_group")
                if kinh:
                    members.append("kinh")
                for group in members:
                    _add(values, f"{prefix}.{group}", n)
                    _add(values, f"{prefix}.{group}.people", people)
                _add(values, f"{prefix}.children", children)
        per_indicator = ", ".join(
            f"sum(f_{code}::int), sum(children) FILTER (WHERE f_{code})" for code in indicators
        )
        cursor.execute(
            f"SELECT village_id, {STATUS_GROUP}, af_poor, n_deprived, count(*), "  # noqa: S608
            f"sum(af_score), {per_indicator} FROM rp_hh WHERE flags IS NOT NULL "
            "GROUP BY 1, 2, af_poor, n_deprived"
        )
        for village_id, status, af_poor, n_deprived, n, score, *sums in cursor:
            values = values_of(village_id)
            _add(values, "af.units", n)
            if af_poor:
                _add(values, "af.poor", n)
                _add(values, "af.score_sum", score)
            for prefix in (status, "all") if status else ("all",):
                _add(values, f"{prefix}.surveyed", n)
                _add(values, f"{prefix}.by_count.{n_deprived}", n)
                _add(values, f"{prefix}.deprivations", n * n_deprived)
            for index, code in enumerate(indicators):
                deprived, children = sums[2 * index], sums[2 * index + 1]
                _add(values, f"af.deprived.{code}", deprived)
                if af_poor:
                    _add(values, f"af.censored.{code}", deprived)
                for prefix in (status, "all") if status else ("all",):
                    _add(values, f"{prefix}.deprived.{code}", deprived)
                    _add(values, f"{prefix}.children.deprived.{code}", children or 0)
        cursor.execute(
            f"SELECT village_id, {STATUS_GROUP}, ethnicity, count(*), sum(people) "  # noqa: S608
            "FROM rp_hh GROUP BY 1, 2, 3"
        )
        for village_id, status, code, n, people in cursor:
            values = values_of(village_id)
            for prefix in (status, "all") if status else ("all",):
                _add(values, f"{prefix}.ethnicity.{code or 'unknown'}", n)
                _add(values, f"{prefix}.ethnicity.{code or 'unknown'}.people", people)
        cursor.execute(
            f"SELECT village_id, {STATUS_GROUP}, reason, count(*), sum(people) "  # noqa: S608
            "FROM rp_hh, unnest(reasons) AS reason GROUP BY 1, 2, 3"
        )
        for village_id, status, reason, n, people in cursor:
            values = values_of(village_id)
            for prefix in (status, "all") if status else ("all",):
                _add(values, f"{prefix}.cause.{reason}", n)
                _add(values, f"{prefix}.cause.{reason}.people", people)
        cursor.execute("DROP TABLE IF EXISTS rp_hh")
    return pack.code, result


def _add(values: dict[str, int], key: str, n: int) -> None:
    if n:
        values[key] = values.get(key, 0) + int(n)


def add_up(parts: Iterable[Mapping[str, int]]) -> dict[str, int]:
    """The sum of figures (a commune from its villages, a province from its communes); the
    non-additive keys keep their value (every part has the same)."""
    total: dict[str, int] = {}
    for part in parts:
        for key, value in part.items():
            if key in NON_ADDITIVE:
                total[key] = int(value)
            else:
                total[key] = total.get(key, 0) + int(value)
    return total


def indicator_codes(year: int) -> tuple[str, ...]:
    return tuple(standard_for(year).indicator_codes)
