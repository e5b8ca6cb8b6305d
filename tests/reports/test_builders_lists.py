"""The detailed lists of poor and near-poor households (Forms 15 / 14) from the commune's frozen
recognition decision: a decided 2025 round of commune A with seven households, support records
of 2025 (and one of 2024, not shown), recounted from the registry and the fixture's own
definitions; scoping; a query count that does not grow with the households."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from giamngheo.lib import clock
from giamngheo.lib.pdf import extract_text
from giamngheo.lib.report_pdf import write_pdf
from giamngheo.lib.report_xlsx import write_xlsx
from giamngheo.programmes.models import Programme
from giamngheo.programmes.services import support_record_create
from giamngheo.registry import services as registry_services
from giamngheo.registry.models import Household, Membership
from giamngheo.reports.builders import EXTRA_FORMS
from giamngheo.reports.builders.lists import build_near_poor, build_poor, support_column
from giamngheo.review import services as review_services
from giamngheo.review.models import Decision
from tests.conftest import World, make_household
from tests.reports.files import read_xlsx, row_with
from tests.review.conftest import (  # noqa: F401 (fixtures)
    ReviewWorld,
    entries_of,
    record_b2,
    review_world,
    set_status,
    started_round,
)
from tests.review.helpers import consult

D = dt.date


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    clock.set_today(D(2026, 12, 7))
    yield
    clock.set_today(None)


@dataclass
class ListWorld:
    world: World
    decision: Decision
    final: dict[str, str]  # household code -> status decided
    before: dict[str, str]  # household code -> status on the 2024 list
    merit: set[str]
    minority: set[str]
    support: dict[str, set[str]]  # household code -> support columns of 2025


def programme(code: str) -> Programme:
    return Programme.objects.create(
        code=code, kind="policy", name=code, valid_from=D(2020, 1, 1), eligibility={}
    )


def flag(household: Household, **flags: bool) -> Household:
    return registry_services.household_update(
        actor=None, household=household, expected_version=household.version, **flags
    )


def decide(rw: ReviewWorld, final: dict[str, str]) -> Decision:
    """The annual round of commune A 2025: every household on the list surveyed to its final
    status, every vote passing, posted, consulted, decided on 12/11/2025."""
    w = rw.world
    round_ = started_round(rw)
    entries = entries_of(round_)
    for code, status in final.items():
        record_b2(entries[code].household, status)
    review_services.round_attach_latest_surveys(actor=w.xa_a, round_=round_)
    entries = entries_of(round_)
    for village in (w.village_a1, w.village_a2):
        meeting = review_services.meeting_create(
            actor=w.xa_a,
            round_=round_,
            village=village,
            held_on=D(2025, 10, 15),
            chair_name="Trưởng thôn Hà Văn Mạnh",
            attendees=20,
        )
        review_services.meeting_record_votes(
            actor=w.xa_a,
            meeting=meeting,
            votes={e.pk: 15 for e in entries.values() if e.village_id == village.pk},
        )
    review_services.posting_create(actor=w.xa_a, round_=round_, posted_on=D(2025, 11, 3))
    consult(rw, round_)
    return review_services.decision_issue(
        actor=w.xa_a,
        round_=round_,
        number="45/QĐ-UBND",
        signed_on=D(2025, 11, 12),
        signer_name="Nguyễn Văn Chủ",
    )


@pytest.fixture
def lw(review_world: ReviewWorld) -> ListWorld:  # noqa: F811
    w = review_world.world
    before = {"A1-001": "poor", "A2-001": "near_poor"}  # from review_world
    final = {"A1-001": "poor", "A2-001": "poor"}
    extra = {
        "A1-020": (w.village_a1, "poor", "poor"),
        "A1-021": (w.village_a1, "poor", "poor"),
        "A1-022": (w.village_a1, "poor", "not_poor"),
        "A2-020": (w.village_a2, "near_poor", "near_poor"),
        "A2-021": (w.village_a2, "poor", "near_poor"),
    }
    made = {}
    for code, (village, start, end) in extra.items():
        made[code] = set_status(make_household(village, code, f"Chủ hộ {code}"), start)
        before[code], final[code] = start, end
    flag(Household.objects.get(code="A2-001"), is_merit_family=True)
    flag(made["A1-020"], is_ethnic_minority=True, has_no_labour_capacity=True)
    decision = decide(review_world, final)

    health, loan, housing = programme("bhyt-hn"), programme("vay-hn"), programme("nha-o-khac")
    a1 = Household.objects.get(code="A1-001")
    for prog, kind, on in (
        (health, "insurance", D(2025, 1, 15)),
        (loan, "loan", D(2025, 3, 1)),
        (housing, "in_kind", D(2024, 5, 1)),  # the year before: not on the 2025 list
    ):
        support_record_create(
            actor=w.xa_a,
            household=a1,
            programme=prog,
            support_kind=kind,
            delivered_on=on,
            funding_source="central",
            amount=Decimal(1_000_000),
        )
    support_record_create(
        actor=w.xa_a,
        household=Household.objects.get(code="A2-021"),
        programme=housing,
        support_kind="in_kind",
        delivered_on=D(2025, 8, 1),
        funding_source="local",
    )
    return ListWorld(
        world=w,
        decision=decision,
        final=final,
        before=before,
        merit={"A2-001"},
        minority={"A1-020"},
        support={"A1-001": {"health", "credit"}, "A2-021": {"other"}},
    )


def expected_rows(lw: ListWorld, status: str) -> list[tuple[str, list[dict[str, object]]]]:
    """(household code, its members from the registry: head first, then by birth year) of the
    households decided ``status``, by village name then code."""
    codes = sorted(
        (code for code, s in lw.final.items() if s == status),
        key=lambda c: (Household.objects.get(code=c).village.name, c),
    )
    out = []
    for code in codes:
        members = Membership.objects.filter(household__code=code, left_on__isnull=True)
        ordered = sorted(members, key=lambda m: (not m.is_head, m.person.birth_year, m.person_id))
        out.append(
            (
                code,
                [
                    {
                        "name": m.person.full_name,
                        "year": str(m.person.birth_year),
                        "male": m.person.sex == "male",
                        "is_head": m.is_head,
                    }
                    for m in ordered
                ],
            )
        )
    return out


@pytest.mark.django_db
def test_the_poor_list_is_the_decisions_with_members_ticks_and_support(lw: ListWorld) -> None:
    w = lw.world
    table = build_poor(viewer=w.xa_a, unit=w.commune_a, year=2025)
    expected = expected_rows(lw, "poor")
    heads = [r for r in table.rows if r.depth == 0 and not r.emphasis]
    members = [r for r in table.rows if r.depth == 1]
    assert [r.values["name"] for r in heads] == [m[0]["name"] for _, m in expected]
    assert len(members) == sum(len(m) - 1 for _, m in expected)

    for (code, people), head in zip(expected, heads, strict=True):
        values = head.values
        marks = {k for k, v in values.items() if v is True}
        classification = "old" if lw.before[code] == "poor" else "new"
        wanted = {classification}
        wanted |= {"merit"} if code in lw.merit else set()
        wanted |= {"minority", "no_labour"} if code in lw.minority else set()
        wanted |= {f"support_{k}" for k in lw.support.get(code, ())}
        assert marks == wanted, code
        year_column = "male" if people[0]["male"] else "female"
        assert values[year_column] == people[0]["year"]
        assert values["relation"] == "Chủ hộ" and values["ethnicity"] == "Kinh"

    # Members: year of birth in the Nam / Nữ column, relation, numbered within the household.
    child = next(r for r in members if r.values["name"] == "Nguyễn Văn An Con")
    assert child.values["female"] == "2015" and child.values["male"] is None
    assert child.values["relation"] == "Con" and child.values["member_no"] == "1"

    # Village sub-totals and the total row count the households and the ticks.
    total = table.total
    assert total is not None
    poor_codes = [c for c, s in lw.final.items() if s == "poor"]
    people = sum(len(m) for _, m in expected)
    assert total.values["name"] == f"Tổng cộng: {len(poor_codes)} hộ, {people} nhân khẩu"
    assert total.values["old"] == sum(1 for c in poor_codes if lw.before[c] == "poor")
    assert total.values["new"] == sum(1 for c in poor_codes if lw.before[c] != "poor")
    assert total.values["merit"] == 1 and total.values["support_credit"] == 1
    villages = [r for r in table.rows if r.emphasis]
    assert [r.values["name"] for r in villages] == [
        f"{w.village_a2.name}: 1 hộ",  # "Thôn Hai" sorts before "Thôn Một"
        f"{w.village_a1.name}: 3 hộ",
    ]
    assert "45/QĐ-UBND" in table.subtitle and "12/11/2025" in table.subtitle
    assert table.title.startswith("DANH SÁCH CHI TIẾT HỘ NGHÈO NĂM 2025")
    assert table.marker == "Phụ lục số 2.3" and not table.verified
    assert [c.number for c in table.columns()][-1] == "16"
    # No personal number anywhere: the form has no such column.
    assert not any("citizen" in c.key or "phone" in c.key for c in table.columns())


@pytest.mark.django_db
def test_the_near_poor_list(lw: ListWorld) -> None:
    w = lw.world
    table = build_near_poor(viewer=w.xa_a, unit=w.commune_a, year=2025)
    heads = [r for r in table.rows if r.depth == 0 and not r.emphasis]
    expected = expected_rows(lw, "near_poor")
    assert [r.values["name"] for r in heads] == [m[0]["name"] for _, m in expected]
    by_name = {r.values["name"]: r.values for r in heads}
    assert by_name["Chủ hộ A2-020"]["old"] is True  # near-poor → near-poor
    assert by_name["Chủ hộ A2-021"]["new"] is True  # poor → near-poor
    assert by_name["Chủ hộ A2-021"]["support_other"] is True
    assert "CẬN NGHÈO" in table.title


@pytest.mark.django_db
def test_scoping_and_a_commune_without_decision(lw: ListWorld) -> None:
    w = lw.world
    for viewer, unit in (
        (w.xa_b, w.commune_a),
        (w.ctv, w.commune_a),
        (w.outsider, w.commune_a),
        (w.tinh, w.province),  # lists are a commune's
    ):
        with pytest.raises(Http404):
            build_poor(viewer=viewer, unit=unit, year=2025)
    # Commune B has no decision for 2025: an empty list saying so, not an error.
    empty = build_poor(viewer=w.xa_b, unit=w.commune_b, year=2025)
    assert empty.rows == () and "Chưa có quyết định" in empty.subtitle
    # The province officer sees commune A's list as the commune does.
    assert (
        build_poor(viewer=w.tinh, unit=w.commune_a, year=2025).rows
        == build_poor(viewer=w.xa_a, unit=w.commune_a, year=2025).rows
    )


@pytest.mark.django_db
def test_the_query_count_does_not_depend_on_the_households(lw: ListWorld) -> None:
    w = lw.world

    def queries(build) -> int:  # type: ignore[no-untyped-def]
        w.xa_a.__dict__.pop("_giamngheo_grants", None)
        with CaptureQueriesContext(connection) as captured:
            build(viewer=w.xa_a, unit=w.commune_a, year=2025)
        return len(captured)

    queries(build_poor)
    poor, near = queries(build_poor), queries(build_near_poor)
    assert len([s for s in lw.final.values() if s == "poor"]) == 4
    assert len([s for s in lw.final.values() if s == "near_poor"]) == 2
    # 4 poor and 2 near-poor households; the near-poor list asks once more (earlier escapes).
    assert poor + 1 == near <= 10


def test_support_columns_come_from_the_data_file() -> None:
    assert support_column("bhyt-hcn", "insurance") == "health"
    assert support_column("ctmtqg-gnbv-2021.da5.x", "in_kind") == "housing"
    assert support_column("ctmtqg-gnbv-2021.da4.tda1", "training") == "education"
    assert support_column("unknown", "loan") == "credit"
    assert support_column("unknown", "cash") == "other"
    assert EXTRA_FORMS["list-poor"].levels == ("commune",)
    assert EXTRA_FORMS["list-near-poor"].build is build_near_poor


@pytest.mark.django_db
def test_the_xlsx_and_pdf_read_back(lw: ListWorld) -> None:
    w = lw.world
    table = build_poor(viewer=w.xa_a, unit=w.commune_a, year=2025)
    sheet = read_xlsx(write_xlsx(table))
    keys = [c.key for c in table.columns()]
    head = row_with(sheet, "Nguyễn Văn An")
    offset = head.index("Nguyễn Văn An") - keys.index("name")
    assert head[offset + keys.index("head_no")] is not None
    assert head[offset + keys.index("male")] in ("1980", 1980)
    # Ticks print "x": A1-001 continuing poor with health insurance and a loan in 2025.
    for key in ("old", "support_health", "support_credit"):
        assert head[offset + keys.index(key)] == "x", key
    for key in ("new", "support_housing", "merit"):
        assert head[offset + keys.index(key)] in (None, ""), key
    child = row_with(sheet, "Nguyễn Văn An Con")
    assert child[offset + keys.index("female")] in ("2015", 2015)
    text = extract_text(write_pdf(table))
    assert "DANH SÁCH CHI TIẾT HỘ NGHÈO NĂM 2025" in text and "Phụ lục số 2.3" in text
    assert "Nguyễn Văn An Con" in text and "45/QĐ-UBND" in text
    assert "TM. ỦY BAN NHÂN DÂN" in text
