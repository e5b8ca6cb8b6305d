"""The Django admin writes accounts only with an audit event."""

from __future__ import annotations

import pytest
from django.test import Client

from giamngheo.accounts.models import User
from giamngheo.audit.models import AuditEvent
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(world: World) -> Client:
    staff = User.objects.create_superuser("quantri", password="mat-khau-quan-tri")
    client = Client()
    client.force_login(staff)
    return client


def test_a_password_set_in_the_admin_is_audited(world: World, admin_client: Client) -> None:
    response = admin_client.post(
        f"/admin/accounts/user/{world.xa_a.pk}/password/",
        {
            "password1": "mat-khau-moi-2026",
            "password2": "mat-khau-moi-2026",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    world.xa_a.refresh_from_db()
    assert world.xa_a.check_password("mat-khau-moi-2026")
    assert AuditEvent.objects.filter(
        action="account.password_changed", object_id=str(world.xa_a.pk)
    ).exists()


def test_users_are_deactivated_not_deleted_in_the_admin(world: World, admin_client: Client) -> None:
    response = admin_client.post(
        f"/admin/accounts/user/{world.outsider.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert User.objects.filter(pk=world.outsider.pk).exists()
