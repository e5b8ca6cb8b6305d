"""What the training pages share: the year and province they work in, permission checks,
breadcrumbs, and the one form page with the training navigation above it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib import params
from giamngheo.lib.views import form_page
from giamngheo.training.models import TrainingClass

NAV = {"subnav_template": "training/_nav.html"}


def today() -> dt.date:
    return timezone.localdate()


def year_param(request: HttpRequest) -> int:
    return params.year_param(request, default=today().year) or today().year


def recent_years() -> range:
    """The years offered in the year pickers: next year and the six before it."""
    return range(today().year + 1, today().year - 6, -1)


def working_province(request: HttpRequest) -> AdministrativeUnit:
    """The province a page works in: the user's own, or (administrators) the one chosen in the
    address, by default the demo province."""
    home = access.home_unit(request.user)
    if home is not None:
        return home if home.level == Level.PROVINCE else home.province  # type: ignore[return-value]
    code = request.GET.get("province") or settings.DEMO_PROVINCE_CODE
    province = AdministrativeUnit.objects.filter(code=code, level=Level.PROVINCE).first()
    if province is None or not access.can_view_area(request.user, province):
        raise Http404
    return province


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def bank_province(user: Viewer) -> AdministrativeUnit | None:
    """Where a new question or page of this user goes: national for the system administrator,
    else the user's province (officers of a province)."""
    if access.is_system_admin(user):
        return None
    home = access.home_unit(user)
    if home is None:
        raise PermissionDenied
    province = home if home.level == Level.PROVINCE else home.province
    require(province is not None and access.can_decide_in(user, province))
    return province


def can_edit_bank(user: Viewer, province_id: int | None) -> bool:
    if province_id is None:
        return access.is_system_admin(user)
    province = AdministrativeUnit(pk=province_id, level=Level.PROVINCE)
    return access.can_decide_in(user, province)


def class_crumbs(training_class: TrainingClass) -> list[tuple[str, str]]:
    return [
        (_("Tập huấn"), reverse("training:index")),
        (str(training_class.plan), reverse("training:plan_detail", args=[training_class.plan_id])),
        (str(training_class), reverse("training:class_detail", args=[training_class.pk])),
    ]


def training_form(
    request: HttpRequest,
    form: BaseForm,
    *,
    title: str,
    back: str,
    crumbs: Iterable[tuple[str, str]] = (),
    intro: str = "",
) -> HttpResponse:
    """``lib.views.form_page`` with the training navigation above the breadcrumbs."""
    return form_page(
        request, form, title=title, back=back, crumbs=crumbs, intro=intro, extra_context=NAV
    )
