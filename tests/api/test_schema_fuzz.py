"""The API fuzzed from its own OpenAPI schema (schemathesis, in-process through the WSGI app):
for every operation, generated valid and invalid queries, paths and bodies never give a 5xx,
and every response (errors included) matches the schema: status code, content type, body.

The operations are walked here rather than with ``schema.parametrize()``: schemathesis' pytest
integration (4.32) reads a private pytest attribute that pytest 9 no longer has. Examples are
bounded per operation and mode so the whole test stays under a minute on a 2-core machine."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from giamngheo.surveys.models import Survey
from giamngheo.wsgi import application
from tests.api.conftest import token_for
from tests.conftest import World
from tests.surveys.conftest import b2_answers

# Examples per operation and generation mode (valid, invalid).
EXAMPLES = 12
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def keep_the_test_connection() -> Iterator[None]:
    """The WSGI handler closes the database connection at the end of each request (Django's
    test client disconnects that signal, as here): the test's transaction must survive."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Long and about the API, not about which PostgreSQL serves it: the embedded-server run only.
@pytest.mark.once
def test_no_5xx_and_responses_match_the_schema(
    world: World, keep_the_test_connection: None, settings: Any
) -> None:
    # Hundreds of calls a minute from one token: the rate limits (tested apart) would answer
    # most of them 429 and the fuzz would reach nothing behind them.
    settings.GIAMNGHEO_API_RATES = {
        "user": "100000/min",
        "anon": "100000/min",
        "write": "100000/min",
    }
    headers = {"Authorization": f"Bearer {token_for(world.xa_a)}"}
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", application, headers=headers
    )
    valid_survey = {
        "household": world.household_a1.pk,
        "form": "b2-2022",
        "review_year": 2025,
        "surveyed_on": "2025-10-01",
        "surveyor_name": "Rà soát viên",
        "answers": b2_answers(world.household_a1),
    }
    calls: dict[str, int] = {}
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15  # 6 resources: list and detail; 3 creates

    def fuzz(operation: Any, mode: GenerationMode) -> None:
        @given(case=operation.as_strategy(generation_mode=mode))
        @examples(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            if (
                mode == GenerationMode.POSITIVE
                and operation.label == "POST /api/v1/surveys/"
                and isinstance(case.body, dict)
                and calls.get(operation.label, 0) % 2
            ):
                # Some bodies are a valid survey with the generated key, so the service, the
                # engine and the idempotency key are reached, not only the input checks.
                case.body = {**valid_survey, "submission_key": case.body.get("submission_key")}
            response = case.call(headers=headers)
            calls[operation.label] = calls.get(operation.label, 0) + 1
            case.validate_response(response, checks=CHECKS)

        run()

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzz(operation, mode)
    assert set(calls) == {operation.label for operation in operations}
    assert sum(calls.values()) >= len(operations) * 10
    print(f"schema fuzz: {sum(calls.values())} calls in {time.monotonic() - started:.1f} s")
    # The writes were real: the valid-based bodies reached the survey service.
    assert Survey.objects.filter(household=world.household_a1).exists()
