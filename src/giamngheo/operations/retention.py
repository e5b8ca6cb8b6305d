"""Which scheduled backups to keep (grandfather-father-son), as a pure function, and the names
of scheduled backup files.

``keep(times, daily=7, weekly=4, monthly=12)`` keeps, for each of the ``daily`` most recent
days that have a backup, the newest backup of that day; likewise for the ``weekly`` most recent
ISO weeks and the ``monthly`` most recent months. The union is kept, and always the newest
backup, whatever the counts. Everything else may be deleted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path

PREFIX = "giamngheo-"
SUFFIX = ".tar"
_NAME = re.compile(r"^giamngheo-(\d{8})-(\d{6})Z\.tar$")


def scheduled_name(at: dt.datetime) -> str:
    """``giamngheo-20261207-020000Z.tar`` (UTC, sortable)."""
    return f"{PREFIX}{at.astimezone(dt.UTC):%Y%m%d-%H%M%S}Z{SUFFIX}"


def time_of(name: str) -> dt.datetime | None:
    """The time in a scheduled backup's name, or None for any other file."""
    match = _NAME.match(name)
    if not match:
        return None
    try:
        return dt.datetime.strptime(match.group(1) + match.group(2), "%Y%m%d%H%M%S").replace(
            tzinfo=dt.UTC
        )
    except ValueError:
        return None


def _newest_per_period(
    times: list[dt.datetime], count: int, period: Callable[[dt.datetime], Hashable]
) -> set[dt.datetime]:
    kept: set[dt.datetime] = set()
    seen: set[Hashable] = set()
    for time in times:  # newest first
        key = period(time)
        if key in seen:
            continue
        if len(seen) >= count:
            break
        seen.add(key)
        kept.add(time)
    return kept


def keep(
    times: Iterable[dt.datetime], *, daily: int, weekly: int, monthly: int
) -> set[dt.datetime]:
    """The backup times to keep (see module doc)."""
    ordered = sorted(set(times), reverse=True)
    if not ordered:
        return set()
    kept = {ordered[0]}
    kept |= _newest_per_period(ordered, max(daily, 0), lambda t: t.date())
    kept |= _newest_per_period(ordered, max(weekly, 0), lambda t: t.isocalendar()[:2])
    kept |= _newest_per_period(ordered, max(monthly, 0), lambda t: (t.year, t.month))
    return kept


def prune(directory: Path, *, daily: int, weekly: int, monthly: int) -> list[Path]:
    """Delete the scheduled backups of ``directory`` that ``keep`` does not keep; returns them.
    Files not named like a scheduled backup are never touched."""
    backups = {t: p for p in directory.iterdir() if p.is_file() and (t := time_of(p.name))}
    kept = keep(backups, daily=daily, weekly=weekly, monthly=monthly)
    removed = []
    for time, path in sorted(backups.items()):
        if time not in kept:
            path.unlink()
            removed.append(path)
    return removed
