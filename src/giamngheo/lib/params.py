"""Safe readers for query parameters (``request.GET``): one place that turns what a user typed in
an address into an int, a year, a limit or a date, or answers 400.

Why: ``int(request.GET["year"])`` is a 500 for "abc", year 0 is a 500 in ``datetime``, 10**30 is
a 500 in the database (bigint) and a negative limit is a 500 in slicing (issue 10). A view reads
its parameters through these helpers instead; a malformed value is a bad request (Django's 400
page), never a crash and never a silent change of meaning.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import BadRequest
from django.http import HttpRequest
from django.utils.translation import gettext as _

# PostgreSQL bigint: primary keys and cursors never exceed it.
BIGINT_MAX = 2**63 - 1
# Years the registry knows: data start in 1900 (lib.validators); plans run a few years ahead.
YEAR_MIN = 1900
YEAR_MAX = 2100


def _raw(request: HttpRequest, name: str) -> str | None:
    value = request.GET.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def parse_int(text: str, *, name: str, minimum: int | None, maximum: int | None) -> int:
    """An int written in ASCII digits (an optional minus sign) within bounds, else 400."""
    digits = text[1:] if text.startswith("-") else text
    # isascii: int() also accepts full-width and other Unicode digits, which no one types in
    # an address on purpose. The length check keeps int() away from huge strings.
    if not digits.isascii() or not digits.isdigit() or len(digits) > 20:
        raise BadRequest(_("Tham số “%(name)s” phải là số nguyên.") % {"name": name})
    value = int(text)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise BadRequest(_("Tham số “%(name)s” nằm ngoài khoảng cho phép.") % {"name": name})
    return value


def int_param(
    request: HttpRequest,
    name: str,
    default: int | None = None,
    *,
    minimum: int | None = 0,
    maximum: int | None = BIGINT_MAX,
) -> int | None:
    """``?name=`` as an int within [minimum, maximum]; absent or empty → ``default``."""
    text = _raw(request, name)
    if text is None:
        return default
    return parse_int(text, name=name, minimum=minimum, maximum=maximum)


def id_param(request: HttpRequest, name: str) -> int | None:
    """A primary key or keyset cursor (``?after=``): a positive bigint, else 400."""
    return int_param(request, name, None, minimum=1, maximum=BIGINT_MAX)


def year_param(request: HttpRequest, name: str = "year", default: int | None = None) -> int | None:
    """A calendar year between 1900 and 2100 (year 0 or 10**30 → 400)."""
    return int_param(request, name, default, minimum=YEAR_MIN, maximum=YEAR_MAX)


def limit_param(request: HttpRequest, name: str = "limit", *, default: int, maximum: int) -> int:
    """A page size: clamped to 1..maximum (a page size is a wish, not a fact); not a number
    → 400."""
    value = int_param(request, name, default, minimum=None, maximum=None)
    return max(1, min(default if value is None else value, maximum))


def date_param(request: HttpRequest, name: str, default: dt.date | None = None) -> dt.date | None:
    """A date written dd/mm/yyyy (or ISO yyyy-mm-dd) from 1900 to 2100, else 400."""
    text = _raw(request, name)
    if text is None:
        return default
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            value = dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a calendar date)
        except ValueError:
            continue
        if YEAR_MIN <= value.year <= YEAR_MAX:
            return value
        break
    raise BadRequest(_("Tham số “%(name)s” phải là ngày dạng dd/mm/yyyy.") % {"name": name})
