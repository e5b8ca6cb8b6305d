"""Every app's refusal is a DomainError, so one view helper can show any of them."""

from __future__ import annotations

import pytest

from giamngheo.areas.services import AreaError
from giamngheo.demo.loader import DemoError
from giamngheo.jobs.kinds import UnknownJobKindError
from giamngheo.jobs.services import JobError
from giamngheo.lib.errors import DomainError
from giamngheo.lib.tabular import TableError
from giamngheo.registry.exports import ExportError
from giamngheo.registry.services import RegistryError
from giamngheo.registry.spreadsheets import SpreadsheetError
from giamngheo.review.rules import RulesMissing
from giamngheo.review.services import ReviewError
from giamngheo.review.states import TransitionRefused
from giamngheo.surveys.definitions import AnswersInvalid, FormDefinitionError, SurveyError
from giamngheo.training.services import TrainingError
from giamngheo.workforce.states import WorkflowError, WorkforceError

APP_ERRORS = [
    AreaError,
    DemoError,
    UnknownJobKindError,
    JobError,
    TableError,
    ExportError,
    RegistryError,
    SpreadsheetError,
    RulesMissing,
    ReviewError,
    TransitionRefused,
    AnswersInvalid,
    FormDefinitionError,
    SurveyError,
    TrainingError,
    WorkflowError,
    WorkforceError,
]


@pytest.mark.parametrize("error", APP_ERRORS, ids=lambda error: error.__name__)
def test_every_app_refusal_is_a_domain_error(error: type[Exception]) -> None:
    assert issubclass(error, DomainError)


def test_lookup_refusals_stay_lookup_errors() -> None:
    # Callers that catch LookupError (unknown job kind, missing rules) keep working.
    assert issubclass(UnknownJobKindError, LookupError)
    assert issubclass(RulesMissing, LookupError)
