"""Household support requests: recording, the workflow of ``states.py``, owners, and telling
the household the result."""

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
from giamngheo.workforce import reference, states
from giamngheo.workforce.models import (
    SupportRequest,
    SupportRequestStep,
    Worker,
    WorkerStatus,
)
from giamngheo.workforce.selectors import commune_officer_for, rules_for, worker_of
from giamngheo.workforce.services._shared import (
    household_columns,
    require,
    user_or_none,
)
from giamngheo.workforce.states import RequestState, WorkforceError

REQUEST_AUDIT_FIELDS = (
    "household_id",
    "need_type",
    "description",
    "state",
    "owner_id",
    "received_on",
    "forward_due_on",
    "due_on",
    "outcome",
    "household_informed_on",
)


def _check_owner(owner: Worker, commune_id: int) -> None:
    owner = Worker.objects.get(pk=owner.pk)  # the status as stored, not as the caller saw it
    if owner.status != WorkerStatus.ACTIVE:
        raise WorkforceError(_("Người phụ trách phải đang làm việc."))
    covers = (
        owner.commune_id == commune_id
        or owner.assignments.filter(commune_id=commune_id, ends_on__isnull=True).exists()
    )
    provincial = owner.commune_id is None
    if not (covers or provincial):
        raise WorkforceError(_("Người phụ trách phải thuộc xã của hộ."))


def _step(
    request: SupportRequest, action: str, from_state: str, actor: Actor, note: str, at: dt.datetime
) -> None:
    SupportRequestStep.objects.create(
        request=request,
        action=action,
        from_state=from_state,
        to_state=request.state,
        owner_id=request.owner_id,
        note=note,
        by=user_or_none(actor),
        at=at,
    )


@transaction.atomic
def request_create(
    *,
    actor: Actor,
    household: Household,
    need_type: str,
    description: str,
    received_on: dt.date | None = None,
    collected_by: Worker | None = None,
    owner: Worker | None = None,
    submission_key: uuid.UUID | None = None,
) -> SupportRequest:
    """Record a household's request for support. It starts ``received`` and is owned by the
    person who collected it (a collaborator), else by the commune's officer: a request always
    has an owner (a database constraint keeps it so). ``submission_key``: the form's one-time
    key (``lib.idempotency``); a second call with it returns the first request."""
    require(actor is None or access.can_change_area(actor, household.village))
    same_household = SupportRequest.objects.filter(household=household)
    recorded = idempotency.earlier(same_household, submission_key)
    if recorded is not None:
        return recorded
    if need_type not in reference.need_types():
        raise WorkforceError(_("Loại nhu cầu không có trong danh mục."))
    if not description.strip():
        raise WorkforceError(_("Cần ghi nội dung yêu cầu."))
    today = timezone.localdate()
    received_on = received_on or today
    with validators.reraise_as(WorkforceError):
        description = validators.clean_text(description, label=_("Nội dung"))
        validators.check_event_date(received_on, label=_("Ngày tiếp nhận"))
    if received_on > today:
        raise WorkforceError(_("Ngày tiếp nhận không được sau hôm nay."))
    collected_by = collected_by or worker_of(actor)
    owner = owner or collected_by or commune_officer_for(household.commune_id)
    if owner is None:
        raise WorkforceError(
            _(
                "Xã chưa có công chức phụ trách trong danh sách đội ngũ: hãy thêm công chức "
                "hoặc chọn người phụ trách."
            )
        )
    _check_owner(owner, household.commune_id)
    rules = rules_for(household.province_id)
    now = timezone.now()

    def create(key: uuid.UUID | None) -> SupportRequest:
        return SupportRequest.objects.create(
            submission_key=key,
            household=household,
            **household_columns(household),
            need_type=need_type,
            description=description.strip(),
            state=RequestState.RECEIVED,
            owner=owner,
            collected_by=collected_by,
            recorded_by=user_or_none(actor),
            received_on=received_on,
            forward_due_on=received_on + dt.timedelta(days=rules.forward_within_days),
            due_on=received_on + dt.timedelta(days=rules.resolve_within_days),
            state_since=now,
        )

    request = idempotency.create_once(same_household, submission_key, create)
    if idempotency.replayed(request):
        return request
    _step(request, "create", "", actor, "", now)
    audit.record(
        actor=actor,
        action="workforce.request_created",
        obj=request,
        after=audit.snapshot(request, REQUEST_AUDIT_FIELDS),
    )
    return request


def _may_fire(actor: Actor, transition: states.Transition, request: SupportRequest) -> bool:
    if actor is None:
        return True
    if transition.permission == states.DECIDE:
        return access.can_decide_in(actor, request.commune)
    return access.can_change_area(actor, request.village)


