"""A past year's figures count the households as they were then: statuses from the dated status
history (``registry.StatusChange``), households that came into being later left out. The
histories are built by hand (through the registry's status service, dated) in a village with no
decision, and the expected figures are written from the story, then checked again against the
independent count of ``conftest.independent_status``."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from giamngheo.lib import clock
from giamngheo.registry import services as registry_services
from giamngheo.registry.models import Household, Membership
from giamngheo.reports import catalogue, selectors, services, tables
from giamngheo.reports.forms import forms
from giamngheo.review.models import DecisionEntry
from tests.conftest import World, make_household
from tests.reports.conftest import ReportWorld, independent_counts, independent_status

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def dated(household: Household, status: str, year: int) -> Household:
    """``status`` recognised by the annual decision of ``year`` (10 December)."""
    return registry_services.household_status_set(
        actor=None,
        household=Household.objects.get(pk=household.pk),
        status=status,
        standard="2022-2025" if year >= 2022 else "2016-2020",
        year=year,
        basis=f"Quyết định công nhận năm {year} (dữ liệu thử)",
        effective_on=dt.date(year, 12, 10),
    )


def test_a_past_year_counts_the_households_and_statuses_of_then(world: World) -> None:
    b1 = world.village_b1
    # Poor in 2024, escaped in 2025: not poor today.
    escaped = make_household(b1, "B1-101", "Hộ thoát nghèo")
    dated(escaped, "poor", 2024)
    dated(escaped, "not_poor", 2025)
    # Formed in 2025 (entered then, its members joined then): not in 2024.
    formed = make_household(b1, "B1-102", "Hộ mới tách")
    Household.objects.filter(pk=formed.pk).update(created_at=dt.datetime(2025, 5, 1, tzinfo=TZ))
    Membership.objects.filter(household=formed).update(joined_on=dt.date(2025, 5, 1))
    dated(formed, "near_poor", 2025)
    # First recognised in 2025, members' arrival unknown: counted in 2024, without a status.
    first = make_household(b1, "B1-103", "Hộ nghèo mới")
    dated(first, "poor", 2025)
    # Poor in 2023, near-poor since 2024.
    steady = make_household(b1, "B1-104", "Hộ cận nghèo")
    dated(steady, "poor", 2023)
    dated(steady, "near_poor", 2024)
    assert Household.objects.get(pk=escaped.pk).status == "not_poor"  # today

    for year in (2024, 2025):
        services.figures_refresh(actor=None, area=world.commune_b, year=year)
    y2024 = selectors.area_figures(None, b1, 2024)
    y2025 = selectors.area_figures(None, b1, 2025)
    assert y2024 is not None and y2025 is not None

    # 2024: B1-001 (no status), the escaped, the first-recognised and the steady household.
    assert y2024["households"] == 4
    assert y2024["poor"] == 1 and y2024["poor.people"] == 2  # the escaped household, then
    assert y2024["near_poor"] == 1  # steady
    assert y2024["poor.start"] == 1 and y2024["poor.escaped_to_near_poor"] == 1  # steady
    assert y2024["poor.other_increase"] == 1  # the escaped household's first status
    assert y2024["near_poor.from_poor"] == 1 and y2024["near_poor.start"] == 0
    # 2025: the formed household too.
    assert y2025["households"] == 5
    assert y2025["poor"] == 1  # first-recognised
    assert y2025["poor.start"] == 1 and y2025["poor.escaped_above"] == 1  # the escaped one
    assert y2025["poor.other_increase"] == 1
    assert y2025["near_poor"] == 2 and y2025["near_poor.start"] == 1
    assert y2025["near_poor.other_increase"] == 1  # the formed household

    # The same figures from the independent count of the whole province, both years.
    for year, figures in ((2024, y2024), (2025, y2025)):
        states = independent_status(year, world.province)
        expected = independent_counts(states, lambda s: s["village"] == b1.pk)
        for key, value in expected.items():
            assert figures[key] == value, (year, key)
        # And in the commune's row: the same households (the commune is the village's sum).
        commune = selectors.area_figures(None, world.commune_b, year)
        assert commune is not None
        by_commune = independent_counts(states, lambda s: s["commune"] == world.commune_b.pk)
        assert commune["households"] == by_commune["households"]
        assert commune["poor"] == by_commune["poor"]


def test_a_household_with_a_trace_in_the_year_counts_although_entered_later(
    world: World,
) -> None:
    """Entered in the registry after 2024 with members who joined after it, but recognised by
    a decision of 2024 (its status history says so): it existed then."""
    late = make_household(world.village_b1, "B1-201", "Hộ nhập sau")
    Membership.objects.filter(household=late).update(joined_on=dt.date(2025, 2, 1))
    dated(late, "poor", 2024)  # created_at is today's (2026): entered after 2024
    services.figures_refresh(actor=None, area=world.commune_b, year=2024)
    figures = selectors.area_figures(None, world.village_b1, 2024)
    assert figures is not None
    assert figures["households"] == 2 and figures["poor"] == 1
    # Without that trace (a fresh household formed the same way), it would not count.
    other = make_household(world.village_b1, "B1-202", "Hộ khác")
    Membership.objects.filter(household=other).update(joined_on=dt.date(2025, 2, 1))
    services.figures_refresh(actor=None, area=world.commune_b, year=2024)
    again = selectors.area_figures(None, world.village_b1, 2024)
    assert again is not None and again["households"] == 2
    services.figures_refresh(actor=None, area=world.commune_b, year=2025)
    now = selectors.area_figures(None, world.village_b1, 2025)
    assert now is not None and now["households"] == 3


def test_a_past_years_form_says_what_is_todays_information(world: World) -> None:
    services.figures_refresh(actor=None, area=world.commune_b, year=2025)
    form = next(f for f in forms().values() if world.commune_b.level in f.levels)
    past = catalogue.build(form.code, viewer=None, unit=world.commune_b, year=2025)
    assert past is not None and tables.past_year_note() in past.notes
    clock.set_today(dt.date(2025, 12, 20))  # 2025 is the current year
    current = catalogue.build(form.code, viewer=None, unit=world.commune_b, year=2025)
    assert current is not None and tables.past_year_note() not in current.notes


def test_a_past_years_list_and_figures_keep_what_the_decision_froze(
    report_world: ReportWorld,
) -> None:
    """Commune A's 2025 decision recognised A1-001 poor; in 2026 its head is renamed and it
    escapes. The 2025 list still shows it poor under the frozen name, and 2025's figures still
    count it poor; 2026's do not."""
    w = report_world.world
    household = Household.objects.get(code="A1-001")
    frozen = DecisionEntry.objects.get(decision=report_world.decision, household=household)
    assert frozen.status_after == "poor"
    head = Membership.objects.get(household=household, is_head=True).person
    registry_services.person_update(actor=None, person=head, full_name="Tên Đổi Năm 2026")
    dated(household, "not_poor", 2026)
    assert Household.objects.get(pk=household.pk).status == "not_poor"

    table = catalogue.build("list-poor", viewer=w.xa_a, unit=w.commune_a, year=2025)
    assert table is not None
    heads = [r.values["name"] for r in table.rows if r.depth == 0 and not r.emphasis]
    assert frozen.head_name in heads and "Tên Đổi Năm 2026" not in heads
    assert any("không ghi các thông tin này" in note for note in table.notes)

    for year in (2025, 2026):
        services.figures_refresh(actor=None, area=w.commune_a, year=year)
    y2025 = selectors.area_figures(None, w.village_a1, 2025)
    y2026 = selectors.area_figures(None, w.village_a1, 2026)
    assert y2025 is not None and y2026 is not None
    states = independent_status(2025, w.province)
    assert states[household.pk]["end"] == "poor"
    assert (
        y2025["poor"]
        == independent_counts(states, lambda s: s["village"] == w.village_a1.pk)["poor"]
    )
    assert y2025["poor"] >= 1
    assert y2026["poor"] == y2025["poor"] - 1 and y2026["poor.escaped_above"] == 1
