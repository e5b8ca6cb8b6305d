"""Surveys through the API: recorded by ``surveys.services.survey_record`` (the page's
validation, the engine, the audit event, the idempotency key), read back with the engine's
result, refused with Vietnamese field errors."""

from __future__ import annotations

import uuid
from typing import Any

from giamngheo.audit.models import AuditEvent
from giamngheo.surveys.models import Survey
from tests.conftest import World
from tests.surveys.conftest import DAY, YEAR, b2_answers

URL = "/api/v1/surveys/"


def payload(world: World, **changes: Any) -> dict[str, Any]:
    answers = b2_answers(world.household_a1, income=1_200_000, deprived=3)
    return {
        "household": world.household_a1.pk,
        "form": "b2-2022",
        "review_year": YEAR,
        "surveyed_on": DAY.isoformat(),
        "surveyor_name": "Rà soát viên Hồ Thị Ánh",
        "answers": answers,
        **changes,
    }


def test_a_collaborator_records_a_survey_with_its_result_and_audit(
    world: World, api_as: Any
) -> None:
    api = api_as("ctv")
    key = str(uuid.uuid4())
    response = api.post(URL, payload(world, submission_key=key))
    assert response.status_code == 201, response.content
    body = response.json()
    survey = Survey.objects.get(pk=body["id"])
    assert body["status"] == survey.status == "poor"
    assert body["deprivation_count"] == 3 and body["replayed"] is False
    assert body["deprivation_flags"] == survey.deprivation_flags
    assert survey.created_by == world.ctv and str(survey.submission_key) == key
    assert AuditEvent.objects.filter(object_id=str(survey.pk), actor=world.ctv).exists()
    # The same key again: the first survey, nothing new (200, replayed).
    again = api.post(URL, payload(world, submission_key=key))
    assert again.status_code == 200 and again.json()["id"] == survey.pk
    assert again.json()["replayed"] is True
    assert Survey.objects.count() == 1
    # Read back: in the list (filtered) and the detail, with the answers.
    listed = api.get(URL, household=world.household_a1.pk, year=YEAR).json()["results"]
    assert [s["id"] for s in listed] == [survey.pk]
    detail = api.get(f"{URL}{survey.pk}/").json()
    assert detail["answers"]["household"]["income"] == 1_200_000


def test_the_services_refusals_are_field_errors_and_record_nothing(
    world: World, api_as: Any
) -> None:
    api = api_as("ctv")
    answers = b2_answers(world.household_a1)
    answers["household"]["income"] = -5
    response = api.post(URL, payload(world, answers=answers))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "refused"
    assert any(key.startswith("household.income") for key in error["fields"]), error
    assert not Survey.objects.exists()


def test_input_errors_are_named_per_field(world: World, api_as: Any) -> None:
    api = api_as("ctv")
    bad = payload(
        world,
        form="z-1999",
        review_year="abc",
        surveyed_on="31/02/2026",
        answers=[1, 2],
        surprise=True,
    )
    del bad["surveyor_name"]
    response = api.post(URL, bad)
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"form", "review_year", "surveyed_on", "answers", "surveyor_name"}
    assert fields["surveyor_name"] == ["Trường này là bắt buộc."]
    unknown = api.post(URL, payload(world, surprise=True))
    assert unknown.status_code == 400
    assert unknown.json()["error"]["fields"] == {"surprise": ["Trường không được hỗ trợ."]}
    assert not Survey.objects.exists()


def test_another_communes_household_is_not_found_and_an_inspector_may_not_write(
    world: World, api_as: Any
) -> None:
    response = api_as("xa_a").post(URL, payload(world, household=world.household_b1.pk))
    assert response.status_code == 404
    refused = api_as("inspector").post(URL, payload(world))
    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == (
        "Bạn không có quyền nhập phiếu khảo sát cho hộ ở địa bàn này."
    )
    assert not Survey.objects.exists()


def test_malformed_bodies_are_400_not_500(world: World, api_as: Any) -> None:
    api = api_as("ctv")
    for body in ("{", "[]", "null", '"x"', "NaN", '{"a": "\\u0000"}', "\xff".encode("latin-1")):
        response = api.post(URL, body, raw=True)
        assert response.status_code == 400, (body, response.content)
        assert response.json()["error"]["message"]
    nested = "[" * 5000 + "]" * 5000
    assert api.post(URL, nested, raw=True).status_code == 400
    huge = '{"answers": "' + "x" * 3_000_000 + '"}'
    assert api.post(URL, huge, raw=True).status_code == 400
    # A form post: the NUL guard middleware has read it already (DRF then sees its fields,
    # not JSON): refused as missing fields.
    form = api.client.post(URL, {"a": "b"}, headers=api.headers)
    assert form.status_code == 400 and form.json()["error"]["fields"]["household"]
    text = api.client.post(URL, "x", content_type="text/plain", headers=api.headers)
    assert text.status_code == 415
    assert text.json()["error"]["code"] == "unsupported_media_type"
    assert not Survey.objects.exists()


def test_a_collaborator_reads_surveys_with_masked_answers_elsewhere_never(
    world: World, api_as: Any
) -> None:
    created = api_as("xa_a").post(URL, payload(world)).json()
    assert api_as("xa_b").get(f"{URL}{created['id']}/").status_code == 404
    assert api_as("ctv").get(f"{URL}{created['id']}/").status_code == 200
