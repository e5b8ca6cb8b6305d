"""Working days: Monday to Friday, less the public holidays and days off of the configurable
calendar (table ``CalendarDay``, seeded from ``data/holidays.toml``), plus the Saturdays worked in
exchange ("làm bù").

Deadlines of the review counted in working days (posting period, complaint re-check) use
:func:`working_day_on_or_after` / :func:`nth_working_day`; the data file says which dates are
verified (the lunar dates of Tết and Giỗ Tổ are; the yearly arrangements of days off are not).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

DATA_FILE = Path(__file__).resolve().parent / "data" / "holidays.toml"
# Beyond this many days without a working day the calendar data must be wrong.
_MAX_GAP = 60


@dataclass(frozen=True)
class WorkCalendar:
    """The exceptions to the default week in a date range, read once (no query per day)."""

    exceptions: dict[dt.date, bool]

    def is_working(self, day: dt.date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() < 5

    def nth_working_day(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day counting from ``start`` itself (n ≥ 1): a posting on a working
        day for 3 working days ends on the 3rd working day, the posting day being the first."""
        if n < 1:
            raise ValueError("n must be at least 1")
        day, count, gap = start, 0, 0
        while True:
            if self.is_working(day):
                count, gap = count + 1, 0
                if count == n:
                    return day
            else:
                gap += 1
                if gap > _MAX_GAP:
                    raise ValueError(f"no working day for {_MAX_GAP} days after {day}")
            day += dt.timedelta(days=1)

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The date ``n`` working days after ``start`` (``start`` not counted)."""
        return self.nth_working_day(start + dt.timedelta(days=1), n) if n > 0 else start

    def working_days_between(self, first: dt.date, last: dt.date) -> int:
        """Working days in [first, last] (0 when last < first)."""
        count, day = 0, first
        while day <= last:
            count += self.is_working(day)
            day += dt.timedelta(days=1)
        return count


def calendar_for(first: dt.date, last: dt.date) -> WorkCalendar:
    """The calendar's exceptions from ``first`` to ``last`` (one query)."""
    from giamngheo.review.models import CalendarDay

    rows = CalendarDay.objects.filter(date__gte=first, date__lte=last).values_list(
        "date", "working"
    )
    return WorkCalendar(dict(rows))


def _window(start: dt.date, n: int) -> WorkCalendar:
    # Long enough for n working days across Tết (at most ~9 days off in a row) and weekends.
    return calendar_for(start, start + dt.timedelta(days=7 * (n // 5 + 1) + 2 * _MAX_GAP))


def nth_working_day(start: dt.date, n: int) -> dt.date:
    return _window(start, n).nth_working_day(start, n)


def add_working_days(start: dt.date, n: int) -> dt.date:
    return _window(start, n).add_working_days(start, n)


def is_working_day(day: dt.date) -> bool:
    return calendar_for(day, day).is_working(day)


def working_days_between(first: dt.date, last: dt.date) -> int:
    return calendar_for(first, last).working_days_between(first, last)


def read_default_calendar(path: Path = DATA_FILE) -> list[dict[str, Any]]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return list(data.get("days", []))


@transaction.atomic
def load_default_calendar(*, path: Path = DATA_FILE, only_if_empty: bool = True) -> int:
    """Add the data file's days not loaded before (``ShippedEntry``): a new year's holidays
    arrive with a release, while a day a province deleted or edited stays as the province left
    it (a row whose date exists is kept; a shipped day loaded once is never loaded again).
    ``only_if_empty``: only when the table is empty (the first seeding). Returns rows added."""
    from giamngheo.review.models import CalendarDay, ShippedEntry

    if only_if_empty and CalendarDay.objects.exists():
        return 0
    seen = set(ShippedEntry.objects.filter(kind="holiday").values_list("key", flat=True))
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    new = [row for row in read_default_calendar(path) if str(row["date"]) not in seen]
    rows = [
        CalendarDay(
            date=row["date"],
            working=bool(row["working"]),
            name=row["name"],
            source=row.get("source", ""),
            verified=bool(row.get("verified", False)),
        )
        for row in new
        if row["date"] not in existing
    ]
    CalendarDay.objects.bulk_create(rows)
    ShippedEntry.objects.bulk_create(
        [ShippedEntry(kind="holiday", key=str(row["date"])) for row in new],
        ignore_conflicts=True,
    )
    return len(rows)
