"""Issue 11: training pages show labels, not raw codes (topics, participant categories, cost
types, levels, session parts, test kinds, roles), in Vietnamese and in English."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from giamngheo.training import reference, services
from giamngheo.training.models import (
    AssessmentKind,
    ClassLevel,
    PageKind,
    SessionPart,
    Verification,
)
from giamngheo.workforce import reference as workforce_reference
from tests.conftest import PASSWORD
from tests.training.conftest import TrainingWorld
from tests.workforce.test_labels import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def back_to_vietnamese() -> Iterator[None]:
    """The English pages activate English in this thread; later tests expect Vietnamese."""
    yield
    translation.activate("vi")


def codes(*, single_words: bool) -> set[str]:
    found = {e.code for e in (*reference.topics(), *reference.categories())}
    found |= {e.code for e in reference.cost_types()} | set(workforce_reference.roles())
    for choices in (AssessmentKind, ClassLevel, PageKind, SessionPart, Verification):
        found |= set(choices.values)
    return found if single_words else {code for code in found if "_" in code}


def test_pages_show_labels_not_codes(tw: TrainingWorld) -> None:
    services.question_bank_seed(actor=None)
    pre = services.class_test_create(
        actor=None, training_class=tw.c1, kind="pre", held_on=dt.date(2025, 3, 10)
    )
    urls = [
        reverse("training:index") + "?year=2025",
        reverse("training:plan_detail", args=[tw.plan.pk]),
        reverse("training:class_detail", args=[tw.c1.pk]),
        reverse("training:register", args=[tw.c1.pk]) + "?q=ngo van",
        reverse("training:attendance", args=[tw.c1.sessions.first().pk]),  # type: ignore[union-attr]
        reverse("training:participant_list") + "?q=hang",
        reverse("training:participant_detail", args=[tw.people["a_ctv"].pk]),
        reverse("training:question_list"),
        reverse("training:assessment_detail", args=[pre.pk]),
        reverse("training:contest_list"),
        reverse("training:statistics") + "?year=2025",
        reverse("training:handbook"),
        reverse("training:mine"),
    ]
    for language in ("vi", "en"):
        client = Client()
        assert client.login(username="tinh", password=PASSWORD)
        client.post(reverse("set_language"), {"language": language, "next": "/"})
        pattern = re.compile(
            r"\b(" + "|".join(sorted(codes(single_words=language == "vi"))) + r")\b"
        )
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            raw = pattern.findall(visible_text(response.text))
            assert raw == [], (language, url, raw)
