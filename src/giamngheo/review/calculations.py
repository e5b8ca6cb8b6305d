"""The review's pure calculations (no database access): the lists a household belongs to, the
village vote's threshold, whether a result grants an in-year request, the in-year review's start,
certificate verification codes and the sums of a consolidation (QĐ 24/2021/QĐ-TTg Art. 3–7).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from typing import Any

from giamngheo.registry.models import Status
from giamngheo.review.models import Application, ApplicationForm, ListKind

POOR, NEAR_POOR = Status.POOR.value, Status.NEAR_POOR.value
AVERAGE = Status.AVERAGE.value
ON_LIST = frozenset({POOR, NEAR_POOR})

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone


def lists_for(before: str, after: str) -> list[str]:
    """The posted/decided lists a household belongs to (QĐ 24/2021 Art. 4.3–4.5): by its status
    at the start of the round and its status after review."""
    lists: list[str] = []
    if after == POOR and before != POOR:
        lists.append(ListKind.NEWLY_POOR)
    if after == NEAR_POOR and before != NEAR_POOR:
        lists.append(ListKind.NEWLY_NEAR_POOR)
    if before == POOR and after != POOR:
        lists.append(ListKind.ESCAPED_POVERTY)
    if before == NEAR_POOR and after not in ON_LIST:
        lists.append(ListKind.ESCAPED_NEAR_POVERTY)
    if before == after and after in ON_LIST:
        lists.append(ListKind.REMAINING)
    # QĐ 24/2021 Art. 2.2, 6: households of average living standard are recognised on their own
    # list (every such result, new or continuing; the Art. 6 procedure is unverified).
    if after == AVERAGE:
        lists.append(ListKind.AVERAGE_LIVING_STANDARD)
    return [str(kind) for kind in lists]


def vote_stands(agree: int, attendees: int, threshold: tuple[int, int]) -> bool:
    """QĐ 24/2021 Art. 4.3: the result stands when at least 50 % of the attendees agree — in
    exact integers, agree × den ≥ num × attendees (50 % = 1/2: 2·agree ≥ attendees)."""
    num, den = threshold
    return agree * den >= num * attendees


def grants_request(application: Application | None, before: str, after: str) -> bool:
    """Whether the result grants an in-year request (Mẫu 01: on the list; Mẫu 04: off it)."""
    if application is None:
        return True
    if application.form == ApplicationForm.JOIN:
        return after in ON_LIST and (before not in ON_LIST or (before, after) == (NEAR_POOR, POOR))
    return (before == POOR and after != POOR) or (before == NEAR_POOR and after not in ON_LIST)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def add_figures(total: dict[str, Any], figures: Mapping[str, Any]) -> None:
    total["households"] += figures["households"]
    total["people"] += figures["people"]
    for status in (POOR, NEAR_POOR):
        for key in ("start", "escaped", "reentered", "newly", "end", "people"):
            total[status][key] += figures[status][key]


def review_start_for(received_on: dt.date, review_day: int) -> dt.date:
    """QĐ 24/2021 Art. 3, 5: the in-year review runs once a month from the ``review_day``
    (the 15th): the first such day on or after the application is received."""
    if received_on.day <= review_day:
        return received_on.replace(day=review_day)
    month = received_on.month % 12 + 1
    year = received_on.year + (received_on.month == 12)
    return dt.date(year, month, review_day)


def deadline_state(last_day: dt.date, done_on: dt.date | None, today: dt.date) -> str:
    """Where a report deadline stands: ``done`` (on or before ``last_day``), ``late_done``,
    ``open`` (not done, ``last_day`` not past) or ``overdue``. ``last_day`` is the last
    compliant day: for "Trước ngày 15 tháng 11" (QĐ 24/2021 Art. 7.2) it is 14/11."""
    if done_on is not None:
        return "done" if done_on <= last_day else "late_done"
    return "open" if today <= last_day else "overdue"
