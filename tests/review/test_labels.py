"""Issue 11: the review's, registry's, audit's and jobs' pages show labels, not the codes stored
behind them (audit action names, application forms such as ``mau01``, role codes, statuses,
states, process parameters), in Vietnamese and in English after the language switch."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from giamngheo.accounts.models import Role
from giamngheo.audit.actions import ACTIONS
from giamngheo.registry.models import PovertyReason, Relation, Status, SupportNeed
from giamngheo.review import rules, services, states
from giamngheo.review.models import (
    ApplicationForm,
    ApplicationReason,
    EntrySource,
    ListKind,
    Meeting,
    PostingKind,
    ReviewerKind,
    SteeringRole,
)
from tests.conftest import PASSWORD
from tests.review.conftest import ReviewWorld
from tests.review.helpers import decided_round

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def back_to_vietnamese() -> Iterator[None]:
    """The English pages activate English in this thread; later tests expect Vietnamese."""
    yield
    translation.activate("vi")


class _Text(HTMLParser):
    """The text a person reads in the page's language: no tags, attributes, scripts or styles,
    and no passage marked as written in another language (the process parameters' sources are
    English notes: ``<td lang="en">``)."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language
        self.parts: list[str] = []
        self._open: list[bool] = []  # per open element: is it skipped?

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}:
            return
        lang = dict(attrs).get("lang")
        other = tag != "html" and lang is not None and lang != self.language
        self._open.append(tag in {"script", "style"} or other)

    def handle_endtag(self, tag: str) -> None:
        if tag not in {"br", "img", "input", "meta", "link", "hr", "source", "wbr"} and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if not any(self._open):
            self.parts.append(data)


def visible_text(html: str, language: str) -> str:
    parser = _Text(language)
    parser.feed(html)
    return " ".join(parser.parts)


def codes(*, single_words: bool) -> set[str]:
    """Every stored code a review page could show. One-word codes ("poor", "planning") could be
    ordinary English words: only the Vietnamese pages are searched for those."""
    choices = (
        Status,
        PovertyReason,
        SupportNeed,
        Relation,
        Role,
        ApplicationForm,
        ApplicationReason,
        EntrySource,
        ListKind,
        PostingKind,
        ReviewerKind,
        SteeringRole,
        states.RoundState,
        states.EntryState,
        states.MeetingState,
        states.ComplaintState,
        states.ApplicationState,
        states.ReportState,
    )
    found = {str(value) for kind in choices for value in kind.values if value}
    found |= set(rules.KEYS)
    found = {code for code in found if single_words or "_" in code or code.startswith("mau")}
    return found | set(ACTIONS)  # "review.round_started": never ordinary text


def client_for(username: str, language: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    return client


def test_pages_show_labels_not_codes(review_world: ReviewWorld) -> None:
    w = review_world.world
    round_, decision = decided_round(review_world)
    services.certificates_issue(actor=w.xa_a, decision=decision)
    services.report_submit(actor=w.xa_a, round_=round_)
    application = services.application_file(
        actor=w.xa_a,
        household=review_world.flagged,
        form="mau01",
        reason="illness",
        received_on=dt.date(2026, 6, 3),
        applicant_name="Đặng Thị Hoa",
    )
    meeting = Meeting.objects.filter(round=round_).first()
    assert meeting is not None
    urls = [
        reverse("web:dashboard"),
        reverse("review:home"),
        reverse("review:round_detail", args=[round_.pk]),
        reverse("review:meeting_detail", args=[meeting.pk]),
        reverse("review:posting_detail", args=[round_.postings.get().pk]),
        reverse("review:decision_detail", args=[decision.pk]),
        reverse("review:report", args=[round_.pk]),
        reverse("review:applications"),
        reverse("review:application_detail", args=[application.pk]),
        reverse("registry:household_list"),
        reverse("registry:household_detail", args=[review_world.poor.pk]),
        reverse("registry:household_detail", args=[review_world.flagged.pk]),
    ]
    for language in ("vi", "en"):
        words = codes(single_words=language == "vi")
        pattern = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, sorted(words))) + r")\b")
        assert pattern.search("Vai trò (commune_officer)")  # the check can fail
        assert pattern.search("đã ghi review.round_created lúc")
        client = client_for("xa_a", language)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert f'<html lang="{language}">' in response.text, url
            text = visible_text(response.text, language)
            raw = [text[max(0, m.start() - 60) : m.end() + 20] for m in pattern.finditer(text)]
            assert raw == [], (language, url, raw)
    # The province's progress page, as the provincial officer sees it.
    province_url = reverse("review:province", args=[w.province.code, 2025])
    for language in ("vi", "en"):
        words = codes(single_words=language == "vi")
        pattern = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, sorted(words))) + r")\b")
        response = client_for("tinh", language).get(province_url)
        assert response.status_code == 200
        text = visible_text(response.text, language)
        raw = [text[max(0, m.start() - 60) : m.end() + 20] for m in pattern.finditer(text)]
        assert raw == [], (language, raw)
    # The audit log names the actions, the fields of the changed records and their coded
    # values (an application's form, reason and state). Figures inside a report's snapshot
    # (keys such as "near_poor") are not model fields and stay as written.
    for language in ("vi", "en"):
        words = set(ACTIONS) | {"mau01", "mau04"}
        if language == "vi":
            words |= {"illness", "received"}
        pattern = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, sorted(words))) + r")\b")
        html = client_for("admin", language).get(reverse("audit:global")).text
        text = visible_text(html, language)
        raw = [text[max(0, m.start() - 60) : m.end() + 20] for m in pattern.finditer(text)]
        assert raw == [], (language, raw)
        assert ("Mẫu số 01: đề nghị rà soát" if language == "vi" else "Form") in text
        assert "30/06/2026" in text and "2026-06-30" not in text  # the application's due date
    # The process parameters are named, their values read as words.
    page = client_for("xa_a", "vi").get(reverse("review:round_detail", args=[round_.pk])).text
    assert "Thời gian niêm yết (ngày làm việc)" in page
    english = client_for("xa_a", "en").get(reverse("review:round_detail", args=[round_.pk])).text
    assert "Posting period (working days)" in english
