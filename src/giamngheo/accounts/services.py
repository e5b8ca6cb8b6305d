"""Writes on accounts: users, role grants, login throttles. Each writes an audit event."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from giamngheo.accounts import throttle
from giamngheo.accounts.models import LoginThrottle, Role, RoleGrant, User
from giamngheo.accounts.types import Actor, acting_user
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.audit import services as audit


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
