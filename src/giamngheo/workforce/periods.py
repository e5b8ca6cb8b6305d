"""Reporting months and deadlines: pure date arithmetic, no database.

The reporting day itself is provincial (no national text, ``docs/workforce.md``): it comes in
``reference.Rules`` (``selectors.rules_for``) and is frozen on each report as ``due_on``.
"""

from __future__ import annotations

import calendar
import datetime as dt

from giamngheo.workforce.reference import Rules


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def report_due_on(month: dt.date, rules: Rules) -> dt.date:
    """The deadline of the report of ``month``: a day of the following month (e.g. the 5th)."""
    following = next_month(month)
    last = calendar.monthrange(following.year, following.month)[1]
    return following.replace(day=min(rules.report_deadline_day, last))
