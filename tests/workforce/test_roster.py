"""The roster: people, statuses over time, contracts, assignments and the grants they open;
evaluations with history; reports of a household's change towards the in-year review."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from giamngheo.accounts.models import RoleGrant
from giamngheo.audit.models import AuditEvent
from giamngheo.workforce import reference, selectors, services
from giamngheo.workforce.models import Contract, Evaluation, WorkerStatusChange
from tests.conftest import World, make_user
from tests.workforce.conftest import START, Staff, make_worker

pytestmark = pytest.mark.django_db

FULL_MARKS = {code: c.max_score for code, c in reference.evaluation_criteria().items()}


def test_reference_lists_are_the_issue_s() -> None:
    assert list(reference.mass_organisations()) == [
        "hoi_nong_dan",
        "doan_thanh_nien",
        "hoi_phu_nu",
        "hoi_cuu_chien_binh",
        "hoi_chu_thap_do",
        "hoi_nan_nhan_da_cam",
        "none",
    ]
    assert list(reference.duties()) == [1, 2, 3, 4, 5, 6]
    assert set(reference.need_types()) == {
        "production",
        "livelihood",
        "credit",
        "health",
        "education",
        "housing",
        "water_sanitation",
        "information",
        "other",
    }
    assert reference.default_rules().verified is False  # no national text (§6.2)


def test_a_status_change_adds_history_and_never_overwrites(world: World, staff: Staff) -> None:
    worker = staff.ctv_a1
    services.worker_status_change(
        actor=world.xa_a,
        worker=worker,
        status="suspended",
        effective_on=dt.date(2025, 6, 1),
        reason="Nghỉ sinh",
    )
    services.worker_status_change(
        actor=world.xa_a, worker=worker, status="active", effective_on=dt.date(2025, 12, 1)
    )
    history = list(
        WorkerStatusChange.objects.filter(worker=worker)
        .order_by("effective_on")
        .values_list("status", "effective_on")
    )
    assert history == [
        ("active", START),
        ("suspended", dt.date(2025, 6, 1)),
        ("active", dt.date(2025, 12, 1)),
    ]
    worker.refresh_from_db()
    assert worker.status == "active"
    with pytest.raises(services.WorkforceError, match="không được trước"):
        services.worker_status_change(
            actor=world.xa_a, worker=worker, status="ended", effective_on=dt.date(2025, 7, 1)
        )


def test_ending_the_work_closes_assignments_and_the_collaborator_grant(
    world: World, staff: Staff
) -> None:
    assert RoleGrant.objects.filter(user=world.ctv, area=world.village_a1).exists()
    services.worker_status_change(
        actor=world.xa_a, worker=staff.ctv_a1, status="ended", effective_on=dt.date(2025, 9, 30)
    )
    assert not staff.ctv_a1.assignments.filter(ends_on__isnull=True).exists()
    assert not RoleGrant.objects.filter(user=world.ctv).exists()
    with pytest.raises(services.WorkforceError, match="thôi việc"):
        services.assignment_add(
            actor=world.xa_a, worker=staff.ctv_a1, area=world.village_a1, starts_on=START
        )


def test_officers_grants_are_never_created_by_the_roster(world: World, staff: Staff) -> None:
    user = make_user("new_officer", None, None)
    services.worker_link_user(actor=world.xa_a, worker=staff.officer_a, user=None)
    services.worker_link_user(actor=world.xa_a, worker=staff.officer_a, user=user)
    assert not RoleGrant.objects.filter(user=user).exists()


def test_only_the_managing_unit_changes_the_roster(world: World, staff: Staff) -> None:
    data = services.WorkerData(
        code="X", full_name="Lò Văn Xuân", sex="male", birth_year=1990, role="collaborator"
    )
    for actor in (world.ctv, world.xa_b, world.inspector, world.outsider):
        with pytest.raises(services.WorkforceError):
            services.worker_create(actor=actor, area=world.commune_a, data=data)
        with pytest.raises(services.WorkforceError):
            services.contract_add(
                actor=actor,
                worker=staff.ctv_a1,
                number="1",
                starts_on=START,
                monthly_allowance=1,
                managing_unit="UBND xã",
            )
    services.worker_create(actor=world.tinh, area=world.commune_a, data=data)


def test_codes_outside_the_reference_lists_are_refused(world: World) -> None:
    with pytest.raises(services.WorkforceError, match="Vai trò"):
        make_worker(world.commune_a, "Z", "boss")
    for bad in (
        {"mass_organisation": "club"},
        {"education": "phd"},
        {"ethnicity": "99"},
        {"phone": "12ab"},
    ):
        with pytest.raises(services.WorkforceError):
            make_worker(world.commune_a, "Z", "collaborator", **bad)


def test_contracts_keep_their_dates_in_order(world: World, staff: Staff) -> None:
    contract = services.contract_add(
        actor=world.xa_a,
        worker=staff.ctv_a1,
        number="05/HĐ",
        starts_on=START,
        ends_on=dt.date(2025, 12, 31),
        monthly_allowance=1_200_000,
        managing_unit="UBND xã",
        legal_basis="QĐ 29/QĐ-UBND ngày 16/01/2017 của UBND tỉnh Kon Tum (ví dụ)",
    )
    assert contract.monthly_allowance == 1_200_000
    with transaction.atomic(), pytest.raises(IntegrityError):
        Contract.objects.filter(pk=contract.pk).update(ends_on=dt.date(2024, 1, 1))
    with pytest.raises(services.WorkforceError, match="sau ngày bắt đầu"):
        services.contract_add(
            actor=world.xa_a,
            worker=staff.ctv_a1,
            number="06/HĐ",
            starts_on=START,
            ends_on=dt.date(2024, 1, 1),
            monthly_allowance=1,
            managing_unit="UBND xã",
        )


def test_evaluations_are_scored_on_every_criterion_and_kept_as_history(
    world: World, staff: Staff
) -> None:
    first = services.evaluation_record(
        actor=world.xa_a,
        worker=staff.ctv_a1,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 6, 30),
        evaluator_body="managing_unit",
        scores={**FULL_MARKS, "reporting": 2},
        remarks="Nộp báo cáo chậm",
    )
    second = services.evaluation_record(
        actor=world.tinh,
        worker=staff.ctv_a1,
        period_start=dt.date(2025, 7, 1),
        period_end=dt.date(2025, 12, 31),
        evaluator_body="inspection_team",
        scores={code: 8 for code in FULL_MARKS},
    )
    assert (first.total, first.max_total, first.rating) == (92, 100, "excellent")
    assert (second.total, second.rating) == (56, "done")
    assert Evaluation.objects.filter(worker=staff.ctv_a1).count() == 2
    assert [e.pk for e in selectors.evaluations_visible_to(world.ctv)] == [second.pk, first.pk]
    assert not selectors.evaluations_visible_to(world.xa_b).exists()
    with pytest.raises(services.WorkforceError, match="đủ các tiêu chí"):
        services.evaluation_record(
            actor=world.xa_a,
            worker=staff.ctv_a1,
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 6, 30),
            evaluator_body="managing_unit",
            scores={"duty_1": 10},
        )
    with pytest.raises(services.WorkforceError, match="từ 0 đến 10"):
        services.evaluation_record(
            actor=world.xa_a,
            worker=staff.ctv_a1,
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 6, 30),
            evaluator_body="managing_unit",
            scores={**FULL_MARKS, "reporting": 11},
        )
    # A collaborator does not evaluate themself.
    with pytest.raises(services.WorkforceError):
        services.evaluation_record(
            actor=world.ctv,
            worker=staff.ctv_a1,
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 6, 30),
            evaluator_body="managing_unit",
            scores=FULL_MARKS,
        )


def test_a_change_flags_the_household_until_the_review_takes_it_up(
    world: World, staff: Staff
) -> None:
    change = services.household_change_report(
        actor=world.ctv,
        household=world.household_a1,
        kind="death",
        occurred_on=dt.date(2025, 5, 2),
        description="Chủ hộ, lao động chính, mất do tai nạn",
        request_review=True,
    )
    assert (change.review_flag, change.proposed_form) == ("pending", "mau_01")
    assert list(selectors.households_flagged_for_review(world.xa_a)) == [world.household_a1]
    assert [c.pk for c in selectors.pending_in_year_reviews(world.ctv)] == [change.pk]
    assert not selectors.pending_in_year_reviews(world.xa_b).exists()
    # Only the commune takes it up (issue 5 calls this when it opens the application).
    with pytest.raises(services.WorkforceError):
        services.household_change_take_up(actor=world.ctv, change=change, reference_text="HS-1")
    services.household_change_take_up(actor=world.xa_a, change=change, reference_text="HS-1")
    assert not selectors.households_flagged_for_review(world.xa_a).exists()
    with pytest.raises(services.WorkforceError, match="không còn chờ"):
        services.household_change_dismiss(actor=world.xa_a, change=change, note="x")
    actions = AuditEvent.objects.filter(object_type="workforce.householdchange").values_list(
        "action", flat=True
    )
    assert sorted(actions) == [
        "workforce.household_change_reported",
        "workforce.household_change_taken_up",
    ]


def test_a_change_without_review_and_one_dismissed(world: World, staff: Staff) -> None:
    birth = services.household_change_report(
        actor=world.ctv,
        household=world.household_a1,
        kind="birth",
        occurred_on=dt.date(2025, 5, 2),
        description="Sinh con thứ ba",
        request_review=False,
    )
    assert (birth.review_flag, birth.proposed_form) == ("not_needed", "")
    better = services.household_change_report(
        actor=world.ctv,
        household=world.household_a1,
        kind="improved",
        occurred_on=dt.date(2025, 5, 2),
        description="Con trai đi làm công nhân, gửi tiền về",
        request_review=True,
    )
    assert better.proposed_form == "mau_04"
    with pytest.raises(services.WorkforceError, match="lý do"):
        services.household_change_dismiss(actor=world.xa_a, change=better, note=" ")
    services.household_change_dismiss(actor=world.xa_a, change=better, note="Thu nhập chưa ổn định")
    better.refresh_from_db()
    assert better.review_flag == "dismissed"
    with pytest.raises(services.WorkforceError):
        services.household_change_report(
            actor=world.ctv,
            household=world.household_a2,
            kind="birth",
            occurred_on=dt.date(2025, 5, 2),
            description="x",
            request_review=False,
        )
