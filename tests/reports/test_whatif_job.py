"""The what-if of an area above the inline limit, as a background job (``reports.what_if``):
the job's stored result equals the inline computation of the same area, progress is reported
commune by commune, a second start joins the running job (also two at once), a stale result is
not shown, and only users who may see the area start, follow or read it. The limit is set low
through the setting so that a demo province of a few hundred households is "large"."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from giamngheo.accounts import access
from giamngheo.accounts.models import User
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.demo import loader
from giamngheo.jobs import worker
from giamngheo.jobs.context import JobContext
from giamngheo.jobs.models import Job, JobStatus
from giamngheo.lib import clock
from giamngheo.registry import services as registry_services
from giamngheo.registry.models import Household, Membership
from giamngheo.reports import dashboard_whatif, whatif_jobs
from giamngheo.reports.models import WhatIfResult
from giamngheo.reports.services import ReportError
from tests.conftest import Loaded, World, load_once_per_run  # noqa: F401 (World: the official units)

YEAR = 2025
URL = "/reports/dashboard/what-if/"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="session")
def _demo_load(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Loaded:
    """The real load runs once per run; each test gets its rows (committed: the jobs read
    them from other connections), which the test's flush removes."""

    def load_a_small_demo() -> loader.LoadReport:
        return loader.load_demo(households=240, seed=5, parts=frozenset({"surveys"}))

    return load_once_per_run("whatif-demo", tmp_path_factory, django_db_blocker, load_a_small_demo)


@pytest.fixture
def province(
    _demo_load: Loaded,
    official_units: None,
    settings: Any,
    job_processes_use_the_test_database: None,
) -> AdministrativeUnit:
    _demo_load.copy_in()
    settings.GIAMNGHEO_WHATIF_INLINE_LIMIT = 10  # every area of the demo is "large"
    return AdministrativeUnit.objects.get(code="44")


def user(username: str) -> User:
    return User.objects.get(username=username)


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def inline(viewer: User, area: AdministrativeUnit, settings: Any) -> dashboard_whatif.WhatIf:
    """The inline computation of the same area (the limit raised for the call)."""
    settings.GIAMNGHEO_WHATIF_INLINE_LIMIT = 10_000_000
    try:
        found = dashboard_whatif.what_if(viewer, area, year=YEAR, today=clock.today())
    finally:
        settings.GIAMNGHEO_WHATIF_INLINE_LIMIT = 10
    assert found is not None and found.result is not None and not found.too_many
    return found


class RecordingBook:
    """A ``ProgressBook`` that keeps every report (the worker's writes them to the job row)."""

    def __init__(self) -> None:
        self.reports: list[tuple[int, int, str | None]] = []

    def progress(self, job_id: int, done: int, total: int, message: str | None) -> bool:
        self.reports.append((done, total, message))
        return False


