"""The ONE place that decides what a user may see and change.

Every list, detail page, search, export and API query filters through :func:`area_filter`
(or :func:`scoped`), and every write checks :func:`can_change_area`. Objects outside the user's
areas answer 404, never 403, so that their existence is not revealed.

Grants and their reach (Decision 24/2021/QĐ-TTg gives the commune chairman the review; the
province consolidates):

================  ====================  ============================
role              sees                  changes
================  ====================  ============================
system_admin      everything            everything
province_officer  the province          the province
commune_officer   the commune           the commune
collaborator      the commune or        the same villages (field data,
                  granted villages      requests); never decisions
inspector         the area              nothing
================  ====================  ============================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from giamngheo.accounts.models import Role, RoleGrant
from giamngheo.areas.models import AdministrativeUnit, Level

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from giamngheo.accounts.models import User

M = TypeVar("M", bound=Model)

WRITING_ROLES = frozenset({Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER, Role.COLLABORATOR})
# Roles allowed to see unmasked personal ID and phone numbers, in the areas of those grants only
# (Decree 13/2023/NĐ-CP on personal data: access limited to what the task needs).
PERSONAL_DATA_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER})
DECISION_ROLES = frozenset({Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER})


@dataclass(frozen=True)
class Reach:
    """The areas a user reaches for one purpose, grouped by level."""

    everything: bool = False
    provinces: frozenset[int] = field(default_factory=frozenset)
    communes: frozenset[int] = field(default_factory=frozenset)
    villages: frozenset[int] = field(default_factory=frozenset)

    @property
    def empty(self) -> bool:
        return not (self.everything or self.provinces or self.communes or self.villages)


def _grants(user: User | AnonymousUser) -> list[RoleGrant]:
    if not user.is_authenticated or not user.is_active:
        return []
    cached: list[RoleGrant] | None = getattr(user, "_giamngheo_grants", None)
    if cached is None:
        cached = list(RoleGrant.objects.filter(user=user).select_related("area"))
        user._giamngheo_grants = cached  # type: ignore[attr-defined]
    return cached


def grants(user: User | AnonymousUser) -> list[RoleGrant]:
    """The user's role grants with their areas (cached on the user like every reach)."""
    return list(_grants(user))


def roles(user: User | AnonymousUser) -> set[str]:
    return {grant.role for grant in _grants(user)}


def is_system_admin(user: User | AnonymousUser) -> bool:
    return Role.SYSTEM_ADMIN in roles(user) or bool(getattr(user, "is_superuser", False))


def _reach(user: User | AnonymousUser, allowed_roles: frozenset[str] | None) -> Reach:
    if is_system_admin(user):
        return Reach(everything=True)
    provinces: set[int] = set()
    communes: set[int] = set()
    villages: set[int] = set()
    for grant in _grants(user):
        if allowed_roles is not None and grant.role not in allowed_roles:
            continue
        area = grant.area
        if area is None:
            continue
        if area.level == Level.PROVINCE:
            provinces.add(area.pk)
        elif area.level == Level.COMMUNE:
            communes.add(area.pk)
        else:
            villages.add(area.pk)
    return Reach(False, frozenset(provinces), frozenset(communes), frozenset(villages))


def reach_for_roles(user: User | AnonymousUser, allowed_roles: frozenset[str]) -> Reach:
    """The areas reached through grants of ``allowed_roles`` only (administrators: all)."""
    return _reach(user, allowed_roles)


def view_reach(user: User | AnonymousUser) -> Reach:
    return _reach(user, None)


def change_reach(user: User | AnonymousUser) -> Reach:
    return _reach(user, WRITING_ROLES)


def decision_reach(user: User | AnonymousUser) -> Reach:
    return _reach(user, DECISION_ROLES)


def area_filter(
    reach: Reach,
    *,
    province: str = "province",
    commune: str = "commune",
    village: str = "village",
) -> Q:
    """A filter on an area-scoped model whose unit foreign keys have the given names.

    A name may be ``""`` when the model has no such column (e.g. a commune-level record has no
    village): grants below that level then reach nothing of it.
    """
    if reach.everything:
        return Q()
    condition = Q(pk__in=[])
    if reach.provinces and province:
        condition |= Q(**{f"{province}__in": reach.provinces})
    if reach.communes and commune:
        condition |= Q(**{f"{commune}__in": reach.communes})
    if reach.villages and village:
        condition |= Q(**{f"{village}__in": reach.villages})
    return condition


def scoped(queryset: QuerySet[M], user: User | AnonymousUser, **field_names: str) -> QuerySet[M]:
    """``queryset`` limited to what ``user`` may see."""
    return queryset.filter(area_filter(view_reach(user), **field_names))


def get_visible_or_404(
    queryset: QuerySet[M],
    user: User | AnonymousUser,
    field_names: dict[str, str] | None = None,
    **lookup: Any,
) -> M:
    found = scoped(queryset, user, **(field_names or {})).filter(**lookup).first()
    if found is None:
        raise Http404
    return found


def visible_units(user: User | AnonymousUser) -> QuerySet[AdministrativeUnit]:
    """Administrative units the user may see: the granted units, their descendants, and the
    ancestors of granted units (to navigate down to them)."""
    reach = view_reach(user)
    units = AdministrativeUnit.objects.all()
    if reach.everything:
        return units
    own = (
        Q(pk__in=reach.provinces)
        | Q(province__in=reach.provinces)
        | Q(pk__in=reach.communes)
        | Q(parent__in=reach.communes)
        | Q(pk__in=reach.villages)
    )
    ancestors = Q(pk__in=_ancestor_ids(reach))
    return units.filter(own | ancestors)


