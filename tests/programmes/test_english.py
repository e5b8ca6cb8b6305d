"""The support apps' messages are in the English catalogue as plain messages. A message that
is there only with the audit context ("audit action") is not used for a button or a title:
"Lập danh sách thụ hưởng" stayed Vietnamese on the programme page in English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.test import Client
from django.urls import reverse

import giamngheo
from tests.conftest import World, log_in
from tests.programmes.helpers import programme

PACKAGE = Path(giamngheo.__file__).parent
CATALOGUE = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
APPS = ["programmes", "credit", "livelihoods"]
MESSAGE = re.compile(r'\{% translate "([^"]+)"|\b_\("([^"]+)"\)|gettext(?:_lazy)?\("([^"]+)"\)')


def test_every_message_of_the_support_apps_has_a_plain_translation() -> None:
    with CATALOGUE.open("rb") as handle:
        translated = {m.id for m in read_po(handle) if not m.context and m.string}
    missing = set()
    for app in APPS:
        for path in (PACKAGE / app).rglob("*"):
            if path.suffix in {".py", ".html"}:
                for match in MESSAGE.finditer(path.read_text(encoding="utf-8")):
                    message = next(group for group in match.groups() if group)
                    if message not in translated:
                        missing.add(f"{path.relative_to(PACKAGE)}: {message}")
    assert sorted(missing) == []


@pytest.mark.django_db
def test_the_programme_page_in_english_offers_to_draw_up_a_list(
    client: Client, world: World
) -> None:
    policy = programme("test-en", {"statuses": ["poor"]})
    log_in(client, "xa_a")
    client.cookies["giamngheo_language"] = "en"
    page = client.get(reverse("programmes:detail", args=[policy.pk])).content.decode()
    assert "Draw up a beneficiary list" in page
    assert "Lập danh sách thụ hưởng" not in page