def test_the_jobs_result_equals_the_inline_computation(
    province: AdministrativeUnit, settings: Any
) -> None:
    tinh = user("tinh")
    expected = inline(tinh, province, settings)
    before = dashboard_whatif.what_if(tinh, province, year=YEAR, today=clock.today())
    assert before is not None and before.too_many and before.result is None

    page = client_of("tinh").get(URL, {"area": province.code, "year": YEAR}).content.decode()
    assert "data-what-if-start" in page and 'data-numbers="what-if"' not in page

    job = whatif_jobs.what_if_start(actor=tinh, area=province, year=YEAR)
    finished = worker.run_next_job()
    assert finished is not None and finished.pk == job.pk
    assert finished.status == JobStatus.SUCCEEDED, finished.error
    communes = Household.objects.filter(province=province).values("commune").distinct().count()
    assert communes > 1
    assert (finished.progress_done, finished.progress_total) == (communes, communes)
    assert finished.result["households"] == Household.objects.filter(province=province).count()

    found = dashboard_whatif.what_if(tinh, province, year=YEAR, today=clock.today())
    assert found is not None and found.too_many and found.result is not None
    assert found.computed_at is not None
    assert found.result.matrix == expected.result.matrix  # type: ignore[union-attr]
    assert (found.households, found.skipped) == (expected.households, expected.skipped)
    assert dashboard_whatif.matrix_table(found).rows == dashboard_whatif.matrix_table(expected).rows

    # The page shows the stored result like the inline one: the same table and chart.
    response = client_of("tinh").get(URL, {"area": province.code, "year": YEAR})
    html = response.content.decode()
    assert 'data-numbers="what-if"' in html and 'id="chart-what-if"' in html
    assert "data-what-if-stored" in html and "data-what-if-start" not in html
    assert response.context["panel"].table.rows == dashboard_whatif.matrix_table(expected).rows
    numbers = client_of("tinh").get(
        "/reports/dashboard/numbers/what-if.csv", {"area": province.code, "year": YEAR}
    )
    assert numbers.status_code == 200

    # Another day makes the stored result stale (ages and departures depend on it) ...
    today = clock.today()
    clock.set_today(today + dt.timedelta(days=1))
    try:
        assert (
            dashboard_whatif.what_if(tinh, province, year=YEAR, today=clock.today()).result is None
        )  # type: ignore[union-attr]
    finally:
        clock.set_today(today)
    assert dashboard_whatif.what_if(tinh, province, year=YEAR, today=today).result is not None  # type: ignore[union-attr]
    # ... and so does an edited household: the page offers the button again.
    household = Household.objects.filter(province=province).order_by("id").first()
    assert household is not None
    household.income = (household.income or 0) + 1_000
    household.save()
    stale = dashboard_whatif.what_if(tinh, province, year=YEAR, today=today)
    assert stale is not None and stale.result is None
    page = client_of("tinh").get(URL, {"area": province.code, "year": YEAR}).content.decode()
    assert "data-what-if-start" in page
    assert WhatIfResult.objects.count() == 1
    # A member's edit through the registry's service does too (it bumps the household's
    # version): recomputed, then a member's insurance changed.
    whatif_jobs.what_if_start(actor=tinh, area=province, year=YEAR)
    rerun = worker.run_next_job()
    assert rerun is not None and rerun.status == JobStatus.SUCCEEDED, rerun.error
    assert dashboard_whatif.what_if(tinh, province, year=YEAR, today=today).result is not None  # type: ignore[union-attr]
    stay = Membership.objects.filter(household__province=province, left_on__isnull=True).first()
    assert stay is not None
    registry_services.person_update(
        actor=None,
        person=stay.person,
        has_health_insurance=not stay.person.has_health_insurance,
    )
    assert dashboard_whatif.what_if(tinh, province, year=YEAR, today=today).result is None  # type: ignore[union-attr]


def test_progress_is_reported_commune_by_commune_and_a_commune_matches_inline(
    province: AdministrativeUnit, settings: Any
) -> None:
    communes = list(
        Household.objects.filter(province=province)
        .order_by("commune_id")
        .values_list("commune_id", flat=True)
        .distinct()
    )
    job = whatif_jobs.what_if_start(actor=user("tinh"), area=province, year=YEAR)
    book = RecordingBook()
    whatif_jobs.compute(JobContext(Job.objects.get(pk=job.pk), book))
    dones = [done for done, _total, _message in book.reports]
    assert dones == list(range(len(communes) + 1))
    assert {total for _done, total, _message in book.reports} == {len(communes)}
    assert all(message for _d, _t, message in book.reports)

    # A commune of the province computed by the job equals its inline computation.
    one = AdministrativeUnit.objects.get(pk=communes[0])
    expected = inline(user("tinh"), one, settings)
    job = whatif_jobs.what_if_start(actor=user("tinh"), area=one, year=YEAR)
    whatif_jobs.compute(JobContext(Job.objects.get(pk=job.pk), RecordingBook()))
    found = dashboard_whatif.what_if(user("tinh"), one, year=YEAR, today=clock.today())
    assert found is not None and found.result is not None
    assert found.result.matrix == expected.result.matrix  # type: ignore[union-attr]


