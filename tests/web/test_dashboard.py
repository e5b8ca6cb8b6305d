from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World, log_in

pytestmark = pytest.mark.django_db


def test_the_dashboard_counts_only_the_users_households_in_vietnamese(world: World) -> None:
    client = Client()
    log_in(client, "xa_a")
    html = client.get(reverse("web:dashboard")).text
    assert '<html lang="vi">' in html
    assert "Tổng quan" in html
    assert 'data-figure="households">2<' in html


def test_english_is_switchable(world: World) -> None:
    client = Client()
    log_in(client, "xa_a")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("web:dashboard")).text
    assert '<html lang="en">' in html
    assert "Overview" in html
    assert "Households" in html


def test_vietnamese_is_the_default_even_for_an_english_browser(world: World) -> None:
    client = Client(headers={"accept-language": "en-US,en;q=0.9"})
    log_in(client, "xa_a")
    html = client.get(reverse("web:dashboard")).text
    assert '<html lang="vi">' in html
    assert "Tổng quan" in html


def test_the_dashboard_shows_where_the_review_stands(world: World) -> None:
    client = Client()
    log_in(client, "xa_a")
    html = client.get(reverse("web:dashboard")).text
    assert "Rà soát hộ nghèo, hộ cận nghèo năm" in html
    assert "Việc cần chú ý" in html
