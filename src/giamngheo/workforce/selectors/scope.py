"""Who sees which workforce rows: supervised areas for officers and inspectors, one's own
records for a collaborator, households' records scoped like the households."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from giamngheo.accounts import access
from giamngheo.accounts.models import Role
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.workforce.models import (
    Evaluation,
    HouseholdChange,
    MonthlyPlan,
    MonthlyReport,
    SupportRequest,
    Worker,
)

# Roles that supervise the workforce of their areas. A collaborator's grant never opens other
# workers' records. (accounts.access computes the reach; this only picks the roles.)
SUPERVISING_ROLES = frozenset({Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER, Role.INSPECTOR})


PAGE_SIZE = 50


def supervision_reach(user: Viewer) -> access.Reach:
    return access.reach_for_roles(user, frozenset(SUPERVISING_ROLES))


def _own_records(user: Viewer, worker_path: str) -> Q:
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    return Q(**{f"{worker_path}user": user})


def _worker_scope(user: Viewer, worker_path: str = "worker__") -> Q:
    """Rows carrying ``province``/``commune`` of a worker: supervised areas, or one's own."""
    reach = supervision_reach(user)
    if reach.everything:
        return Q()  # (an empty Q OR'ed with a condition would keep only the condition)
    return access.area_filter(reach, village="") | _own_records(user, worker_path)


def workers_visible_to(user: Viewer) -> QuerySet[Worker]:
    return Worker.objects.filter(_worker_scope(user, worker_path=""))


def worker_for(user: Viewer, pk: int) -> Worker:
    worker = (
        workers_visible_to(user).select_related("province", "commune", "user").filter(pk=pk).first()
    )
    if worker is None:
        raise Http404
    return worker


def plans_visible_to(user: Viewer) -> QuerySet[MonthlyPlan]:
    return MonthlyPlan.objects.filter(_worker_scope(user))


def reports_visible_to(user: Viewer) -> QuerySet[MonthlyReport]:
    return MonthlyReport.objects.filter(_worker_scope(user))


def evaluations_visible_to(user: Viewer) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(_worker_scope(user))


def requests_visible_to(user: Viewer) -> QuerySet[SupportRequest]:
    return access.scoped(SupportRequest.objects.all(), user)


def request_for(user: Viewer, pk: int) -> SupportRequest:
    return access.get_visible_or_404(
        SupportRequest.objects.select_related(
            "household", "province", "commune", "village", "owner", "collected_by"
        ),
        user,
        pk=pk,
    )


def changes_visible_to(user: Viewer) -> QuerySet[HouseholdChange]:
    return access.scoped(HouseholdChange.objects.all(), user)


def in_area(area: AdministrativeUnit | None) -> Q:
    if area is None:
        return Q()
    column = {Level.PROVINCE: "province", Level.COMMUNE: "commune", Level.VILLAGE: "village"}[
        Level(area.level)
    ]
    return Q(**{column: area})
