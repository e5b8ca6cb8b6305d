"""The language switch works before the login, survives it, and never loops."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db


def test_english_chosen_on_the_login_page_lasts_through_the_login(world: World) -> None:
    client = Client()
    login = reverse("accounts:login") + "?next=/"
    response = client.post(reverse("set_language"), {"language": "en", "next": login})
    # Straight back to the login page, not to a login page asking for the switch itself.
    assert response.status_code == 302
    assert response.headers["Location"] == login
    assert client.get(login).text.count("Log in") >= 1
    response = client.post(login, {"username": "xa_a", "password": PASSWORD, "next": "/"})
    assert response.headers["Location"] == "/"
    html = client.get("/").text
    assert '<html lang="en">' in html
    assert "Overview" in html


def test_an_old_link_to_the_switch_after_login_goes_to_the_dashboard(world: World) -> None:
    """The loop of issue 11: ``next=/i18n/setlang/`` left from before the fix."""
    client = Client()
    login = reverse("accounts:login") + "?next=" + reverse("set_language")
    response = client.post(
        login, {"username": "xa_a", "password": PASSWORD, "next": reverse("set_language")}
    )
    response = client.get(response.headers["Location"], follow=True)
    assert response.redirect_chain == [(reverse("web:dashboard"), 302)]
    assert response.status_code == 200


def test_the_switch_refuses_a_foreign_next(world: World) -> None:
    client = Client()
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert "evil.example" not in response.headers["Location"]
