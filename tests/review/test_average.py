"""Average-living-standard households (QĐ 24/2021 Art. 2.2, 3, 6; Decree 07/2021 Art. 3(2)(c)):
application, 12-month income, classification by the pack, decision, refusal. Fixed clock
(conftest: 07/12/2026, a 2026 review under the 2022-2025 standard)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, transaction

from giamngheo.audit.models import AuditEvent
from giamngheo.lib.pdf import extract_text
from giamngheo.registry.models import Household
from giamngheo.review import average_documents, average_rules, average_selectors, services
from giamngheo.review.average_models import (
    AverageApplication,
    AverageDecisionEntry,
    AverageState,
)
from giamngheo.review.services import ReviewError
from giamngheo.review.timeline import OutOfOrder
from giamngheo.standards import load_pack
from tests.conftest import World, make_household
from tests.review.conftest import set_status

RECEIVED = dt.date(2026, 11, 10)
ASSESSED = dt.date(2026, 11, 20)
SIGNED = dt.date(2026, 11, 30)


def band(household: Household) -> tuple[int, int]:
    """The pack's MSTB band for the household's area (2026: the 2022-2025 standard)."""
    pack = load_pack("2022-2025")
    assert pack.average_upper is not None
    area = household.area_kind
    return pack.poverty_line.for_area(area), pack.average_upper.for_area(area)


def apply(w: World, household: Household, occupation: str = "agriculture") -> AverageApplication:
    return services.average_application_file(
        actor=w.ctv,
        household=household,
        occupation=occupation,
        received_on=RECEIVED,
        applicant_name=household.head_name,
    )


def assess(w: World, app: AverageApplication, monthly: int, members: int = 2) -> AverageApplication:
    """Income recorded so that the per-person monthly income is exactly ``monthly``; a state
    social allowance is recorded too and must not count."""
    total = monthly * members * 12
    return services.average_income_record(
        actor=w.ctv,
        application=app,
        assessed_on=ASSESSED,
        member_count=members,
        items={"crops": total - 1_000_000, "livestock": 1_000_000},
        social_assistance=9_000_000,
    )


@pytest.fixture
def household(world: World) -> Household:
    return make_household(world.village_a1, "A1-050", "Trần Văn Nông")


def test_application_starts_on_the_review_day(world: World, household: Household) -> None:
    app = apply(world, household)
    assert app.state == AverageState.RECEIVED
    assert app.review_starts_on == dt.date(2026, 11, average_rules.load().review_day)
    assert app.year == 2026
    assert AuditEvent.objects.filter(action="review.average_application_received").count() == 1


def test_only_agricultural_households(world: World, household: Household) -> None:
    with pytest.raises(ReviewError, match="nông nghiệp"):
        apply(world, household, occupation="trade")


def test_a_poor_household_leaves_by_form_04_not_here(world: World) -> None:
    poor = set_status(world.household_a1, "poor")
    with pytest.raises(ReviewError, match="Mẫu số 04"):
        apply(world, poor)


def test_one_open_application_per_household(world: World, household: Household) -> None:
    apply(world, household)
    with pytest.raises(ReviewError, match="đang được xét"):
        apply(world, household)


def test_outsider_cannot_file(world: World, household: Household) -> None:
    with pytest.raises(ReviewError):
        services.average_application_file(
            actor=world.xa_b,
            household=household,
            occupation="agriculture",
            received_on=RECEIVED,
            applicant_name="Trần Văn Nông",
        )


@pytest.mark.parametrize(
    ("offset", "position"),
    [(0, "below"), (1, "within"), ("upper", "within"), ("upper+1", "above")],
)
def test_income_is_classified_at_the_bounds(
    world: World, household: Household, offset: object, position: str
) -> None:
    lower, upper = band(household)
    monthly = {0: lower, 1: lower + 1, "upper": upper, "upper+1": upper + 1}[offset]  # type: ignore[index]
    app = assess(world, apply(world, household), monthly)
    assert app.position == position
    assert app.monthly_income == monthly
    # State social assistance is recorded but not counted (Art. 2.2).
    assert app.income_total == monthly * 2 * 12
    assert app.social_assistance == 9_000_000
    assert (app.band_lower, app.band_upper) == (lower, upper)
    assert app.period_start == dt.date(2025, 11, 15)
    assert app.period_end == dt.date(2026, 11, 14)


def test_one_dong_a_year_above_the_line_is_within(world: World, household: Household) -> None:
    lower, _ = band(household)
    app = services.average_income_record(
        actor=world.ctv,
        application=apply(world, household),
        assessed_on=ASSESSED,
        member_count=3,
        items={"crops": lower * 3 * 12 + 1},
    )
    assert app.position == "within"


def test_income_before_the_review_starts_is_refused(world: World, household: Household) -> None:
    app = apply(world, household)
    with pytest.raises(OutOfOrder):
        services.average_income_record(
            actor=world.ctv,
            application=app,
            assessed_on=dt.date(2026, 11, 14),
            member_count=2,
            items={"crops": 50_000_000},
        )


def test_income_in_the_future_is_refused(world: World, household: Household) -> None:
    app = apply(world, household)
    with pytest.raises(ReviewError):
        services.average_income_record(
            actor=world.ctv,
            application=app,
            assessed_on=dt.date(2026, 12, 8),
            member_count=2,
            items={"crops": 50_000_000},
        )


def test_decision_recognises_the_band_and_sets_the_status(world: World) -> None:
    inside = make_household(world.village_a1, "A1-051", "Lê Văn Trong")
    outside = make_household(world.village_a1, "A1-052", "Lê Văn Ngoài")
    _, upper = band(inside)
    app_in = assess(world, apply(world, inside), upper)
    app_out = assess(world, apply(world, outside), upper + 1)
    assert [a.pk for a in services.decision_candidates(world.commune_a)] == [app_in.pk]
    with pytest.raises(ReviewError):  # a collaborator does not sign decisions
        services.average_decision_issue(
            actor=world.ctv,
            commune=world.commune_a,
            number="01/QĐ-UBND",
            signed_on=SIGNED,
            signer_name="Nguyễn Văn Chủ",
            signer_title="Chủ tịch UBND xã",
        )
    with pytest.raises(ReviewError, match="thay đổi"):
        services.average_decision_issue(
            actor=world.xa_a,
            commune=world.commune_a,
            number="01/QĐ-UBND",
            signed_on=SIGNED,
            signer_name="Nguyễn Văn Chủ",
            signer_title="Chủ tịch UBND xã",
            expected=[app_in.pk, app_out.pk],
        )
    decision = services.average_decision_issue(
        actor=world.xa_a,
        commune=world.commune_a,
        number="01/QĐ-UBND",
        signed_on=SIGNED,
        signer_name="Nguyễn Văn Chủ",
        signer_title="Chủ tịch UBND xã",
        expected=[app_in.pk],
    )
    app_in.refresh_from_db()
    app_out.refresh_from_db()
    inside.refresh_from_db()
    outside.refresh_from_db()
    assert app_in.state == AverageState.RECOGNISED and app_in.decision == decision
    assert app_out.state == AverageState.ASSESSED
    assert inside.status == "average_living_standard"
    assert inside.status_standard == "2022-2025" and inside.status_year == 2026
    assert outside.status != "average_living_standard"
    line = AverageDecisionEntry.objects.get(decision=decision)
    assert (line.household_code, line.monthly_income) == ("A1-051", upper)
    assert AuditEvent.objects.filter(
        action="registry.household_status_changed", object_id=str(inside.pk)
    ).exists()
    # The decided list is frozen (trigger).
    with pytest.raises(DatabaseError), transaction.atomic():
        AverageDecisionEntry.objects.filter(pk=line.pk).update(head_name="Khác")
    text = extract_text(average_documents.decision_pdf(decision, list(decision.lines.all())))
    assert "A1-051" in text and "A1-052" not in text


def test_decision_cannot_precede_the_income(world: World, household: Household) -> None:
    _, upper = band(household)
    assess(world, apply(world, household), upper)
    with pytest.raises(OutOfOrder):
        services.average_decision_issue(
            actor=world.xa_a,
            commune=world.commune_a,
            number="02/QĐ-UBND",
            signed_on=dt.date(2026, 11, 19),
            signer_name="Nguyễn Văn Chủ",
            signer_title="Chủ tịch UBND xã",
        )


def test_nothing_to_decide(world: World) -> None:
    with pytest.raises(ReviewError, match="Chưa có hộ"):
        services.average_decision_issue(
            actor=world.xa_a,
            commune=world.commune_a,
            number="03/QĐ-UBND",
            signed_on=SIGNED,
            signer_name="Nguyễn Văn Chủ",
            signer_title="Chủ tịch UBND xã",
        )


def test_refusal_letter_with_reasons(world: World, household: Household) -> None:
    _, upper = band(household)
    app = assess(world, apply(world, household), upper + 1)
    with pytest.raises(ReviewError, match="lý do"):
        services.average_refuse(
            actor=world.xa_a,
            application=app,
            reasons=" ",
            number="15/UBND",
            signed_on=SIGNED,
            signer_name="Nguyễn Văn Chủ",
        )
    with pytest.raises(OutOfOrder):
        services.average_refuse(
            actor=world.xa_a,
            application=app,
            reasons="Thu nhập cao hơn mức sống trung bình.",
            number="15/UBND",
            signed_on=dt.date(2026, 11, 18),
            signer_name="Nguyễn Văn Chủ",
        )
    app = services.average_refuse(
        actor=world.xa_a,
        application=app,
        reasons="Thu nhập bình quân cao hơn mức sống trung bình.",
        number="15/UBND",
        signed_on=SIGNED,
        signer_name="Nguyễn Văn Chủ",
    )
    assert app.state == AverageState.REFUSED
    text = extract_text(average_documents.refusal_letter_pdf(app))
    assert "15/UBND" in text and "cao hơn mức sống trung bình" in text
    # A refused household may apply again later.
    assert apply(world, household).state == AverageState.RECEIVED


def test_year_list_holds_the_decided_households(world: World, household: Household) -> None:
    _, upper = band(household)
    assess(world, apply(world, household), upper)
    services.average_decision_issue(
        actor=world.xa_a,
        commune=world.commune_a,
        number="04/QĐ-UBND",
        signed_on=SIGNED,
        signer_name="Nguyễn Văn Chủ",
        signer_title="Chủ tịch UBND xã",
    )
    rows = list(average_selectors.year_list(world.xa_a, world.commune_a, 2026))
    assert [r.household_code for r in rows] == ["A1-050"]
    assert list(average_selectors.year_list(world.xa_a, world.commune_a, 2025)) == []
