"""Household support requests: the life-cycle of states.py, owners, deadlines, audit."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from giamngheo.audit.models import AuditEvent
from giamngheo.workforce import selectors, services, states
from giamngheo.workforce.models import SupportRequest, SupportRequestStep
from giamngheo.workforce.states import RequestState, WorkflowError
from tests.conftest import PASSWORD, World
from tests.workforce.conftest import Staff

pytestmark = pytest.mark.django_db


def new_request(world: World, actor: object = None) -> SupportRequest:
    return services.request_create(
        actor=actor if actor is not None else world.ctv,
        household=world.household_a1,
        need_type="housing",
        description="Nhà dột nát, mái tôn thủng sau bão",
    )


def events(request: SupportRequest) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="workforce.supportrequest", object_id=str(request.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_the_collaborator_records_a_request_and_owns_it_until_forwarded(
    world: World, staff: Staff
) -> None:
    request = new_request(world)
    today = timezone.localdate()
    assert request.state == RequestState.RECEIVED
    assert request.owner == staff.ctv_a1
    assert request.collected_by == staff.ctv_a1
    # Default rules (data/rules.toml): forward within 3 days, resolve within 30.
    assert request.forward_due_on == today + dt.timedelta(days=3)
    assert request.due_on == today + dt.timedelta(days=30)
    assert (request.province, request.commune, request.village) == (
        world.province,
        world.commune_a,
        world.village_a1,
    )
    assert events(request) == ["workforce.request_created"]


def test_the_full_path_received_forwarded_in_progress_resolved_informed(
    world: World, staff: Staff
) -> None:
    request = new_request(world)
    request = services.request_transition(actor=world.ctv, request=request, name="forward")
    # Forwarding hands the request to the commune officer.
    assert (request.state, request.owner) == (RequestState.FORWARDED, staff.officer_a)
    assert request.forwarded_at is not None
    request = services.request_transition(actor=world.xa_a, request=request, name="start")
    assert request.state == RequestState.IN_PROGRESS
    request = services.request_transition(
        actor=world.xa_a, request=request, name="resolve", note="Đưa vào danh sách hỗ trợ nhà ở"
    )
    assert request.state == RequestState.RESOLVED
    assert request.outcome == "Đưa vào danh sách hỗ trợ nhà ở"
    assert request.closed_at is not None
    request = services.request_inform(
        actor=world.ctv, request=request, informed_on=timezone.localdate(), how="Đến nhà"
    )
    assert request.household_informed_on == timezone.localdate()
    assert events(request) == [
        "workforce.request_created",
        "workforce.request_forward",
        "workforce.request_start",
        "workforce.request_resolve",
        "workforce.request_household_informed",
    ]
    steps = list(
        SupportRequestStep.objects.filter(request=request).values_list("action", "to_state")
    )
    assert steps == [
        ("create", "received"),
        ("forward", "forwarded"),
        ("start", "in_progress"),
        ("resolve", "resolved"),
        ("inform", "resolved"),
    ]
    forward = AuditEvent.objects.get(action="workforce.request_forward", object_id=str(request.pk))
    assert forward.before["state"] == "received" and forward.after["state"] == "forwarded"
    assert forward.after["owner_id"] == staff.officer_a.pk
    assert forward.actor == world.ctv


@pytest.mark.parametrize("source", ["received", "forwarded", "in_progress"])
def test_an_officer_may_refuse_an_open_request_with_a_reason(
    world: World, staff: Staff, source: str
) -> None:
    request = new_request(world)
    path = {"received": [], "forwarded": ["forward"], "in_progress": ["forward", "start"]}
    for name in path[source]:
        actor = world.ctv if name == "forward" else world.xa_a
        request = services.request_transition(actor=actor, request=request, name=name)
    assert request.state == source
    with pytest.raises(services.WorkforceError, match="lý do"):
        services.request_transition(actor=world.xa_a, request=request, name="refuse")
    request = services.request_transition(
        actor=world.xa_a, request=request, name="refuse", note="Hộ đã được hỗ trợ năm 2024"
    )
    assert request.state == RequestState.REFUSED
    assert events(request)[-1] == "workforce.request_refuse"


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ([], "start"),
        ([], "resolve"),
        (["forward"], "forward"),
        (["forward"], "resolve"),
        (["forward", "start"], "start"),
        (["forward", "start", "resolve"], "refuse"),
        (["forward", "start", "resolve"], "forward"),
    ],
)
def test_a_transition_the_table_does_not_allow_is_refused_in_vietnamese(
    world: World, staff: Staff, path: list[str], name: str
) -> None:
    request = new_request(world)
    for step in path:
        request = services.request_transition(
            actor=world.xa_a, request=request, name=step, note="Đã hỗ trợ"
        )
    before = (request.state, request.owner_id, len(events(request)))
    with pytest.raises(WorkflowError) as error:
        services.request_transition(actor=world.xa_a, request=request, name=name, note="x")
    assert "Không thể thực hiện" in str(error.value)
    assert "trạng thái" in str(error.value)
    request.refresh_from_db()
    assert (request.state, request.owner_id, len(events(request))) == before


def test_every_transition_of_the_table_is_exercised_above() -> None:
    # A guard for this test module: a new row in the table needs a test.
    assert {(t.name, t.source, t.target) for t in states.TRANSITIONS} == {
        ("forward", "received", "forwarded"),
        ("start", "forwarded", "in_progress"),
        ("resolve", "in_progress", "resolved"),
        ("refuse", "received", "refused"),
        ("refuse", "forwarded", "refused"),
        ("refuse", "in_progress", "refused"),
    }


def test_a_collaborator_collects_and_forwards_but_the_commune_decides(
    world: World, staff: Staff
) -> None:
    request = services.request_transition(
        actor=world.ctv, request=new_request(world), name="forward"
    )
    with pytest.raises(services.WorkforceError, match="Chỉ công chức của xã"):
        services.request_transition(actor=world.ctv, request=request, name="start")
    # Nor can the officer of another commune act on it.
    with pytest.raises(services.WorkforceError):
        services.request_transition(actor=world.xa_b, request=request, name="start")
    names = [t.name for t in services.allowed_transitions(world.ctv, request)]
    assert names == []
    names = [t.name for t in services.allowed_transitions(world.xa_a, request)]
    assert names == ["start", "refuse"]


def test_a_request_outside_ones_villages_cannot_be_recorded(world: World, staff: Staff) -> None:
    with pytest.raises(services.WorkforceError, match="không có quyền"):
        services.request_create(
            actor=world.ctv,
            household=world.household_a2,
            need_type="health",
            description="Cần thẻ bảo hiểm y tế",
        )


def test_every_request_has_an_owner_and_a_state_in_the_database(world: World, staff: Staff) -> None:
    request = new_request(world)
    with transaction.atomic(), pytest.raises(IntegrityError):
        SupportRequest.objects.filter(pk=request.pk).update(owner=None)
    with transaction.atomic(), pytest.raises(IntegrityError):
        SupportRequest.objects.filter(pk=request.pk).update(state="lost")
    # A closed request without an outcome, or informed while open, is refused too.
    with transaction.atomic(), pytest.raises(IntegrityError):
        SupportRequest.objects.filter(pk=request.pk).update(
            state="resolved", closed_at=timezone.now(), outcome=""
        )
    with transaction.atomic(), pytest.raises(IntegrityError):
        SupportRequest.objects.filter(pk=request.pk).update(
            household_informed_on=timezone.localdate()
        )


def test_an_officer_records_a_request_owned_by_the_commune_officer(
    world: World, staff: Staff
) -> None:
    request = services.request_create(
        actor=world.tinh,
        household=world.household_b1,
        need_type="credit",
        description="Vay vốn nuôi bò",
    )
    assert request.owner == staff.officer_b
    assert request.collected_by is None


def test_without_any_officer_on_the_roster_the_request_is_refused_not_lost(
    world: World,
) -> None:
    with pytest.raises(services.WorkforceError, match="chưa có công chức"):
        services.request_create(
            actor=world.tinh,
            household=world.household_b1,
            need_type="credit",
            description="Vay vốn",
        )
    assert not SupportRequest.objects.exists()


def test_reassigning_keeps_the_state_and_is_audited(world: World, staff: Staff) -> None:
    second = services.worker_create(
        actor=None,
        area=world.commune_a,
        data=services.WorkerData(
            code="CB-A2",
            full_name="Đinh Văn Hải",
            sex="male",
            birth_year=1985,
            role="commune_officer",
        ),
    )
    request = services.request_transition(
        actor=world.ctv, request=new_request(world), name="forward"
    )
    request = services.request_reassign(actor=world.xa_a, request=request, owner=second)
    assert (request.owner, request.state) == (second, RequestState.FORWARDED)
    assert events(request)[-1] == "workforce.request_reassigned"
    with pytest.raises(services.WorkforceError, match="thuộc xã"):
        services.request_reassign(actor=world.tinh, request=request, owner=staff.officer_b)


def test_the_household_is_informed_only_once_and_only_after_closing(
    world: World, staff: Staff
) -> None:
    request = new_request(world)
    with pytest.raises(WorkflowError, match="đã được giải quyết hoặc từ chối"):
        services.request_inform(actor=world.ctv, request=request, informed_on=timezone.localdate())
    request = services.request_transition(
        actor=world.xa_a, request=request, name="refuse", note="Không thuộc diện"
    )
    services.request_inform(actor=world.ctv, request=request, informed_on=timezone.localdate())
    with pytest.raises(services.WorkforceError, match="Đã ghi nhận"):
        services.request_inform(actor=world.ctv, request=request, informed_on=timezone.localdate())


def test_counts_and_ageing(world: World, staff: Staff) -> None:
    old = services.request_create(
        actor=world.ctv,
        household=world.household_a1,
        need_type="water_sanitation",
        description="Giếng cạn",
        received_on=timezone.localdate() - dt.timedelta(days=40),
    )
    new_request(world)
    today = timezone.localdate()
    counts = selectors.request_counts(world.xa_a, today=today)
    assert counts["received"] == 2
    assert counts["overdue"] == 1
    assert selectors.age_days(old, today) == 40
    rows, _ = selectors.request_list(
        world.xa_a, selectors.RequestFilters(overdue_only=True), today=today
    )
    assert [r.pk for r in rows] == [old.pk]


def test_the_request_export_has_typed_cells(world: World, staff: Staff) -> None:
    """Issue 11: dates are Excel dates (dd/mm/yyyy), yes/no are booleans, numbers numbers."""
    services.request_create(
        actor=world.ctv,
        household=world.household_a1,
        need_type="health",
        description="Thẻ BHYT",
        received_on=dt.date(2025, 1, 10),
    )
    client = Client()
    assert client.login(username="xa_a", password=PASSWORD)
    response = client.get(reverse("workforce:request_list_xlsx"), {"state": "received"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    assert isinstance(row["Số"].value, int)
    assert row["Nhu cầu"].value == "Y tế"  # the label, not the code
    assert row["Trạng thái"].value == "Đã tiếp nhận"
    received = row["Ngày tiếp nhận"]
    assert received.is_date and received.value.date() == dt.date(2025, 1, 10)
    assert received.number_format == "DD/MM/YYYY"
    assert row["Hạn giải quyết"].is_date
    assert row["Ngày đóng"].value is None
    assert row["Quá hạn"].value is True and row["Đã thông báo cho hộ"].value is False
    assert isinstance(row["Số ngày"].value, int) and row["Số ngày"].value > 300
    assert sheet.max_row == 2
    # Scoped like the list: commune B's officer gets the header only.
    client_b = Client()
    assert client_b.login(username="xa_b", password=PASSWORD)
    other = load_workbook(io.BytesIO(client_b.get(reverse("workforce:request_list_xlsx")).content))
    assert other.active.max_row == 1
