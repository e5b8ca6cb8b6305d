"""What the livelihoods pages share: the areas a user may work in, the household picked in a
form, the one form page with the livelihoods navigation."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib.views import form_page

NAV = {"subnav_template": "livelihoods/_nav.html"}


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def working_communes(user: Viewer) -> QuerySet[AdministrativeUnit]:
    """Communes where ``user`` may set up a group: those they change as a whole, and those of
    the villages they are granted (a collaborator helps set groups up in their villages)."""
    reach = access.change_reach(user)
    village_communes = AdministrativeUnit.objects.filter(pk__in=reach.villages).values("parent_id")
    return (
        AdministrativeUnit.objects.filter(level=Level.COMMUNE, valid_to__isnull=True)
        .filter(
            Q(pk__in=access.changeable_communes(user).values("pk")) | Q(pk__in=village_communes)
        )
        .order_by("name")
    )


def villages_of(communes: QuerySet[AdministrativeUnit]) -> QuerySet[AdministrativeUnit]:
    return (
        AdministrativeUnit.objects.filter(
            level=Level.VILLAGE, parent__in=communes.values("pk"), valid_to__isnull=True
        )
        .select_related("parent")
        .order_by("parent__name", "name")
    )


def livelihoods_form(
    request: HttpRequest,
    form: BaseForm,
    *,
    title: str,
    back: str,
    crumbs: Iterable[tuple[str, str]] = (),
    intro: str = "",
) -> HttpResponse:
    return form_page(
        request, form, title=title, back=back, crumbs=crumbs, intro=intro, extra_context=NAV
    )
