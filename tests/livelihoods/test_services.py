"""The livelihoods services: what they write, what they audit, what they refuse."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from giamngheo.accounts.models import User
from giamngheo.audit.models import AuditEvent
from giamngheo.livelihoods import services
from giamngheo.livelihoods.errors import LivelihoodError
from giamngheo.livelihoods.models import LivelihoodModel, SelfManagedGroup
from giamngheo.programmes.errors import ProgrammeError
from giamngheo.programmes.models import Programme, SupportRecord
from tests.conftest import World
from tests.livelihoods.conftest import LivelihoodWorld, make_group, make_programme

pytestmark = pytest.mark.django_db


def _model(world: World, **changes: object) -> LivelihoodModel:
    arguments: dict[str, object] = {
        "actor": world.xa_a,
        "commune": world.commune_a,
        "code": "MH-X",
        "name": "Mô hình trồng cam",
        "model_type": "crops",
        "mode": "task_based",
        "programme": None,
        "start_date": dt.date(2026, 3, 1),
    }
    arguments.update(changes)
    if arguments["programme"] is None:
        arguments["programme"] = Programme.objects.filter(
            code="ctmtqg-gnbv-2021.da3"
        ).first() or make_programme("ctmtqg-gnbv-2021.da3")
    return services.model_create(**arguments)  # type: ignore[arg-type]


# -- groups ---------------------------------------------------------------------------------


def test_a_group_is_set_up_approved_and_audited(world: World) -> None:
    group = make_group(world)
    assert group.is_approved and group.approval_decision == "15/QĐ-UBND"
    assert group.approved_by == world.xa_a
    actions = set(
        AuditEvent.objects.filter(object_id__in=[str(group.pk)]).values_list("action", flat=True)
    )
    assert {"livelihoods.group_created", "livelihoods.group_approved"} <= actions


def test_a_collaborator_sets_up_but_cannot_approve(world: World) -> None:
    group = services.group_create(
        actor=world.ctv,
        commune=world.commune_a,
        code="G-CTV",
        name="Tổ nuôi gà",
        representative_kind="village_board",
        representative_name="Ban quản lý Thôn Một",
        rules="Quy chế",
        founded_on=dt.date(2026, 5, 1),
        rules_adopted_on=dt.date(2026, 5, 2),
        villages=[world.village_a1],
    )
    services.group_member_add(
        actor=world.ctv, group=group, household=world.household_a1, joined_on=dt.date(2026, 5, 1)
    )
    with pytest.raises(LivelihoodError, match="Chỉ cán bộ xã"):
        services.group_approve(
            actor=world.ctv, group=group, approved_on=dt.date(2026, 5, 3), decision_number="1"
        )


def test_group_refusals(world: World) -> None:
    group = make_group(world, approve=False)
    with pytest.raises(LivelihoodError, match="không có quyền"):
        services.group_create(
            actor=world.xa_b,
            commune=world.commune_a,
            code="G2",
            name="Tổ",
            representative_kind="household_group",
            representative_name="Tổ",
            rules="Quy chế",
            founded_on=dt.date(2026, 1, 1),
            rules_adopted_on=dt.date(2026, 1, 1),
        )
    with pytest.raises(LivelihoodError, match="đã có trong tỉnh"):
        make_group(world)
    with pytest.raises(LivelihoodError, match="không ở xã của tổ"):
        services.group_member_add(
            actor=None, group=group, household=world.household_b1, joined_on=dt.date(2026, 2, 1)
        )
    with pytest.raises(LivelihoodError, match="đã là thành viên"):
        services.group_member_add(
            actor=world.xa_a,
            group=group,
            household=world.household_a1,
            joined_on=dt.date(2026, 2, 1),
        )
    with pytest.raises(LivelihoodError, match="trước ngày tổ thông qua quy chế"):
        services.group_approve(
            actor=world.xa_a, group=group, approved_on=dt.date(2026, 1, 9), decision_number="1"
        )
    with pytest.raises(LivelihoodError, match="tương lai"):
        services.group_approve(
            actor=world.xa_a, group=group, approved_on=dt.date(2026, 7, 1), decision_number="1"
        )
    approved = services.group_approve(
        actor=world.xa_a, group=group, approved_on=dt.date(2026, 2, 1), decision_number="2"
    )
    with pytest.raises(LivelihoodError, match="đã được công nhận"):
        services.group_approve(
            actor=world.xa_a, group=approved, approved_on=dt.date(2026, 2, 2), decision_number="3"
        )


def test_a_group_without_members_is_not_approved(world: World) -> None:
    group = services.group_create(
        actor=world.xa_a,
        commune=world.commune_a,
        code="G-EMPTY",
        name="Tổ trống",
        representative_kind="prestigious_person",
        representative_name="Ông Hà",
        rules="Quy chế",
        founded_on=dt.date(2026, 1, 1),
        rules_adopted_on=dt.date(2026, 1, 1),
    )
    with pytest.raises(LivelihoodError, match="chưa có hộ thành viên"):
        services.group_approve(
            actor=world.xa_a, group=group, approved_on=dt.date(2026, 1, 2), decision_number="1"
        )


def test_meetings_count_no_more_than_the_members(world: World) -> None:
    group = make_group(world)
    meeting = services.group_meeting_record(
        actor=world.xa_a,
        group=group,
        held_on=dt.date(2026, 2, 1),
        attendance=1,
        minutes="Bàn kế hoạch nhận bò giống.",
    )
    assert meeting.commune_id == world.commune_a.pk
    with pytest.raises(LivelihoodError, match="từ 0 đến 1"):
        services.group_meeting_record(
            actor=world.xa_a, group=group, held_on=dt.date(2026, 2, 1), attendance=2, minutes="x"
        )
    with pytest.raises(LivelihoodError, match="biên bản"):
        services.group_meeting_record(
            actor=world.xa_a, group=group, held_on=dt.date(2026, 2, 1), attendance=0, minutes=" "
        )


# -- the approval invariant ------------------------------------------------------------------


def test_an_unapproved_group_cannot_carry_out_a_project(world: World) -> None:
    group = make_group(world, approve=False)
    with pytest.raises(LivelihoodError, match="chưa được xã công nhận"):
        _model(world, mode="community", group=group)
    assert not LivelihoodModel.objects.exists()


def test_the_database_refuses_an_unapproved_group_too(world: World) -> None:
    approved = make_group(world)
    model = _model(world, mode="community", group=approved)
    pending = make_group(world, code="G2", approve=False)
    with pytest.raises(IntegrityError, match="not approved"), transaction.atomic():
        LivelihoodModel.objects.filter(pk=model.pk).update(group=pending)
    # Nor can the approval a project relies on be withdrawn.
    with pytest.raises(IntegrityError, match="its approval stays"), transaction.atomic():
        SelfManagedGroup.objects.filter(pk=approved.pk).update(
            approved_on=None, approval_decision=""
        )
    # An approval is a date and a decision number, together.
    with pytest.raises(IntegrityError), transaction.atomic():
        SelfManagedGroup.objects.filter(pk=pending.pk).update(approved_on=dt.date(2026, 2, 1))


def test_a_community_project_needs_a_group(world: World) -> None:
    with pytest.raises(LivelihoodError, match="phải có tổ nhóm"):
        _model(world, mode="community")


# -- models, participants, inputs, outcomes ---------------------------------------------------


def test_model_refusals(world: World) -> None:
    with pytest.raises(LivelihoodError, match="Chỉ cán bộ xã"):
        _model(world, actor=world.ctv)
    with pytest.raises(LivelihoodError, match="không được âm"):
        _model(world, budget_local=Decimal(-1))
    with pytest.raises(LivelihoodError, match="không có phần lẻ"):
        _model(world, budget_central=Decimal("10.5"))
    with pytest.raises(LivelihoodError, match="không thuộc xã"):
        _model(world, villages=[world.village_b1])
    with pytest.raises(LivelihoodError, match="trước ngày bắt đầu"):
        _model(world, end_date=dt.date(2026, 2, 1))


def test_a_replica_links_to_its_origin(lw: LivelihoodWorld) -> None:
    world = lw.world
    replica = services.model_create(
        actor=world.xa_a,
        commune=world.commune_a,
        code="MH-02",
        name="Nhân rộng mô hình nuôi bò",
        model_type="livestock",
        mode="value_chain",
        programme=lw.programme,
        start_date=dt.date(2026, 5, 1),
        replicated_from=lw.model,
    )
    assert list(lw.model.replicas.all()) == [replica]
    with pytest.raises(LivelihoodError, match="mô hình gốc"):
        services.model_create(
            actor=world.xa_b,
            commune=world.commune_b,
            code="MH-03",
            name="Nhân rộng",
            model_type="livestock",
            mode="value_chain",
            programme=lw.programme,
            start_date=dt.date(2026, 5, 1),
            replicated_from=lw.model,
        )


def test_participant_refusals(lw: LivelihoodWorld) -> None:
    world = lw.world
    with pytest.raises(LivelihoodError, match="đã tham gia"):
        services.participant_add(
            actor=world.xa_a,
            model=lw.model,
            household=world.household_a1,
            joined_on=dt.date(2026, 3, 1),
            income_before=Decimal(0),
        )
    with pytest.raises(LivelihoodError, match="không có quyền"):
        services.participant_add(
            actor=world.xa_a,
            model=lw.model,
            household=world.household_b1,
            joined_on=dt.date(2026, 3, 1),
            income_before=Decimal(0),
        )
    with pytest.raises(LivelihoodError, match="không ở xã của mô hình"):
        services.participant_add(
            actor=None,
            model=lw.model,
            household=world.household_b1,
            joined_on=dt.date(2026, 3, 1),
            income_before=Decimal(0),
        )


def test_inputs_are_support_records_of_the_model_programme(lw: LivelihoodWorld) -> None:
    records = SupportRecord.objects.filter(source_app="livelihoods.input").order_by("pk")
    assert [r.source_ref for r in records] == [
        f"{lw.h1.pk}:1",
        f"{lw.h1.pk}:2",
        f"{lw.h2.pk}:1",
    ]
    assert {r.programme_id for r in records} == {lw.programme.pk}
    assert {r.household_id for r in records} == {lw.h1.household_id, lw.h2.household_id}
    assert AuditEvent.objects.filter(action="programmes.support_recorded").count() == 3
    assert AuditEvent.objects.filter(action="livelihoods.input_delivered").count() == 3


def test_input_refusals_roll_back_the_support(lw: LivelihoodWorld) -> None:
    world = lw.world
    before = SupportRecord.objects.count()

    def deliver(actor: User, delivered_on: dt.date) -> None:
        services.input_deliver(
            actor=actor,
            participation=lw.h1,
            support_kind="in_kind",
            description="Cỏ giống",
            delivered_on=delivered_on,
            funding_source="local",
        )

    with pytest.raises(LivelihoodError, match="trước ngày hộ tham gia"):
        deliver(world.xa_a, dt.date(2026, 1, 1))
    with pytest.raises(ProgrammeError, match="tương lai"):
        deliver(world.xa_a, dt.date(2026, 7, 1))
    with pytest.raises(LivelihoodError, match="không có quyền"):
        deliver(world.xa_b, dt.date(2026, 3, 1))
    assert SupportRecord.objects.count() == before


def test_an_outcome_is_replaced_and_the_log_keeps_the_earlier(lw: LivelihoodWorld) -> None:
    world = lw.world
    services.outcome_record(
        actor=world.ctv,
        participation=lw.h1,
        outcome_on=dt.date(2026, 6, 10),
        income_after=Decimal("2400000"),
        status_after="average_living_standard",
    )
    event = AuditEvent.objects.filter(
        action="livelihoods.outcome_recorded", object_id=str(lw.h1.pk)
    ).latest("pk")
    assert event.before is not None and event.before["income_after"] == "2200000"
    with pytest.raises(LivelihoodError, match="chọn tình trạng"):
        services.outcome_record(
            actor=world.xa_a,
            participation=lw.h1,
            outcome_on=dt.date(2026, 6, 10),
            income_after=Decimal(1),
            status_after="",
        )
    with pytest.raises(LivelihoodError, match="không có quyền"):
        services.outcome_record(
            actor=world.ctv,
            participation=lw.h2,
            outcome_on=dt.date(2026, 6, 10),
            income_after=Decimal(1),
            status_after="poor",
        )


def test_a_collaborator_sets_up_groups_only_in_their_villages(world: World) -> None:
    arguments: dict[str, object] = {
        "actor": world.ctv,
        "commune": world.commune_a,
        "code": "G-FAR",
        "name": "Tổ xa",
        "representative_kind": "village_board",
        "representative_name": "Ban quản lý Thôn Hai",
        "rules": "Quy chế",
        "founded_on": dt.date(2026, 5, 1),
        "rules_adopted_on": dt.date(2026, 5, 1),
    }
    # ctv is granted village A1 only: not A2, nor the whole commune (no village named).
    for villages in ([world.village_a2], [world.village_a1, world.village_a2], []):
        with pytest.raises(LivelihoodError, match="không có quyền"):
            services.group_create(**arguments, villages=villages)  # type: ignore[arg-type]
    assert not SelfManagedGroup.objects.filter(code="G-FAR").exists()


def test_a_code_taken_between_check_and_insert_is_a_refusal(world: World) -> None:
    from giamngheo.livelihoods.services._shared import unique_code

    group = make_group(world)
    duplicate = {
        "province_id": group.province_id,
        "commune_id": group.commune_id,
        "code": group.code,
        "name": "Tổ trùng mã",
        "representative_kind": "household_group",
        "representative_name": "Tổ",
        "rules": "Quy chế",
        "rules_adopted_on": group.rules_adopted_on,
        "founded_on": group.founded_on,
    }
    taken = "Mã tổ nhóm G1 đã có trong tỉnh."
    with pytest.raises(LivelihoodError, match="đã có"), unique_code("livelihood_group_code", taken):
        SelfManagedGroup.objects.create(**duplicate)
    # Another constraint is not mistaken for a taken code.
    with pytest.raises(IntegrityError), unique_code("livelihood_group_code", "x"):
        SelfManagedGroup.objects.create(
            **{**duplicate, "code": "G9", "founded_on": dt.date(2026, 2, 1)}
        )
