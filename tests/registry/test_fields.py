"""One source for the survey fields (issue 12): every household and member field of the
engine's schema that the registry stores is a model field with the schema's values, and every
list that names such fields — services, import, spreadsheet columns (templates, exports), the
demo loader, the forms and the survey forms — is derived from ``registry.fields`` and holds it.
Adding a schema field without its model field (or its survey question) fails here."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from django.db import models

from giamngheo import synthetic as generator
from giamngheo.demo import loader
from giamngheo.registry import exports, fields, imports, services
from giamngheo.registry import forms as registry_forms
from giamngheo.registry import spreadsheets as sheets
from giamngheo.registry.imports import context
from giamngheo.registry.models import Household, Person
from giamngheo.standards import schema
from giamngheo.surveys import definitions

HOUSEHOLD = set(fields.HOUSEHOLD_SURVEY_NAMES)
PERSON = {f.name for f in fields.PERSON_SURVEY_FIELDS}
MODEL_FIELD_KINDS = {
    schema.Kind.BOOL: (models.BooleanField,),
    schema.Kind.ENUM: (models.CharField,),
    schema.Kind.MONEY: (models.PositiveBigIntegerField, models.BigIntegerField),
    schema.Kind.NUMBER: (models.DecimalField, models.FloatField),
    schema.Kind.INT: (models.IntegerField, models.SmallIntegerField),
}


def test_every_schema_field_is_stored_or_said_why_not() -> None:
    for level_fields, stored in (
        (schema.HOUSEHOLD_FIELDS, fields.HOUSEHOLD_SURVEY_FIELDS),
        (schema.MEMBER_FIELDS, fields.PERSON_SURVEY_FIELDS),
    ):
        names = {f.name for f in stored}
        assert {f.name for f in level_fields} == names | (
            {f.name for f in level_fields} & set(fields.NOT_STORED)
        )
    assert HOUSEHOLD and PERSON


@pytest.mark.parametrize(
    "stored",
    [*fields.HOUSEHOLD_SURVEY_FIELDS, *fields.PERSON_SURVEY_FIELDS],
    ids=lambda f: f.name,
)
def test_the_model_stores_the_schema_field_with_its_values(stored: fields.StoredField) -> None:
    model_field = stored.model_field
    assert isinstance(model_field, MODEL_FIELD_KINDS[stored.kind])
    assert stored.label
    if stored.kind == schema.Kind.ENUM:
        assert [code for code, _label in model_field.choices or ()] == list(stored.values)


def test_services_edit_every_stored_field() -> None:
    assert set(fields.HOUSEHOLD_EDITABLE_FIELDS) >= HOUSEHOLD
    assert set(services.HOUSEHOLD_AUDIT_FIELDS) >= HOUSEHOLD
    assert set(fields.PERSON_EDITABLE_FIELDS) >= PERSON


def test_forms_ask_every_stored_field() -> None:
    assert set(registry_forms.HouseholdEditForm.base_fields) >= HOUSEHOLD
    answers = set(registry_forms.PersonAnswersForm.base_fields)
    assert answers | set(registry_forms.PersonForm.base_fields) >= PERSON


def test_the_import_reads_and_writes_every_stored_field() -> None:
    assert set(imports.HOUSEHOLD_VALUE_KEYS) >= HOUSEHOLD
    assert set(imports.PERSON_VALUE_KEYS) >= PERSON
    assert set(context.HOUSEHOLD_DB_COLUMNS) >= HOUSEHOLD
    assert set(context.PERSON_DB_COLUMNS) >= PERSON


def test_templates_and_exports_have_a_column_for_every_stored_field() -> None:
    columns = sheets.columns_by_key(sheets.household_columns())
    assert set(columns) >= HOUSEHOLD | PERSON
    for stored in [*fields.HOUSEHOLD_SURVEY_FIELDS, *fields.PERSON_SURVEY_FIELDS]:
        column = columns[stored.name]
        assert column.level == (
            sheets.Level.HOUSEHOLD if stored.model is Household else sheets.Level.MEMBER
        )
        if stored.kind == schema.Kind.ENUM:
            assert [code for code, _label in column.choices] == list(stored.values)
    assert {c.key for c in exports.export_columns()} >= HOUSEHOLD | PERSON


def test_the_demo_loader_copies_every_stored_field() -> None:
    data = generator.generate(
        province_code="44",
        province_name="Quảng Trị",
        communes=generator.official_communes("44"),
        households=50,
    )
    communes = data.households["commune_code"].unique().to_list()
    households = loader._household_rows(
        data,
        ids=np.arange(data.n_households, dtype=np.int64),
        province=SimpleNamespace(pk=1),  # type: ignore[arg-type]
        commune_ids={code: i for i, code in enumerate(communes)},
        village_ids=np.arange(int(data.households["village"].to_numpy().max()) + 1),
        status_codes=np.zeros(data.n_households, dtype=np.uint8),
        now="2025-07-01T00:00:00+07:00",
    )
    persons = loader._person_rows(
        data, ids=np.arange(data.n_members, dtype=np.int64), now="2025-07-01T00:00:00+07:00"
    )
    assert set(households.columns) >= HOUSEHOLD
    assert set(persons.columns) >= PERSON
    for frame, stored_fields in (
        (households, fields.HOUSEHOLD_SURVEY_FIELDS),
        (persons, fields.PERSON_SURVEY_FIELDS),
    ):
        for stored in stored_fields:
            if stored.kind == schema.Kind.ENUM:
                assert set(frame[stored.name].unique()) <= set(stored.values)
    # Every column the loader copies is a column of the table.
    for frame, model in ((households, Household), (persons, Person)):
        assert set(frame.columns) <= {f.column for f in model._meta.concrete_fields}


@pytest.mark.parametrize("code", sorted(definitions.form_files()))
def test_survey_forms_prefill_from_stored_fields(code: str) -> None:
    """A survey form's question feeding an engine field is prefilled from the registry's
    current value (``surveys.services``): the registry stores every such field. (Not every
    stored field is on a form: ``waste_handled`` is read by the 2027-2030 pack only, which has
    no form yet.)"""
    form = definitions.load_form(code)
    for asked, stored, level in (
        (form.household_fields, HOUSEHOLD, schema.HOUSEHOLD_FIELD_BY_NAME),
        (form.member_fields, PERSON, schema.MEMBER_FIELD_BY_NAME),
    ):
        engine_fields = {f.maps_to for f in asked if f.maps_to in level}
        assert engine_fields - set(fields.NOT_STORED) <= stored
