"""Loading the demo province into PostgreSQL: counts, statuses, users, idempotence, audit.

A test about what one load writes runs the loader itself; a test about a second load starts
from the rows of the same first load, made once per run (``loaded_once``)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q

from giamngheo import synthetic as generator
from giamngheo.accounts.models import Role, RoleGrant, User
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.audit.models import AuditEvent
from giamngheo.demo import loader
from giamngheo.lib import clock
from giamngheo.registry import life_events
from giamngheo.registry import services as registry_services
from giamngheo.registry.models import Household, LifeEvent, Membership, Person, Status
from tests.conftest import Loaded, load_once_per_run

pytestmark = pytest.mark.django_db

PROVINCE = "44"
SMALL = 300


def province() -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(code=PROVINCE, level=Level.PROVINCE)


def demo_households() -> int:
    return Household.objects.filter(province=province()).count()


@pytest.fixture(scope="session")
def _first_load(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Loaded:
    def load_small() -> loader.LoadReport:
        return loader.load_demo(households=SMALL, seed=3, parts=frozenset())

    return load_once_per_run("loader-small", tmp_path_factory, django_db_blocker, load_small)


@pytest.fixture
def loaded_once(_first_load: Loaded, db: None) -> loader.LoadReport:
    """The database after ``load_demo(households=SMALL, seed=3, parts=frozenset())``."""
    report: loader.LoadReport = _first_load.copy_in()
    assert (report.households, report.households_deleted) == (SMALL, 0)
    return report


def test_it_writes_exactly_the_generated_households(official_units: None) -> None:
    report = loader.load_demo(households=SMALL, seed=3, parts=frozenset())
    expected = generator.generate(
        province_code=PROVINCE,
        province_name=province().name,
        communes=generator.official_communes(PROVINCE),
        households=SMALL,
        seed=3,
    )
    assert report.fingerprint == expected.fingerprint()
    assert (report.households, report.persons) == (SMALL, expected.n_members)
    assert demo_households() == SMALL
    assert Person.objects.count() == expected.n_members
    assert Membership.objects.count() == expected.n_members
    assert set(Household.objects.values_list("code", flat=True)) == set(expected.households["code"])
    stored_income = sum(Household.objects.values_list("income", flat=True))
    assert stored_income == expected.households["income"].sum()
    heads = Membership.objects.filter(is_head=True, left_on__isnull=True)
    assert heads.count() == SMALL
    mismatched = Household.objects.annotate(n=Count("memberships")).exclude(n=F("member_count"))
    assert not mismatched.exists()
    sample = Household.objects.order_by("code").first()
    assert sample is not None
    assert sample.area_kind == sample.village.area_kind
    assert sample.commune_id == sample.village.parent_id
    assert sample.head_name == heads.get(household=sample).person.full_name


def test_it_sets_the_status_of_every_household(official_units: None) -> None:
    report = loader.load_demo(households=SMALL, seed=3, parts=frozenset())
    households = Household.objects.filter(province=province())
    assert not households.filter(status="").exists()
    assert set(households.values_list("status_standard", "status_year").distinct()) == {
        ("2022-2025", 2025)
    }
    counts = dict(households.values_list("status").annotate(n=Count("id")))
    assert counts == {status: n for status, n in report.status_counts.items() if n}
    poor_or_near = Q(status__in=[Status.POOR, Status.NEAR_POOR])
    assert not households.exclude(poor_or_near).exclude(poverty_reasons=[]).exists()
    assert not households.filter(poor_or_near, poverty_reasons=[]).exists()
    assert not households.filter(poor_or_near, support_needs=[]).exists()


def test_it_creates_the_demo_users_with_their_areas(official_units: None) -> None:
    loader.load_demo(households=SMALL, seed=3, parts=frozenset())
    grants = {
        grant.user.username: grant
        for grant in RoleGrant.objects.select_related("user", "area", "area__parent")
    }
    assert set(grants) == {"admin", "tinh", "xa1", "xa2", "ctv1"}
    assert (grants["admin"].role, grants["admin"].area) == (Role.SYSTEM_ADMIN, None)
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert (grants["tinh"].role, grants["tinh"].area) == (Role.PROVINCE_OFFICER, province())
    xa1, xa2 = grants["xa1"].area, grants["xa2"].area
    assert grants["xa1"].role == grants["xa2"].role == Role.COMMUNE_OFFICER
    assert xa1.level == xa2.level == Level.COMMUNE and xa1 != xa2
    assert xa1.province_id == xa2.province_id == province().pk
    assert xa1.area_kind == "rural"
    ctv = grants["ctv1"]
    assert ctv.role == Role.COLLABORATOR
    assert ctv.area.level == Level.VILLAGE and ctv.area.parent == xa1
    assert (
        Household.objects.filter(commune=xa1).count()
        > Household.objects.filter(commune=xa2).count() / 2
    )
    for username in grants:
        assert authenticate(username=username, password=loader.DEMO_PASSWORD) is not None


def test_running_it_again_replaces_the_demo_data_without_duplicates(
    loaded_once: loader.LoadReport,
) -> None:
    villages = AdministrativeUnit.objects.filter(level=Level.VILLAGE).count()
    persons = Person.objects.count()
    xa1 = User.objects.get(username="xa1")
    xa1.set_password("something-else")
    xa1.save()
    # A life event recorded on a demo household goes with it.
    stay = Membership.objects.filter(is_head=False).select_related("household").first()
    assert stay is not None
    life_events.life_event_record(
        actor=None,
        household=stay.household,
        kind="departure",
        on=clock.today(),
        person=stay.person,
    )

    report = loader.load_demo(households=SMALL, seed=3, parts=frozenset())

    assert report.households_deleted == SMALL
    assert report.villages_created == 0
    assert demo_households() == SMALL
    assert Person.objects.count() == persons
    assert Membership.objects.count() == persons
    assert not LifeEvent.objects.exists()
    assert AdministrativeUnit.objects.filter(level=Level.VILLAGE).count() == villages
    assert User.objects.filter(username__in=loader.DEMO_USERNAMES).count() == 5
    assert RoleGrant.objects.count() == 5
    assert authenticate(username="xa1", password=loader.DEMO_PASSWORD) is not None
    assert AuditEvent.objects.filter(action="demo.loaded").count() == 2


def test_every_household_gets_surveys_for_the_last_two_review_years(
    loaded_once: loader.LoadReport,
) -> None:
    from giamngheo.surveys.models import Survey

    # From a demo without surveys (its villages then exist: both loads below are quicker).
    assert not Survey.objects.exists()
    loader.load_demo(households=SMALL, seed=3, parts=frozenset({"surveys"}))
    loader.load_demo(
        households=SMALL, seed=3, parts=frozenset({"surveys"})
    )  # the second load replaces the first's surveys
    years = Survey.objects.values_list("review_year", flat=True)
    assert sorted(set(years)) == [2024, 2025]
    assert Survey.objects.count() == 2 * SMALL
    assert (
        not Household.objects.exclude(
            pk__in=Survey.objects.filter(review_year=2025).values("household_id")
        )
        .filter(code__startswith="44-")
        .exists()
    )


def test_it_keeps_households_that_users_entered(loaded_once: loader.LoadReport) -> None:
    village = AdministrativeUnit.objects.filter(level=Level.VILLAGE, province=province()).first()
    assert village is not None
    registry_services.household_create(
        actor=None,
        village=village,
        code="HO-THAT-1",
        members=[
            registry_services.PersonData(
                full_name="Nguyễn Văn Thật", sex="male", birth_year=1970, relation="head"
            )
        ],
    )
    loader.load_demo(households=SMALL // 2, seed=4, parts=frozenset())
    assert Household.objects.filter(code="HO-THAT-1").exists()
    assert demo_households() == SMALL // 2 + 1


def test_it_records_one_audit_event_for_the_households(official_units: None) -> None:
    report = loader.load_demo(households=SMALL, seed=3, parts=frozenset())
    event = AuditEvent.objects.get(action="demo.loaded")
    assert event.province_id == province().pk
    assert event.after["households"] == SMALL
    assert event.after["persons"] == report.persons
    assert event.after["status_counts"] == report.status_counts
    assert (
        not AuditEvent.objects.filter(object_type="registry.household")
        .exclude(action="demo.loaded")
        .exists()
    )
    created = AuditEvent.objects.filter(action="areas.village_created").count()
    assert created == report.villages_created > 0


def test_it_says_so_when_the_administrative_units_are_missing(no_official_units: None) -> None:
    with pytest.raises(loader.DemoError, match="giamngheo areas load"):
        loader.load_demo(households=10)
    with pytest.raises(CommandError, match="giamngheo areas load"):
        call_command("demo", "load", "--households", "10", stdout=io.StringIO())


def test_the_commands_print_progress_and_the_logins(official_units: None) -> None:
    out = io.StringIO()
    call_command("demo", "logins", stdout=out)
    assert "chưa tạo" in out.getvalue()

    out = io.StringIO()
    call_command("demo", "load", "--households", "50", "--seed", "9", stdout=out)
    text = out.getvalue()
    assert "Thôn/tổ dân phố:" in text
    assert "hộ nghèo" in text
    assert "Hoàn tất" in text
    assert demo_households() == 50

    out = io.StringIO()
    call_command("demo", "logins", stdout=out)
    table = out.getvalue()
    for expected in ("admin", "tinh", "xa1", "xa2", "ctv1", loader.DEMO_PASSWORD):
        assert expected in table
    assert "Cán bộ cấp xã" in table and "Cộng tác viên giảm nghèo" in table
