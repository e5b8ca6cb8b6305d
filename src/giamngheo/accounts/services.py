"""Writes on accounts: users, role grants, login failures. Each writes an audit event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from giamngheo.accounts.models import Role, RoleGrant, User
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.audit import services as audit


@transaction.atomic
def user_create(
    *,
    actor: Any,
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
    *, actor: Any, user: User, role: Role | str, area: AdministrativeUnit | None
) -> RoleGrant:
    grant, created = RoleGrant.objects.get_or_create(
        user=user, role=role, area=area, defaults={"granted_by": actor if actor else None}
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
def role_revoke(*, actor: Any, grant: RoleGrant) -> None:
    before = {"user": grant.user.username, "role": grant.role, "area": grant.area_id}
    audit.record(
        actor=actor, action="account.role_revoked", obj=grant, before=before, area_of=grant.area
    )
    grant.delete()


def lockout_duration() -> dt.timedelta:
    return dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


@transaction.atomic
def login_failed(*, username: str) -> User | None:
    """Count a failed login; lock the account after LOGIN_MAX_FAILURES in a row."""
    user = User.objects.select_for_update().filter(username=username).first()
    if user is None:
        return None
    User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
    user.refresh_from_db(fields=["failed_login_count", "locked_until"])
    if user.failed_login_count >= settings.LOGIN_MAX_FAILURES:
        user.locked_until = timezone.now() + lockout_duration()
        user.failed_login_count = 0
        user.save(update_fields=["locked_until", "failed_login_count"])
        audit.record(
            actor=None,
            action="account.locked",
            obj=user,
            after={"locked_until": user.locked_until},
            note="Khóa tạm thời do đăng nhập sai nhiều lần",
        )
    return user


@transaction.atomic
def login_succeeded(*, user: User) -> None:
    if user.failed_login_count or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)


@transaction.atomic
def password_change(*, actor: Any, user: User, new_password: str) -> None:
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # The hash itself is never written to the log.
    audit.record(actor=actor, action="account.password_changed", obj=user)
