"""API tokens: made by the command and the page, stored hashed, expiring, revocable; every
create and revoke audited; a bad token is a 401 with a Vietnamese message."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from giamngheo.accounts import services, tokens
from giamngheo.accounts.models import ApiToken
from giamngheo.audit.models import AuditEvent
from tests.api.conftest import Api
from tests.conftest import World, log_in

HOUSEHOLDS = "/api/v1/households/"


def test_the_command_prints_the_token_last_and_it_works(world: World) -> None:
    out = io.StringIO()
    call_command("api", "token", "xa_a", "--name", "ODK", "--days", "7", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    row = ApiToken.objects.get(owner=world.xa_a)
    assert token.startswith(f"gn_{row.prefix}_") and row.name == "ODK"
    # Stored hashed: neither the token nor its secret part is in the row.
    assert row.digest == tokens.digest_of(token) and token.split("_")[-1] not in row.digest
    assert dt.timedelta(days=6, hours=23) < row.expires_at - row.created_at <= dt.timedelta(days=7)
    response = Api(token).get(HOUSEHOLDS)
    assert response.status_code == 200
    assert {h["code"] for h in response.json()["results"]} == {"A1-001", "A2-001"}
    row.refresh_from_db()
    assert row.last_used_at is not None
    event = AuditEvent.objects.get(action="account.api_token_created", object_id=str(row.pk))
    assert event.after["prefix"] == row.prefix and token not in str(event.after)


def test_the_command_refuses_an_unknown_user_and_a_bad_lifetime(world: World) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Không có người dùng"):
        call_command("api", "token", "nobody", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Thời hạn phải từ 1 đến"):
        call_command("api", "token", "xa_a", "--days", "0", stdout=io.StringIO())
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "Cần đăng nhập hoặc gửi mã truy cập"),
        ("Bearer", "Tiêu đề Authorization phải là"),
        ("Bearer gn_0000000_xyz", "Mã truy cập không hợp lệ."),
        ("Bearer gn_00000000_xyz", "Mã truy cập không hợp lệ."),
        ("Bearer ľ\u202e", "Mã truy cập không hợp lệ."),
    ],
)
def test_without_a_valid_token_the_answer_is_401_in_vietnamese(
    world: World, header: str | None, message: str
) -> None:
    headers = {"Authorization": header} if header else {}
    response = Client().get(HOUSEHOLDS, headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] == "unauthenticated"
    assert message in response.json()["error"]["message"]


def test_an_expired_token_is_refused(world: World) -> None:
    created = services.api_token_create(actor=None, owner=world.xa_a, days=1)
    api = Api(created.token)
    assert api.get(HOUSEHOLDS).status_code == 200
    # A day later (the row's dates moved back, as the clock would have moved on).
    ApiToken.objects.filter(pk=created.row.pk).update(
        created_at=timezone.now() - dt.timedelta(days=2),
        expires_at=timezone.now() - dt.timedelta(seconds=1),
    )
    response = api.get(HOUSEHOLDS)
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Mã truy cập đã hết hạn."


def test_a_revoked_token_is_refused_and_the_revocation_audited(world: World) -> None:
    created = services.api_token_create(actor=None, owner=world.xa_a)
    api = Api(created.token)
    assert api.get(HOUSEHOLDS).status_code == 200
    out = io.StringIO()
    call_command("api", "revoke", created.row.prefix, stdout=out)
    response = api.get(HOUSEHOLDS)
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Mã truy cập đã bị thu hồi."
    assert AuditEvent.objects.filter(
        action="account.api_token_revoked", object_id=str(created.row.pk)
    ).exists()


def test_an_inactive_owner_token_is_refused(world: World) -> None:
    created = services.api_token_create(actor=None, owner=world.xa_a)
    type(world.xa_a).objects.filter(pk=world.xa_a.pk).update(is_active=False)
    assert Api(created.token).get(HOUSEHOLDS).status_code == 401


def test_the_page_creates_shows_once_lists_and_revokes(world: World) -> None:
    client = Client()
    log_in(client, "xa_a")
    url = reverse("accounts:api_tokens")
    page = client.get(url)
    assert page.status_code == 200 and "Bạn chưa có mã truy cập nào." in page.text
    created = client.post(url, {"name": "Máy tính bảng", "days": "30"})
    assert created.status_code == 200
    row = ApiToken.objects.get(owner=world.xa_a)
    token = created.text.split('<pre class="secret" id="new-token">')[1].split("</pre>")[0]
    assert tokens.digest_of(token) == row.digest
    assert Api(token).get(HOUSEHOLDS).status_code == 200
    # The list shows the prefix and the name, never the secret again.
    listing = client.get(url)
    assert row.prefix in listing.text and "Máy tính bảng" in listing.text
    assert token not in listing.text
    # Another user cannot revoke it (404), its owner can.
    other = Client()
    log_in(other, "xa_b")
    revoke = reverse("accounts:api_token_revoke", args=[row.pk])
    assert other.post(revoke).status_code == 404
    assert Api(token).get(HOUSEHOLDS).status_code == 200
    assert client.post(revoke).status_code == 302
    assert Api(token).get(HOUSEHOLDS).status_code == 401
    assert "Đã thu hồi" in client.get(url).text
    assert AuditEvent.objects.filter(action="account.api_token_revoked").count() == 1
    assert AuditEvent.objects.filter(action="account.api_token_created").count() == 1


def test_the_page_refuses_a_bad_lifetime_and_creates_nothing(world: World) -> None:
    client = Client()
    log_in(client, "xa_a")
    response = client.post(reverse("accounts:api_tokens"), {"name": "x", "days": "9999"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_a_user_cannot_make_a_token_for_someone_else(world: World) -> None:
    with pytest.raises(services.AccountError):
        services.api_token_create(actor=world.xa_a, owner=world.xa_b)
    assert services.api_token_create(actor=world.admin, owner=world.xa_b).row.owner == world.xa_b
