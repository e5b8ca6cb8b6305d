"""Login throttling: one set of rules for every way of logging in.

Every login path (``/accounts/login/``, ``/admin/login/``, ``Client.login``, later the API) ends
in ``django.contrib.auth.authenticate``, which calls
:class:`giamngheo.accounts.backends.ThrottledModelBackend`; that backend asks this module
before checking a password and reports the outcome after. The counters are rows of
:class:`~giamngheo.accounts.models.LoginThrottle` in PostgreSQL, shared by all processes.

Two counters, both with exponential backoff (after ``free`` failures, failure number
``free + k`` refuses further attempts for ``2**k`` seconds, up to a cap). Failures leak away,
one per ``LOGIN_THROTTLE_LEAK_SECONDS`` (15 minutes) without failures after the end of the
last block, so that the occasional typos of an office behind one address never add up to a
block, while a sustained guesser is held to about one guess per leak period:

* **Per client address** (IPv4 address, or the /64 network of an IPv6 address, since one
  subscriber holds a whole /64): ``LOGIN_ADDRESS_FREE_FAILURES`` free failures, blocks of up
  to ``LOGIN_ADDRESS_MAX_BLOCK_SECONDS`` (one hour). This is what stops an attacker: one
  address gets about twenty guesses in the first hour and then at most one per leak period,
  whatever account names it tries. A success does not reset it (an insider could otherwise
  reset their address between guesses on other accounts).
* **Per account name** (known or unknown alike, so that nothing reveals which names exist):
  ``LOGIN_ACCOUNT_FREE_FAILURES`` free failures, then delays of at most
  ``LOGIN_ACCOUNT_MAX_DELAY_SECONDS`` (five minutes). It only slows down a guesser spread over
  many addresses; it is reset by a successful login.

Why a stranger cannot lock the owner out: the account delay is short and is never applied to a
browser that has logged in to that account before (a signed, HttpOnly "known device" cookie
set at each successful login, ``LOGIN_KNOWN_DEVICE_DAYS``; the idea of OWASP's "device
cookies"). The account delay lasts at most ``LOGIN_ACCOUNT_MAX_DELAY_SECONDS`` after the last
counted guess, and a single attacking address is soon blocked by its own, longer, counter, so
even on a new device the owner waits minutes, not hours. Attempts refused
by a block are not counted, so they neither lengthen a block nor let anyone push another
person's delay further out. The owner's own address is blocked only by failures from that
address.

Refused attempts get the same message as a wrong password (the form says that repeated
failures delay logging in), so an attacker cannot tell a refused guess from a wrong one, nor a
known account from an unknown one. Throttles that start are audited.

Client address: ``REMOTE_ADDR``; ``X-Forwarded-For`` only when ``LOGIN_TRUSTED_PROXY_COUNT``
says how many trusted reverse proxies stand in front of the app (otherwise anyone could send a
new address with every guess).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from giamngheo.accounts.models import LoginThrottle, ThrottleScope, User
from giamngheo.audit import services as audit

DEVICE_COOKIE = "giamngheo_device"
DEVICE_SALT = "giamngheo.accounts.known-device"
DEVICE_ACCOUNTS = 10  # a shared office computer: the last ten accounts logged in there
DEVICE_KEY_CHARS = 16
STALE_AFTER = dt.timedelta(days=7)


def _setting(name: str) -> int:
    # Read at call time (tests override them); all are integers (giamngheo.settings).
    return int(getattr(settings, name))


def now() -> dt.datetime:
    """The clock of the throttle (tests replace it; nothing here sleeps)."""
    return timezone.now()


def account_key(username: str) -> str:
    """The counter key of an account name: case-folded (variants count together), hashed
    (bounded length, NUL bytes and 10 kB names are harmless, no list of tried names)."""
    return hashlib.sha256(username.casefold().encode("utf-8", "replace")).hexdigest()


def _normalised(text: str) -> str | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return str(address)


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address as the throttle keys it, or None without a request."""
    if request is None:
        return None
    meta = request.META
    proxies = _setting("LOGIN_TRUSTED_PROXY_COUNT")
    if proxies > 0:
        # Each trusted proxy appends the address it received the request from: the client's
        # address is the proxies-th entry from the right; entries further left are the
        # client's own claims.
        forwarded = [
            part.strip()
            for part in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",")
            if part.strip()
        ]
        if forwarded:
            candidate = forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
            if (address := _normalised(candidate)) is not None:
                return address
    return _normalised(str(meta.get("REMOTE_ADDR", ""))) or "unknown"


@dataclass(frozen=True)
class Attempt:
    username: str
    account: str
    address: str | None
    known_device: bool

    @classmethod
    def of(cls, request: HttpRequest | None, username: str) -> Attempt:
        key = account_key(username)
        return cls(
            username=username,
            account=key,
            address=client_address(request),
            known_device=key[:DEVICE_KEY_CHARS] in device_accounts(request),
        )


