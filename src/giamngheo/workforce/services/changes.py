"""Changes in a household's situation, flagged for the in-year review (QĐ 24/2021/QĐ-TTg)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.types import Actor
from giamngheo.audit import services as audit
from giamngheo.lib import idempotency, validators
from giamngheo.registry.models import Household
from giamngheo.workforce import reference
from giamngheo.workforce.models import (
    HouseholdChange,
    ReviewFlag,
)
from giamngheo.workforce.selectors import worker_of
from giamngheo.workforce.services._shared import (
    household_columns,
    require,
    user_or_none,
)
from giamngheo.workforce.states import WorkforceError

REVIEW_FORMS = ("mau_01", "mau_04")


@transaction.atomic
def household_change_report(
    *,
    actor: Actor,
    household: Household,
    kind: str,
    occurred_on: dt.date,
    description: str,
    request_review: bool,
    proposed_form: str = "",
    submission_key: uuid.UUID | None = None,
) -> HouseholdChange:
    """Record that a household's situation changed. With ``request_review`` the household is
    flagged for the in-year review (Mẫu 01 to join the list, Mẫu 04 to leave it; QĐ
    24/2021/QĐ-TTg): the review process (issue 5) picks up pending flags. ``submission_key``:
    the form's one-time key (``lib.idempotency``)."""
    require(actor is None or access.can_change_area(actor, household.village))
    same_household = HouseholdChange.objects.filter(household=household)
    recorded = idempotency.earlier(same_household, submission_key)
    if recorded is not None:
        return recorded
    kinds = reference.change_kinds()
    if kind not in kinds:
        raise WorkforceError(_("Loại biến động không có trong danh mục."))
    if not description.strip():
        raise WorkforceError(_("Cần mô tả biến động."))
    if occurred_on > timezone.localdate():
        raise WorkforceError(_("Ngày xảy ra không được sau hôm nay."))
    with validators.reraise_as(WorkforceError):
        description = validators.clean_text(description, label=_("Mô tả"))
        validators.check_event_date(occurred_on, label=_("Ngày xảy ra"))
    form = ""
    if request_review:
        form = proposed_form or kinds[kind].suggested_form
        if form not in REVIEW_FORMS:
            raise WorkforceError(_("Cần chọn mẫu đề nghị (Mẫu 01 hoặc Mẫu 04)."))

    def create(key: uuid.UUID | None) -> HouseholdChange:
        return HouseholdChange.objects.create(
            submission_key=key,
            household=household,
            **household_columns(household),
            kind=kind,
            occurred_on=occurred_on,
            description=description.strip(),
            reported_by=user_or_none(actor),
            worker=worker_of(actor),
            review_flag=ReviewFlag.PENDING if request_review else ReviewFlag.NOT_NEEDED,
            proposed_form=form,
            review_flag_at=timezone.now() if request_review else None,
        )

    change = idempotency.create_once(same_household, submission_key, create)
    if idempotency.replayed(change):
        return change
    audit.record(
        actor=actor,
        action="workforce.household_change_reported",
        obj=change,
        after=audit.snapshot(
            change, ["household_id", "kind", "occurred_on", "review_flag", "proposed_form"]
        ),
    )
    return change


@transaction.atomic
def household_change_take_up(
    *, actor: Actor, change: HouseholdChange, reference_text: str
) -> HouseholdChange:
    """For the review process (issue 5): a pending flag became an in-year review application;
    ``reference_text`` names it (e.g. the application's id)."""
    return _close_flag(actor, change, ReviewFlag.TAKEN_UP, reference_text=reference_text)


@transaction.atomic
def household_change_dismiss(
    *, actor: Actor, change: HouseholdChange, note: str
) -> HouseholdChange:
    """An officer decides a pending flag needs no in-year review; the reason is required."""
    if not note.strip():
        raise WorkforceError(_("Cần ghi lý do không đưa vào rà soát."))
    return _close_flag(actor, change, ReviewFlag.DISMISSED, note=note)


def _close_flag(
    actor: Actor, change: HouseholdChange, flag: str, *, reference_text: str = "", note: str = ""
) -> HouseholdChange:
    change = HouseholdChange.objects.select_for_update().select_related("commune").get(pk=change.pk)
    require(actor is None or access.can_decide_in(actor, change.commune))
    if change.review_flag != ReviewFlag.PENDING:
        raise WorkforceError(_("Biến động này không còn chờ rà soát."))
    if flag == ReviewFlag.TAKEN_UP and not reference_text.strip():
        raise WorkforceError(_("Cần ghi số hồ sơ rà soát."))
    change.review_flag = flag
    change.review_reference = reference_text.strip()
    change.review_flag_note = note.strip()[:300]
    change.review_flag_at = timezone.now()
    change.save()
    audit.record(
        actor=actor,
        action=f"workforce.household_change_{flag}",
        obj=change,
        before={"review_flag": ReviewFlag.PENDING},
        after={"review_flag": flag, "review_reference": change.review_reference},
        note=note,
    )
    return change


@transaction.atomic
def household_change_flag(*, actor: Actor, change: HouseholdChange, proposed_form: str) -> None:
    """Flag a change reported without asking for a review, before the review app takes it up
    (so every change taken up reads the same). Refuses a dismissed or already taken-up change.
    Only an officer of the commune decides it (``access.can_decide_in``)."""
    change = (
        HouseholdChange.objects.select_for_update(of=("self",))
        .select_related("commune")
        .get(pk=change.pk)
    )
    require(actor is None or access.can_decide_in(actor, change.commune))
    if change.review_flag == ReviewFlag.DISMISSED:
        raise WorkforceError(_("Biến động này đã được quyết định không đưa vào rà soát."))
    if change.review_flag == ReviewFlag.TAKEN_UP:
        raise WorkforceError(
            _("Biến động này đã được đưa vào rà soát (%(reference)s).")
            % {"reference": change.review_reference}
        )
    if change.review_flag != ReviewFlag.NOT_NEEDED:
        return
    change.review_flag = ReviewFlag.PENDING
    change.proposed_form = proposed_form
    change.review_flag_at = timezone.now()
    change.save(update_fields=["review_flag", "proposed_form", "review_flag_at"])
    audit.record(
        actor=actor,
        action="workforce.household_change_flagged",
        obj=change,
        before={"review_flag": ReviewFlag.NOT_NEEDED},
        after={"review_flag": ReviewFlag.PENDING, "proposed_form": proposed_form},
    )
