"""Life events: a death, a departure, an arrival (birth, marriage, return) or a change of head,
recorded as a ``LifeEvent`` on top of the member services (``registry.services``), each in one
transaction with its audit events.

A death or departure of the household's main earner sets ``LifeEvent.review_needed``: the
household may need the in-year review (QĐ 24/2021/QĐ-TTg Art. 5: a household whose situation
changed may apply at any time). The review app reads these rows for its attention list; the
registry does not know the review (layers, docs/architecture.md).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts.types import Actor, acting_user
from giamngheo.audit import services as audit
from giamngheo.lib import clock, validators
from giamngheo.lib.text import search_key
from giamngheo.registry import services
from giamngheo.registry.models import (
    Household,
    LifeEvent,
    LifeEventKind,
    Membership,
    Person,
    Relation,
)
from giamngheo.registry.services import PersonData, RegistryError

ARRIVAL_KINDS = (LifeEventKind.BIRTH, LifeEventKind.MARRIAGE, LifeEventKind.RETURN)


def _current(household: Household, person: Person) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .filter(household=household, person=person, left_on__isnull=True)
        .first()
    )
    if membership is None:
        raise RegistryError(_("Người này không phải là thành viên hiện tại của hộ."))
    return membership


def _clean_note(note: str, on: dt.date) -> str:
    # lib.clock: the day the tests fix (validators use the machine's date).
    if on > clock.today():
        raise RegistryError(_("Ngày xảy ra không thể ở tương lai."))
    with validators.reraise_as(RegistryError):
        validators.check_event_date(on, label=_("Ngày xảy ra"))
        return validators.clean_text(note, label=_("Ghi chú"), max_length=300).strip()


@transaction.atomic
def life_event_record(
    *,
    actor: Actor,
    household: Household,
    kind: str,
    on: dt.date,
    note: str = "",
    person: Person | None = None,
    data: PersonData | None = None,
    relation: str = "",
    new_head: Person | None = None,
) -> LifeEvent:
    """Record one life event of ``household`` on ``on`` (not in the future).

    - ``death``, ``departure``: ``person`` (a current member) leaves; a head is first replaced
      by ``new_head`` (``services.head_change``); a death sets ``Person.died_on``. When the
      person was the main earner, the event is flagged ``review_needed``.
    - ``birth``: ``data`` is the child (born on ``on``), added with ``services.member_add``.
    - ``marriage``: either ``data`` (a new person) or ``person`` (from another household of
      the registry, moved with ``services.member_move``), with ``relation``.
    - ``return``: ``person``, a former member of this household who left (not deceased),
      rejoins with ``relation`` (``member_return``).
    - ``head_change``: ``person`` (a current member) becomes the head.
    """
    if kind not in LifeEventKind.values:
        raise RegistryError(f"Unknown life event kind {kind!r}")
    note = _clean_note(note, on)
    locked = services._lock_household(household, None)
    services._require_change(actor, locked.village)
    review_needed = False
    other: Household | None = None
    label = str(LifeEventKind(kind).label)
    reason = f"{label}: {note}" if note else label
    if kind in (LifeEventKind.DEATH, LifeEventKind.DEPARTURE):
        if person is None:
            raise RegistryError(_("Chọn người trong hộ."))
        membership = _current(locked, person)
        review_needed = membership.is_main_earner
        if membership.is_head:
            if new_head is None or new_head.pk == person.pk:
                raise RegistryError(_("Người này là chủ hộ: chọn chủ hộ mới trong hộ."))
            _current(locked, new_head)
            services.head_change(actor=actor, household=locked, new_head=new_head, on=on)
        services.member_leave(actor=actor, person=person, on=on, reason=reason[:200])
        if kind == LifeEventKind.DEATH:
            Person.objects.filter(pk=person.pk).update(died_on=on)
    elif kind == LifeEventKind.BIRTH:
        if data is None:
            raise RegistryError(_("Nhập thông tin của trẻ."))
        data = dataclasses.replace(data, birth_date=on, birth_year=on.year)
        person = _arrive(actor, locked, data, on)
    elif kind == LifeEventKind.MARRIAGE:
        if person is not None:
            _check_relation(relation)
            origin = (
                Membership.objects.filter(person=person, left_on__isnull=True)
                .select_related("household")
                .first()
            )
            if origin is None:
                raise RegistryError(_("Người này hiện không thuộc hộ nào."))
            other = origin.household
            services.member_move(
                actor=actor,
                person=person,
                to_household=locked,
                relation=relation,
                on=on,
                reason=reason[:200],
            )
        elif data is not None:
            person = _arrive(actor, locked, data, on)
        else:
            raise RegistryError(_("Nhập thông tin người về ở cùng."))
    elif kind == LifeEventKind.RETURN:
        if person is None:
            raise RegistryError(_("Chọn người trở về."))
        member_return(actor=actor, household=locked, person=person, relation=relation, on=on)
    else:  # head_change
        if person is None:
            raise RegistryError(_("Chọn chủ hộ mới."))
        if _current(locked, person).is_head:
            raise RegistryError(_("Người này đã là chủ hộ."))
        services.head_change(actor=actor, household=locked, new_head=person, on=on)
    assert person is not None  # noqa: S101 - every branch sets or refuses it
    event = LifeEvent.objects.create(
        household=locked,
        province_id=locked.province_id,
        commune_id=locked.commune_id,
        village_id=locked.village_id,
        person=person,
        kind=kind,
        on=on,
        note=note,
        other_household=other,
        review_needed=review_needed,
        recorded_by=acting_user(actor),
    )
    audit.record(
        actor=actor,
        action="registry.life_event_recorded",
        obj=event,
        after={
            "kind": kind,
            "on": on,
            "person": person.pk,
            "household": locked.code,
            "review_needed": review_needed,
        },
        note=note,
    )
    return event


def _check_relation(relation: str) -> None:
    if relation not in Relation.values or relation == Relation.HEAD:
        raise RegistryError(_("Chọn quan hệ với chủ hộ (không phải chủ hộ)."))


def _arrive(actor: Actor, household: Household, data: PersonData, on: dt.date) -> Person:
    _check_relation(data.relation)
    if data.birth_date is not None and data.birth_date > on:
        raise RegistryError(_("Ngày sinh không thể sau ngày về hộ."))
    return services.member_add(actor=actor, household=household, data=data, joined_on=on).person


@transaction.atomic
def member_return(
    *, actor: Actor, household: Household, person: Person, relation: str, on: dt.date
) -> Membership:
    """A former member who left the registry (not deceased, not merged) comes back to this
    household on ``on``: a new stay starts and the person is managed again (their citizen ID
    must still be free)."""
    _check_relation(relation)
    with validators.reraise_as(RegistryError):
        validators.check_event_date(on, label=_("Ngày trở về"))
    locked = services._lock_household(household, None)
    services._require_change(actor, locked.village)
    person = Person.objects.select_for_update().get(pk=person.pk)
    last = (
        Membership.objects.filter(household=locked, person=person, left_on__isnull=False)
        .order_by("-left_on")
        .first()
    )
    if last is None:
        raise RegistryError(_("Người này chưa từng là thành viên của hộ."))
    if person.died_on is not None or person.merged_into_id is not None:
        raise RegistryError(_("Người này đã mất hoặc đã được gộp vào bản ghi khác."))
    if Membership.objects.filter(person=person, left_on__isnull=True).exists():
        raise RegistryError(_("Người này đang thuộc một hộ khác."))
    assert last.left_on is not None  # noqa: S101 - filtered above
    if on <= last.left_on:
        raise RegistryError(_("Ngày trở về phải sau ngày rời hộ."))
    services._check_citizen_id(person.citizen_id, exclude_person=person.pk)
    person.is_active = True
    person.search_name = search_key(person.full_name)
    person.version += 1
    person.save(update_fields=["is_active", "search_name", "version", "updated_at"])
    membership = Membership.objects.create(
        person=person, household=locked, relation=relation, joined_on=on
    )
    services._refresh_household(locked)
    audit.record(
        actor=actor,
        action="registry.member_returned",
        obj=person,
        before={"is_active": False},
        after={"is_active": True, "household": locked.code, "on": on, "relation": relation},
        area_of=locked,
    )
    return membership


@transaction.atomic
def main_earner_set(
    *, actor: Actor, household: Household, person: Person, is_main_earner: bool
) -> Membership:
    """Mark ``person`` (a current member) as the household's main earner, or not; at most one
    current main earner per household (a partial unique constraint)."""
    locked = services._lock_household(household, None)
    services._require_change(actor, locked.village)
    membership = _current(locked, person)
    if membership.is_main_earner == is_main_earner:
        return membership
    before = (
        Membership.objects.filter(household=locked, left_on__isnull=True, is_main_earner=True)
        .values_list("person_id", flat=True)
        .first()
    )
    if is_main_earner:
        Membership.objects.filter(household=locked, left_on__isnull=True).exclude(
            pk=membership.pk
        ).update(is_main_earner=False)
    membership.is_main_earner = is_main_earner
    membership.save(update_fields=["is_main_earner"])
    audit.record(
        actor=actor,
        action="registry.main_earner_set",
        obj=locked,
        before={"main_earner": before},
        after={"main_earner": person.pk if is_main_earner else None},
    )
    return membership


def events_of(household: Household) -> list[LifeEvent]:
    """The household's life events, latest first (the caller has checked it may see it)."""
    return list(
        LifeEvent.objects.filter(household=household).select_related("person", "other_household")
    )
