"""Support requests and in-year applications through the API: filed by the apps' services
(checks, audit, the request's idempotency key), read within the user's area only."""

from __future__ import annotations

import uuid
from typing import Any

from giamngheo.audit.models import AuditEvent
from giamngheo.review.models import Application
from giamngheo.workforce.models import SupportRequest
from tests.conftest import World
from tests.workforce.conftest import Staff

REQUESTS = "/api/v1/support-requests/"
APPLICATIONS = "/api/v1/applications/"


def test_a_collaborator_records_a_request_once_per_key(
    world: World,
    staff: Staff,
    api_as: Any,
) -> None:
    api = api_as("ctv")
    body = {
        "household": world.household_a1.pk,
        "need_type": "housing",
        "description": "Nhà dột nát sau bão",
        "submission_key": str(uuid.uuid4()),
    }
    created = api.post(REQUESTS, body)
    assert created.status_code == 201, created.content
    data = created.json()
    request = SupportRequest.objects.get(pk=data["id"])
    assert data["state"] == request.state == "received"
    assert request.owner == staff.ctv_a1 and request.recorded_by == world.ctv
    assert AuditEvent.objects.filter(
        action="workforce.request_created", object_id=str(request.pk), actor=world.ctv
    ).exists()
    again = api.post(REQUESTS, body)
    assert again.status_code == 200 and again.json()["id"] == request.pk
    assert SupportRequest.objects.count() == 1
    assert [r["id"] for r in api.get(REQUESTS, state="received").json()["results"]] == [request.pk]
    # Commune B sees nothing of it.
    assert api_as("xa_b").get(f"{REQUESTS}{request.pk}/").status_code == 404
    assert api_as("xa_b").get(REQUESTS).json()["results"] == []


def test_a_request_refused_by_the_service_records_nothing(
    world: World,
    staff: Staff,
    api_as: Any,
) -> None:
    api = api_as("ctv")
    response = api.post(
        REQUESTS,
        {"household": world.household_a1.pk, "need_type": "housing", "description": "  "},
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["description"]
    unknown = api.post(
        REQUESTS, {"household": world.household_a1.pk, "need_type": "yacht", "description": "x"}
    )
    assert unknown.status_code == 400
    assert list(unknown.json()["error"]["fields"]) == ["need_type"]
    elsewhere = api.post(
        REQUESTS, {"household": world.household_b1.pk, "need_type": "housing", "description": "x"}
    )
    assert elsewhere.status_code == 404
    inspector = api_as("inspector").post(
        REQUESTS, {"household": world.household_a1.pk, "need_type": "housing", "description": "x"}
    )
    assert inspector.status_code == 400
    assert "không có quyền" in inspector.json()["error"]["message"]
    assert not SupportRequest.objects.exists()


def test_a_collaborator_files_an_application_on_behalf(world: World, api_as: Any) -> None:
    api = api_as("ctv")
    body = {
        "household": world.household_a1.pk,
        "form": "mau01",
        "reason": "illness",
        "reason_note": "Chủ hộ ốm nặng",
        "applicant_name": "Đặng Thị Hoa",
        "received_on": "2025-03-03",
    }
    created = api.post(APPLICATIONS, body)
    assert created.status_code == 201, created.content
    data = created.json()
    application = Application.objects.get(pk=data["id"])
    assert application.on_behalf and data["on_behalf"] is True
    assert (data["review_starts_on"], data["due_on"]) == ("2025-03-15", "2025-03-30")
    assert data["round"] == application.entry.round_id
    assert AuditEvent.objects.filter(
        action="review.application_received", object_id=str(application.pk)
    ).exists()
    # The same household again while under review: the service's refusal, in Vietnamese.
    again = api.post(APPLICATIONS, body)
    assert again.status_code == 400
    assert "đang được rà soát" in again.json()["error"]["message"]
    assert Application.objects.count() == 1
    assert [a["id"] for a in api_as("xa_a").get(APPLICATIONS).json()["results"]] == [application.pk]
    assert api_as("xa_b").get(f"{APPLICATIONS}{application.pk}/").status_code == 404


def test_an_application_with_bad_choices_is_a_field_error(world: World, api_as: Any) -> None:
    response = api_as("ctv").post(
        APPLICATIONS,
        {
            "household": world.household_a1.pk,
            "form": "mau99",
            "reason": "boredom",
            "applicant_name": "",
            "received_on": "0001-01-01",
        },
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {
        "form",
        "reason",
        "applicant_name",
        "received_on",
    }
    assert not Application.objects.exists()
