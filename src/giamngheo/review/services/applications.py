"""In-year review (QĐ 24/2021 Art. 5): applications (Mẫu 01, Mẫu 04), the commune's monthly
regular round and written refusals.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.models import Role
from giamngheo.accounts.types import Actor, acting_user
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.audit import services as audit
from giamngheo.registry.models import Household
from giamngheo.review import calendar
from giamngheo.review.calculations import ON_LIST, POOR, review_start_for
from giamngheo.review.models import (
    Application,
    ApplicationForm,
    Entry,
    EntrySource,
    Round,
    RoundKind,
)
from giamngheo.review.rules import Params
from giamngheo.review.services.base import (
    ReviewError,
    check_act_date,
    check_change,
    clean_names,
    close_if_answered,
    lock_round,
    move_entries,
    open_entry,
    province_of,
    require_change,
    require_officer,
    resolve_rules,
    take_up_change,
    written_refusal,
)
from giamngheo.review.states import (
    APPLICATION,
    EntryState,
    RoundState,
)
from giamngheo.workforce import reference as workforce_reference
from giamngheo.workforce import services as workforce_services
from giamngheo.workforce.models import HouseholdChange


def application_due(p: Params, start: dt.date) -> dt.date:
    """Art. 5.2: decided within 15 days of the start of the review (calendar days unless the
    parameters say working days — UNVERIFIED)."""
    if p.application_decision_working_days:
        return calendar.add_working_days(start, p.application_decision_days)
    return start + dt.timedelta(days=p.application_decision_days)


def _regular_round(commune: AdministrativeUnit, start: dt.date, actor: Actor) -> Round:
    round_ = Round.objects.filter(
        commune=commune, kind=RoundKind.REGULAR, year=start.year, month=start.month
    ).first()
    if round_ is not None:
        return round_
    resolved = resolve_rules(start.year, commune.province_id)
    p = Params(resolved.values)
    round_ = Round.objects.create(
        province_id=province_of(commune),
        commune=commune,
        kind=RoundKind.REGULAR,
        year=start.year,
        month=start.month,
        state=RoundState.REVIEWING,
        standard=resolved.standard,
        rule_set_code=resolved.code,
        parameters=resolved.values,
        window_start=start,
        window_end=application_due(p, start),
        created_by=acting_user(actor),
    )
    audit.record(
        actor=actor,
        action="review.round_created",
        obj=round_,
        after=audit.snapshot(round_, ["kind", "year", "month", "window_start", "window_end"]),
    )
    return round_


@transaction.atomic
def application_file(
    *,
    actor: Actor,
    household: Household,
    form: str,
    reason: str,
    received_on: dt.date,
    applicant_name: str,
    reason_note: str = "",
    household_change: Any = None,
) -> Application:
    """Receive an application (Mẫu 01 to join the list, Mẫu 04 to be recognised as having
    escaped; Art. 5.1). Collaborators may file on behalf of a household of their villages.

    Received during the annual window while the commune's annual round is listing, it joins that
    round; otherwise the month's in-year round, starting on the 15th and due 15 days later."""
    (applicant_name,) = clean_names(applicant_name)
    check_act_date(received_on, _("Ngày nhận đơn"))
    household = Household.objects.select_related("village", "commune").get(pk=household.pk)
    require_change(actor, household.village)
    if form not in ApplicationForm.values:
        raise ReviewError(_("Mẫu đơn không hợp lệ."))
    if form == ApplicationForm.ESCAPE and household.status not in ON_LIST:
        raise ReviewError(_("Mẫu số 04 chỉ dành cho hộ đang là hộ nghèo hoặc hộ cận nghèo."))
    if form == ApplicationForm.JOIN and household.status == POOR:
        raise ReviewError(_("Hộ đang là hộ nghèo; không cần đề nghị xét duyệt vào danh sách."))
    if not applicant_name.strip():
        raise ReviewError(_("Cần ghi tên người làm đơn."))
    check_change(household_change, household)
    other = open_entry(household)
    if other is not None:
        raise ReviewError(
            _("Hộ %(code)s đang được rà soát trong đợt %(round)s.")
            % {"code": household.code, "round": other.round}
        )
    annual = Round.objects.filter(
        commune_id=household.commune_id,
        kind=RoundKind.ANNUAL,
        year=received_on.year,
        state__in=[RoundState.PLANNING, RoundState.REVIEWING],
        window_start__lte=received_on,
        window_end__gte=received_on,
    ).first()
    if annual is not None:
        round_, start, due = annual, received_on, annual.window_end
    else:
        resolved = resolve_rules(received_on.year, household.province_id)
        p = Params(resolved.values)
        start = review_start_for(received_on, p.application_review_day)
        round_ = _regular_round(household.commune, start, actor)
        due = round_.window_end
    roles = access.roles(actor) if actor is not None else set()
    on_behalf = bool(roles) and roles <= {Role.COLLABORATOR}
    entry = Entry.objects.create(
        round=round_,
        province_id=household.province_id,
        commune_id=household.commune_id,
        village_id=household.village_id,
        household=household,
        source=EntrySource.APPLICATION,
        source_note=reason_note,
        # Phiếu A screens requests to join (Art. 4.1); a request to leave goes to B1/B2.
        state=EntryState.LISTED if form == ApplicationForm.JOIN else EntryState.TO_SURVEY,
        status_at_start=household.status,
    )
    application = Application.objects.create(
        province_id=household.province_id,
        commune_id=household.commune_id,
        village_id=household.village_id,
        household=household,
        form=form,
        reason=reason,
        reason_note=reason_note,
        applicant_name=applicant_name.strip(),
        received_on=received_on,
        review_starts_on=start,
        due_on=due,
        filed_by=acting_user(actor),
        on_behalf=on_behalf,
        household_change=household_change,
        entry=entry,
    )
    if household_change is not None:
        entry.household_change = household_change
        entry.save(update_fields=["household_change"])
    audit.record(
        actor=actor,
        action="review.application_received",
        obj=application,
        after=audit.snapshot(
            application,
            ["household_id", "form", "reason", "received_on", "review_starts_on", "due_on"],
        )
        | {"round": round_.pk, "on_behalf": on_behalf},
    )
    take_up_change(
        actor, household_change, f"review.application:{application.pk}", household.commune
    )
    return application


