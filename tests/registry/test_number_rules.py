"""One rule for phone numbers and citizen IDs (issue 12): every form that asks for one, the
registry's services and the household import give the same verdict on the same input and store
the same text (``lib.validators.clean_phone``/``clean_citizen_id``)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from giamngheo.lib import validators
from giamngheo.registry import forms as registry_forms
from giamngheo.registry import imports, services
from giamngheo.registry.imports.parse import citizen_id_value
from giamngheo.registry.models import Household, Person
from giamngheo.training import forms as training_forms
from giamngheo.workforce import forms as workforce_forms
from tests.conftest import World
from tests.lib.test_numbers import PHONES
from tests.registry.io_helpers import header, household_rows, write_csv

pytestmark = pytest.mark.django_db

# A masked number ("091****678") is refused by forms (unless it is the mask of the stored
# number, ``registry.forms.mask_numbers``) and means "keep the stored number" in an import of
# an export: not the same question, so it is left out of the shared table.
SHARED_PHONES = [(typed, stored) for typed, stored in PHONES if "*" not in typed]
# Distinct numbers, so that one file can hold them all.
CITIZEN_IDS = [
    ("038201001231", "038201001231"),
    ("0382 0100 1232", "038201001232"),
    ("038.201.001.233", "038201001233"),
    ("38201001234", None),
    ("0382010012345", None),
    ("03820100123a", None),
]

PHONE_FIELDS = {
    "registry household (new)": registry_forms.HouseholdCreateForm.base_fields["phone"],
    "registry household (edit)": registry_forms.HouseholdEditForm.base_fields["phone"],
    "workforce roster": workforce_forms.WorkerForm.base_fields["phone"],
    "training participant": training_forms.ParticipantForm.base_fields["phone"],
}


def form_verdict(field: forms.Field, typed: str) -> str | None:
    try:
        return str(field.clean(typed) or "")
    except forms.ValidationError:
        return None


@pytest.mark.parametrize("form", PHONE_FIELDS)
def test_every_form_takes_the_same_phone_numbers(form: str) -> None:
    field = PHONE_FIELDS[form]
    assert [form_verdict(field, typed) for typed, _ in SHARED_PHONES] == [
        stored for _, stored in SHARED_PHONES
    ]


def test_the_household_service_takes_the_same_phone_numbers(world: World) -> None:
    household = world.household_a1
    verdicts: list[str | None] = []
    for typed, _stored in SHARED_PHONES:
        household.refresh_from_db()
        try:
            services.household_update(
                actor=world.xa_a,
                household=household,
                expected_version=household.version,
                phone=typed,
            )
        except services.RegistryError:
            verdicts.append(None)
        else:
            household.refresh_from_db()
            verdicts.append(household.phone)
    assert verdicts == [stored for _, stored in SHARED_PHONES]
    with pytest.raises(services.RegistryError, match="không hợp lệ"):
        services.household_create(
            actor=world.xa_a,
            village=world.village_a1,
            code="A1-PHONE",
            phone="12345",
            members=[services.PersonData("Lò Văn Pọm", "male", 1980, "head")],
        )


def test_the_import_takes_the_same_phone_numbers(world: World, tmp_path: Path) -> None:
    rows = [
        row
        for i, (typed, _) in enumerate(SHARED_PHONES)
        for row in household_rows(f"H-P{i:02}", world.village_a1, others=(), phone=typed)
    ]
    report = imports.import_households(
        actor=world.xa_a,
        path=write_csv(tmp_path / "phones.csv", rows),
        dry_run=False,
        only_valid=True,
    )
    refused_rows = {e["row"] for e in report.errors.to_dicts() if e["column"] == header("phone")}
    assert report.error_count == len(refused_rows)  # no other complaint
    stored = dict(Household.objects.filter(code__startswith="H-P").values_list("code", "phone"))
    verdicts = [
        None if i + 2 in refused_rows else stored[f"H-P{i:02}"] for i in range(len(SHARED_PHONES))
    ]
    assert verdicts == [s for _, s in SHARED_PHONES]


def test_forms_services_and_the_import_take_the_same_citizen_ids(
    world: World, tmp_path: Path
) -> None:
    expected = [stored for _, stored in CITIZEN_IDS]
    field = registry_forms.PersonForm.base_fields["citizen_id"]
    assert [form_verdict(field, typed) for typed, _ in CITIZEN_IDS] == expected

    person = Person.objects.get(
        memberships__household=world.household_a1, memberships__is_head=True
    )
    verdicts: list[str | None] = []
    for typed, _ in CITIZEN_IDS:
        try:
            services.person_update(actor=world.xa_a, person=person, citizen_id=typed)
        except services.RegistryError:
            verdicts.append(None)
        else:
            person.refresh_from_db()
            verdicts.append(person.citizen_id)
    assert verdicts == expected
    services.person_update(actor=world.xa_a, person=person, citizen_id="")
    person.refresh_from_db()
    assert person.citizen_id is None  # an emptied number is no number, not ""

    rows = [
        row
        for i, (typed, _) in enumerate(CITIZEN_IDS)
        for row in household_rows(f"H-I{i:02}", world.village_a1, others=(), head_id=typed)
    ]
    report = imports.import_households(
        actor=world.xa_a, path=write_csv(tmp_path / "ids.csv", rows), dry_run=False, only_valid=True
    )
    refused = {e["row"] for e in report.errors.to_dicts() if e["column"] == header("citizen_id")}
    assert report.error_count == len(refused)
    stored = dict(
        Person.objects.filter(memberships__household__code__startswith="H-I").values_list(
            "memberships__household__code", "citizen_id"
        )
    )
    assert [
        None if i + 2 in refused else stored[f"H-I{i:02}"] for i in range(len(CITIZEN_IDS))
    ] == (expected)


@given(
    st.lists(
        st.text(alphabet="0123456789 .\t\u00a0-a*", min_size=1, max_size=16)
        | st.from_regex(r"0[0-9]{2}[ .]?[0-9]{3}[ .]?[0-9]{3}[ .]?[0-9]{3}", fullmatch=True),
        max_size=30,
    )
)
def test_the_import_checks_a_citizen_id_column_with_the_very_same_rule(typed: list[str]) -> None:
    """The import checks all IDs of a file at once (Polars); per value it is clean_citizen_id."""
    frame = pl.DataFrame({"citizen_id": typed}, schema={"citizen_id": pl.String})
    vectorised = frame.select(citizen_id_value(pl.col("citizen_id")))["citizen_id"].to_list()

    def one(value: str) -> str | None:
        try:
            return validators.clean_citizen_id(value)
        except validators.InvalidInput:
            return None

    assert vectorised == [one(value) for value in typed]
