"""Login failures get a clear Vietnamese message; repeated failures lock the account."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from giamngheo.accounts.models import User
from giamngheo.audit.models import AuditEvent
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db


def login(client: Client, username: str, password: str) -> str:
    return client.post(reverse("accounts:login"), {"username": username, "password": password}).text


def test_a_wrong_password_gets_a_vietnamese_message(world: World) -> None:
    html = login(Client(), "xa_a", "sai-mat-khau")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in html


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_MINUTES=15)
def test_repeated_failures_lock_the_account_even_for_the_right_password(world: World) -> None:
    client = Client()
    for _attempt in range(2):
        assert "không đúng" in login(client, "xa_a", "sai")
    assert "tạm thời bị khóa" in login(client, "xa_a", "sai")
    html = login(client, "xa_a", PASSWORD)
    assert "tạm thời bị khóa" in html
    assert not client.session.get("_auth_user_id")
    assert AuditEvent.objects.filter(action="account.locked", object_id=str(world.xa_a.pk)).exists()


@override_settings(LOGIN_MAX_FAILURES=3)
def test_the_lock_expires(world: World) -> None:
    User.objects.filter(pk=world.xa_a.pk).update(
        locked_until=timezone.now() - dt.timedelta(seconds=1), failed_login_count=0
    )
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "xa_a", "password": PASSWORD})
    assert response.status_code == 302
    world.xa_a.refresh_from_db()
    assert world.xa_a.failed_login_count == 0


@override_settings(LOGIN_MAX_FAILURES=3)
def test_a_successful_login_resets_the_failure_count(world: World) -> None:
    client = Client()
    login(client, "xa_a", "sai")
    world.xa_a.refresh_from_db()
    assert world.xa_a.failed_login_count == 1
    client.post(reverse("accounts:login"), {"username": "xa_a", "password": PASSWORD})
    world.xa_a.refresh_from_db()
    assert world.xa_a.failed_login_count == 0


def test_pages_require_login_but_health_check_does_not(world: World) -> None:
    client = Client()
    response = client.get(reverse("registry:household_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get(reverse("web:healthz")).status_code == 200


def test_password_change_is_audited(world: World) -> None:
    client = Client()
    client.login(username="xa_a", password=PASSWORD)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "mot-mat-khau-moi-dai",
            "new_password2": "mot-mat-khau-moi-dai",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        action="account.password_changed", object_id=str(world.xa_a.pk)
    ).exists()


def test_granting_a_role_in_the_admin_goes_through_the_audited_service(world: World) -> None:
    client = Client()
    client.force_login(world.admin)
    world.admin.is_staff = True
    world.admin.is_superuser = True
    world.admin.save()
    response = client.post(
        reverse("admin:accounts_rolegrant_add"),
        {"user": world.outsider.pk, "role": "inspector", "area": world.commune_b.pk},
    )
    assert response.status_code == 302
    assert (
        AuditEvent.objects.filter(action="account.role_granted")
        .filter(after__user="outsider")
        .exists()
    )
    from giamngheo.accounts import access

    fresh = User.objects.get(pk=world.outsider.pk)
    assert access.can_view_area(fresh, world.commune_b)
