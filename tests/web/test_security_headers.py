"""Security headers: the strict Content-Security-Policy on every response, no inline script,
style or event handler left in any template, and no caching of pages and downloads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.lib.paths import PACKAGE_DIR
from giamngheo.web.security import DEFAULT_POLICY
from tests.conftest import World

pytestmark = pytest.mark.django_db

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
# What a strict CSP would block: a script without src, a <style> block, a style attribute,
# an inline event handler, htmx's evaluated attributes, javascript: URLs.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle\s*=|\son[a-z]+\s*=|\shx-on|\shx-vars\s*="
    r"|javascript:|\bjs:",
    re.IGNORECASE,
)


def test_the_policy_is_the_strict_one() -> None:
    assert DEFAULT_POLICY == POLICY


def test_pages_carry_the_policy_and_are_not_cached(world: World) -> None:
    client = Client()
    client.force_login(world.xa_a)
    for url in (
        reverse("web:dashboard"),
        reverse("registry:household_list"),
        reverse("registry:household_detail", args=[world.household_a1.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Security-Policy"] == POLICY
        assert response["Cache-Control"] == "no-store"
        assert response["Pragma"] == "no-cache"
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


def test_downloads_and_anonymous_pages_are_not_cached(world: World) -> None:
    client = Client()
    client.force_login(world.tinh)
    response = client.get(reverse("training:statistics_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "no-store"
    anonymous = Client().get(reverse("accounts:login"))
    assert anonymous["Cache-Control"] == "no-store"
    assert anonymous["Content-Security-Policy"] == POLICY


def test_static_assets_stay_cacheable(world: World) -> None:
    response = Client().get("/static/giamngheo/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_login_sets_a_known_device_cookie_only_http(world: World) -> None:
    from tests.conftest import PASSWORD

    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "xa_a", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies["giamngheo_device"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_no_template_has_inline_script_style_or_handler() -> None:
    offenders = []
    for template in sorted(Path(PACKAGE_DIR).rglob("templates/**/*.html")):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
            if INLINE.search(line):
                offenders.append(f"{template.relative_to(PACKAGE_DIR)}:{number}: {line.strip()}")
    assert offenders == []


def test_htmx_is_told_not_to_inject_styles_nor_evaluate(world: World) -> None:
    client = Client()
    client.force_login(world.xa_a)
    html = client.get(reverse("web:dashboard")).content.decode()
    assert '"includeIndicatorStyles": false' in html
    assert '"allowEval": false' in html
    css = Client().get("/static/giamngheo/app.css")
    assert b".htmx-indicator" in b"".join(css.streaming_content)  # type: ignore[attr-defined]


def test_the_csrf_failure_page_has_no_inline_style(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "xa_a", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Không gửi được biểu mẫu" in html
    assert not INLINE.search(html)
    assert response["Content-Security-Policy"] == POLICY
