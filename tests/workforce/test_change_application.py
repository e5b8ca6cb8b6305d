"""Issue 11: an officer turns a collaborator's reported change into an in-year review
application with one action on the change's page; the change shows the application."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from giamngheo.audit.models import AuditEvent
from giamngheo.review import services as review_services
from giamngheo.review.models import Application
from giamngheo.workforce import services
from giamngheo.workforce.models import HouseholdChange, ReviewFlag
from tests.conftest import PASSWORD, World
from tests.workforce.conftest import Staff

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def reported(world: World, *, request_review: bool = True) -> HouseholdChange:
    return services.household_change_report(
        actor=world.ctv,
        household=world.household_a1,
        kind="shock",
        occurred_on=timezone.localdate(),
        description="Lũ cuốn trôi chuồng trại",
        request_review=request_review,
    )


def application_form(world: World) -> dict[str, str]:
    return {
        "form": "mau01",
        "reason": "disaster",
        "received_on": timezone.localdate().strftime("%d/%m/%Y"),
        "applicant_name": "Nguyễn Văn An",
        "reason_note": "Lũ cuốn trôi chuồng trại",
    }


def test_the_officer_files_the_application_from_the_change_page(world: World, staff: Staff) -> None:
    change = reported(world)
    url = reverse("workforce:change_detail", args=[change.pk])
    # The form on the change page posts to the review app, which files the application.
    post_url = reverse("review:application_from_change", args=[change.pk])
    officer = client_for("xa_a")
    page = officer.get(url).text
    # Prefilled from the change: Mẫu 01, the head's name, the description.
    assert '<option value="mau01" selected>' in page
    assert 'value="Nguyễn Văn An"' in page
    assert "Lập đơn đề nghị rà soát" in page
    # The collaborator sees the change but not the action, and may not post it.
    ctv_page = client_for("ctv").get(url).text
    assert "Lũ cuốn trôi chuồng trại" in ctv_page and "Lập đơn đề nghị rà soát" not in ctv_page
    assert client_for("ctv").post(post_url, application_form(world)).status_code == 403
    assert client_for("xa_b").get(url).status_code == 404

    response = officer.post(post_url, application_form(world))
    assert response.status_code == 302
    assert response["Location"] == url
    application = Application.objects.get()
    assert application.household_change_id == change.pk  # the link, kept by the review app
    assert (application.form, application.reason) == ("mau01", "disaster")
    change.refresh_from_db()
    assert change.review_flag == ReviewFlag.TAKEN_UP
    assert change.review_reference == f"review.application:{application.pk}"
    assert AuditEvent.objects.filter(
        action="workforce.household_change_applied", object_id=str(change.pk)
    ).exists()
    page = officer.get(url).text
    assert reverse("review:application_detail", args=[application.pk]) in page
    assert "Lập đơn đề nghị rà soát" not in page  # one application per change
    # Posting again changes nothing.
    assert officer.post(post_url, application_form(world)).status_code == 403
    assert Application.objects.count() == 1


def test_a_change_reported_without_a_review_request_can_still_be_filed(
    world: World, staff: Staff
) -> None:
    change = reported(world, request_review=False)
    application = review_services.application_from_change(
        actor=world.xa_a,
        change=change,
        form="mau01",
        reason="disaster",
        received_on=timezone.localdate(),
        applicant_name="Nguyễn Văn An",
    )
    change.refresh_from_db()
    assert change.review_flag == ReviewFlag.TAKEN_UP and change.proposed_form == "mau_01"
    assert application.household_change_id == change.pk


def test_a_refused_application_changes_nothing(world: World, staff: Staff) -> None:
    change = reported(world)
    url = reverse("review:application_from_change", args=[change.pk])
    # Mẫu 04 is only for a household on the list: the review's refusal is shown on the form.
    response = client_for("xa_a").post(url, {**application_form(world), "form": "mau04"})
    assert response.status_code == 200
    assert "Mẫu số 04 chỉ dành cho hộ đang là hộ nghèo" in response.text
    change.refresh_from_db()
    assert change.review_flag == ReviewFlag.PENDING
    assert not Application.objects.exists()
    # A dismissed change cannot be filed.
    services.household_change_dismiss(actor=world.xa_a, change=change, note="Không đủ điều kiện")
    with pytest.raises(services.WorkforceError, match="không đưa vào rà soát"):
        review_services.application_from_change(
            actor=world.xa_a,
            change=change,
            form="mau01",
            reason="disaster",
            received_on=timezone.localdate(),
            applicant_name="Nguyễn Văn An",
        )
