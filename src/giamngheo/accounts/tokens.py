"""API tokens: making a secret, and finding the live token a request presents.

A token reads ``gn_<prefix>_<secret>``: the prefix (8 characters) finds the row, the whole
string is compared by its SHA-256 digest in constant time. Writes (create, revoke) are in
``accounts.services`` (audited); this module only reads, apart from the ``last_used_at`` stamp,
which is bookkeeping and not audited (one event per API call would drown the log)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import ApiToken, User

PREFIX_LENGTH = 8
SCHEME = "gn"
# last_used_at is written at most this often per token (a busy client does not write every call).
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewSecret:
    prefix: str
    token: str  # the whole string the client sends; shown once, never stored

    @property
    def digest(self) -> str:
        return digest_of(self.token)


def new_secret() -> NewSecret:
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    return NewSecret(prefix, f"{SCHEME}_{prefix}_{secrets.token_urlsafe(32)}")


def default_lifetime_days() -> int:
    return int(getattr(settings, "GIAMNGHEO_API_TOKEN_DAYS", 90))


def max_lifetime_days() -> int:
    return int(getattr(settings, "GIAMNGHEO_API_TOKEN_MAX_DAYS", 366))


class TokenRefused(Exception):
    """The presented token is unknown, expired or revoked (``reason``: a Vietnamese message)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _prefix_of(token: str) -> str | None:
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != SCHEME or len(parts[1]) != PREFIX_LENGTH:
        return None
    return parts[1]


def authenticate(token: str) -> tuple[User, ApiToken]:
    """The active owner of a live ``token`` and the token's row, or :class:`TokenRefused`."""
    prefix = _prefix_of(token)
    row = (
        ApiToken.objects.select_related("owner").filter(prefix=prefix).first()
        if prefix is not None and token.isascii()
        else None
    )
    if row is None or not hmac.compare_digest(row.digest, digest_of(token)):
        raise TokenRefused(_("Mã truy cập không hợp lệ."))
    now = timezone.now()
    if row.revoked_at is not None:
        raise TokenRefused(_("Mã truy cập đã bị thu hồi."))
    if row.expires_at <= now:
        raise TokenRefused(_("Mã truy cập đã hết hạn."))
    if not row.owner.is_active:
        raise TokenRefused(_("Tài khoản của mã truy cập đã bị khóa."))
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now
    return row.owner, row


def tokens_of(user: User) -> list[ApiToken]:
    """A user's tokens, newest first (the token page)."""
    return list(ApiToken.objects.filter(owner=user).order_by("-created_at", "-id"))
