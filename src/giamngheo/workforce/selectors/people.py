"""The roster and the people the services and pages look up: rules of a province, the
worker of an account, a commune's officer, the units an officer manages or assigns."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from giamngheo.accounts import access
from giamngheo.accounts.models import User
from giamngheo.accounts.types import Actor, Viewer, acting_user
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib.masking import mask_phone
from giamngheo.lib.text import search_key
from giamngheo.workforce import reference
from giamngheo.workforce.models import (
    MonthlyReport,
    ProvinceRule,
    Worker,
    WorkerStatus,
)
from giamngheo.workforce.selectors.scope import (
    in_area,
    workers_visible_to,
)


def rules_for(province: AdministrativeUnit | int) -> reference.Rules:
    """The rules in force for a province: its own ``ProvinceRule`` or the data-file defaults."""
    province_id = province if isinstance(province, int) else province.pk
    row = ProvinceRule.objects.filter(province_id=province_id).first()
    if row is None:
        return reference.default_rules()
    return reference.Rules(
        report_deadline_day=row.report_deadline_day,
        forward_within_days=row.forward_within_days,
        resolve_within_days=row.resolve_within_days,
        legal_basis=row.legal_basis,
        verified=False,
    )


def worker_of(user: Actor) -> Worker | None:
    """The roster entry linked to a user account, if any."""
    account = acting_user(user)
    if account is None:
        return None
    return Worker.objects.filter(user=account).first()


def commune_officer_for(commune_id: int) -> Worker | None:
    """The active commune officer responsible for a commune: assigned to it, else managed
    by it (the lowest id first, so the choice is stable)."""
    officers = Worker.objects.filter(role=reference.COMMUNE_OFFICER, status=WorkerStatus.ACTIVE)
    assigned = officers.filter(
        assignments__commune_id=commune_id,
        assignments__village__isnull=True,
        assignments__ends_on__isnull=True,
    )
    return (
        assigned.order_by("pk").first()
        or officers.filter(commune_id=commune_id).order_by("pk").first()
    )


def roster(
    user: Viewer,
    *,
    area: AdministrativeUnit | None = None,
    role: str | None = None,
    status: str | None = WorkerStatus.ACTIVE,
    query: str = "",
) -> QuerySet[Worker]:
    workers = workers_visible_to(user).select_related("commune")
    if area is not None and area.level != Level.VILLAGE:
        workers = workers.filter(in_area(area))
    elif area is not None:  # village: those assigned to it
        workers = workers.filter(assignments__village=area, assignments__ends_on__isnull=True)
    if role:
        workers = workers.filter(role=role)
    if status:
        workers = workers.filter(status=status)
    if query.strip():
        workers = workers.filter(
            Q(search_name__contains=search_key(query)) | Q(code__iexact=query.strip())
        )
    return workers.order_by("commune__name", "full_name", "pk").distinct()


def managed_units(user: Viewer) -> QuerySet[AdministrativeUnit]:
    """Provinces and communes in force where ``user`` may manage the workforce (add people,
    open a reporting month): their decision reach (``access.decidable_communes``)."""
    reach = access.decision_reach(user)
    provinces = AdministrativeUnit.objects.filter(level=Level.PROVINCE, valid_to__isnull=True)
    if not reach.everything:
        provinces = provinces.filter(pk__in=reach.provinces)
    units = AdministrativeUnit.objects.filter(
        Q(pk__in=provinces.values("pk")) | Q(pk__in=access.decidable_communes(user).values("pk"))
    )
    # Provinces first for officers; an administrator's long list starts with the communes.
    return units.order_by("level" if reach.everything else "-level", "name")


def assignable_areas(user: Viewer, worker: Worker) -> QuerySet[AdministrativeUnit]:
    """Communes and villages of the worker's province (of their commune, for commune staff)
    that ``user`` may assign: communes they decide in, and those communes' villages."""
    communes = access.decidable_communes(user).filter(province_id=worker.province_id)
    villages = access.decision_reach(user).villages
    units = AdministrativeUnit.objects.filter(
        level__in=[Level.COMMUNE, Level.VILLAGE],
        valid_to__isnull=True,
        province_id=worker.province_id,
    )
    if worker.commune_id is not None:
        units = units.filter(Q(pk=worker.commune_id) | Q(parent_id=worker.commune_id))
    units = units.filter(
        Q(level=Level.COMMUNE, pk__in=communes.values("pk"))
        | Q(level=Level.VILLAGE, parent__in=communes.values("pk"))
        | Q(level=Level.VILLAGE, pk__in=villages)
    )
    return units.select_related("parent").order_by("level", "name")


def worker_months(worker: Worker, limit: int = 24) -> list[tuple[dt.date, MonthlyReport | None]]:
    """The worker's last months with a plan or a report, newest first, with the report."""
    reports = {r.month: r for r in worker.reports.all()[:limit]}
    plans = {p.month for p in worker.plans.all()[:limit]}
    return [(m, reports.get(m)) for m in sorted(set(reports) | plans, reverse=True)]


def account_named(username: str) -> User | None:
    """The account with this username (for linking a roster entry), if any."""
    return User.objects.filter(username=username).first() if username else None


def shown_phone(user: Viewer, worker: Worker) -> str:
    """The worker's phone, masked unless ``user`` may see personal data where the worker is
    managed (their commune, or the province for provincial staff). A collaborator always sees
    their own number on their own entry (it is theirs; they may correct it). The roster pages
    and the API read it here."""
    own = worker.user_id is not None and worker.user_id == getattr(user, "pk", None)
    full = own or access.sees_personal_data_at(
        access.personal_data_reach(user),
        province_id=worker.province_id,
        commune_id=worker.commune_id,
    )
    return worker.phone if full else mask_phone(worker.phone)