def communes_in_reach(
    reach: Reach, *, province: AdministrativeUnit | None = None
) -> QuerySet[AdministrativeUnit]:
    """Communes in force that ``reach`` covers as a whole (a grant on one of its villages does
    not reach the commune), by name; only those of ``province`` when given."""
    units = AdministrativeUnit.objects.filter(level=Level.COMMUNE, valid_to__isnull=True)
    if province is not None:
        units = units.filter(province=province)
    return units.filter(area_filter(reach, province="province", commune="pk", village="")).order_by(
        "name"
    )


def decidable_communes(
    user: User | AnonymousUser, *, province: AdministrativeUnit | None = None
) -> QuerySet[AdministrativeUnit]:
    """The communes where ``user`` may make official acts (rounds, decisions, plans)."""
    return communes_in_reach(decision_reach(user), province=province)


def changeable_communes(
    user: User | AnonymousUser, *, province: AdministrativeUnit | None = None
) -> QuerySet[AdministrativeUnit]:
    """The communes where ``user`` may change data as a whole."""
    return communes_in_reach(change_reach(user), province=province)


def _ancestor_ids(reach: Reach) -> set[int]:
    ids: set[int] = set()
    rows = AdministrativeUnit.objects.filter(pk__in=reach.communes | reach.villages).values_list(
        "parent_id", "province_id"
    )
    for parent_id, province_id in rows:
        ids.update(i for i in (parent_id, province_id) if i is not None)
    return ids


def _unit_in(reach: Reach, unit: AdministrativeUnit) -> bool:
    if reach.everything:
        return True
    if unit.level == Level.PROVINCE:
        return unit.pk in reach.provinces
    if unit.province_id in reach.provinces:
        return True
    if unit.level == Level.COMMUNE:
        return unit.pk in reach.communes
    return unit.parent_id in reach.communes or unit.pk in reach.villages


def can_view_area(user: User | AnonymousUser, unit: AdministrativeUnit) -> bool:
    return _unit_in(view_reach(user), unit)


def can_change_area(user: User | AnonymousUser, unit: AdministrativeUnit) -> bool:
    return _unit_in(change_reach(user), unit)


def can_decide_in(user: User | AnonymousUser, unit: AdministrativeUnit) -> bool:
    """Official acts (recognition decisions, village creation, grants) need an officer."""
    return _unit_in(decision_reach(user), unit)


def personal_data_reach(user: User | AnonymousUser) -> Reach:
    """Where ``user`` may see full personal ID and phone numbers: the areas of their officer
    grants (system administrators: everywhere). Collaborator and inspector grants never count,
    so a commune officer of A who also collaborates in B sees full numbers in A only.

    The set-based form of :func:`can_see_personal_data`, for lists and exports that mask row by
    row (:func:`sees_personal_data_at`)."""
    return _reach(user, PERSONAL_DATA_ROLES)


def sees_personal_data_at(
    reach: Reach,
    *,
    province_id: int | None,
    commune_id: int | None = None,
    village_id: int | None = None,
) -> bool:
    """Whether full numbers are allowed for a record whose area columns hold these ids (a
    household, an audit event, a roster entry). A record without any area: administrators only."""
    if reach.everything:
        return True
    return (
        (province_id is not None and province_id in reach.provinces)
        or (commune_id is not None and commune_id in reach.communes)
        or (village_id is not None and village_id in reach.villages)
    )


def can_see_personal_data(user: User | AnonymousUser, area: AdministrativeUnit | None) -> bool:
    """Whether ``user`` may see full personal ID and phone numbers of a record in ``area`` (the
    household's village, the roster entry's commune…); everyone else sees them masked
    (``lib.masking``). ``None`` (a record of no area): system administrators only."""
    reach = personal_data_reach(user)
    if area is None:
        return reach.everything
    return _unit_in(reach, area)


def home_unit(user: User | AnonymousUser) -> AdministrativeUnit | None:
    """The broadest unit the user was granted (where their dashboard opens)."""
    order = {Level.PROVINCE: 0, Level.COMMUNE: 1, Level.VILLAGE: 2}
    areas = [grant.area for grant in _grants(user) if grant.area is not None]
    if not areas:
        return None
    return min(areas, key=lambda unit: (order[Level(unit.level)], unit.code))


def can_manage_account(user: User | AnonymousUser, account: User) -> bool:
    """Whether ``user`` may attach grants to ``account`` (the workforce roster links a roster
    entry to a login account and gives it the collaborator role on the entry's areas).

    An officer manages an account that holds no grant yet, or only collaborator grants inside
    the areas the officer may change. Never a system administrator, a staff account, or an
    account with any role above collaborator: linking those would let an officer hand their
    villages to (or take over) an officer of another area or the administrator."""
    if is_system_admin(user):
        return True
    reach = change_reach(user)
    if reach.empty:
        return False
    if account.is_superuser or account.is_staff:
        return False
    # A fresh query: the grants cached on ``account`` may be stale.
    for grant in RoleGrant.objects.filter(user=account).select_related("area"):
        if grant.role != Role.COLLABORATOR or grant.area is None:
            return False
        if not _unit_in(reach, grant.area):
            return False
    return True
