"""Today's date in Vietnam, in one place, so that deadline and date-order rules can be tested
against a fixed day (``tests`` set it with :func:`set_today`; nothing else should)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

_fixed: dt.date | None = None


def today() -> dt.date:
    """The local date (Asia/Ho_Chi_Minh), or the day a test fixed."""
    return _fixed if _fixed is not None else timezone.localdate()


def set_today(day: dt.date | None) -> None:
    """Fix today's date (``None`` returns to the real clock). For tests."""
    global _fixed
    _fixed = day
