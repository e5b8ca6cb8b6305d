"""Names are stored in NFC, bidi and control characters are refused and dates stay between 1900
and today, whichever way the data comes in: services, forms, the household import, and the
other apps' services (villages, roster, training participants, review acts)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from giamngheo.areas import services as area_services
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.registry import imports, services
from giamngheo.registry.models import Household, Person
from giamngheo.review import services as review_services
from giamngheo.review.services import ReviewError
from giamngheo.training import services as training_services
from giamngheo.training.services import TrainingError
from giamngheo.workforce import services as workforce_services
from giamngheo.workforce.services import WorkforceError
from tests.conftest import World
from tests.registry.io_helpers import household_rows, write_csv

pytestmark = pytest.mark.django_db

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "Trojan Source"
NFD_NAME = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")


def head(name: str = "Lò Văn Pọm", **extra: object) -> services.PersonData:
    values: dict[str, object] = {
        "full_name": name,
        "sex": "male",
        "birth_year": 1980,
        "relation": "head",
        **extra,
    }
    return services.PersonData(**values)  # type: ignore[arg-type]


def create(world: World, code: str = "A1-900", **kwargs: object) -> Household:
    members = kwargs.pop("members", [head()])
    return services.household_create(
        actor=world.xa_a,
        village=world.village_a1,
        code=code,
        members=members,  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


# -- registry services ------------------------------------------------------------------------


def test_a_decomposed_name_is_stored_composed(world: World) -> None:
    household = create(world, members=[head("  " + NFD_NAME + "\t ")])
    person = Person.objects.get(memberships__household=household)
    assert person.full_name == "Nguyễn Thị Ánh"
    assert household.head_name == "Nguyễn Thị Ánh"
    assert person.search_name == "nguyen thi anh"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", f"Lò Văn {RLO}mỏP"),
        ("name", "Lò\x00Văn"),
        ("name", "Lò\u200bVăn"),
        ("address", f"Thôn 3{RLO}"),
        ("address", "Số 5\x1b[31m"),
        ("code", f"A1-{RLO}901"),
    ],
)
def test_hidden_characters_are_refused_and_nothing_is_written(
    world: World, field: str, value: str
) -> None:
    before = (Household.objects.count(), Person.objects.count())
    kwargs: dict[str, object] = {}
    if field == "name":
        kwargs["members"] = [head(value)]
    elif field == "address":
        kwargs["address"] = value
    else:
        kwargs["code"] = value
    with pytest.raises(services.RegistryError, match="ký tự"):
        create(world, **kwargs)
    assert (Household.objects.count(), Person.objects.count()) == before


@pytest.mark.parametrize(
    "extra",
    [
        {"birth_date": dt.date(1, 1, 1), "birth_year": 1},
        {"birth_year": 1899},
        {"birth_year": 9999},
        {"birth_date": dt.date(2999, 1, 1), "birth_year": 2999},
    ],
)
def test_birth_dates_outside_1900_to_today_are_refused(
    world: World, extra: dict[str, object]
) -> None:
    with pytest.raises(services.RegistryError, match=r"1900|tương lai"):
        create(world, members=[head(**extra)])
    with pytest.raises(services.RegistryError, match=r"1900|tương lai"):
        services.member_add(
            actor=world.xa_a,
            household=world.household_a1,
            data=services.PersonData(full_name="Con", sex="female", relation="child", **extra),
        )


def test_edits_are_cleaned_and_checked_too(world: World) -> None:
    household = world.household_a1
    services.household_update(
        actor=world.xa_a,
        household=household,
        expected_version=household.version,
        address=unicodedata.normalize("NFD", "  Bản Phố, xã Ẳng  "),
    )
    household.refresh_from_db()
    assert household.address == "Bản Phố, xã Ẳng"
    with pytest.raises(services.RegistryError, match="hướng chữ"):
        services.household_update(
            actor=world.xa_a,
            household=household,
            expected_version=household.version,
            address=f"{RLO}Bản Phố",
        )
    person = Person.objects.get(memberships__household=household, memberships__is_head=True)
    services.person_update(actor=world.xa_a, person=person, full_name=NFD_NAME)
    person.refresh_from_db()
    assert person.full_name == "Nguyễn Thị Ánh"
    for change in (
        {"full_name": f"Nguyễn{RLO}"},
        {"birth_date": dt.date(1, 1, 1)},
        {"birth_date": timezone.localdate() + dt.timedelta(days=1)},
        {"birth_year": 1850},
    ):
        with pytest.raises(services.RegistryError):
            services.person_update(actor=world.xa_a, person=person, **change)
    person.refresh_from_db()
    assert person.full_name == "Nguyễn Thị Ánh"


# -- forms ------------------------------------------------------------------------------------


def test_the_household_form_shows_the_refusal_next_to_the_field(world: World) -> None:
    client = Client()
    client.force_login(world.xa_a)
    before = Household.objects.count()
    response = client.post(
        reverse("registry:household_new"),
        {
            "village": world.village_a1.pk,
            "code": "A1-950",
            "address": "Thôn 1",
            "full_name": f"Lò Văn{RLO} Pọm",
            "sex": "male",
            "birth_date": "01/01/0001",
            "ethnicity": "01",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "hướng chữ" in form.errors["full_name"][0]
    assert "birth_date" in form.errors
    assert Household.objects.count() == before


# -- the household import ---------------------------------------------------------------------


def test_the_import_refuses_hidden_characters_and_stores_nfc(world: World, tmp_path: Path) -> None:
    rows = [
        *household_rows("H-101", world.village_a1, head=NFD_NAME),  # rows 2-3
        *household_rows("H-102", world.village_a1, head=f"Lò Văn {RLO}mỏP"),  # rows 4-5
        *household_rows("H-103", world.village_a1, address="Bản\u2066 Phố"),  # rows 6-7
    ]
    report = imports.import_households(
        actor=world.xa_a, path=write_csv(tmp_path / "an.csv", rows), dry_run=False
    )
    assert not report.written
    messages = {
        (row["row"], row["column"]): row["message"] for row in report.errors.iter_rows(named=True)
    }
    hidden = [key for key, message in messages.items() if "ký tự ẩn" in message]
    assert sorted(row for row, _column in hidden) == [4, 6]
    assert not Household.objects.filter(code__startswith="H-10").exists()

    clean = household_rows("H-104", world.village_a1, head=NFD_NAME)
    report = imports.import_households(
        actor=world.xa_a, path=write_csv(tmp_path / "ok.csv", clean), dry_run=False
    )
    assert report.written, report.errors
    assert Household.objects.get(code="H-104").head_name == "Nguyễn Thị Ánh"


# -- the other apps ---------------------------------------------------------------------------


def test_village_names_are_cleaned_and_bounded(world: World) -> None:
    village = area_services.village_create(
        actor=world.xa_a,
        commune=world.commune_a,
        name=unicodedata.normalize("NFD", "  Thôn   Bản Ẳng "),
        unit_type="thon",
    )
    assert village.name == "Thôn Bản Ẳng"
    for name in ("T" * 250, f"Thôn {RLO}3", "Thôn\x00"):
        with pytest.raises(area_services.AreaError):
            area_services.village_create(
                actor=world.xa_a, commune=world.commune_a, name=name, unit_type="thon"
            )
        with pytest.raises(area_services.AreaError):
            area_services.unit_rename(
                actor=world.xa_a,
                unit=village,
                new_name=name,
                effective_on=village.valid_from + dt.timedelta(days=1),
            )
    assert AdministrativeUnit.objects.get(pk=village.pk).name == "Thôn Bản Ẳng"


def test_roster_and_training_names_refuse_bidi_controls(world: World) -> None:
    data = workforce_services.WorkerData(
        code="CTV-9",
        full_name=f"Hà {RLO}Văn",
        sex="male",
        birth_year=1990,
        role="collaborator",
    )
    with pytest.raises(WorkforceError, match="hướng chữ"):
        workforce_services.worker_create(actor=None, area=world.commune_a, data=data)
    with pytest.raises(TrainingError, match="hướng chữ"):
        training_services.participant_create(
            actor=None,
            province=world.province,
            commune=world.commune_a,
            full_name=f"Vũ {RLO}Thị",
            category="village_representative",
        )
    with pytest.raises(TrainingError, match="1900"):
        training_services.participant_create(
            actor=None,
            province=world.province,
            commune=world.commune_a,
            full_name="Vũ Thị Hội",
            category="village_representative",
            birth_year=1066,
        )
    participant = training_services.participant_create(
        actor=None,
        province=world.province,
        commune=world.commune_a,
        full_name=NFD_NAME,
        category="village_representative",
    )
    assert participant.full_name == "Nguyễn Thị Ánh"


@pytest.mark.parametrize("offset", ["past", "future"])
def test_review_acts_are_dated_from_1900_to_today(world: World, offset: str) -> None:
    today = timezone.localdate()
    round_ = review_services.round_create(
        actor=world.xa_a,
        commune=world.commune_a,
        year=today.year,
        plan_date=today + dt.timedelta(days=10),  # a plan may be ahead
    )
    day = dt.date(1899, 12, 31) if offset == "past" else today + dt.timedelta(days=1)
    with pytest.raises(ReviewError, match="Ngày họp"):
        review_services.meeting_create(
            actor=world.xa_a,
            round_=round_,
            village=world.village_a1,
            held_on=day,
            chair_name="Trưởng thôn",
            attendees=10,
        )
    with pytest.raises(ReviewError, match="Ngày nhận đơn"):
        review_services.application_file(
            actor=world.xa_a,
            household=world.household_a1,
            form="mau_01",
            reason="Biến động",
            received_on=day,
            applicant_name="Nguyễn Văn An",
        )


def test_names_on_review_documents_refuse_bidi_controls(world: World) -> None:
    today = timezone.localdate()
    round_ = review_services.round_create(
        actor=world.xa_a, commune=world.commune_a, year=today.year
    )
    with pytest.raises(ReviewError, match="hướng chữ"):
        review_services.meeting_create(
            actor=world.xa_a,
            round_=round_,
            village=world.village_a1,
            held_on=today,
            chair_name=f"Trưởng thôn {RLO}Hà",
            attendees=10,
        )
    member = review_services.steering_member_add(
        actor=world.xa_a, round_=round_, full_name=NFD_NAME, role="head"
    )
    assert member.full_name == "Nguyễn Thị Ánh"


def test_moves_and_departures_check_their_reason_and_date(world: World) -> None:
    member = services.member_add(
        actor=world.xa_a,
        household=world.household_a1,
        data=services.PersonData(
            full_name="Con Út", sex="female", birth_year=2001, relation="child"
        ),
    ).person
    with pytest.raises(services.RegistryError, match="hướng chữ"):
        services.member_leave(
            actor=world.xa_a, person=member, on=timezone.localdate(), reason=f"Qua đời{RLO}"
        )
    with pytest.raises(services.RegistryError, match="1900"):
        services.member_move(
            actor=world.xa_a,
            person=member,
            to_household=world.household_a2,
            relation="other",
            on=dt.date(1, 1, 1),
            reason="Kết hôn",
        )
    member.refresh_from_db()
    assert member.is_active
