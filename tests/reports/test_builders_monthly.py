"""The in-year monthly report of changes (QĐ 24/2021 Art. 7.1), built from the dated status
history and the in-year rounds' decisions: a commune A world whose June 2025 holds one escape
recognised by the month's in-year decision, one re-entry, one near-poor → poor and one new
near-poor household; figures recounted here in plain Python over the history's rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from giamngheo.lib import clock
from giamngheo.lib.pdf import extract_text
from giamngheo.lib.report_pdf import write_pdf
from giamngheo.lib.report_xlsx import write_xlsx
from giamngheo.registry import services as registry_services
from giamngheo.registry.models import Household, StatusChange
from giamngheo.reports.builders import EXTRA_FORMS
from giamngheo.reports.builders.monthly import MonthError, build, reporting_calendar
from giamngheo.review import services as review_services
from tests.conftest import World, make_household
from tests.reports.files import read_xlsx, row_with
from tests.review.conftest import record_b2

D = dt.date
TODAY = D(2026, 12, 7)
JUNE = (2025, 6)


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    clock.set_today(TODAY)
    yield
    clock.set_today(None)


def set_status(household: Household, status: str, on: dt.date) -> Household:
    return registry_services.household_status_set(
        actor=None,
        household=household,
        status=status,
        standard="2022-2025",
        year=on.year,
        basis=f"Quyết định ngày {on:%d/%m/%Y} (dữ liệu thử)",
        effective_on=on,
    )


@dataclass
class MonthWorld:
    world: World
    escaped: Household  # A1: poor, escapes on 25/06/2025 by the in-year decision
    reentered: Household  # A1: poor 2023, escaped 2024, poor again 10/06/2025
    near_to_poor: Household  # A2: near-poor → poor 12/06/2025
    new_near: Household  # A2: near-poor from 20/06/2025
    july: Household  # A1: poor from 02/07/2025 (outside June)


def in_year_escape(w: World, household: Household) -> None:
    """Mẫu 04 received 02/06, surveyed, voted, posted, decided 25/06/2025 (QĐ 24 Art. 5)."""
    application = review_services.application_file(
        actor=w.xa_a,
        household=household,
        form="mau04",
        reason="improved",
        received_on=D(2025, 6, 2),
        applicant_name="Nguyễn Văn An",
    )
    entry = application.entry
    review_services.entry_attach_survey(
        actor=w.ctv, entry=entry, survey=record_b2(household, "not_poor", D(2025, 6, 16))
    )
    meeting = review_services.meeting_create(
        actor=w.ctv,
        round_=entry.round,
        village=w.village_a1,
        held_on=D(2025, 6, 18),
        chair_name="Trưởng thôn",
        attendees=8,
    )
    review_services.meeting_record_votes(actor=w.ctv, meeting=meeting, votes={entry.pk: 4})
    review_services.posting_create(actor=w.xa_a, round_=entry.round, posted_on=D(2025, 6, 19))
    review_services.decision_issue(
        actor=w.xa_a,
        round_=entry.round,
        number="60/QĐ-UBND",
        signed_on=D(2025, 6, 25),
        signer_name="Nguyễn Văn Chủ",
    )


@pytest.fixture
def mw(world: World) -> MonthWorld:
    w = world
    escaped = set_status(w.household_a1, "poor", D(2024, 12, 20))
    set_status(w.household_a2, "near_poor", D(2024, 12, 20))
    set_status(w.household_b1, "poor", D(2024, 12, 20))  # commune B: not in A's report
    reentered = make_household(w.village_a1, "A1-010", "Đỗ Văn Tái")
    set_status(reentered, "poor", D(2023, 12, 20))
    set_status(reentered, "not_poor", D(2024, 6, 10))
    set_status(reentered, "poor", D(2025, 6, 10))
    near_to_poor = make_household(w.village_a2, "A2-010", "Lý Thị Chuyển")
    set_status(near_to_poor, "near_poor", D(2024, 12, 20))
    set_status(near_to_poor, "poor", D(2025, 6, 12))
    new_near = make_household(w.village_a2, "A2-011", "Mai Văn Mới")
    set_status(new_near, "near_poor", D(2025, 6, 20))
    july = make_household(w.village_a1, "A1-011", "Hà Thị Bảy")
    set_status(july, "poor", D(2025, 7, 2))
    in_year_escape(w, escaped)
    return MonthWorld(w, escaped, reentered, near_to_poor, new_near, july)


# -- the independent recount ---------------------------------------------------------------


def status_on(history: list[StatusChange], current: str, day: dt.date) -> str:
    """A household's status at the end of ``day`` from its history, walked in Python."""
    ordered = sorted(history, key=lambda c: (c.effective_on, c.pk))
    if not ordered:
        return current
    status = ordered[0].previous_status
    for change in ordered:
        if change.effective_on <= day:
            status = change.status
    return status


