"""Writes on accounts: users, role grants, login throttles. Each writes an audit event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts import access, throttle, tokens
from giamngheo.accounts.models import ApiToken, LoginThrottle, Role, RoleGrant, User
from giamngheo.accounts.types import Actor, acting_user
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.audit import services as audit
from giamngheo.lib.errors import DomainError
from giamngheo.lib.validators import clean_name, reraise_as


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    full_name: str = "",
    email: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    user.set_password(password)
    user.save()
    audit.record(
        actor=actor,
        action="account.user_created",
        obj=user,
        after={"username": username, "full_name": full_name, "is_superuser": is_superuser},
    )
    return user


@transaction.atomic
def role_grant(
    *, actor: Actor, user: User, role: Role | str, area: AdministrativeUnit | None
) -> RoleGrant:
    grant, created = RoleGrant.objects.get_or_create(
        user=user, role=role, area=area, defaults={"granted_by": acting_user(actor)}
    )
    if created:
        audit.record(
            actor=actor,
            action="account.role_granted",
            obj=grant,
            after={"user": user.username, "role": str(role), "area": area.code if area else None},
            area_of=area,
        )
    return grant


@transaction.atomic
def role_revoke(*, actor: Actor, grant: RoleGrant) -> None:
    before = {"user": grant.user.username, "role": grant.role, "area": grant.area_id}
    audit.record(
        actor=actor, action="account.role_revoked", obj=grant, before=before, area_of=grant.area
    )
    grant.delete()


@transaction.atomic
def login_succeeded(*, user: User) -> None:
    """Forget the failed logins counted on this account (the demo reset, an administrator);
    the counters themselves live in ``giamngheo.accounts.throttle``."""
    throttle.clear_account(user.get_username())


@transaction.atomic
def login_throttle_clear(*, actor: Actor, throttles: Iterable[LoginThrottle]) -> int:
    """An administrator lifts throttles (e.g. an office behind one address after a typo storm)."""
    count = 0
    for row in throttles:
        audit.record(
            actor=actor,
            action="account.login_throttle_cleared",
            obj=row,
            before=audit.snapshot(row, ["scope", "key", "failures", "blocked_until"]),
        )
        row.delete()
        count += 1
    return count


@transaction.atomic
def password_change(*, actor: Actor, user: User, new_password: str) -> None:
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # The hash itself is never written to the log.
    audit.record(actor=actor, action="account.password_changed", obj=user)


class AccountError(DomainError):
    """A refused change on accounts (Vietnamese message)."""


@dataclass(frozen=True)
class CreatedToken:
    row: ApiToken
    token: str  # the secret: shown to its owner once, never stored


@transaction.atomic
def api_token_create(
    *, actor: Actor, owner: User, name: str = "", days: int | None = None
) -> CreatedToken:
    """A new API token for ``owner``, valid ``days`` (default ``GIAMNGHEO_API_TOKEN_DAYS``).

    A user makes tokens for themselves; an administrator (or the system: the command) for
    anyone. The token acts with the owner's grants, no more."""
    acting = acting_user(actor)
    if actor is not None and (
        acting is None or (acting != owner and not access.is_system_admin(acting))
    ):
        raise AccountError(_("Bạn chỉ có thể tạo mã truy cập cho chính mình."))
    if not owner.is_active:
        raise AccountError(_("Tài khoản đã bị khóa: không thể tạo mã truy cập."))
    days = tokens.default_lifetime_days() if days is None else days
    if not 1 <= days <= tokens.max_lifetime_days():
        raise AccountError(
            _("Thời hạn phải từ 1 đến %(max)d ngày.") % {"max": tokens.max_lifetime_days()}
        )
    with reraise_as(AccountError):
        name = clean_name(name, label=_("Tên mã"), max_length=100)
    secret = tokens.new_secret()
    now = timezone.now()
    row = ApiToken.objects.create(
        owner=owner,
        name=name,
        prefix=secret.prefix,
        digest=secret.digest,
        expires_at=now + dt.timedelta(days=days),
    )
    audit.record(
        actor=actor,
        action="account.api_token_created",
        obj=row,
        after={
            "owner": owner.username,
            "name": name,
            "prefix": secret.prefix,
            "expires_at": row.expires_at.isoformat(),
        },
    )
    return CreatedToken(row, secret.token)


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Revoke ``token`` (its owner or an administrator); revoking twice changes nothing."""
    acting = acting_user(actor)
    if actor is not None and (
        acting is None or (acting.pk != token.owner_id and not access.is_system_admin(acting))
    ):
        raise AccountError(_("Bạn chỉ có thể thu hồi mã truy cập của chính mình."))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action="account.api_token_revoked",
        obj=token,
        before={"prefix": token.prefix, "name": token.name},
        after={"revoked_at": token.revoked_at.isoformat()},
    )
    return token
