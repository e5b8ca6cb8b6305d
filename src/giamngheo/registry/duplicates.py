"""Possible duplicate persons and the merge tool.

Two records are flagged as possibly the same person when they share a personal ID number, or
when they share the accent-free name, the birth date (or the birth year when a date is missing)
and the village of their current household. Flags are computed set-based in SQL; merging is a
service with a full audit trail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.types import Actor, Viewer
from giamngheo.audit import services as audit
from giamngheo.registry.fields import PERSON_EDITABLE_FIELDS
from giamngheo.registry.models import Household, Membership, Person
from giamngheo.registry.services import (
    RegistryError,
    _current_membership,
    _refresh_household,
    _require_change,
)

REASON_SAME_ID = "same_id"
REASON_SAME_NAME_BIRTH_VILLAGE = "same_name_birth_village"

_PAIRS_SQL = """
WITH known AS (  -- everyone who has lived in a visible household (current or past stay)
    SELECT DISTINCT p.id, p.citizen_id
    FROM registry_person p
    JOIN registry_membership m ON m.person_id = p.id
    WHERE m.household_id = ANY(%(households)s) AND p.merged_into_id IS NULL
      AND p.citizen_id IS NOT NULL
      AND (%(persons)s::bigint[] IS NULL OR p.id = ANY(%(persons)s::bigint[]))
), current AS (
    SELECT p.id, p.search_name, p.birth_year, p.birth_date, h.village_id
    FROM registry_person p
    JOIN registry_membership m ON m.person_id = p.id AND m.left_on IS NULL
    JOIN registry_household h ON h.id = m.household_id
    WHERE h.id = ANY(%(households)s) AND p.merged_into_id IS NULL
      AND (%(persons)s::bigint[] IS NULL OR p.id = ANY(%(persons)s::bigint[]))
)
SELECT a.id, b.id, 'same_id'
FROM known a JOIN known b ON b.citizen_id = a.citizen_id AND b.id > a.id
UNION
SELECT a.id, b.id, 'same_name_birth_village'
FROM current a JOIN current b
  ON b.village_id = a.village_id AND b.search_name = a.search_name AND b.id > a.id
 AND b.birth_year = a.birth_year
 AND (a.birth_date IS NULL OR b.birth_date IS NULL OR a.birth_date = b.birth_date)
ORDER BY 1, 2
LIMIT %(limit)s
"""


@dataclass(frozen=True)
class DuplicatePair:
    first: Person
    second: Person
    reason: str

    @property
    def reason_label(self) -> str:
        if self.reason == REASON_SAME_ID:
            return _("Trùng số định danh")
        return _("Trùng họ tên, ngày sinh và thôn")


def possible_duplicates(user: Viewer, limit: int = 500) -> list[DuplicatePair]:
    """Pairs of possibly identical persons among the households the user may see."""
    visible = list(access.scoped(Household.objects.all(), user).values_list("id", flat=True))
    if not visible:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_PAIRS_SQL, {"households": visible, "limit": limit, "persons": None})
        rows = cursor.fetchall()
    ids = {pid for a, b, _reason in rows for pid in (a, b)}
    persons = Person.objects.in_bulk(ids)
    return [DuplicatePair(persons[a], persons[b], reason) for a, b, reason in rows]


def is_proposed_pair(user: Viewer, first: Person, second: Person) -> bool:
    """Whether ``user``'s duplicates page proposes ``first`` and ``second`` as one pair, computed
    again for just these two (not from what the browser sent, and not cut by the page's limit).
    """
    visible = list(access.scoped(Household.objects.all(), user).values_list("id", flat=True))
    if not visible or first.pk == second.pk:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            _PAIRS_SQL,
            {"households": visible, "limit": 2, "persons": [first.pk, second.pk]},
        )
        return bool(cursor.fetchall())


@transaction.atomic
def persons_merge(*, actor: Actor, keep: Person, remove: Person, on: dt.date) -> Person:
    """Merge ``remove`` into ``keep``: fill ``keep``'s missing facts from ``remove``, end
    ``remove``'s stay in its household, mark it inactive and merged. Nothing is deleted."""
    if keep.pk == remove.pk:
        raise RegistryError(_("Không thể gộp một người với chính họ."))
    locked_keep = Person.objects.select_for_update().get(pk=keep.pk)
    locked_remove = Person.objects.select_for_update().get(pk=remove.pk)
    if locked_remove.merged_into_id is not None or locked_keep.merged_into_id is not None:
        raise RegistryError(_("Một trong hai người đã được gộp trước đó."))
    keep_stay = _current_membership(locked_keep)
    _require_change(actor, keep_stay.household.village)
    remove_stay = (
        Membership.objects.select_for_update()
        .select_related("household__village")
        .filter(person=locked_remove, left_on__isnull=True)
        .first()
    )
    if remove_stay is not None:
        _require_change(actor, remove_stay.household.village)
        if remove_stay.is_head:
            raise RegistryError(
                _("Người cần gộp đang là chủ hộ %(code)s: hãy đổi chủ hộ trước.")
                % {"code": remove_stay.household.code}
            )
    # Only a pair the duplicates page proposes may be merged: merging two unrelated people
    # would end one's stay and hand their ID to the other.
    if actor is not None and not is_proposed_pair(actor, locked_keep, locked_remove):
        raise RegistryError(
            _(
                "Hai người này không phải là một cặp có thể trùng nhau trong danh sách: không "
                "gộp được."
            )
        )
    before_keep = audit.snapshot(locked_keep, PERSON_EDITABLE_FIELDS)
    before_remove = audit.snapshot(locked_remove, [*PERSON_EDITABLE_FIELDS, "is_active"])
    citizen_id = locked_remove.citizen_id
    if remove_stay is not None:
        remove_stay.left_on = on
        remove_stay.leave_reason = _("Gộp bản ghi trùng")
        remove_stay.save(update_fields=["left_on", "leave_reason"])
    locked_remove.is_active = False
    locked_remove.merged_into = locked_keep
    locked_remove.citizen_id = None if citizen_id and not locked_keep.citizen_id else citizen_id
    locked_remove.version += 1  # an open edit form of either person is now stale
    locked_remove.save()
    if locked_keep.citizen_id is None and citizen_id:
        locked_keep.citizen_id = citizen_id
    if locked_keep.birth_date is None and locked_remove.birth_date is not None:
        locked_keep.birth_date = locked_remove.birth_date
        locked_keep.birth_year = locked_remove.birth_date.year
    locked_keep.version += 1
    locked_keep.save()
    if remove_stay is not None:
        _refresh_household(remove_stay.household)
    audit.record(
        actor=actor,
        action="registry.person_merged",
        obj=locked_keep,
        before=before_keep,
        after=audit.snapshot(locked_keep, PERSON_EDITABLE_FIELDS),
        note=f"gộp bản ghi #{locked_remove.pk} vào #{locked_keep.pk}",
        area_of=keep_stay.household,
    )
    audit.record(
        actor=actor,
        action="registry.person_merged_away",
        obj=locked_remove,
        before=before_remove,
        after={"is_active": False, "merged_into": locked_keep.pk},
        area_of=remove_stay.household if remove_stay else keep_stay.household,
    )
    return locked_keep
