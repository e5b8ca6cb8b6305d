"""Issue 11: workforce pages show labels, not raw codes (roles, organisations, need types,
states, kinds of change, duties…), in Vietnamese and in English after the language switch.
Every page is rendered with data of every kind and its visible text searched for the codes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from giamngheo.workforce import reference, services
from giamngheo.workforce.models import ReviewFlag
from giamngheo.workforce.states import ReportState, RequestState
from tests.conftest import PASSWORD, World
from tests.workforce.conftest import Staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def back_to_vietnamese() -> Iterator[None]:
    """The English pages activate English in this thread; later tests expect Vietnamese."""
    yield
    translation.activate("vi")


MARCH = dt.date(2025, 3, 1)


class _Text(HTMLParser):
    """The text a person reads (no tags, attributes, scripts or styles)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def codes(*, single_words: bool) -> set[str]:
    """Every stored code of the workforce's lists and states. A one-word code ("other",
    "health") could be ordinary text on the English pages: only the Vietnamese pages are
    searched for those."""
    found: set[str] = set()
    found |= set(reference.roles()) | set(reference.mass_organisations())
    found |= set(reference.need_types()) | set(reference.change_kinds())
    found |= set(reference.education_levels()) | set(reference.evaluator_bodies())
    found |= {r.code for r in reference.ratings()} | set(reference.evaluation_criteria())
    found |= set(RequestState.values) | set(ReviewFlag.values) | set(ReportState.values)
    found |= {"mau_01", "mau_04"}
    return found if single_words else {code for code in found if "_" in code}


def client_for(username: str, language: str = "vi") -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    return client


def test_pages_show_labels_not_codes(world: World, staff: Staff) -> None:
    request = services.request_create(
        actor=world.ctv,
        household=world.household_a1,
        need_type="water_sanitation",
        description="Cần nước sạch",
    )
    services.request_transition(
        actor=world.ctv, request=request, name="forward", owner=staff.officer_a
    )
    services.request_transition(actor=world.xa_a, request=request, name="start")
    change = services.household_change_report(
        actor=world.ctv,
        household=world.household_a1,
        kind="military_return",
        occurred_on=timezone.localdate(),
        description="Con trai xuất ngũ",
        request_review=True,
    )
    services.task_add(
        actor=world.xa_a, worker=staff.ctv_a1, month=MARCH, duty=2, description="Theo dõi hộ"
    )
    pk = staff.ctv_a1.pk
    urls = [
        reverse("workforce:home"),
        reverse("workforce:roster"),
        reverse("workforce:roster") + "?role=commune_officer",
        reverse("workforce:worker_detail", args=[pk]),
        reverse("workforce:worker_detail", args=[staff.officer_a.pk]),
        reverse("workforce:worker_edit", args=[pk]),
        reverse("workforce:evaluation_new", args=[pk]),
        reverse("workforce:activity_new", args=[pk]),
        reverse("workforce:plan", args=[pk, 2025, 3]),
        reverse("workforce:report", args=[pk, 2025, 3]),
        reverse("workforce:composition") + f"?area={world.commune_a.code}",
        reverse("workforce:composition") + f"?area={world.commune_a.code}&role=",
        reverse("workforce:reporting") + f"?area={world.commune_a.code}&month=03/2025",
        reverse("workforce:request_list"),
        reverse("workforce:request_new"),
        reverse("workforce:request_detail", args=[request.pk]),
        reverse("workforce:change_list") + "?flag=all",
        reverse("workforce:change_detail", args=[change.pk]),
        reverse("workforce:change_new"),
    ]
    for language in ("vi", "en"):
        words = codes(single_words=language == "vi")
        pattern = re.compile(r"\b(" + "|".join(sorted(words)) + r")\b")
        assert pattern.search("Cộng tác viên (commune_officer)")  # the check can fail
        client = client_for("xa_a", language)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert f'<html lang="{language}">' in response.text, url
            raw = pattern.findall(visible_text(response.text))
            assert raw == [], (language, url, raw)
    english = client_for("xa_a", "en")
    assert "Poverty-reduction collaborator" in english.get(reverse("workforce:roster")).text
    assert "Clean water and sanitation" in english.get(reverse("workforce:request_list")).text
    assert (
        "Return from military service"
        in english.get(reverse("workforce:change_detail", args=[change.pk])).text
    )
