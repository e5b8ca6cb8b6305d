"""Beneficiary lists: generated, reviewed, posted, approved, then frozen in the database."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import IntegrityError, transaction
from openpyxl import load_workbook

from giamngheo.audit.models import AuditEvent
from giamngheo.lib import clock
from giamngheo.programmes import exports, services
from giamngheo.programmes.errors import ProgrammeError
from giamngheo.programmes.models import BeneficiaryEntry, BeneficiaryList, Programme
from giamngheo.registry import services as registry_services
from giamngheo.registry.models import Household
from tests.conftest import World
from tests.programmes.helpers import household, programme, set_status

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 20)
START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


@pytest.fixture(autouse=True)
def _fixed_today() -> object:
    clock.set_today(TODAY)
    yield
    clock.set_today(None)


@pytest.fixture
def setting(world: World) -> tuple[Programme, list[Household]]:
    poor = household(world.village_a1, "A1-700", ethnicity="07")
    near = household(world.village_a2, "A2-700")
    escaped = household(world.village_a1, "A1-701")
    long_escaped = household(world.village_a1, "A1-702")
    other = household(world.village_b1, "B1-700")
    for h in (poor, other):
        set_status(h, "poor", dt.date(2025, 12, 15))
    set_status(near, "near_poor", dt.date(2025, 12, 15))
    set_status(escaped, "poor", dt.date(2022, 12, 15))
    set_status(escaped, "not_poor", dt.date(2024, 12, 15))
    set_status(long_escaped, "poor", dt.date(2021, 12, 15))
    set_status(long_escaped, "not_poor", dt.date(2022, 12, 15))  # > 36 months before START
    p = programme(
        "test-sinh-ke",
        {
            "statuses": ["poor", "near_poor", "newly_escaped"],
            "priorities": [
                {"code": "dtts", "label": "Hộ DTTS", "household": {"is_ethnic_minority": True}}
            ],
        },
        requires_posting=True,
    )
    return p, [poor, near, escaped, long_escaped, other]


def generate(world: World, p: Programme) -> BeneficiaryList:
    return services.list_generate(
        actor=world.xa_a, programme=p, area=world.commune_a, period_start=START, period_end=END
    )


def test_generation_takes_the_rules_and_their_version_with_a_snapshot(
    world: World, setting: tuple[Programme, list[Household]]
) -> None:
    p, (poor, near, escaped, _long, _other) = setting
    blist = generate(world, p)
    entries = {e.household_id: e for e in blist.entries.all()}
    assert set(entries) == {poor.pk, near.pk, escaped.pk}
    assert entries[poor.pk].priority == "dtts" and entries[poor.pk].category == "poor"
    assert entries[escaped.pk].category == "newly_escaped"
    assert entries[poor.pk].head_name == poor.head_name
    assert entries[poor.pk].village_name == world.village_a1.name
    assert blist.rule_version == p.eligibility_version and blist.rules == p.eligibility
    assert blist.commune_id == world.commune_a.pk and blist.reference_date == START
    event = AuditEvent.objects.get(action="programmes.list_generated", object_id=str(blist.pk))
    assert event.after is not None and event.after["households"] == 3
    with pytest.raises(ProgrammeError, match="quyền"):
        services.list_generate(
            actor=world.xa_a, programme=p, area=world.commune_b, period_start=START, period_end=END
        )
    with pytest.raises(ProgrammeError, match="quyền"):
        services.list_generate(
            actor=world.ctv, programme=p, area=world.commune_a, period_start=START, period_end=END
        )


def test_review_approve_freeze_and_later_registry_edits_change_nothing(
    world: World, setting: tuple[Programme, list[Household]]
) -> None:
    p, (poor, near, _escaped, long_escaped, other) = setting
    blist = generate(world, p)
    near_entry = blist.entries.get(household=near)
    with pytest.raises(ProgrammeError, match="lý do"):
        services.entry_exclude(actor=world.xa_a, entry=near_entry, reason="  ")
    services.entry_exclude(actor=world.xa_a, entry=near_entry, reason="Đã nhận hỗ trợ khác")
    added = services.entry_add(
        actor=world.xa_a,
        beneficiary_list=blist,
        household=long_escaped,
        reason="Hộ gặp thiên tai, thôn đề nghị",
    )
    assert added.source == "manual" and added.included
    with pytest.raises(ProgrammeError, match="không thuộc địa bàn"):
        services.entry_add(
            actor=world.tinh, beneficiary_list=blist, household=other, reason="Nhầm xã"
        )
    with pytest.raises(ProgrammeError, match="niêm yết"):
        services.list_approve(
            actor=world.xa_a, beneficiary_list=blist, approved_on=TODAY, decision_number="12/QĐ"
        )
    services.list_post(
        actor=world.xa_a,
        beneficiary_list=blist,
        posted_on=dt.date(2026, 3, 10),
        posted_until=TODAY,
    )
    with pytest.raises(ProgrammeError, match="hết thời gian niêm yết"):
        services.list_approve(
            actor=world.xa_a, beneficiary_list=blist, approved_on=TODAY, decision_number="12/QĐ"
        )
    clock.set_today(TODAY + dt.timedelta(days=1))
    services.list_approve(
        actor=world.xa_a,
        beneficiary_list=blist,
        approved_on=TODAY + dt.timedelta(days=1),
        decision_number="12/QĐ-UBND",
    )
    blist.refresh_from_db()
    assert blist.state == "approved" and blist.approved_by == world.xa_a
    # Frozen by the service…
    with pytest.raises(ProgrammeError, match="đã được phê duyệt"):
        services.entry_restore(actor=world.xa_a, entry=near_entry)
    # …and by the database, whatever the code does.
    with pytest.raises(IntegrityError), transaction.atomic():
        BeneficiaryEntry.objects.filter(beneficiary_list=blist).update(included=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        BeneficiaryEntry.objects.filter(beneficiary_list=blist).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        BeneficiaryEntry.objects.create(
            beneficiary_list=blist,
            household=other,
            province_id=other.province_id,
            commune_id=other.commune_id,
            village_id=other.village_id,
            category="poor",
            household_code="X",
            village_name="X",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        BeneficiaryList.objects.filter(pk=blist.pk).update(title="Khác")
    # Later registry edits and rule changes do not reach the approved list.
    snapshot = sorted(
        blist.entries.values_list("household_code", "head_name", "status", "included")
    )
    set_status(poor, "not_poor", TODAY)
    poor.refresh_from_db()
    registry_services.household_update(
        actor=None, household=poor, expected_version=poor.version, address="Nơi khác"
    )
    services.programme_update(actor=world.tinh, programme=p, eligibility={"statuses": ["poor"]})
    blist.refresh_from_db()
    assert (
        sorted(blist.entries.values_list("household_code", "head_name", "status", "included"))
        == snapshot
    )
    assert blist.rule_version == 1 and blist.rules["statuses"] == [
        "poor",
        "near_poor",
        "newly_escaped",
    ]


def test_the_excel_export_reads_back(
    world: World, setting: tuple[Programme, list[Household]]
) -> None:
    p, (poor, near, escaped, _long, _other) = setting
    blist = generate(world, p)
    services.entry_exclude(
        actor=world.xa_a, entry=blist.entries.get(household=near), reason="=HYPERLINK(1)"
    )
    entries = list(blist.entries.order_by("village_name", "household_code"))
    book = load_workbook(io.BytesIO(exports.list_workbook(blist, entries)))
    rows = list(book["Danh sách"].iter_rows(values_only=True))
    assert rows[0][:3] == ("STT", "Mã hộ", "Chủ hộ")
    by_code = {r[1]: r for r in rows[1:]}
    assert set(by_code) == {poor.code, near.code, escaped.code}
    assert by_code[poor.code][5] == "Hộ nghèo" and by_code[poor.code][6] == "Hộ DTTS"
    assert by_code[escaped.code][5] == "Hộ mới thoát nghèo"
    assert by_code[near.code][10] in (None, "")
    # The reason was data, not a formula.
    cell = next(c for c in book["Danh sách"]["M"] if c.value and "HYPERLINK" in str(c.value))
    assert cell.data_type == "s"
    info = dict(book["Thông tin"].iter_rows(values_only=True))
    assert info["Phiên bản điều kiện"] == 1 and info["Số hộ trong danh sách"] == 2
