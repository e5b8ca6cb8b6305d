"""The dashboard's "Việc cần chú ý": what is overdue or due soon, per role, with links.

The scene of issue 11 on a fixed day, 5/12/2026 (9 days before the communes' report deadline
of 14/12): a support request received on 3/11 is long past its deadline, the in-year round of
June is still open, the province's preliminary report (last day 14/11) was never sent, the
official one (last day 19/12) is due, and no commune has reported its annual review.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from giamngheo.lib import clock
from giamngheo.registry import life_events
from giamngheo.review import services as review_services
from giamngheo.web import attention
from giamngheo.workforce import services as workforce_services
from tests.conftest import PASSWORD, World
from tests.workforce.conftest import START, make_worker

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 12, 5)


@pytest.fixture(autouse=True)
def today() -> Iterator[dt.date]:
    clock.set_today(TODAY)
    yield TODAY
    clock.set_today(None)


@pytest.fixture
def scene(world: World) -> World:
    officer_a = make_worker(world.commune_a, "CB-A", "commune_officer")
    officer_b = make_worker(world.commune_b, "CB-B", "commune_officer")
    ctv_a1 = make_worker(world.commune_a, "CTV-A", "collaborator")
    workforce_services.assignment_add(
        actor=None, worker=officer_a, area=world.commune_a, starts_on=START
    )
    workforce_services.assignment_add(
        actor=None, worker=officer_b, area=world.commune_b, starts_on=START
    )
    workforce_services.assignment_add(
        actor=None, worker=ctv_a1, area=world.village_a1, starts_on=START
    )
    workforce_services.worker_link_user(actor=None, worker=officer_a, user=world.xa_a)
    workforce_services.worker_link_user(actor=None, worker=officer_b, user=world.xa_b)
    workforce_services.worker_link_user(actor=None, worker=ctv_a1, user=world.ctv)
    # 32 days old on TODAY, collected (and so owned) by the collaborator.
    workforce_services.request_create(
        actor=world.ctv,
        household=world.household_a1,
        need_type="housing",
        description="Nhà dột",
        received_on=D(2026, 11, 3),
    )
    # Commune A's second household: the officer's own request.
    workforce_services.request_create(
        actor=world.xa_a,
        household=world.household_a2,
        need_type="housing",
        description="Nhà dột",
        received_on=D(2026, 11, 3),
    )
    workforce_services.request_create(
        actor=world.xa_b,
        household=world.household_b1,
        need_type="housing",
        description="Nhà dột",
        received_on=D(2026, 11, 3),
    )
    workforce_services.report_expect(actor=None, worker=ctv_a1, month=D(2026, 11, 1))
    workforce_services.report_expect(actor=None, worker=ctv_a1, month=D(2026, 10, 1))
    review_services.round_create(actor=world.xa_a, commune=world.commune_a, year=2026)
    review_services.application_file(
        actor=world.xa_a,
        household=world.household_a1,
        form="mau01",
        reason="illness",
        received_on=D(2026, 6, 3),
        applicant_name="Nguyễn Văn An",
    )
    return world


def kinds(items: list[attention.Item]) -> list[str]:
    return sorted({i.kind for i in items})


def test_a_commune_officer_sees_the_communes_overdue_work(scene: World) -> None:
    items = attention.items_for(scene.xa_a)
    texts = "\n".join(i.text for i in items)
    assert kinds(items) == [
        "annual_round",
        "application",
        "in_year_round",
        "monthly_reports",
        "support_request",
    ]
    assert "A1-001" in texts and "A2-001" in texts
    assert "B1-001" not in texts
    assert "rà soát năm 2026 đang ở bước “Lập kế hoạch”, hạn báo cáo 14/12/2026, còn 9 ngày" in (
        texts
    )
    assert "rà soát thường xuyên tháng 06/2026 chưa kết thúc" in texts
    # Overdue first, and every item links somewhere.
    assert items[0].overdue
    assert all(i.url.startswith("/") for i in items)


def test_a_commune_without_a_plan_is_told_so(scene: World) -> None:
    items = attention.items_for(scene.xa_b)
    texts = "\n".join(i.text for i in items)
    assert "chưa lập kế hoạch rà soát năm 2026, hạn báo cáo 14/12/2026, còn 9 ngày" in texts
    assert "B1-001" in texts and "A1-001" not in texts
    assert [i.url for i in items if i.kind == "annual_round"] == [reverse("review:round_new")]


def test_a_collaborator_sees_their_own_requests_and_reports_only(scene: World) -> None:
    items = attention.items_for(scene.ctv)
    assert kinds(items) == ["monthly_report", "support_request"]
    texts = "\n".join(i.text for i in items)
    assert "A1-001" in texts
    # Commune A's other request is the officer's, not the collaborator's.
    assert "A2-001" not in texts
    assert "Báo cáo tháng 10/2026 của bạn" in texts


def test_a_provincial_officer_sees_communes_behind_and_the_art7_reports(scene: World) -> None:
    items = attention.items_for(scene.tinh)
    by_kind = {i.kind: i for i in items}
    assert sorted(by_kind) == ["communes_behind", "province_report"]
    behind = by_kind["communes_behind"].text
    assert "xã chưa gửi báo cáo rà soát năm 2026, hạn 14/12/2026, còn 9 ngày" in behind
    reports = [i for i in items if i.kind == "province_report"]
    assert [(r.due_on, r.overdue) for r in reports] == [
        (D(2026, 11, 14), True),
        (D(2026, 12, 19), False),
    ]
    assert "quá hạn 21 ngày" in reports[0].text
    assert all(i.url == reverse("review:province", args=[scene.province.code, 2026]) for i in items)


def test_nothing_is_listed_long_before_the_deadlines(scene: World) -> None:
    clock.set_today(D(2026, 10, 1))
    items = attention.items_for(scene.tinh)
    assert items == []


def test_the_query_count_does_not_grow_with_the_rows(scene: World) -> None:
    def queries(user_name: str) -> int:
        from giamngheo.accounts.models import User

        user = User.objects.get(username=user_name)
        with CaptureQueriesContext(connection) as captured:
            attention.items_for(user)
        return len(captured)

    before = queries("xa_a")
    for code in ("A1-010", "A1-011", "A1-012"):
        from tests.conftest import make_household

        household = make_household(scene.village_a1, code, "Hộ Thêm")
        workforce_services.request_create(
            actor=scene.xa_a,
            household=household,
            need_type="housing",
            description="Nhà dột",
            received_on=D(2026, 11, 3),
        )
    assert queries("xa_a") == before
    assert before <= 16


def test_the_dashboard_lists_the_items_with_links(scene: World) -> None:
    client = Client()
    client.login(username="xa_a", password=PASSWORD)
    html = client.get(reverse("web:dashboard")).text
    assert "Việc cần chú ý" in html
    assert 'data-attention="support_request"' in html
    assert 'data-attention="annual_round"' in html
    assert "Không có việc quá hạn hoặc sắp đến hạn." not in html


def test_the_items_are_translated_for_an_english_user(scene: World) -> None:
    from django.utils import translation

    with translation.override("en"):
        texts = "\n".join(i.text for i in attention.items_for(scene.tinh))
    assert "communes have not sent their 2026 review report, due 14/12/2026, 9 days left" in texts
    assert "21 days overdue" in texts


def test_a_main_earners_death_asks_the_commune_for_an_in_year_review(scene: World) -> None:
    household = scene.household_a2
    head = household.memberships.get(is_head=True).person
    child = household.memberships.get(is_head=False).person
    life_events.main_earner_set(
        actor=scene.xa_a, household=household, person=head, is_main_earner=True
    )
    life_events.life_event_record(
        actor=scene.xa_a,
        household=household,
        kind="death",
        on=D(2026, 12, 1),
        person=head,
        new_head=child,
    )
    items = [i for i in attention.items_for(scene.xa_a) if i.kind == "life_event"]
    assert len(items) == 1
    assert "A2-001" in items[0].text and head.full_name in items[0].text
    assert "qua đời ngày 01/12/2026" in items[0].text
    url = items[0].url
    assert url == (
        f"{reverse('review:application_new')}?household={household.pk}&reason=earner_death"
    )
    assert not [i for i in attention.items_for(scene.xa_b) if i.kind == "life_event"]
    assert not [i for i in attention.items_for(scene.ctv) if i.kind == "life_event"]
    # The inspector reads: the item links to the household page.
    (seen,) = [i for i in attention.items_for(scene.inspector) if i.kind == "life_event"]
    assert seen.url == reverse("registry:household_detail", args=[household.pk])

    # The link opens the application form with the household and the reason filled in.
    client = Client()
    client.login(username="xa_a", password=PASSWORD)
    form = client.get(url).text
    assert f'value="{household.pk}" checked> A2-001' in form
    assert '<option value="earner_death" selected>' in form
    dashboard = client.get(reverse("web:dashboard")).text
    assert 'data-attention="life_event"' in dashboard

    # Once the household has applied, the review has taken it up.
    review_services.application_file(
        actor=scene.xa_a,
        household=household,
        form="mau01",
        reason="earner_death",
        received_on=D(2026, 12, 4),
        applicant_name=child.full_name,
    )
    assert not [i for i in attention.items_for(scene.xa_a) if i.kind == "life_event"]


def test_an_ordinary_members_death_asks_nothing(scene: World) -> None:
    household = scene.household_a2
    child = household.memberships.get(is_head=False).person
    life_events.life_event_record(
        actor=scene.xa_a, household=household, kind="death", on=D(2026, 12, 1), person=child
    )
    assert not [i for i in attention.items_for(scene.xa_a) if i.kind == "life_event"]