def test_a_second_start_joins_the_running_job(province: AdministrativeUnit) -> None:
    tinh = user("tinh")
    first = whatif_jobs.what_if_start(actor=tinh, area=province, year=YEAR)
    again = whatif_jobs.what_if_start(actor=tinh, area=province, year=YEAR)
    assert again.pk == first.pk
    # Through the page's button too, by the same user: still one job.
    response = client_of("tinh").post(f"{URL}start/?area={province.code}&year={YEAR}")
    assert response.status_code == 302
    assert Job.objects.filter(kind=whatif_jobs.WHAT_IF_JOB).count() == 1
    page = client_of("tinh").get(URL, {"area": province.code, "year": YEAR}).content.decode()
    assert f'data-what-if-job="{first.pk}"' in page and "<progress" in page
    progress = client_of("tinh").get(
        f"{URL}progress/{first.pk}/", {"area": province.code}, HTTP_HX_REQUEST="true"
    )
    assert progress.status_code == 200 and "HX-Refresh" not in progress
    # Another year is another job.
    other = whatif_jobs.what_if_start(actor=tinh, area=province, year=YEAR - 1)
    assert other.pk != first.pk
    # Once the job has ended, a new start makes a new job.
    Job.objects.filter(pk=first.pk).update(status=JobStatus.SUCCEEDED)
    finished = client_of("tinh").get(
        f"{URL}progress/{first.pk}/", {"area": province.code}, HTTP_HX_REQUEST="true"
    )
    assert finished["HX-Refresh"] == "true"
    assert whatif_jobs.what_if_start(actor=tinh, area=province, year=YEAR).pk != first.pk


def test_two_simultaneous_starts_make_one_job(province: AdministrativeUnit) -> None:
    tinh = user("tinh")
    barrier = threading.Barrier(2)
    found: list[int] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            barrier.wait()
            found.append(whatif_jobs.what_if_start(actor=tinh, area=province, year=YEAR).pk)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(found) == 2 and found[0] == found[1]
    assert Job.objects.filter(kind=whatif_jobs.WHAT_IF_JOB).count() == 1


def test_only_users_who_see_the_area_start_follow_or_read_it(
    province: AdministrativeUnit,
) -> None:
    xa1, xa2 = user("xa1"), user("xa2")
    mine, other = access.home_unit(xa1), access.home_unit(xa2)
    assert mine is not None and other is not None and mine != other
    # xa2 may not start the what-if of xa1's commune, nor of the province.
    with pytest.raises(ReportError):
        whatif_jobs.what_if_start(actor=xa2, area=mine, year=YEAR)
    with pytest.raises(ReportError):
        whatif_jobs.what_if_start(actor=xa2, area=province, year=YEAR)
    assert client_of("xa2").post(f"{URL}start/?area={mine.code}&year={YEAR}").status_code == 404
    assert not Job.objects.exists()

    job = whatif_jobs.what_if_start(actor=xa1, area=mine, year=YEAR)
    # xa1's job is followed by the province's officer (who sees the commune), not by xa2.
    assert client_of("tinh").get(f"{URL}progress/{job.pk}/", {"area": mine.code}).status_code == 200
    assert client_of("xa2").get(f"{URL}progress/{job.pk}/", {"area": mine.code}).status_code == 404
    assert client_of("xa2").get(f"{URL}progress/{job.pk}/", {"area": other.code}).status_code == 404
    whatif_jobs.compute(JobContext(Job.objects.get(pk=job.pk), RecordingBook()))
    assert dashboard_whatif.what_if(xa1, mine, year=YEAR, today=clock.today()).result is not None  # type: ignore[union-attr]
    # The stored result of xa1's commune is not xa2's to read (page 404, selector empty).
    assert client_of("xa2").get(URL, {"area": mine.code, "year": YEAR}).status_code == 404
    assert (
        dashboard_whatif.stored_result(
            xa2,
            mine,
            year=YEAR,
            pair=dashboard_whatif.standards_of(YEAR),  # type: ignore[arg-type]
            today=clock.today(),
        )
        is None
    )
