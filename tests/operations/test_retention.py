"""Which scheduled backups are kept: a fake year of backup times, checked against the rule
written out by hand (grandfather-father-son)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from giamngheo.operations import retention

UTC = dt.UTC


def at(day: dt.date, hour: int = 2) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


# One nightly backup at 02:00 from 1 Jan 2026 to 7 Dec 2026 (a Monday), plus an extra manual
# one on the last day at 15:00.
LAST = dt.date(2026, 12, 7)
NIGHTLY = [at(dt.date(2026, 1, 1) + dt.timedelta(days=n)) for n in range(341)]
EXTRA = at(LAST, 15)


def test_the_newest_of_each_recent_day_week_and_month_is_kept() -> None:
    assert NIGHTLY[-1].date() == LAST
    kept = retention.keep([*NIGHTLY, EXTRA], daily=7, weekly=4, monthly=12)
    # Days: 7 Dec (the 15:00 one, newer than 02:00) and the nights of 1-6 Dec.
    daily = {EXTRA} | {at(LAST - dt.timedelta(days=n)) for n in range(1, 7)}
    # ISO weeks: this week (Mon 7 Dec: already the 15:00 one), then the Sundays of the 3 weeks
    # before (the newest backup of each week).
    weekly = {EXTRA} | {at(dt.date(2026, 12, 6) - dt.timedelta(weeks=n)) for n in range(3)}
    # Months: December (15:00 on the 7th), then the last day of each month back to January.
    month_ends = [dt.date(2026, m + 1, 1) - dt.timedelta(days=1) for m in range(1, 12)]
    monthly = {EXTRA} | {at(d) for d in month_ends}
    assert kept == daily | weekly | monthly
    assert len(kept) == 7 + 3 + 11 - 1  # 6 Dec is both a day and a week's newest


def test_a_gap_in_the_backups_keeps_the_days_that_have_one() -> None:
    # Nothing between 20 Nov and 5 Dec: the 7 "days" reach back past the gap.
    times = [t for t in NIGHTLY if not dt.date(2026, 11, 20) <= t.date() <= dt.date(2026, 12, 5)]
    kept = retention.keep(times, daily=7, weekly=0, monthly=0)
    expected = {at(d) for d in (LAST, dt.date(2026, 12, 6))}
    expected |= {at(dt.date(2026, 11, 19) - dt.timedelta(days=n)) for n in range(5)}
    assert kept == expected


def test_the_newest_backup_is_always_kept_and_nothing_comes_from_nothing() -> None:
    assert retention.keep([], daily=7, weekly=4, monthly=12) == set()
    assert retention.keep(NIGHTLY, daily=0, weekly=0, monthly=0) == {NIGHTLY[-1]}


def test_pruning_a_directory_deletes_only_scheduled_backups_not_kept(tmp_path: Path) -> None:
    for time in NIGHTLY[-40:]:
        (tmp_path / retention.scheduled_name(time)).write_bytes(b"x")
    (tmp_path / "giamngheo-manual.tar").write_bytes(b"keep me")
    (tmp_path / "notes.txt").write_text("keep me")
    removed = retention.prune(tmp_path, daily=3, weekly=2, monthly=1)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert "giamngheo-manual.tar" in left and "notes.txt" in left
    # Kept: 7, 6, 5 Dec (days); this ISO week's newest (7 Dec) and last week's (Sun 6 Dec);
    # this month's newest (7 Dec).
    kept_days = (dt.date(2026, 12, 5), dt.date(2026, 12, 6), LAST)
    expected = sorted(retention.scheduled_name(at(d)) for d in kept_days)
    assert sorted(n for n in left if n.endswith("Z.tar")) == expected
    assert sorted(p.name for p in removed) == sorted(
        retention.scheduled_name(t) for t in NIGHTLY[-40:] if t.date() not in kept_days
    )


def test_names_carry_the_time_in_utc_and_other_names_are_ignored() -> None:
    ict = dt.timezone(dt.timedelta(hours=7))
    name = retention.scheduled_name(dt.datetime(2026, 12, 7, 9, 0, 0, tzinfo=ict))
    assert name == "giamngheo-20261207-020000Z.tar"
    assert retention.time_of(name) == dt.datetime(2026, 12, 7, 2, tzinfo=UTC)
    assert retention.time_of("giamngheo-20261307-020000Z.tar") is None
    assert retention.time_of("backup.tar") is None
