"""Issue 10 (medium): the roster links a roster entry to a login account and gives that account
grants on the entry's areas. An officer may link only accounts they may manage
(``access.can_manage_account``): never another commune's officer, the province, the
administrator."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.accounts import access
from giamngheo.accounts.models import Role, RoleGrant, User
from giamngheo.workforce import services
from giamngheo.workforce.models import Worker
from tests.conftest import World, make_user
from tests.workforce.conftest import START, Staff, make_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_ctv(world: World) -> Worker:
    """A collaborator of commune A assigned to village A2, not yet linked to an account."""
    worker = make_worker(world.commune_a, "CTV-A2", "collaborator")
    services.assignment_add(actor=None, worker=worker, area=world.village_a2, starts_on=START)
    return worker


def _grants(user: User) -> set[tuple[str, int | None]]:
    return set(RoleGrant.objects.filter(user=user).values_list("role", "area_id"))


@pytest.mark.parametrize("username", ["xa_b", "admin", "tinh", "inspector"])
def test_an_officer_cannot_hand_their_villages_to_a_foreign_account(
    world: World, staff: Staff, new_ctv: Worker, username: str
) -> None:
    target = getattr(world, username)
    before = _grants(target)
    assert not access.can_manage_account(world.xa_a, target)
    with pytest.raises(services.WorkforceError, match="không được quản lý"):
        services.worker_link_user(actor=world.xa_a, worker=new_ctv, user=target)
    new_ctv.refresh_from_db()
    assert new_ctv.user_id is None
    assert _grants(target) == before


def test_a_collaborator_of_another_commune_and_a_superuser_are_not_managed(
    world: World, new_ctv: Worker
) -> None:
    ctv_b = make_user("ctv_b", Role.COLLABORATOR, world.village_b1)
    root = make_user("root", None, None)
    root.is_superuser = True
    root.save()
    for target in (ctv_b, root):
        with pytest.raises(services.WorkforceError):
            services.worker_link_user(actor=world.xa_a, worker=new_ctv, user=target)
    assert _grants(ctv_b) == {(Role.COLLABORATOR, world.village_b1.pk)}
    assert not _grants(root)


def test_an_officer_links_a_fresh_account_and_their_own_collaborators(
    world: World, new_ctv: Worker
) -> None:
    fresh = make_user("fresh", None, None)
    services.worker_link_user(actor=world.xa_a, worker=new_ctv, user=fresh)
    assert _grants(fresh) == {(Role.COLLABORATOR, world.village_a2.pk)}

    # A collaborator already working in commune A (a grant on village A1) moves to this entry.
    own = make_user("own_ctv", Role.COLLABORATOR, world.village_a1)
    assert access.can_manage_account(world.xa_a, own)
    assert not access.can_manage_account(world.xa_b, own)
    services.worker_link_user(actor=world.xa_a, worker=new_ctv, user=own)
    assert (Role.COLLABORATOR, world.village_a2.pk) in _grants(own)
    # The previous account lost the entry's grants when it was unlinked.
    assert not _grants(fresh)
    # The province officer and the administrator manage collaborators of their areas too.
    assert access.can_manage_account(world.tinh, own)
    assert access.can_manage_account(world.admin, own)


def test_the_link_page_answers_one_message_for_unknown_and_foreign_accounts(
    world: World, new_ctv: Worker
) -> None:
    browser = Client()
    browser.force_login(world.xa_a)
    url = reverse("workforce:user_link", args=[new_ctv.pk])
    texts = []
    for username in ("xa_b", "admin", "khong-ton-tai"):
        response = browser.post(url, {"username": username})
        assert response.status_code == 200
        texts.append(response.text.count("không được quản lý tài khoản này"))
    assert texts == [1, 1, 1]
    new_ctv.refresh_from_db()
    assert new_ctv.user_id is None
    assert not RoleGrant.objects.filter(user=world.xa_b, area=world.village_a2).exists()
    assert not RoleGrant.objects.filter(user=world.admin, area=world.village_a2).exists()

    fresh = make_user("fresh2", None, None)
    response = browser.post(url, {"username": "fresh2"})
    assert response.status_code == 302
    assert _grants(fresh) == {(Role.COLLABORATOR, world.village_a2.pk)}
