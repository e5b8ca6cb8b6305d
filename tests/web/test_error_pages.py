"""The 404, 403 and 500 pages are styled, translated and lead somewhere."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults

from tests.conftest import PASSWORD, World


@pytest.mark.django_db
def test_an_out_of_area_household_answers_the_styled_404_page(world: World) -> None:
    client = Client()
    client.login(username="xa_a", password=PASSWORD)
    response = client.get(reverse("registry:household_detail", args=[world.household_b1.pk]))
    assert response.status_code == 404
    html = response.text
    assert "Không tìm thấy trang" in html
    assert "giamngheo/app.css" in html
    assert 'class="error-page"' in html
    # The base layout's navigation, and a way out.
    assert 'class="main"' in html
    assert f'href="{reverse("web:dashboard")}"' in html
    assert "B1-001" not in html
    assert "{#" not in html


@pytest.mark.django_db
def test_the_404_page_is_english_for_an_english_user(world: World) -> None:
    client = Client()
    client.login(username="xa_a", password=PASSWORD)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/khong-co-trang-nay/").text
    assert '<html lang="en">' in html
    assert "Page not found" in html
    assert "Back to the overview" in html


@pytest.mark.django_db
def test_an_anonymous_404_offers_the_login(world: World) -> None:
    # An address that matches no page answers 404 before the login is asked for.
    response = Client().get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.text
    assert reverse("accounts:login") in response.text


@pytest.mark.django_db
def test_the_403_page_is_styled(world: World) -> None:
    request = RequestFactory().get("/")
    request.user = world.xa_a
    response = defaults.permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    html = response.content.decode()
    assert "Bạn không có quyền thực hiện việc này" in html
    assert 'class="error-page"' in html


def test_the_500_page_renders_without_the_database_or_a_request_context() -> None:
    # No django_db mark: any query would fail this test. Django's server_error renders the
    # template with an empty context, so nothing may rely on the request or the user.
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Đã có lỗi trong hệ thống" in html
    assert "giamngheo/app.css" in html
    assert f'href="{reverse("web:dashboard")}"' in html


@pytest.mark.django_db
def test_a_forced_error_in_a_view_answers_the_styled_500(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from giamngheo.web import selectors

    def broken(user: object) -> dict[str, object]:
        raise RuntimeError("forced")

    monkeypatch.setattr(selectors, "dashboard_figures", broken)
    client = Client(raise_request_exception=False)
    client.login(username="xa_a", password=PASSWORD)
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 500
    assert "Đã có lỗi trong hệ thống" in response.text
