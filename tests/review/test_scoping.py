"""Scoping: 404 outside the area; collaborators cannot take official acts; inspectors read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.review import services
from giamngheo.review.services import ReviewError
from tests.conftest import log_in
from tests.review.conftest import ReviewWorld, planned_round, started_round
from tests.review.helpers import decided_round

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    log_in(client, username)
    return client


def test_another_communes_round_answers_404(review_world: ReviewWorld) -> None:
    round_, decision = decided_round(review_world)
    for name in ("review:round_detail", "review:decision_detail", "review:report"):
        url = reverse(name, args=[round_.pk if "decision" not in name else decision.pk])
        assert client_for("xa_b").get(url).status_code == 404
        assert client_for("xa_a").get(url).status_code == 200
        assert client_for("inspector").get(url).status_code == 200
    posting = round_.postings.get()
    assert (
        client_for("xa_b").get(reverse("review:posting_pdf", args=[posting.pk])).status_code == 404
    )


def test_a_collaborator_sees_the_round_but_only_the_households_of_the_village(
    review_world: ReviewWorld,
) -> None:
    round_ = started_round(review_world)
    page = client_for("ctv").get(reverse("review:round_detail", args=[round_.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "A1-001" in html and "A2-001" not in html


def test_collaborators_and_inspectors_cannot_take_official_acts(review_world: ReviewWorld) -> None:
    w = review_world.world
    with pytest.raises(ReviewError, match="chỉ cán bộ xã"):
        services.round_create(actor=w.ctv, commune=w.commune_a, year=2025)
    round_ = planned_round(review_world)
    with pytest.raises(ReviewError, match="chỉ cán bộ xã"):
        services.round_start(actor=w.inspector, round_=round_)
    with pytest.raises(ReviewError, match="chỉ cán bộ xã"):
        services.round_create(actor=w.xa_b, commune=w.commune_a, year=2026)
    round_, decision = decided_round_from(review_world, round_)
    with pytest.raises(ReviewError, match="chỉ cán bộ xã"):
        services.certificates_issue(actor=w.ctv, decision=decision)
    with pytest.raises(ReviewError, match="chỉ cán bộ xã"):
        services.report_submit(actor=w.ctv, round_=round_)
    with pytest.raises(ReviewError, match="không có quyền"):
        services.entry_add(actor=w.inspector, round_=round_, household=review_world.other)


def decided_round_from(rw: ReviewWorld, round_: object) -> tuple:  # type: ignore[type-arg]
    from giamngheo.review.models import Round

    Round.objects.filter(pk=round_.pk).delete()  # type: ignore[attr-defined]
    return decided_round(rw)


def test_a_collaborator_cannot_post_or_decide_through_the_pages(review_world: ReviewWorld) -> None:
    round_ = started_round(review_world)
    ctv = client_for("ctv")
    ctv.post(reverse("review:posting_new", args=[round_.pk]), {"posted_on": "2025-11-03"})
    round_.refresh_from_db()
    assert round_.state == "reviewing"
    assert ctv.get(reverse("review:decision_new", args=[round_.pk])).status_code == 403
    _ = dt


def test_the_certificate_check_is_public_and_shows_only_what_is_needed(
    review_world: ReviewWorld,
) -> None:
    _round, decision = decided_round(review_world)
    certificate = services.certificates_issue(actor=review_world.world.xa_a, decision=decision)[0]
    page = Client().get(reverse("verify:check", args=[certificate.code]))
    assert page.status_code == 200
    html = page.content.decode()
    assert certificate.number in html and certificate.head_name in html
    assert 'data-verify="valid"' in html or 'data-verify="invalid"' in html
    member = certificate.members[1]["name"]
    assert member not in html  # member names stay on the paper
    missing = Client().get(reverse("verify:lookup") + "?code=NOPE123")
    assert 'data-verify="not-found"' in missing.content.decode()