def allowed_transitions(actor: Actor, request: SupportRequest) -> list[states.Transition]:
    """The transitions ``actor`` may fire on ``request`` now (for the buttons of a page)."""
    return [t for t in states.available(request.state) if _may_fire(actor, t, request)]


@transaction.atomic
def request_transition(
    *,
    actor: Actor,
    request: SupportRequest,
    name: str,
    note: str = "",
    owner: Worker | None = None,
) -> SupportRequest:
    """Fire transition ``name`` (see the table in ``states.py``). A transition the table does
    not allow from the current state raises ``states.WorkflowError`` with a Vietnamese
    message; nothing changes."""
    request = (
        SupportRequest.objects.select_for_update()
        .select_related("commune", "village")
        .get(pk=request.pk)
    )
    transition = states.find(name, request.state)
    if not _may_fire(actor, transition, request):
        raise WorkforceError(
            _("Chỉ công chức của xã mới được «%(action)s» yêu cầu này.")
            % {"action": transition.label}
            if transition.permission == states.DECIDE
            else _("Bạn không có quyền thay đổi yêu cầu của địa bàn này.")
        )
    note = note.strip()
    if transition.needs_note and not note:
        raise WorkforceError(
            _("Cần ghi kết quả giải quyết.")
            if transition.target == RequestState.RESOLVED
            else _("Cần ghi lý do không giải quyết.")
        )
    before = audit.snapshot(request, REQUEST_AUDIT_FIELDS)
    from_state = request.state
    now = timezone.now()
    if transition.needs_owner:
        owner = owner or commune_officer_for(request.commune_id)
        if owner is None:
            raise WorkforceError(
                _("Xã chưa có công chức phụ trách trong danh sách đội ngũ để chuyển yêu cầu.")
            )
        _check_owner(owner, request.commune_id)
        request.owner = owner
        request.forwarded_at = now
    request.state = transition.target
    request.state_since = now
    if transition.target in states.CLOSED_STATES:
        request.closed_at = now
        request.outcome = note
    request.save()
    _step(request, transition.name, from_state, actor, note, now)
    audit.record(
        actor=actor,
        action=f"workforce.request_{transition.name}",
        obj=request,
        before=before,
        after=audit.snapshot(request, REQUEST_AUDIT_FIELDS),
        note=note,
    )
    return request


@transaction.atomic
def request_reassign(
    *, actor: Actor, request: SupportRequest, owner: Worker, note: str = ""
) -> SupportRequest:
    """Hand an open request to another owner (the commune's decision)."""
    request = (
        SupportRequest.objects.select_for_update().select_related("commune").get(pk=request.pk)
    )
    require(actor is None or access.can_decide_in(actor, request.commune))
    if not request.is_open:
        raise states.WorkflowError(_("Yêu cầu đã đóng, không đổi người phụ trách được."))
    if owner.pk == request.owner_id:
        raise WorkforceError(_("Người này đang phụ trách yêu cầu."))
    _check_owner(owner, request.commune_id)
    before = {"owner_id": request.owner_id}
    request.owner = owner
    request.save(update_fields=["owner", "updated_at"])
    _step(request, "reassign", request.state, actor, note.strip(), timezone.now())
    audit.record(
        actor=actor,
        action="workforce.request_reassigned",
        obj=request,
        before=before,
        after={"owner_id": owner.pk},
        note=note,
    )
    return request


@transaction.atomic
def request_inform(
    *, actor: Actor, request: SupportRequest, informed_on: dt.date, how: str = ""
) -> SupportRequest:
    """Record that the household was told the result (duty 1: "inform the household of the
    result ... so that it knows and benefits")."""
    request = (
        SupportRequest.objects.select_for_update().select_related("village").get(pk=request.pk)
    )
    require(actor is None or access.can_change_area(actor, request.village))
    if request.is_open:
        raise states.WorkflowError(
            _("Chỉ thông báo cho hộ khi yêu cầu đã được giải quyết hoặc từ chối.")
        )
    if request.household_informed_on is not None:
        raise WorkforceError(
            _("Đã ghi nhận thông báo cho hộ ngày %(day)s.")
            % {"day": f"{request.household_informed_on:%d/%m/%Y}"}
        )
    if informed_on < request.received_on or informed_on > timezone.localdate():
        raise WorkforceError(_("Ngày thông báo phải từ ngày tiếp nhận đến hôm nay."))
    request.household_informed_on = informed_on
    request.informed_how = how.strip()
    request.save(update_fields=["household_informed_on", "informed_how", "updated_at"])
    _step(request, "inform", request.state, actor, how.strip(), timezone.now())
    audit.record(
        actor=actor,
        action="workforce.request_household_informed",
        obj=request,
        before={"household_informed_on": None},
        after={"household_informed_on": informed_on, "informed_how": request.informed_how},
    )
    return request
