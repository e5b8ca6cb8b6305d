"""Writes on the registry. Every write goes through here and records an audit event."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, F, Field
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.types import Actor
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.audit import services as audit
from giamngheo.lib import clock, locking, validators
from giamngheo.lib.crashpoints import crash_point
from giamngheo.lib.errors import DomainError
from giamngheo.lib.text import search_key
from giamngheo.registry.fields import (
    HOUSEHOLD_EDITABLE_FIELDS,
    HOUSEHOLD_SURVEY_NAMES,
    PERSON_ANSWER_NAMES,
    PERSON_EDITABLE_FIELDS,
)
from giamngheo.registry.models import Household, Membership, Person, Relation, StatusChange

# The field lists are derived from the engine's schema in registry.fields (one source).
HOUSEHOLD_STATUS_FIELDS = ("status", "status_standard", "status_year")
HOUSEHOLD_AUDIT_FIELDS = (
    "code",
    "village_id",
    *HOUSEHOLD_EDITABLE_FIELDS,
    *HOUSEHOLD_STATUS_FIELDS,
)


class RegistryError(DomainError):
    """A refused registry change; the message is for the user (Vietnamese)."""


@dataclass(frozen=True)
class PersonData:
    full_name: str
    sex: str
    birth_year: int
    relation: str
    birth_date: dt.date | None = None
    ethnicity: str = "01"
    citizen_id: str | None = None


def _clean_person(data: PersonData) -> PersonData:
    """The name in NFC without hidden characters, birth date and year within 1900..today
    (lib.validators): the same rules for forms, imports and the API."""
    fields = {
        "full_name": data.full_name,
        "birth_year": data.birth_year,
        "birth_date": data.birth_date,
        "citizen_id": data.citizen_id,
    }
    return dataclasses.replace(data, **_clean_person_changes(fields))


def _clean_person_changes(changes: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(changes)
    with validators.reraise_as(RegistryError):
        if "full_name" in cleaned:
            cleaned["full_name"] = validators.clean_name(
                cleaned["full_name"], label=_("Họ và tên"), max_length=200
            )
        if cleaned.get("birth_date") is not None:
            validators.check_birth_date(cleaned["birth_date"])
        if cleaned.get("birth_year") is not None:
            validators.check_birth_year(cleaned["birth_year"])
        if "citizen_id" in cleaned:
            cleaned["citizen_id"] = validators.clean_citizen_id(cleaned["citizen_id"])
    return cleaned


def _clean_household_changes(changes: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(changes)
    with validators.reraise_as(RegistryError):
        if "address" in cleaned:
            cleaned["address"] = validators.clean_text(
                cleaned["address"], label=_("Địa chỉ"), max_length=300
            )
        if "area_kind_override_reason" in cleaned:
            cleaned["area_kind_override_reason"] = validators.clean_text(
                cleaned["area_kind_override_reason"], label=_("Lý do"), max_length=300
            )
        if "phone" in cleaned:
            cleaned["phone"] = validators.clean_phone(cleaned["phone"])
    return cleaned


def _clean_reason(reason: str, on: dt.date) -> str:
    """A move's or departure's reason (free text, no bidi or control characters) and date
    (from 1900, not after today)."""
    with validators.reraise_as(RegistryError):
        validators.check_event_date(on, label=_("Ngày"))
        return validators.clean_text(reason, label=_("Lý do"), max_length=200)


def _lock_household(household: Household, expected_version: int | None) -> Household:
    """Lock the row; refuse when someone saved since the editor loaded ``expected_version``."""
    return locking.lock_for_edit(
        Household.objects.select_related("village"),
        household.pk,
        expected_version,
        error=RegistryError,
        message=_(
            "Hộ này vừa được người khác cập nhật. Hãy tải lại trang để xem thay đổi mới "
            "rồi nhập lại."
        ),
    )


def _search_text(household: Household, names: list[str]) -> str:
    return search_key(" ".join([household.code, *names]))[:400]


def _require_change(actor: Actor, village: AdministrativeUnit) -> None:
    if actor is not None and not access.can_change_area(actor, village):
        raise RegistryError(_("Bạn không có quyền thay đổi dữ liệu của địa bàn này."))


@transaction.atomic
def household_create(
    *,
    actor: Actor,
    village: AdministrativeUnit,
    code: str,
    members: list[PersonData],
    address: str = "",
    phone: str = "",
    area_kind: str | None = None,
    area_kind_override_reason: str = "",
) -> Household:
    """Create a household with its members; the member whose relation is ``head`` heads it."""
    members = [_clean_person(m) for m in members]
    with validators.reraise_as(RegistryError):
        code = validators.clean_name(code, label=_("Mã hộ"), max_length=30)
        address = validators.clean_text(address, label=_("Địa chỉ"), max_length=300)
        area_kind_override_reason = validators.clean_text(
            area_kind_override_reason, label=_("Lý do"), max_length=300
        )
        phone = validators.clean_phone(phone)
    if village.level != Level.VILLAGE:
        raise RegistryError(_("Hộ gia đình phải thuộc một thôn, tổ dân phố."))
    _require_change(actor, village)
    heads = [m for m in members if m.relation == Relation.HEAD]
    if len(heads) != 1:
        raise RegistryError(_("Mỗi hộ phải có đúng một chủ hộ."))
    if area_kind and area_kind != village.area_kind and not area_kind_override_reason.strip():
        raise RegistryError(_("Cần ghi lý do khi khu vực của hộ khác khu vực của thôn."))
    assert village.province_id is not None and village.parent_id is not None  # noqa: S101 - level
    household = Household.objects.create(
        code=code,
        province_id=village.province_id,
        commune_id=village.parent_id,
        village=village,
        address=address,
        phone=phone,
        head_name=heads[0].full_name,
        area_kind=area_kind or village.area_kind,
        area_kind_override_reason=area_kind_override_reason,
        member_count=len(members),
    )
    for data in members:
        person = Person.objects.create(
            full_name=data.full_name,
            sex=data.sex,
            birth_year=data.birth_year,
            birth_date=data.birth_date,
            ethnicity=data.ethnicity,
            citizen_id=data.citizen_id,
            search_name=search_key(data.full_name),
        )
        Membership.objects.create(
            person=person,
            household=household,
            relation=data.relation,
            is_head=data.relation == Relation.HEAD,
        )
    household.search_text = _search_text(household, [m.full_name for m in members])
    household.save(update_fields=["search_text"])
    audit.record(
        actor=actor,
        action="registry.household_created",
        obj=household,
        after={
            **audit.snapshot(household, HOUSEHOLD_AUDIT_FIELDS),
            "members": [m.full_name for m in members],
        },
    )
    return household


@transaction.atomic
def household_update(
    *, actor: Actor, household: Household, expected_version: int, **changes: Any
) -> Household:
    """Change household fields. ``expected_version`` is the version the editor loaded: if
    someone saved in between, the change is refused (optimistic locking)."""
    unknown = set(changes) - set(HOUSEHOLD_EDITABLE_FIELDS)
    if unknown:
        raise RegistryError(f"Not editable household fields: {sorted(unknown)}")
    changes = _clean_household_changes(changes)
    locked = _lock_household(household, expected_version)
    _require_change(actor, locked.village)
    if (
        changes.get("area_kind", locked.area_kind) != locked.village.area_kind
        and not str(
            changes.get("area_kind_override_reason", locked.area_kind_override_reason)
        ).strip()
    ):
        raise RegistryError(_("Cần ghi lý do khi khu vực của hộ khác khu vực của thôn."))
    before = audit.snapshot(locked, HOUSEHOLD_AUDIT_FIELDS)
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save()
    audit.record(
        actor=actor,
        action="registry.household_updated",
        obj=locked,
        before=before,
        after=audit.snapshot(locked, HOUSEHOLD_AUDIT_FIELDS),
    )
    return locked


def _refresh_household(household: Household) -> None:
    """Recompute what is derived from the members: head name, size, search text."""
    current = list(
        Membership.objects.filter(household=household, left_on__isnull=True).select_related(
            "person"
        )
    )
    head = next((m.person.full_name for m in current if m.is_head), "")
    household.head_name = head
    household.member_count = len(current)
    household.search_text = _search_text(household, [m.person.full_name for m in current])
    household.version += 1
    household.save(update_fields=["head_name", "member_count", "search_text", "version"])


def _check_citizen_id(citizen_id: str | None, *, exclude_person: int | None = None) -> None:
    """``citizen_id`` is already cleaned (``validators.clean_citizen_id``): is it free?"""
    if citizen_id is None:
        return
    clash = Person.objects.filter(citizen_id=citizen_id, is_active=True)
    if exclude_person is not None:
        clash = clash.exclude(pk=exclude_person)
    if clash.exists():
        raise RegistryError(
            _("Số định danh %(id)s đã thuộc về một người khác đang được quản lý.")
            % {"id": citizen_id}
        )


def _status_date(basis: str, effective_on: dt.date | None) -> dt.date:
    if not basis.strip():
        raise RegistryError(_("Cần ghi căn cứ (quyết định công nhận) khi thay đổi tình trạng hộ."))
    if effective_on is None:
        return clock.today()
    with validators.reraise_as(RegistryError):
        # A decision may take effect after it is signed: the future is allowed.
        return validators.check_event_date(
            effective_on, label=_("Ngày có hiệu lực"), allow_future=True
        )


def _status_history(
    households: list[Household],
    statuses: Mapping[int, str],
    standard: str,
    year: int,
    *,
    basis: str,
    effective_on: dt.date,
) -> None:
    """One ``StatusChange`` per household whose status changes (households as locked, before
    the update): the dated history eligibility rules read."""
    StatusChange.objects.bulk_create(
        [
            StatusChange(
                household_id=h.pk,
                province_id=h.province_id,
                commune_id=h.commune_id,
                village_id=h.village_id,
                previous_status=h.status,
                status=statuses[h.pk],
                standard=standard,
                year=year,
                effective_on=effective_on,
                basis=basis[:500],
            )
            for h in households
            if statuses[h.pk] != h.status
        ],
        batch_size=2000,
    )


@transaction.atomic
def household_status_set(
    *,
    actor: Actor,
    household: Household,
    status: str,
    standard: str,
    year: int,
    basis: str,
    effective_on: dt.date | None = None,
) -> Household:
    """Set the official status. Only the recognition decision of the commune chairman calls
    this (Decision 24/2021/QĐ-TTg Art. 4.5 and 5.2); ``basis`` names that decision and
    ``effective_on`` (today by default) its date: a changed status gets a ``StatusChange``."""
    effective_on = _status_date(basis, effective_on)
    locked = _lock_household(household, None)
    before = audit.snapshot(locked, HOUSEHOLD_STATUS_FIELDS)
    _status_history(
        [locked], {locked.pk: status}, standard, year, basis=basis, effective_on=effective_on
    )
    locked.status, locked.status_standard, locked.status_year = status, standard, year
    locked.version += 1
    locked.save(update_fields=[*HOUSEHOLD_STATUS_FIELDS, "version", "updated_at"])
    audit.record(
        actor=actor,
        action="registry.household_status_changed",
        obj=locked,
        before=before,
        after=audit.snapshot(locked, HOUSEHOLD_STATUS_FIELDS),
        note=basis,
    )
    return locked


@dataclass(frozen=True)
class MeasuredValues:
    """What one survey measured for one household, to become its current values: household
    fields (``registry.fields.HOUSEHOLD_SURVEY_NAMES``) and, per person id, member answers
    (``PERSON_ANSWER_NAMES``), as the survey stored them (JSON types)."""

    household: Mapping[str, Any]
    members: Mapping[int, Mapping[str, Any]] = dataclasses.field(default_factory=dict)


_UNSTORABLE = object()


def _storable(instance: Household | Person, name: str, value: Any) -> Any:
    """``value`` as the model field stores it, or ``_UNSTORABLE`` when it does not fit (a survey
    answer outside the column's range: the survey keeps it, the registry keeps its value)."""
    field = instance._meta.get_field(name)
    if not isinstance(field, Field):
        raise RegistryError(f"{name} is not a field of {instance._meta.label}")
    if isinstance(field, DecimalField) and isinstance(value, int | float):
        try:
            value = Decimal(str(value)).quantize(Decimal(1).scaleb(-field.decimal_places))
        except InvalidOperation:
            return _UNSTORABLE
    try:
        return field.clean(value, instance)
    except ValidationError:
        return _UNSTORABLE


def _apply(
    instance: Household | Person, values: Mapping[str, Any], skipped: list[str], prefix: str = ""
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Set the values that differ; the before and after of the changed fields."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name, value in values.items():
        new = _storable(instance, name, value)
        if new is _UNSTORABLE:
            skipped.append(f"{prefix}{name}")
            continue
        old = getattr(instance, name)
        if old != new:
            before[name], after[name] = old, new
            setattr(instance, name, new)
    return before, after


@transaction.atomic
def households_values_from_surveys(
    *, actor: Actor, measured: Mapping[int, MeasuredValues], note: str
) -> dict[int, list[str]]:
    """Make what surveys measured the current values of their households and members (the
    next survey is prefilled from them). ``measured``: household id → the values of its most
    recent survey, already limited by the caller (the surveys app, which knows the survey dates)
    to answers no later survey measured. ``None`` answers are not given (they erase nothing).

    Members: only persons who are still current members of that household are changed.
    Values that do not fit the registry's columns are left unchanged (the survey keeps them).
    Rows are locked, ``version`` is bumped (optimistic locking: a form opened before is
    refused), and each household with a change gets one ``registry.values_from_survey`` audit
    event with the before/after of its changed fields (``members.<person id>.<field>`` for a
    member's). Returns household id → those field names; households without a change are left
    out."""
    household_names, member_names = set(HOUSEHOLD_SURVEY_NAMES), set(PERSON_ANSWER_NAMES)
    for values in measured.values():
        unknown = set(values.household) - household_names
        unknown |= {n for m in values.members.values() for n in m} - member_names
        if unknown:
            raise RegistryError(f"Not survey-measured fields: {sorted(unknown)}")
    if not measured:
        return {}
    households = list(
        Household.objects.select_for_update(of=("self",))
        .select_related("village")
        .filter(pk__in=list(measured))
        .order_by("pk")
    )
    for household in households:
        _require_change(actor, household.village)
    person_ids = {pk for values in measured.values() for pk in values.members}
    member_of = dict(
        Membership.objects.filter(person_id__in=person_ids, left_on__isnull=True).values_list(
            "person_id", "household_id"
        )
    )
    persons = {
        p.pk: p
        for p in Person.objects.select_for_update()
        .filter(pk__in=[pk for pk in person_ids if pk in member_of])
        .order_by("pk")
    }
    now = timezone.now()
    changed_households: list[Household] = []
    changed_persons: list[Person] = []
    household_fields: set[str] = set()
    person_fields: set[str] = set()
    events: list[audit.Change] = []
    result: dict[int, list[str]] = {}
    for household in households:
        values = measured[household.pk]
        skipped: list[str] = []
        before, after = _apply(household, values.household, skipped)
        own = list(after)
        changed = list(own)
        for person_id, answers in values.members.items():
            person = persons.get(person_id)
            if person is None or member_of.get(person_id) != household.pk:
                continue
            person_before, person_after = _apply(
                person, answers, skipped, prefix=f"members.{person_id}."
            )
            if person_after:
                for name in person_after:
                    key = f"members.{person_id}.{name}"
                    before[key], after[key] = person_before[name], person_after[name]
                    changed.append(key)
                person_fields.update(person_after)
                locking.bump(person)
                person.updated_at = now
                changed_persons.append(person)
        if not changed:
            continue
        if own:
            household_fields.update(own)
            locking.bump(household)
            household.updated_at = now
            changed_households.append(household)
        if skipped:
            after["not_stored"] = skipped
        events.append(audit.Change(obj=household, before=before, after=after))
        result[household.pk] = changed
    if changed_households:
        Household.objects.bulk_update(
            changed_households,
            [*sorted(household_fields), "version", "updated_at"],
            batch_size=2000,
        )
    if changed_persons:
        Person.objects.bulk_update(
            changed_persons, [*sorted(person_fields), "version", "updated_at"], batch_size=2000
        )
    audit.record_many(actor=actor, action="registry.values_from_survey", changes=events, note=note)
    return result


@transaction.atomic
def member_add(
    *,
    actor: Actor,
    household: Household,
    data: PersonData,
    joined_on: dt.date | None = None,
    expected_version: int | None = None,
) -> Membership:
    """Add a new person to a household (birth, arrival). A new head goes through head_change."""
    data = _clean_person(data)
    locked = _lock_household(household, expected_version)
    _require_change(actor, locked.village)
    if data.relation == Relation.HEAD:
        raise RegistryError(_("Hộ đã có chủ hộ; dùng chức năng đổi chủ hộ."))
    _check_citizen_id(data.citizen_id)
    person = Person.objects.create(
        full_name=data.full_name,
        sex=data.sex,
        birth_year=data.birth_year,
        birth_date=data.birth_date,
        ethnicity=data.ethnicity,
        citizen_id=data.citizen_id,
        search_name=search_key(data.full_name),
    )
    membership = Membership.objects.create(
        person=person, household=locked, relation=data.relation, joined_on=joined_on
    )
    _refresh_household(locked)
    audit.record(
        actor=actor,
        action="registry.member_added",
        obj=person,
        after={**audit.snapshot(person, PERSON_EDITABLE_FIELDS), "household": locked.code},
        area_of=locked,
    )
    return membership


def _current_membership(person: Person) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .select_related("household__village")
        .filter(person=person, left_on__isnull=True)
        .first()
    )
    if membership is None:
        raise RegistryError(_("Người này hiện không thuộc hộ nào."))
    return membership


@transaction.atomic
def person_update(
    *, actor: Actor, person: Person, expected_version: int | None = None, **changes: Any
) -> Person:
    """Change a person's facts. ``expected_version``: the version the edit form was loaded
    with; a save against a stale version is refused (optimistic locking, ``lib.locking``)."""
    unknown = set(changes) - set(PERSON_EDITABLE_FIELDS)
    if unknown:
        raise RegistryError(f"Not editable person fields: {sorted(unknown)}")
    changes = _clean_person_changes(changes)
    membership = _current_membership(person)
    _require_change(actor, membership.household.village)
    locked = locking.lock_for_edit(
        Person.objects,
        person.pk,
        expected_version,
        error=RegistryError,
        message=_(
            "Thông tin người này vừa được người khác cập nhật. Hãy tải lại trang để xem thay "
            "đổi mới rồi nhập lại."
        ),
    )
    if "citizen_id" in changes:
        _check_citizen_id(changes["citizen_id"], exclude_person=locked.pk)
    before = audit.snapshot(locked, PERSON_EDITABLE_FIELDS)
    for name, value in changes.items():
        setattr(locked, name, value)
    if locked.birth_date is not None:
        locked.birth_year = locked.birth_date.year
    locked.search_name = search_key(locked.full_name)
    locking.bump(locked)
    locked.save()
    _refresh_household(membership.household)
    audit.record(
        actor=actor,
        action="registry.person_updated",
        obj=locked,
        before=before,
        after=audit.snapshot(locked, PERSON_EDITABLE_FIELDS),
        area_of=membership.household,
    )
    return locked


@transaction.atomic
def head_change(*, actor: Actor, household: Household, new_head: Person, on: dt.date) -> Household:
    """Make ``new_head`` (a current member) the head; the old head stays as a member."""
    locked = _lock_household(household, None)
    _require_change(actor, locked.village)
    memberships = {
        m.person_id: m
        for m in Membership.objects.select_for_update().filter(
            household=locked, left_on__isnull=True
        )
    }
    if new_head.pk not in memberships:
        raise RegistryError(_("Chủ hộ mới phải là thành viên hiện tại của hộ."))
    old = next((m for m in memberships.values() if m.is_head), None)
    if old is not None:
        old.is_head, old.relation = False, Relation.OTHER
        old.save(update_fields=["is_head", "relation"])
    new = memberships[new_head.pk]
    new.is_head, new.relation = True, Relation.HEAD
    new.save(update_fields=["is_head", "relation"])
    _refresh_household(locked)
    audit.record(
        actor=actor,
        action="registry.head_changed",
        obj=locked,
        before={"head": old.person_id if old else None},
        after={"head": new_head.pk, "on": on},
    )
    return locked


@transaction.atomic
def member_move(
    *,
    actor: Actor,
    person: Person,
    to_household: Household,
    relation: str,
    on: dt.date,
    reason: str,
) -> Membership:
    """Move a person to another household (marriage, separation): the old stay ends the day
    before ``on`` and a new one starts, so the history is kept. A head must be replaced first."""
    reason = _clean_reason(reason, on)
    if not reason.strip():
        raise RegistryError(_("Cần ghi lý do chuyển hộ (kết hôn, tách hộ, …)."))
    if relation == Relation.HEAD:
        raise RegistryError(_("Người chuyển đến không thể là chủ hộ ngay; đổi chủ hộ sau."))
    current = _current_membership(person)
    if current.household_id == to_household.pk:
        raise RegistryError(_("Người này đã ở trong hộ đó."))
    if current.is_head:
        raise RegistryError(_("Đây là chủ hộ: hãy đổi chủ hộ trước khi chuyển người này đi."))
    _require_change(actor, current.household.village)
    target = _lock_household(to_household, None)
    _require_change(actor, target.village)
    if current.joined_on is not None and on <= current.joined_on:
        raise RegistryError(_("Ngày chuyển phải sau ngày người này vào hộ cũ."))
    current.left_on = on - dt.timedelta(days=1)
    current.leave_reason = reason.strip()
    current.save(update_fields=["left_on", "leave_reason"])
    moved = Membership.objects.create(
        person=person, household=target, relation=relation, joined_on=on
    )
    _refresh_household(current.household)
    _refresh_household(target)
    audit.record(
        actor=actor,
        action="registry.member_moved",
        obj=person,
        before={"household": current.household.code},
        after={"household": target.code, "on": on, "relation": relation},
        note=reason,
        area_of=target,
    )
    return moved


@transaction.atomic
def member_leave(*, actor: Actor, person: Person, on: dt.date, reason: str) -> None:
    """A member leaves the registry (death, moving out of the province): the stay ends and the
    person is no longer active (their ID may then belong to a record elsewhere)."""
    reason = _clean_reason(reason, on)
    if not reason.strip():
        raise RegistryError(_("Cần ghi lý do (qua đời, chuyển đi nơi khác, …)."))
    current = _current_membership(person)
    if current.is_head:
        raise RegistryError(_("Đây là chủ hộ: hãy đổi chủ hộ trước."))
    _require_change(actor, current.household.village)
    current.left_on = on
    current.leave_reason = reason.strip()
    current.save(update_fields=["left_on", "leave_reason"])
    Person.objects.filter(pk=person.pk).update(is_active=False)
    _refresh_household(current.household)
    audit.record(
        actor=actor,
        action="registry.member_left",
        obj=person,
        before={"household": current.household.code, "is_active": True},
        after={"is_active": False, "on": on},
        note=reason,
        area_of=current.household,
    )


@transaction.atomic
def households_status_set_bulk(
    *,
    actor: Actor,
    statuses: Mapping[int, str],
    standard: str,
    year: int,
    basis: str,
    effective_on: dt.date | None = None,
) -> int:
    """The bulk form of ``household_status_set`` for a recognition decision (Decision
    24/2021/QĐ-TTg Art. 4.5, 5.2; ``review.services.decision_issue`` calls it): rows locked, one
    UPDATE per target status, ``version`` bumped (optimistic locking), and one
    ``registry.household_status_changed`` audit event per household with the same before/after
    fields and the decision as note — the conventions of the single-household service; a
    ``StatusChange`` from ``effective_on`` (the decision's date) for each changed status."""
    effective_on = _status_date(basis, effective_on)
    if not statuses:
        return 0
    locked = list(
        Household.objects.select_for_update(of=("self",))
        .filter(pk__in=list(statuses))
        .only(
            "pk",
            "code",
            "head_name",
            "province_id",
            "commune_id",
            "village_id",
            *HOUSEHOLD_STATUS_FIELDS,
        )
    )
    _status_history(locked, statuses, standard, year, basis=basis, effective_on=effective_on)
    by_status: dict[str, list[int]] = {}
    for pk, status in statuses.items():
        by_status.setdefault(status, []).append(pk)
    now = timezone.now()
    for status, ids in by_status.items():
        Household.objects.filter(pk__in=ids).update(
            status=status,
            status_standard=standard,
            status_year=year,
            version=F("version") + 1,
            updated_at=now,
        )
        crash_point("status_bulk.update")  # a test hook (lib.crashpoints); inert otherwise
    return audit.record_many(
        actor=actor,
        action="registry.household_status_changed",
        changes=[
            audit.Change(
                obj=household,
                before=audit.snapshot(household, HOUSEHOLD_STATUS_FIELDS),
                after={
                    "status": statuses[household.pk],
                    "status_standard": standard,
                    "status_year": year,
                },
            )
            for household in locked
        ],
        note=basis,
    )