@transaction.atomic
def application_refuse(
    *,
    actor: Actor,
    application: Application,
    reasons: str,
    number: str,
    signed_on: dt.date,
    signer_name: str,
) -> Application:
    """Refuse an application in writing with reasons (Art. 5.2); the letter is a PDF
    (``documents.refusal_letter_pdf``). The household leaves the round's list."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("commune", "entry")
        .get(pk=application.pk)
    )
    require_officer(actor, application.commune)
    before = application.state
    application.state = APPLICATION.check("refuse", before)
    reasons, number, signer_name = written_refusal(
        reasons=reasons,
        number=number,
        signer_name=signer_name,
        signed_on=signed_on,
        received_on=application.received_on,
    )
    application.refusal_reasons = reasons
    application.refusal_number = number
    application.refusal_signer = signer_name
    application.decided_on = signed_on
    application.save(
        update_fields=["state", "refusal_reasons", "refusal_number", "refusal_signer", "decided_on"]
    )
    take_up_change(
        actor,
        application.household_change,
        f"review.application:{application.pk}",
        application.commune,
    )
    entry = application.entry
    if entry is not None and entry.state != EntryState.REFUSED:
        entry = Entry.objects.select_related("round").get(pk=entry.pk)
        move_entries(actor, entry.round, [entry], "refuse", note=application.refusal_number)
        application.entry = entry
        close_if_answered(actor, lock_round(entry.round))
    audit.record(
        actor=actor,
        action="review.application_refused",
        obj=application,
        before={"state": before},
        after={"state": application.state, "number": application.refusal_number},
        note=application.refusal_reasons,
    )
    return application


@transaction.atomic
def application_from_change(
    *,
    actor: Actor,
    change: HouseholdChange,
    form: str,
    reason: str,
    received_on: dt.date,
    applicant_name: str,
    reason_note: str = "",
) -> Application:
    """Issue 11: an officer turns a collaborator's reported change into an in-year review
    application in one action (QĐ 24/2021/QĐ-TTg Art. 5: Mẫu 01 to join the list, Mẫu 04 to
    leave it). A change reported without asking for a review is flagged first
    (``workforce.services.household_change_flag``); ``application_file`` with
    ``household_change`` then records the link and closes the change's flag."""
    proposed = {value: key for key, value in workforce_reference.APPLICATION_FORMS.items()}.get(
        form
    )
    if proposed is None:
        raise ReviewError(_("Cần chọn mẫu đơn (Mẫu 01 hoặc Mẫu 04)."))
    workforce_services.household_change_flag(actor=actor, change=change, proposed_form=proposed)
    application = application_file(
        actor=actor,
        household=change.household,
        form=form,
        reason=reason,
        received_on=received_on,
        applicant_name=applicant_name,
        reason_note=reason_note,
        household_change=change,
    )
    audit.record(
        actor=actor,
        action="workforce.household_change_applied",
        obj=change,
        after={"application": application.pk, "form": form, "reason": reason},
    )
    return application
