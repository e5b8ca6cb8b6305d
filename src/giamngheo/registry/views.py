from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from giamngheo.accounts import access
from giamngheo.areas import selectors as area_selectors
from giamngheo.audit import selectors as audit_selectors
from giamngheo.lib.masking import mask_citizen_id, mask_phone
from giamngheo.registry import selectors
from giamngheo.registry.models import Household, Status


def household_list(request: HttpRequest) -> HttpResponse:
    area_code = request.GET.get("area") or None
    area = area_selectors.unit_for(request.user, area_code) if area_code else None
    status = request.GET.get("status") or None
    if status is not None and status not in Status.values:
        status = None
    try:
        after = int(request.GET["after"]) if request.GET.get("after") else None
        year = int(request.GET["year"]) if request.GET.get("year") else None
    except ValueError as exc:
        raise Http404 from exc
    flags = tuple(f for f in request.GET.getlist("flag") if f in selectors.GROUP_FLAGS)
    query = request.GET.get("q", "").strip()
    if query:
        page = selectors.HouseholdPage(selectors.search_households(request.user, query), None)
    else:
        page = selectors.household_page(
            request.user, area=area, status=status, year=year, flags=flags, after=after
        )
    flag_labels = [
        (name, getattr(Household._meta.get_field(name), "verbose_name", name), name in flags)
        for name in selectors.GROUP_FLAGS
    ]
    filters = request.GET.copy()
    filters.pop("after", None)
    return render(
        request,
        "registry/household_list.html",
        {
            "page": page,
            "area": area,
            "status": status,
            "statuses": Status.choices,
            "query": query,
            "year": year,
            "flag_labels": flag_labels,
            "filter_query": filters.urlencode(),
        },
    )


def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_for(request.user, pk)
    full = access.can_see_personal_data(request.user)
    members = [
        (
            membership,
            membership.person.citizen_id if full else mask_citizen_id(membership.person.citizen_id),
        )
        for membership in household.current_memberships  # type: ignore[attr-defined]
    ]
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "members": members,
            "phone": household.phone if full else mask_phone(household.phone),
            "events": audit_selectors.events_for_object(request.user, household)[:20],
        },
    )
