"""What the livelihoods pages share: the areas a user may work in, the household picked in a
form, the one form page with the livelihoods navigation."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.forms import BaseForm, Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib import clock
from giamngheo.lib.views import form_attempt, form_page
from giamngheo.registry import picker
from giamngheo.registry.models import Household

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


def household_add_page(
    request: HttpRequest,
    form_class: type[Form],
    add: Callable[[Household, dict[str, Any]], object],
    *,
    success: str,
    done: str,
    title: str,
    crumbs: Iterable[tuple[str, str]],
) -> HttpResponse:
    """The page that adds a picked household to a group or a model: the form (joined today by
    default), the household picked within the user's areas, ``add(household, cleaned_data)``
    run through the service (a refusal becomes the form's error), then back to ``done``."""
    form = form_class(request.POST or None, initial={"joined_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        household = picker.picked(form, request.user)
        if household is not None:
            data = form.cleaned_data
            if form_attempt(form, lambda: add(household, data)) is not None:
                messages.success(request, success)
                return redirect(done)
    return livelihoods_form(request, form, title=title, back=done, crumbs=crumbs)
