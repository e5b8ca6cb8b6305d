"""Average-living-standard households (QĐ 24/2021/QĐ-TTg Art. 2.2, 3, 6; Decree 07/2021 Art.
3(2)(c)): the household's application, the commune's 12-month income determination and its
classification against the rule pack's band, the chairman's recognition decision (statuses
through ``registry.services.households_status_set_bulk``) and the written answer to a household
that does not qualify. No posting step is known for MSTB (``data/average_living.toml``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts.types import Actor, acting_user
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.audit import services as audit
from giamngheo.lib import idempotency
from giamngheo.lib.formatting import format_date
from giamngheo.registry.models import Household
from giamngheo.registry.services import households_status_set_bulk
from giamngheo.review import average_rules, timeline
from giamngheo.review.average_models import (
    OPEN_STATES,
    AverageApplication,
    AverageDecision,
    AverageDecisionEntry,
    AverageState,
    BandPosition,
)
from giamngheo.review.calculations import AVERAGE, ON_LIST, review_start_for
from giamngheo.review.services.base import (
    ReviewError,
    check_act_date,
    clean_names,
    open_entry,
    province_of,
    require_change,
    require_officer,
    written_refusal,
)
from giamngheo.standards import pack_for_review_year
from giamngheo.standards.average_living import classify_average_living

APPLICATION_FIELDS = ["household_id", "year", "occupation", "received_on", "review_starts_on"]
INCOME_FIELDS = [
    "assessed_on",
    "member_count",
    "income_items",
    "social_assistance",
    "income_total",
    "monthly_income",
    "area_kind",
    "standard",
    "position",
    "band_lower",
    "band_upper",
]


def _months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier (the review day is at most the 28th, so it exists)."""
    index = day.year * 12 + day.month - 1 - months
    return day.replace(year=index // 12, month=index % 12 + 1)


def _locked(application: AverageApplication) -> AverageApplication:
    return (
        AverageApplication.objects.select_for_update(of=("self",))
        .select_related("household", "commune", "village")
        .get(pk=application.pk)
    )


def _require_open(application: AverageApplication) -> None:
    if application.state not in OPEN_STATES:
        raise ReviewError(_("Đơn này đã được giải quyết."))


@transaction.atomic
def average_application_file(
    *,
    actor: Actor,
    household: Household,
    occupation: str,
    received_on: dt.date,
    applicant_name: str,
    submission_key: uuid.UUID | None = None,
) -> AverageApplication:
    """Receive a household's request to be identified as an agricultural, forestry, fishery or
    salt-making household of average living standard (Art. 6: the household applies). The
    determination starts on the month's review day (Art. 3: from the 15th)."""
    (applicant_name,) = clean_names(applicant_name)
    check_act_date(received_on, _("Ngày nhận đơn"))
    household = Household.objects.select_related("village", "commune").get(pk=household.pk)
    require_change(actor, household.village)
    rules = average_rules.load()
    same_household = AverageApplication.objects.filter(household=household)
    earlier = idempotency.earlier(same_household, submission_key)
    if earlier is not None:
        return earlier
    if occupation not in rules.occupations:
        raise ReviewError(
            _(
                "Chỉ hộ làm nông nghiệp, lâm nghiệp, ngư nghiệp hoặc diêm nghiệp được xác định "
                "hộ có mức sống trung bình."
            )
        )
    if not applicant_name:
        raise ReviewError(_("Cần ghi tên người làm đơn."))
    if household.status in ON_LIST:
        raise ReviewError(
            _(
                "Hộ %(code)s đang là hộ nghèo hoặc hộ cận nghèo: việc ra khỏi danh sách theo Mẫu "
                "số 04 (rà soát thường xuyên), không xác định mức sống trung bình."
            )
            % {"code": household.code}
        )
    if same_household.filter(state__in=OPEN_STATES).exists():
        raise ReviewError(
            _("Hộ %(code)s đã có đơn đề nghị xác định mức sống trung bình đang được xét.")
            % {"code": household.code}
        )
    other = open_entry(household)
    if other is not None:
        raise ReviewError(
            _("Hộ %(code)s đang được rà soát trong đợt %(round)s.")
            % {"code": household.code, "round": other.round}
        )
    start = review_start_for(received_on, rules.review_day)

    def create(key: uuid.UUID | None) -> AverageApplication:
        return AverageApplication.objects.create(
            province_id=household.province_id,
            commune_id=household.commune_id,
            village_id=household.village_id,
            household=household,
            year=start.year,
            applicant_name=applicant_name,
            occupation=occupation,
            received_on=received_on,
            review_starts_on=start,
            filed_by=acting_user(actor),
            submission_key=key,
        )

    application = idempotency.create_once(same_household, submission_key, create)
    if idempotency.replayed(application):
        return application
    audit.record(
        actor=actor,
        action="review.average_application_received",
        obj=application,
        after=audit.snapshot(application, APPLICATION_FIELDS),
    )
    return application


@transaction.atomic
def average_income_record(
    *,
    actor: Actor,
    application: AverageApplication,
    assessed_on: dt.date,
    member_count: int,
    items: Mapping[str, int],
    social_assistance: int = 0,
) -> AverageApplication:
    """Record the household's income over the 12 months before the review (Art. 2.2), state
    social assistance recorded apart and not counted, and classify it against the band of the
    standard governing the year (Decree 07/2021 Art. 3(2)(c): above the poverty line, up to the
    upper bound inclusive). May be recorded again until the application is decided."""
    check_act_date(assessed_on, _("Ngày xác định thu nhập"))
    application = _locked(application)
    require_change(actor, application.village)
    _require_open(application)
    rules = average_rules.load()
    if assessed_on < application.review_starts_on:
        raise timeline.OutOfOrder(
            _("Ngày xác định thu nhập (%(day)s) trước ngày bắt đầu xác định (%(start)s).")
            % {
                "day": format_date(assessed_on),
                "start": format_date(application.review_starts_on),
            }
        )
    if member_count < 1:
        raise ReviewError(_("Hộ phải có ít nhất một nhân khẩu."))
    unknown = set(items) - set(rules.income_items)
    if unknown:
        raise ReviewError(_("Khoản thu nhập không có trong phiếu: %s") % ", ".join(sorted(unknown)))
    amounts = {code: int(items.get(code) or 0) for code in rules.income_items}
    if any(amount < 0 for amount in amounts.values()) or social_assistance < 0:
        raise ReviewError(_("Các khoản thu nhập không được âm."))
    total = sum(amounts.values())
    if not rules.social_assistance_excluded:  # pragma: no cover - the shipped data exclude it
        total += social_assistance
    pack = pack_for_review_year(application.year)
    area_kind = application.household.area_kind
    outcome = classify_average_living(
        pack,
        area_kind,
        yearly_income=total,
        members=member_count,
        months=rules.income_months,
    )
    before = audit.snapshot(application, INCOME_FIELDS)
    application.assessed_on = assessed_on
    application.period_end = application.review_starts_on - dt.timedelta(days=1)
    application.period_start = _months_before(application.review_starts_on, rules.income_months)
    application.member_count = member_count
    application.income_items = amounts
    application.social_assistance = social_assistance
    application.income_total = total
    application.monthly_income = outcome.monthly_income_rounded
    application.area_kind = area_kind
    application.standard = pack.code
    application.position = outcome.position
    application.band_lower = outcome.band.lower if outcome.band else None
    application.band_upper = outcome.band.upper if outcome.band else None
    application.band_verified = bool(outcome.band and outcome.band.verified)
    application.state = AverageState.ASSESSED
    application.save()
    audit.record(
        actor=actor,
        action="review.average_income_recorded",
        obj=application,
        before=before,
        after=audit.snapshot(application, INCOME_FIELDS),
    )
    return application


@transaction.atomic
def average_refuse(
    *,
    actor: Actor,
    application: AverageApplication,
    reasons: str,
    number: str,
    signed_on: dt.date,
    signer_name: str,
) -> AverageApplication:
    """Answer in writing, with reasons, a household that does not qualify (as Art. 5.2 does for
    the in-year review; the MSTB answer's form is unverified). The letter is a PDF
    (``average_documents.refusal_letter_pdf``)."""
    application = _locked(application)
    require_officer(actor, application.commune)
    _require_open(application)
    reasons, number, signer_name = written_refusal(
        reasons=reasons,
        number=number,
        signer_name=signer_name,
        signed_on=signed_on,
        received_on=application.received_on,
    )
    if application.assessed_on is not None and signed_on < application.assessed_on:
        raise timeline.OutOfOrder(
            _("Ngày ký %(day)s trước ngày xác định thu nhập (%(assessed)s).")
            % {"day": format_date(signed_on), "assessed": format_date(application.assessed_on)}
        )
    before = application.state
    application.state = AverageState.REFUSED
    application.refusal_reasons = reasons
    application.refusal_number = number
    application.refusal_signer = signer_name
    application.decided_on = signed_on
    application.save(
        update_fields=["state", "refusal_reasons", "refusal_number", "refusal_signer", "decided_on"]
    )
    audit.record(
        actor=actor,
        action="review.average_application_refused",
        obj=application,
        before={"state": before},
        after={"state": application.state, "number": application.refusal_number},
        note=application.refusal_reasons,
    )
    return application


def decision_candidates(commune: AdministrativeUnit) -> list[AverageApplication]:
    """The commune's applications ready to be recognised: income determined, within the band."""
    return list(
        AverageApplication.objects.filter(
            commune=commune, state=AverageState.ASSESSED, position=BandPosition.WITHIN
        )
        .select_related("household", "village")
        .order_by("village__name", "household__code")
    )


@transaction.atomic
def average_decision_issue(
    *,
    actor: Actor,
    commune: AdministrativeUnit,
    number: str,
    signed_on: dt.date,
    signer_name: str,
    signer_title: str,
    expected: Sequence[int] | None = None,
) -> AverageDecision:
    """The commune chairman recognises the households whose income is within the band (Art.
    6). ``expected``: the applications the form showed; a list that changed since is refused,
    so what was confirmed is what is decided. The lines are frozen (trigger); the statuses
    change through the registry with the decision as basis."""
    (signer_name,) = clean_names(signer_name)
    check_act_date(signed_on, _("Ngày ký quyết định"))
    require_officer(actor, commune)
    if not number.strip() or not signer_name or not signer_title.strip():
        raise ReviewError(_("Cần ghi số quyết định, người ký và chức vụ."))
    locked = list(
        AverageApplication.objects.select_for_update(of=("self",))
        .filter(commune=commune, state=AverageState.ASSESSED, position=BandPosition.WITHIN)
        .select_related("household", "village")
        .order_by("village__name", "household__code")
    )
    if not locked:
        raise ReviewError(_("Chưa có hộ nào đủ điều kiện để công nhận."))
    if expected is not None and sorted(expected) != sorted(a.pk for a in locked):
        raise ReviewError(_("Danh sách đã thay đổi từ khi mở trang: hãy xem lại rồi xác nhận."))
    late = [a for a in locked if a.assessed_on is not None and a.assessed_on > signed_on]
    if late:
        raise timeline.OutOfOrder(
            _("Ngày ký %(day)s trước ngày xác định thu nhập của hộ %(code)s (%(assessed)s).")
            % {
                "day": format_date(signed_on),
                "code": late[0].household.code,
                "assessed": format_date(late[0].assessed_on),
            }
        )
    now_listed = [a.household.code for a in locked if a.household.status in ON_LIST]
    if now_listed:
        raise ReviewError(
            _("Hộ đã thành hộ nghèo hoặc cận nghèo từ khi xác định thu nhập: %s. Hãy từ chối đơn.")
            % ", ".join(now_listed)
        )
    if AverageDecision.objects.filter(
        commune=commune, year=signed_on.year, number=number.strip()
    ).exists():
        raise ReviewError(_("Số quyết định này đã được dùng trong năm."))
    decision = AverageDecision.objects.create(
        province_id=province_of(commune),
        commune=commune,
        year=signed_on.year,
        number=number.strip(),
        signed_on=signed_on,
        signer_name=signer_name,
        signer_title=signer_title.strip(),
        standard=locked[0].standard,
        commune_name=commune.name,
        created_by=acting_user(actor),
    )
    AverageDecisionEntry.objects.bulk_create(
        AverageDecisionEntry(
            province_id=a.province_id,
            commune_id=a.commune_id,
            village_id=a.village_id,
            decision=decision,
            application=a,
            household=a.household,
            household_code=a.household.code,
            head_name=a.household.head_name,
            village_name=a.village.name,
            area_kind=a.area_kind,
            occupation=a.occupation,
            member_count=a.member_count or 0,
            monthly_income=a.monthly_income or 0,
        )
        for a in locked
    )
    AverageApplication.objects.filter(pk__in=[a.pk for a in locked]).update(
        state=AverageState.RECOGNISED, decision=decision, decided_on=signed_on
    )
    basis = _("Quyết định số %(number)s ngày %(date)s công nhận hộ có mức sống trung bình") % {
        "number": decision.number,
        "date": format_date(signed_on),
    }
    by_standard: dict[tuple[str, int], dict[int, str]] = {}
    for a in locked:
        by_standard.setdefault((a.standard, a.year), {})[a.household_id] = AVERAGE
    for (standard, year), statuses in by_standard.items():
        households_status_set_bulk(
            actor=actor, statuses=statuses, standard=standard, year=year, basis=basis
        )
    audit.record(
        actor=actor,
        action="review.average_decision_issued",
        obj=decision,
        after={
            "number": decision.number,
            "signed_on": signed_on.isoformat(),
            "households": [a.household_id for a in locked],
        },
    )
    return decision
