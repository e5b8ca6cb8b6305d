"""What the workforce pages share: request parameters, the manager checks, breadcrumbs."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts import selectors as visible
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.registry.models import Household
from giamngheo.workforce import forms, selectors
from giamngheo.workforce.models import Worker

# The roster's masking rule lives with the reads (the API applies it too).
shown_phone = selectors.shown_phone


def today() -> dt.date:
    return timezone.localdate()


def area_param(request: HttpRequest) -> AdministrativeUnit | None:
    code = request.GET.get("area") or None
    return visible.unit_for(request.user, code) if code else None


def month_param(request: HttpRequest, default: dt.date) -> dt.date:
    text = request.GET.get("month")
    if not text:
        return default
    field = forms.MonthField()
    try:
        month = field.clean(text)
    except Exception as exc:  # a malformed month is a page that does not exist
        raise Http404 from exc
    if not isinstance(month, dt.date):
        raise Http404
    return month


def month_of(year: int, month: int) -> dt.date:
    try:
        return dt.date(year, month, 1)
    except (ValueError, OverflowError) as exc:  # year 10**30 in the address
        raise Http404 from exc


def can_manage(user: Viewer, worker: Worker) -> bool:
    area = worker.commune if worker.commune_id is not None else worker.province
    return access.can_decide_in(user, area)


def is_self(user: Viewer, worker: Worker) -> bool:
    return worker.user_id is not None and worker.user_id == user.pk


def worker_to_manage(request: HttpRequest, pk: int) -> Worker:
    worker = selectors.worker_for(request.user, pk)
    if not can_manage(request.user, worker):
        raise PermissionDenied
    return worker


def worker_crumbs(worker: Worker) -> list[tuple[str, str]]:
    return [
        (_("Đội ngũ"), reverse("workforce:roster")),
        (worker.full_name, reverse("workforce:worker_detail", args=[worker.pk])),
    ]


def household_crumbs(household: Household) -> list[tuple[str, str]]:
    label = f"{_('Hộ')} {household.code} · {household.head_name}"
    return [(label, reverse("registry:household_detail", args=[household.pk]))]
