"""Which fields the registry stores, in one place.

The household and member answers the standards engine reads are defined once, in
``standards.schema`` (name, level, kind, label, allowed values). The registry stores the
current answer of each on ``Household`` or ``Person`` under the same name, and everything that
lists them — the services' editable fields, the import's value keys, the spreadsheet columns
(hence templates and exports), the demo loader's COPY columns, the member answers form — takes
the list from here. The schema fields the registry does not store are named below with the
reason; a test (``tests/registry/test_fields.py``) checks that every other one is a model field
and appears in every list.

Adding a survey field: the schema, the model (and its migration), the survey forms' TOML
(``surveys/forms/*.toml``); see docs/import-export.md, "Adding a survey field".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from django.db import models

from giamngheo.registry.models import Household, Person
from giamngheo.standards import schema

# Schema fields the registry does not store as such, and why.
NOT_STORED: Final[dict[str, str]] = {
    "household_id": "the household's code (Household.code)",
    "member_id": "the person's primary key",
    "area_type": "Household.area_kind: the village's kind unless overridden with a reason",
    "age": "computed on the survey date from Person.birth_date / birth_year",
}


@dataclass(frozen=True)
class StoredField:
    """A schema field and the model field that stores its current value."""

    schema_field: schema.Field
    model: type[models.Model]

    @property
    def name(self) -> str:
        return self.schema_field.name

    @property
    def kind(self) -> schema.Kind:
        return self.schema_field.kind

    @property
    def values(self) -> tuple[str, ...]:
        """Allowed values of an enumerated field, in the schema's (code) order."""
        return self.schema_field.values

    @property
    def model_field(self) -> models.Field[Any, Any]:
        return self.model._meta.get_field(self.name)  # type: ignore[return-value]

    @property
    def label(self) -> str:
        return str(self.model_field.verbose_name)

    @property
    def default(self) -> Any:
        """The value a new record gets when none is given (None: no value)."""
        field = self.model_field
        return field.get_default() if field.has_default() else None


def _stored(model: type[models.Model], fields: tuple[schema.Field, ...]) -> tuple[StoredField, ...]:
    return tuple(StoredField(f, model) for f in fields if f.name not in NOT_STORED)


# In the schema's order, which is the order of forms, columns and lists.
HOUSEHOLD_SURVEY_FIELDS: Final = _stored(Household, schema.HOUSEHOLD_FIELDS)
PERSON_SURVEY_FIELDS: Final = _stored(Person, schema.MEMBER_FIELDS)

# A person's identity: asked when a member is added, not a survey answer (``sex`` is both; it
# stays with the identity, where the forms and the template ask it).
PERSON_IDENTITY_FIELDS: Final = (
    "full_name",
    "sex",
    "birth_date",
    "birth_year",
    "ethnicity",
    "citizen_id",
)
# A member's answers: the member-level survey fields other than identity.
PERSON_ANSWER_FIELDS: Final = tuple(
    f for f in PERSON_SURVEY_FIELDS if f.name not in PERSON_IDENTITY_FIELDS
)
HOUSEHOLD_SURVEY_NAMES: Final = tuple(f.name for f in HOUSEHOLD_SURVEY_FIELDS)
PERSON_ANSWER_NAMES: Final = tuple(f.name for f in PERSON_ANSWER_FIELDS)

# Fields an officer edits on the household form. The status is not among them: it changes only
# through the commune chairman's recognition decision (Decision 24/2021/QĐ-TTg Art. 4.5, 5.2),
# see services.household_status_set.
HOUSEHOLD_AREA_KIND_FIELDS: Final = ("area_kind", "area_kind_override_reason")
HOUSEHOLD_EDITABLE_FIELDS: Final = (
    "address",
    "phone",
    *HOUSEHOLD_AREA_KIND_FIELDS,
    "is_ethnic_minority",
    "is_merit_family",
    "has_social_assistance_member",
    "has_no_labour_capacity",
    "poverty_reasons",
    "support_needs",
    *HOUSEHOLD_SURVEY_NAMES,
)
PERSON_EDITABLE_FIELDS: Final = (*PERSON_IDENTITY_FIELDS, *PERSON_ANSWER_NAMES)

# Fields an import writes (besides the code and the area columns): the editable ones, except
# the area kind, which the import derives from the village and an override column pair, and
# the birth date and year, which it parses and checks as a pair.
HOUSEHOLD_VALUE_KEYS: Final = tuple(
    k for k in HOUSEHOLD_EDITABLE_FIELDS if k not in HOUSEHOLD_AREA_KIND_FIELDS
)
PERSON_VALUE_KEYS: Final = tuple(
    k for k in PERSON_EDITABLE_FIELDS if k not in ("birth_date", "birth_year")
)


def household_survey_field(name: str) -> StoredField:
    return next(f for f in HOUSEHOLD_SURVEY_FIELDS if f.name == name)


def person_survey_field(name: str) -> StoredField:
    return next(f for f in PERSON_SURVEY_FIELDS if f.name == name)