def _rules(scope: str) -> tuple[int, int]:
    """(free failures, longest block in seconds) of a scope."""
    if scope == ThrottleScope.ADDRESS:
        return _setting("LOGIN_ADDRESS_FREE_FAILURES"), _setting("LOGIN_ADDRESS_MAX_BLOCK_SECONDS")
    return _setting("LOGIN_ACCOUNT_FREE_FAILURES"), _setting("LOGIN_ACCOUNT_MAX_DELAY_SECONDS")


def block_seconds(scope: str, failures: int) -> int:
    """How long failure number ``failures`` blocks further attempts (0: not at all)."""
    free, cap = _rules(scope)
    over = failures - free
    if over <= 0:
        return 0
    return int(min(cap, 2 ** min(over, 40)))


def _leaked(row: LoginThrottle, at: dt.datetime) -> int:
    """The row's failures once old ones have leaked away: one per ``LOGIN_THROTTLE_LEAK_SECONDS``
    without failures, counted from the end of the last block (a block does not leak)."""
    last = max(filter(None, (row.last_failure_at, row.blocked_until)), default=None)
    if last is None or at <= last:
        return row.failures
    leaked = int((at - last).total_seconds() // max(1, _setting("LOGIN_THROTTLE_LEAK_SECONDS")))
    return max(0, row.failures - leaked)


def _keys(attempt: Attempt) -> list[tuple[str, str]]:
    # Always the same order (address, then account): two processes lock rows alike.
    keys = [(ThrottleScope.ADDRESS.value, attempt.address)] if attempt.address else []
    return [*keys, (ThrottleScope.ACCOUNT.value, attempt.account)]


def refused(attempt: Attempt) -> bool:
    """Whether this attempt must be refused without looking at the password."""
    at = now()
    rows = LoginThrottle.objects.filter(blocked_until__gt=at)
    for scope, key in _keys(attempt):
        if scope == ThrottleScope.ACCOUNT and attempt.known_device:
            continue  # the owner's browser is not slowed down by others' guesses
        if rows.filter(scope=scope, key=key).exists():
            return True
    return False


@transaction.atomic
def failed(attempt: Attempt) -> None:
    """Count a wrong password (or unknown or inactive account) on both counters."""
    at = now()
    for scope, key in _keys(attempt):
        row, _created = LoginThrottle.objects.select_for_update().get_or_create(
            scope=scope, key=key
        )
        row.failures = _leaked(row, at) + 1
        row.last_failure_at = at
        seconds = block_seconds(scope, row.failures)
        if seconds:
            row.blocked_until = at + dt.timedelta(seconds=seconds)
            _audit_throttle(row, attempt, seconds)
        row.save()
    # Stale counters (mostly names that never existed; a week without failures has leaked any
    # real count away) are removed as failures come in.
    LoginThrottle.objects.filter(last_failure_at__lt=at - STALE_AFTER).delete()


def _audit_throttle(row: LoginThrottle, attempt: Attempt, seconds: int) -> None:
    after = {
        "scope": row.scope,
        "failures": row.failures,
        "blocked_until": row.blocked_until,
        "seconds": seconds,
        "address": attempt.address,
    }
    note = "Tạm hoãn đăng nhập do đăng nhập sai nhiều lần"
    if row.scope == ThrottleScope.ACCOUNT:
        known = "\x00" not in attempt.username  # PostgreSQL refuses NUL in a query
        user = User.objects.filter(username=attempt.username).first() if known else None
        if user is None:
            return  # an unknown name: its address's counter is audited
        audit.record(actor=None, action="account.login_throttled", obj=user, after=after, note=note)
    else:
        audit.record(actor=None, action="account.login_throttled", obj=row, after=after, note=note)


@transaction.atomic
def succeeded(attempt: Attempt) -> None:
    """The right password: the account's counter starts again (the address's does not)."""
    LoginThrottle.objects.filter(scope=ThrottleScope.ACCOUNT, key=attempt.account).delete()


def clear_account(username: str) -> None:
    """Forget the failures of an account name (demo reset, administrator)."""
    LoginThrottle.objects.filter(scope=ThrottleScope.ACCOUNT, key=account_key(username)).delete()


# Known devices -------------------------------------------------------------------------------


def device_accounts(request: HttpRequest | None) -> list[str]:
    """The (shortened) account keys this browser has logged in to, from its signed cookie."""
    if request is None:
        return []
    value = request.COOKIES.get(DEVICE_COOKIE)
    if not value:
        return []
    try:
        keys: Any = signing.loads(
            value, salt=DEVICE_SALT, max_age=dt.timedelta(days=_setting("LOGIN_KNOWN_DEVICE_DAYS"))
        )
    except signing.BadSignature:
        return []
    return [k for k in keys if isinstance(k, str)] if isinstance(keys, list) else []


def remember_device(request: HttpRequest, response: HttpResponse, username: str) -> None:
    """Add the account to the browser's known-device cookie (after a successful login)."""
    key = account_key(username)[:DEVICE_KEY_CHARS]
    keys = [key, *(k for k in device_accounts(request) if k != key)][:DEVICE_ACCOUNTS]
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(keys, salt=DEVICE_SALT),
        max_age=_setting("LOGIN_KNOWN_DEVICE_DAYS") * 86400,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
