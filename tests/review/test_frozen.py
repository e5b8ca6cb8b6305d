"""A decided list and a certificate do not change when the registry changes afterwards."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from giamngheo.lib.pdf import extract_text
from giamngheo.registry import life_events
from giamngheo.registry import services as registry_services
from giamngheo.registry.models import Membership
from giamngheo.review import documents, services
from giamngheo.review.models import Certificate, CommuneReport, DecisionEntry
from tests.review.conftest import ReviewWorld
from tests.review.helpers import decided_round

pytestmark = pytest.mark.django_db
URL = "http://testserver/verify/CODE/"


def test_frozen_lists_and_certificates_survive_registry_edits(review_world: ReviewWorld) -> None:
    w = review_world.world
    round_, decision = decided_round(review_world)
    issued = services.certificates_issue(actor=w.xa_a, decision=decision)
    certificate = next(c for c in issued if c.household_id == review_world.poor.pk)
    entry = DecisionEntry.objects.get(decision=decision, household_code="A1-001")
    before_entry = (entry.head_name, entry.members, entry.status_after)
    before_pdf = extract_text(documents.certificate_pdf(certificate, URL))
    before_decision = extract_text(
        documents.decision_pdf(decision, list(decision.entries.order_by("household_code")))
    )
    report = services.report_submit(actor=w.xa_a, round_=round_)

    # The registry moves on: the head's name is corrected, a child is born, the status changes.
    head = Membership.objects.get(household=review_world.poor, is_head=True).person
    registry_services.person_update(actor=w.xa_a, person=head, full_name="Nguyễn Văn Anh Mới")
    registry_services.member_add(
        actor=w.xa_a,
        household=review_world.poor,
        data=registry_services.PersonData(
            full_name="Nguyễn Thị Bé", sex="female", birth_year=2026, relation="child"
        ),
        joined_on=dt.date(2026, 1, 5),
    )
    registry_services.household_status_set(
        actor=w.xa_a,
        household=review_world.poor,
        status="near_poor",
        standard="2022-2025",
        year=2026,
        basis="Quyết định khác (thử)",
    )

    entry.refresh_from_db()
    assert (entry.head_name, entry.members, entry.status_after) == before_entry
    certificate.refresh_from_db()
    assert certificate.head_name == "Nguyễn Văn An"
    assert [m["name"] for m in certificate.members] == ["Nguyễn Văn An", "Nguyễn Văn An Con"]
    after_pdf = extract_text(documents.certificate_pdf(certificate, URL))
    assert after_pdf == before_pdf
    assert "Nguyễn Văn Anh Mới" not in after_pdf and "Nguyễn Thị Bé" not in after_pdf
    after_decision = extract_text(
        documents.decision_pdf(decision, list(decision.entries.order_by("household_code")))
    )
    assert after_decision == before_decision
    assert CommuneReport.objects.get(pk=report.pk).figures == report.figures


def test_the_database_refuses_to_change_frozen_records(review_world: ReviewWorld) -> None:
    w = review_world.world
    round_, decision = decided_round(review_world)
    certificate = services.certificates_issue(actor=w.xa_a, decision=decision)[0]
    report = services.report_submit(actor=w.xa_a, round_=round_)
    for queryset, change in (
        (DecisionEntry.objects.filter(decision=decision), {"head_name": "Khác"}),
        (Certificate.objects.filter(pk=certificate.pk), {"head_name": "Khác"}),
        (CommuneReport.objects.filter(pk=report.pk), {"figures": {}}),
    ):
        with pytest.raises(IntegrityError, match="frozen"), transaction.atomic():
            queryset.update(**change)
    with pytest.raises(IntegrityError, match="frozen"), transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).delete()


def test_a_certificate_lists_the_members_on_the_day_of_issue(review_world: ReviewWorld) -> None:
    """Issue 11: the members are frozen when the certificate is issued, not at the decision:
    a death between the decision and the issue shows (and the new head); a birth after the
    issue does not."""
    w = review_world.world
    _round, decision = decided_round(review_world)
    household = review_world.poor
    head = Membership.objects.get(household=household, is_head=True).person
    child = Membership.objects.get(household=household, is_head=False).person
    life_events.life_event_record(
        actor=w.xa_a,
        household=household,
        kind="death",
        on=dt.date(2025, 12, 1),
        person=head,
        new_head=child,
    )
    entry = DecisionEntry.objects.get(decision=decision, household=household)
    assert [m["name"] for m in entry.members] == ["Nguyễn Văn An", "Nguyễn Văn An Con"]
    issued = services.certificates_issue(
        actor=w.xa_a, decision=decision, issued_on=dt.date(2025, 12, 10)
    )
    certificate = next(c for c in issued if c.household_id == household.pk)
    assert [m["name"] for m in certificate.members] == ["Nguyễn Văn An Con"]
    assert certificate.head_name == "Nguyễn Văn An Con"

    life_events.life_event_record(
        actor=w.xa_a,
        household=household,
        kind="birth",
        on=dt.date(2026, 2, 1),
        data=registry_services.PersonData(
            full_name="Nguyễn Thị Mới Sinh", sex="female", birth_year=2026, relation="child"
        ),
    )
    certificate.refresh_from_db()
    assert [m["name"] for m in certificate.members] == ["Nguyễn Văn An Con"]
    text = extract_text(documents.certificate_pdf(certificate, URL))
    assert "Nguyễn Văn An Con" in text and "(1 người)" in text
    assert "Nguyễn Thị Mới Sinh" not in text
    assert "Nguyễn Văn An\n" not in text
