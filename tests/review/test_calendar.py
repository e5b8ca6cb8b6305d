"""Working days: weekends, the Vietnamese holidays of the configurable calendar (Tết included)
and the Saturdays worked in exchange."""

from __future__ import annotations

import datetime as dt

import pytest

from giamngheo.review import calendar
from giamngheo.review.calendar import WorkCalendar
from giamngheo.review.models import CalendarDay

D = dt.date


def test_it_skips_weekends_without_any_holiday_data() -> None:
    cal = WorkCalendar({})
    friday = D(2025, 11, 7)
    assert cal.nth_working_day(friday, 1) == friday
    assert cal.nth_working_day(friday, 3) == D(2025, 11, 11)  # Fri, Mon, Tue
    assert cal.add_working_days(friday, 1) == D(2025, 11, 10)
    saturday = D(2025, 11, 8)
    assert cal.nth_working_day(saturday, 1) == D(2025, 11, 10)
    assert cal.working_days_between(D(2025, 11, 3), D(2025, 11, 9)) == 5


def test_a_worked_saturday_counts_and_a_weekday_holiday_does_not() -> None:
    cal = WorkCalendar({D(2026, 8, 22): True, D(2026, 8, 24): False})
    assert cal.nth_working_day(D(2026, 8, 21), 2) == D(2026, 8, 22)
    assert cal.nth_working_day(D(2026, 8, 21), 3) == D(2026, 8, 25)


@pytest.mark.django_db
def test_the_shipped_calendar_holds_tet_and_gio_to_as_explicit_dates() -> None:
    days = dict(CalendarDay.objects.values_list("date", "name"))
    assert "Mùng 1" in days[D(2026, 2, 17)]
    assert "Giỗ Tổ" in days[D(2026, 4, 27)] or "Giỗ Tổ" in days[D(2026, 4, 26)]
    # Vietnamese Tết 2030 falls a day before the Chinese New Year (UTC+7 vs UTC+8).
    assert "Mùng 1" in days[D(2030, 2, 2)]
    assert set(range(2024, 2031)) <= {d.year for d in days}


@pytest.mark.django_db
def test_a_posting_across_tet_2026_ends_after_the_holiday() -> None:
    # Friday 13/02/2026, then Tết (16–20/02 off) and two weekends: 3 working days end on 24/02.
    assert calendar.nth_working_day(D(2026, 2, 13), 3) == D(2026, 2, 24)
    assert not calendar.is_working_day(D(2026, 2, 17))
    assert calendar.working_days_between(D(2026, 2, 13), D(2026, 2, 24)) == 3


@pytest.mark.django_db
def test_a_posting_across_tet_2025_and_national_day_2026() -> None:
    # 27/01–01/02/2025 off: Friday 24/01 + 03/02 + 04/02.
    assert calendar.nth_working_day(D(2025, 1, 24), 3) == D(2025, 2, 4)
    # 2026: 31/08–02/09 off, Saturday 22/08 worked in exchange.
    assert calendar.nth_working_day(D(2026, 8, 28), 3) == D(2026, 9, 4)
    assert calendar.is_working_day(D(2026, 8, 22))


@pytest.mark.django_db
def test_a_province_edit_of_the_calendar_is_used_at_once() -> None:
    CalendarDay.objects.create(
        date=D(2025, 11, 10), working=False, name="Nghỉ của tỉnh (thử)", source="test"
    )
    assert calendar.nth_working_day(D(2025, 11, 7), 2) == D(2025, 11, 11)


@pytest.mark.django_db
def test_the_process_rules_name_the_standard_the_engine_applies_each_year() -> None:
    from giamngheo.review import rules
    from giamngheo.standards import pack_for_review_year

    for year in range(2022, 2031):
        assert rules.resolve(year, None).standard == pack_for_review_year(year).code, year
    with pytest.raises(rules.RulesMissing):
        rules.resolve(2021, None)


def test_the_rules_file_declares_every_parameter_with_its_source() -> None:
    from giamngheo.review import rules

    for rule_set in rules.read_default_rules():
        assert rules.check_values(rule_set["values"]) == []
        for fact in rule_set["values"].values():
            assert fact["source"] and isinstance(fact["verified"], bool)
    inherited = rules.read_default_rules()[1]["values"]["vote_threshold"]
    assert inherited["verified"] is False  # nothing says QĐ 24 holds for 2027+


@pytest.mark.django_db
def test_the_calendar_and_the_parameters_change_only_through_audited_services(
    world: object,
) -> None:
    from giamngheo.audit.models import AuditEvent
    from giamngheo.review import services
    from giamngheo.review.models import RuleValue

    admin, officer = world.admin, world.xa_a  # type: ignore[attr-defined]
    day = CalendarDay(date=D(2025, 12, 1), working=False, name="Nghỉ (thử)", source="test")
    with pytest.raises(services.ReviewError, match="quản trị hệ thống"):
        services.calendar_day_save(actor=officer, day=day)
    services.calendar_day_save(actor=admin, day=day)
    value = RuleValue.objects.get(rule_set__code="qd24-2021", key="posting_working_days")
    value.value = "ba"
    with pytest.raises(services.ReviewError, match="expected an integer"):
        services.rule_value_save(actor=admin, value=value)
    value.value = 5
    services.rule_value_save(actor=admin, value=value)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"review.calendar_day_saved", "review.rule_value_saved"} <= actions