def recount(commune_id: int, year: int, month: int) -> dict[int, dict[str, int]]:
    """Per village: households at the start and end of the month, and the month's changes."""
    first = D(year, month, 1)
    last = (D(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)
    households = list(Household.objects.filter(commune_id=commune_id))
    history: dict[int, list[StatusChange]] = defaultdict(list)
    for change in StatusChange.objects.filter(household__in=households):
        history[change.household_id].append(change)
    out: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for h in households:
        row = out[h.village_id]
        start = status_on(history[h.pk], h.status, first - dt.timedelta(days=1))
        end = status_on(history[h.pk], h.status, last)
        row[f"{start}@start"] += 1
        row[f"{end}@end"] += 1
        for change in sorted(history[h.pk], key=lambda c: (c.effective_on, c.pk)):
            if not first <= change.effective_on <= last:
                continue
            escaped_before = any(
                c.effective_on < change.effective_on
                and c.previous_status == "poor"
                and c.status != "poor"
                for c in history[h.pk]
            )
            row[f"{change.previous_status}->{change.status}|{escaped_before}"] += 1
    return out


def figures_of(table_rows: list[dict[str, object]], label: str) -> dict[str, object]:
    index = next(i for i, r in enumerate(table_rows) if r["area"] == label)
    return table_rows[index]


@pytest.mark.django_db
def test_the_month_of_commune_a_matches_the_history_recounted(mw: MonthWorld) -> None:
    w = mw.world
    table = build(viewer=w.xa_a, unit=w.commune_a, year=2025, month=6)
    rows = [dict(r.values) for r in table.rows]
    expected = recount(w.commune_a.pk, *JUNE)

    a1 = figures_of(rows, w.village_a1.name)
    a2 = figures_of(rows, w.village_a2.name)
    count_a1, count_a2 = expected[w.village_a1.pk], expected[w.village_a2.pk]
    # Village A1: A1-001 poor at the start, escaped above the near-poor line by the in-year
    # decision; A1-010 re-entered (escaped in 2024); A1-011 only from July.
    assert a1["poor_start"] == count_a1["poor@start"] == 1
    assert a1["poor_escaped_above"] == count_a1["poor->not_poor|False"] == 1
    assert a1["poor_reentered"] == count_a1["not_poor->poor|True"] == 1
    assert a1["poor_new"] == 0 and a1["poor_from_near"] == 0
    assert a1["poor_end"] == count_a1["poor@end"] == 1
    # Village A2: A2-001 and A2-010 near-poor at the start; A2-010 became poor, A2-011 new.
    assert a2["near_start"] == count_a2["near_poor@start"] == 2
    assert a2["near_to_poor"] == a2["poor_from_near"] == count_a2["near_poor->poor|False"] == 1
    assert a2["near_new"] == count_a2["->near_poor|False"] == 1
    assert a2["near_end"] == count_a2["near_poor@end"] == 2
    assert a2["poor_end"] == count_a2["poor@end"] == 1

    # People: the households' members (two each) on the Nhân khẩu line under each area.
    index = next(i for i, r in enumerate(rows) if r["area"] == w.village_a1.name)
    people = rows[index + 1]
    assert people["breakdown"] == "Nhân khẩu"
    members = {h.pk: h.member_count for h in Household.objects.filter(commune=w.commune_a)}
    assert people["poor_start"] == members[mw.escaped.pk]
    assert people["poor_reentered"] == members[mw.reentered.pk]

    # Every line: end = start − decreases + increases (the form's "8=1-2-3-4+5+6+7").
    for row in rows:
        for s, (dec, inc) in {
            "poor": (
                ("to_near", "escaped_above", "other_decrease"),
                ("from_near", "reentered", "new"),
            ),
            "near": (("to_poor", "escaped", "other_decrease"), ("from_poor", "reentered", "new")),
        }.items():
            assert row[f"{s}_end"] == (
                row[f"{s}_start"]
                - sum(row[f"{s}_{k}"] for k in dec)  # type: ignore[misc]
                + sum(row[f"{s}_{k}"] for k in inc)  # type: ignore[misc]
            )
    # The leading "Tổng cộng" pair sums the villages.
    total = rows[0]
    assert total["area"] == "Tổng cộng" and total["breakdown"] == "Hộ"
    assert total["poor_end"] == sum(c["poor@end"] for c in expected.values()) == 2
    assert total["near_end"] == sum(c["near_poor@end"] for c in expected.values()) == 2
    assert any("60/QĐ-UBND ngày 25/06/2025" in note for note in table.notes)
    assert any("05/07/2025" in note for note in table.notes)  # due on the 5th of July
    assert not table.verified and table.legal_basis.startswith("Quyết định số 24/2021/QĐ-TTg")
    assert table.signatures[0].title == "NGƯỜI LẬP BIỂU"
    assert "THÁNG 6 NĂM 2025" in table.title and w.commune_a.name.upper() in table.title
    assert table.columns()[-1].number == "16=9-10-11-12+13+14+15"


@pytest.mark.django_db
def test_july_counts_the_new_poor_household_and_starts_where_june_ended(mw: MonthWorld) -> None:
    w = mw.world
    june = build(viewer=w.xa_a, unit=w.commune_a, year=2025, month=6)
    july = build(viewer=w.xa_a, unit=w.commune_a, year=2025, month=7)
    june_a1 = figures_of([dict(r.values) for r in june.rows], w.village_a1.name)
    july_a1 = figures_of([dict(r.values) for r in july.rows], w.village_a1.name)
    assert july_a1["poor_start"] == june_a1["poor_end"]
    assert july_a1["poor_new"] == recount(w.commune_a.pk, 2025, 7)[w.village_a1.pk]["->poor|False"]
    assert july_a1["poor_new"] == 1


@pytest.mark.django_db
def test_the_province_row_of_commune_a_is_the_communes_total(mw: MonthWorld) -> None:
    w = mw.world
    province = build(viewer=w.tinh, unit=w.province, year=2025, month=6)
    commune = build(viewer=w.tinh, unit=w.commune_a, year=2025, month=6)
    rows = [dict(r.values) for r in province.rows]
    row_a = figures_of(rows, w.commune_a.name)
    row_b = figures_of(rows, w.commune_b.name)
    total_a = dict(commune.rows[0].values)
    for key in ("poor_start", "poor_escaped_above", "poor_reentered", "near_new", "poor_end"):
        assert row_a[key] == total_a[key]
    assert row_b["poor_start"] == row_b["poor_end"] == 1  # B1-001


@pytest.mark.django_db
def test_other_communes_and_villages_are_refused_with_404(mw: MonthWorld) -> None:
    w = mw.world
    for viewer, unit in (
        (w.xa_b, w.commune_a),
        (w.xa_a, w.commune_b),
        (w.xa_a, w.province),
        (w.ctv, w.commune_a),
        (w.outsider, w.commune_a),
        (w.tinh, w.other_province),
        (w.tinh, w.village_a1),  # a level the form is not made for
    ):
        with pytest.raises(Http404):
            build(viewer=viewer, unit=unit, year=2025, month=6)
    with pytest.raises(MonthError):
        build(viewer=w.xa_a, unit=w.commune_a, year=2025, month=13)
    with pytest.raises(MonthError):
        build(viewer=w.xa_a, unit=w.commune_a, year=2025)


@pytest.mark.django_db
def test_the_query_count_does_not_grow_with_households(mw: MonthWorld) -> None:
    w = mw.world

    def queries() -> int:
        w.xa_a.__dict__.pop("_giamngheo_grants", None)
        with CaptureQueriesContext(connection) as captured:
            build(viewer=w.xa_a, unit=w.commune_a, year=2025, month=6)
        return len(captured)

    queries()  # the unit's province is then cached on the object, as on a page
    before = queries()
    for i in range(12):
        household = make_household(w.village_a2, f"A2-1{i:02d}", f"Hộ Thêm {i}")
        set_status(household, "poor", D(2025, 6, 3))
    assert queries() == before <= 8


def test_the_reporting_calendar_is_data_feb_to_sep_on_the_5th() -> None:
    cal = reporting_calendar()
    assert cal.report_months == (2, 3, 4, 5, 6, 7, 8, 9) and cal.report_day == 5
    assert cal.due_on(2025, 1) == D(2025, 2, 5)
    assert cal.due_on(2025, 8) == D(2025, 9, 5)
    assert cal.due_on(2025, 9) is None and cal.due_on(2025, 12) is None
    assert not cal.verified and "Điều 7" in cal.legal_basis
    assert EXTRA_FORMS["monthly-changes"].monthly
    assert EXTRA_FORMS["monthly-changes"].levels == ("province", "commune")


@pytest.mark.django_db
def test_the_xlsx_and_pdf_read_back(mw: MonthWorld) -> None:
    w = mw.world
    table = build(viewer=w.xa_a, unit=w.commune_a, year=2025, month=6)
    sheet = read_xlsx(write_xlsx(table))
    row = row_with(sheet, w.village_a1.name)
    keys = [c.key for c in table.columns()]
    offset = row.index(w.village_a1.name) - keys.index("area")
    expected = recount(w.commune_a.pk, *JUNE)[w.village_a1.pk]
    assert row[offset + keys.index("poor_start")] == expected["poor@start"] == 1
    assert row[offset + keys.index("poor_escaped_above")] == 1
    assert row[offset + keys.index("poor_reentered")] == expected["not_poor->poor|True"] == 1
    assert row[offset + keys.index("poor_end")] == expected["poor@end"]
    texts = {str(c) for r in sheet.iter_rows(values_only=True) for c in r if c is not None}
    assert any("THÁNG 6 NĂM 2025" in t for t in texts)
    assert "16=9-10-11-12+13+14+15" in texts and "NGƯỜI LẬP BIỂU" in " ".join(texts)
    text = extract_text(write_pdf(table))
    assert "THÁNG 6 NĂM 2025" in text and w.village_a1.name in text
    assert "NGƯỜI LẬP BIỂU" in text and "Tái nghèo" in text and "60/QĐ-UBND" in text
