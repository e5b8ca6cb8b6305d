"""Writes on the registry. Every write goes through here and records an audit event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.audit import services as audit
from giamngheo.lib.text import search_key
from giamngheo.registry.models import Household, Membership, Person, Relation

HOUSEHOLD_AUDIT_FIELDS = (
    "code",
    "village_id",
    "address",
    "phone",
    "area_kind",
    "area_kind_override_reason",
    "status",
    "status_standard",
    "status_year",
    "is_ethnic_minority",
    "is_merit_family",
    "has_social_assistance_member",
    "has_no_labour_capacity",
    "poverty_reasons",
    "support_needs",
)


class RegistryError(ValueError):
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


def _search_text(household: Household, names: list[str]) -> str:
    return search_key(" ".join([household.code, *names]))[:400]


def _require_change(actor: Any, village: AdministrativeUnit) -> None:
    if actor is not None and not access.can_change_area(actor, village):
        raise RegistryError(_("Bạn không có quyền thay đổi dữ liệu của địa bàn này."))


@transaction.atomic
def household_create(
    *,
    actor: Any,
    village: AdministrativeUnit,
    code: str,
    members: list[PersonData],
    address: str = "",
    phone: str = "",
    area_kind: str | None = None,
    area_kind_override_reason: str = "",
) -> Household:
    """Create a household with its members; the member whose relation is ``head`` heads it."""
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
    *, actor: Any, household: Household, expected_version: int, **changes: Any
) -> Household:
    """Change household fields. ``expected_version`` is the version the editor loaded: if
    someone saved in between, the change is refused (optimistic locking)."""
    unknown = set(changes) - set(HOUSEHOLD_AUDIT_FIELDS)
    if unknown:
        raise RegistryError(f"Unknown household fields: {sorted(unknown)}")
    locked = Household.objects.select_for_update().get(pk=household.pk)
    if locked.version != expected_version:
        raise RegistryError(
            _(
                "Hộ này vừa được người khác cập nhật. Hãy tải lại trang để xem thay đổi mới "
                "rồi nhập lại."
            )
        )
    village = locked.village
    _require_change(actor, village)
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
