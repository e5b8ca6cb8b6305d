"""The workforce roster and monthly reports through the API: the roster page's scope (officers:
their commune's workforce; a collaborator: their own entry only; another commune's: 404) and its
masking of phones (full for the officers of the worker's commune and for the worker on their own
entry, masked for everyone else), report states and filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from giamngheo.workforce import services
from giamngheo.workforce.models import MonthlyReport, Worker
from tests.conftest import World
from tests.workforce.conftest import make_worker

URL = "/api/v1/collaborators/"
REPORTS = "/api/v1/collaborator-reports/"
MONTH = dt.date(2025, 3, 1)


def roster(world: World) -> dict[str, Worker]:
    officer_a = make_worker(world.commune_a, "CB-A", "commune_officer", phone="0912345678")
    officer_b = make_worker(world.commune_b, "CB-B", "commune_officer", phone="0987654321")
    ctv_a1 = make_worker(world.commune_a, "CTV-A", "collaborator", phone="0911222333")
    ctv_b1 = make_worker(world.commune_b, "CTV-B", "collaborator")
    services.worker_link_user(actor=None, worker=ctv_a1, user=world.ctv)
    services.assignment_add(
        actor=None, worker=ctv_a1, area=world.village_a1, starts_on=dt.date(2025, 1, 2)
    )
    return {"officer_a": officer_a, "officer_b": officer_b, "ctv_a1": ctv_a1, "ctv_b1": ctv_b1}


def test_each_commune_sees_its_roster_and_404s_the_other(world: World, api_as: Any) -> None:
    people = roster(world)
    api_a, api_b = api_as("xa_a"), api_as("xa_b")
    assert {w["code"] for w in api_a.get(URL).json()["results"]} == {"CB-A", "CTV-A"}
    assert {w["code"] for w in api_b.get(URL).json()["results"]} == {"CB-B", "CTV-B"}
    assert api_a.get(f"{URL}{people['officer_b'].pk}/").status_code == 404
    assert api_b.get(f"{URL}{people['ctv_a1'].pk}/").status_code == 404
    # A collaborator sees only their own entry, even of their commune's officer: 404.
    ctv = api_as("ctv")
    assert [w["code"] for w in ctv.get(URL).json()["results"]] == ["CTV-A"]
    assert ctv.get(f"{URL}{people['officer_a'].pk}/").status_code == 404


def test_phones_are_masked_like_the_roster_page(world: World, api_as: Any) -> None:
    people = roster(world)

    def phone(persona: str, who: str) -> str:
        api = api_as(persona)
        detail = api.get(f"{URL}{people[who].pk}/").json()
        listed = next(w for w in api.get(URL).json()["results"] if w["id"] == people[who].pk)
        assert listed["phone"] == detail["phone"]
        return str(detail["phone"])

    # The commune's officer and the province's: full numbers.
    assert phone("xa_a", "ctv_a1") == "0911222333"
    assert phone("tinh", "officer_b") == "0987654321"
    # An inspector of the commune: masked.
    assert phone("inspector", "officer_a") == "091****678"
    assert phone("inspector", "ctv_a1") == "091****333"
    # The collaborator on their own entry: their own number, whole (the page's exception).
    ctv_self = api_as("ctv").get(f"{URL}{people['ctv_a1'].pk}/").json()
    assert ctv_self["phone"] == "0911222333" and ctv_self["is_self"] is True


def test_report_states_and_filters(world: World, api_as: Any) -> None:
    people = roster(world)
    report_a = services.report_expect(actor=world.xa_a, worker=people["ctv_a1"], month=MONTH)
    report_b = services.report_expect(actor=world.xa_b, worker=people["ctv_b1"], month=MONTH)
    api = api_as("xa_a")
    listed = api.get(REPORTS).json()["results"]
    assert report_b.pk not in {r["id"] for r in listed}
    assert api.get(f"{REPORTS}{report_b.pk}/").status_code == 404
    mine = api.get(REPORTS, worker=people["ctv_a1"].pk, month="2025-03").json()["results"]
    assert [(r["id"], r["state"], r["month"]) for r in mine] == [(report_a.pk, "draft", "2025-03")]
    assert mine[0]["late"] is (report_a.due_on < timezone.localdate())
    assert api.get(REPORTS, state="approved").json()["results"] == []
    assert {r["id"] for r in api.get(REPORTS, state="draft").json()["results"]} == {
        r.pk for r in MonthlyReport.objects.filter(commune=world.commune_a)
    }
    # The worker's page lists the report too; the collaborator sees their own report only.
    detail = api.get(f"{URL}{people['ctv_a1'].pk}/").json()
    assert [r["id"] for r in detail["reports"]] == [report_a.pk]
    ctv_reports = api_as("ctv").get(REPORTS).json()["results"]
    assert [r["id"] for r in ctv_reports] == [report_a.pk]


def test_bad_filters_are_vietnamese_field_errors(world: World, api_as: Any) -> None:
    api = api_as("xa_a")
    for url, query, field in (
        (URL, {"status": "gone"}, "status"),
        (URL, {"role": "king"}, "role"),
        (URL, {"area": world.commune_b.code}, "area"),
        (REPORTS, {"month": "2025-13"}, "month"),
        (REPORTS, {"month": "0000-01"}, "month"),
        (REPORTS, {"worker": "0"}, "worker"),
        (REPORTS, {"state": "lost"}, "state"),
        (REPORTS, {"area": world.village_a1.code}, "area"),
    ):
        response = api.get(url, **query)
        assert response.status_code == 400, (url, query, response.content)
        error = response.json()["error"]
        assert error["message"] == "Dữ liệu gửi lên không hợp lệ."
        assert list(error["fields"]) == [field], (query, error)
    month = api.get(REPORTS, month="2025-13").json()["error"]["fields"]["month"]
    assert month == ["Tháng phải có dạng YYYY-MM, ví dụ 2026-03."]
    status = api.get(URL, status="gone").json()["error"]["fields"]["status"]
    assert status == ['"gone" không phải là một lựa chọn hợp lệ.']
    village = api.get(REPORTS, area=world.village_a1.code).json()["error"]["fields"]["area"]
    assert village == ["Báo cáo tháng lọc theo tỉnh hoặc xã, không theo thôn."]


def test_list_queries_do_not_grow_with_the_page(
    world: World, api_as: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(12):
        worker = make_worker(world.commune_a, f"CTV-{n:02d}", "collaborator", phone="0911000000")
        services.report_expect(actor=None, worker=worker, month=MONTH)
    api = api_as("xa_a")
    for path in (URL, REPORTS):
        api.get(path)  # warm-up (the token's last use is stamped once a minute)
        with CaptureQueriesContext(connection) as small:
            assert api.get(path, page_size=2).status_code == 200
        with django_assert_max_num_queries(len(small.captured_queries)):
            response = api.get(path, page_size=10)
        assert len(response.json()["results"]) == 10
