"""Pages of the life events (``registry.life_events``): the form of each kind, reached from the
household page, and a person's page with their stays and events."""

from __future__ import annotations

import unicodedata

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.lib.masking import mask_citizen_id
from giamngheo.lib.views import form_attempt, form_page
from giamngheo.registry import life_events, picker, selectors, services
from giamngheo.registry.forms import LifeEventForm
from giamngheo.registry.models import Household, LifeEventKind, Membership, Person
from giamngheo.registry.views import _household_crumbs, _household_for_change


def _choices(household: Household) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The current members, and the former members who may come back (left, not deceased,
    not merged, in no household now)."""
    current = [
        (m.person_id, f"{m.person.full_name} ({m.get_relation_display()})")
        for m in household.current_memberships  # type: ignore[attr-defined]
    ]
    current_ids = Membership.objects.filter(left_on__isnull=True).values("person_id")
    former = (
        Person.objects.filter(
            memberships__household=household,
            memberships__left_on__isnull=False,
            died_on__isnull=True,
            merged_into__isnull=True,
        )
        .exclude(pk__in=current_ids)
        .distinct()
        .order_by("full_name")
    )
    return current, [(p.pk, f"{p.full_name} ({p.birth_year})") for p in former]


def _name_key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def _member_by_name(household: Household, name: str) -> Person | None:
    """The current member of ``household`` named ``name`` (with its accents, whatever the case
    and spacing)."""
    wanted = _name_key(name)
    for m in Membership.objects.filter(household=household, left_on__isnull=True).select_related(
        "person"
    ):
        if _name_key(m.person.full_name) == wanted:
            return m.person
    return None


def _person(pk: int | None) -> Person | None:
    return Person.objects.filter(pk=pk).first() if pk is not None else None


def life_event_new(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in LifeEventKind.values:
        raise Http404
    household = _household_for_change(request, pk)
    members, former = _choices(household)
    form = LifeEventForm(request.POST or None, kind=kind, members=members, former=former)
    picker.remember(form, request.user, request.POST, "from_household")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person_data = None
        moving: Person | None = None
        origin = picker.picked(form, request.user, "from_household")
        if origin is not None:
            moving = _member_by_name(origin, data["full_name"])
            if moving is None:
                form.add_error(
                    "from_household",
                    _("Không tìm thấy người có họ tên này trong hộ %(code)s.")
                    % {"code": origin.code},
                )
        elif kind in ("birth", "marriage"):
            person_data = services.PersonData(
                full_name=" ".join(data["full_name"].split()),
                sex=data["sex"],
                birth_year=data.get("birth_year") or data["on"].year,
                birth_date=data.get("birth_date"),
                ethnicity=data["ethnicity"],
                citizen_id=data.get("citizen_id"),
                relation=data["relation"],
            )
        event = None
        if not form.errors:
            event = form_attempt(
                form,
                lambda: life_events.life_event_record(
                    actor=request.user,
                    household=household,
                    kind=kind,
                    on=data["on"],
                    note=data.get("note", ""),
                    person=moving or _person(data.get("person")),
                    data=person_data,
                    relation=data.get("relation", ""),
                    new_head=_person(data.get("new_head")),
                ),
            )
        if event is not None:
            messages.success(
                request,
                _("Đã ghi nhận: %(event)s.") % {"event": event.get_kind_display().lower()},
            )
            return redirect("registry:household_detail", pk=household.pk)
    back = reverse("registry:household_detail", args=[household.pk])
    title = _("Biến động nhân khẩu: %(kind)s") % {"kind": LifeEventKind(kind).label}
    intro = ""
    if kind in ("death", "departure"):
        intro = _(
            "Nếu người này là lao động chính của hộ, hộ sẽ được đưa vào danh sách cần rà soát "
            "trong năm."
        )
    return form_page(
        request, form, title=title, back=back, crumbs=_household_crumbs(household), intro=intro
    )


def person_detail(request: HttpRequest, pk: int, person_id: int) -> HttpResponse:
    """A person of a household the user sees (a current or former member): identity, stays in
    the households the user sees, and life events."""
    household = selectors.household_for(request.user, pk)
    stay = Membership.objects.filter(household=household, person_id=person_id).first()
    if stay is None:
        raise Http404
    person = Person.objects.get(pk=person_id)
    full = access.can_see_personal_data(request.user, household.village)
    stays = (
        Membership.objects.filter(
            person=person, household__in=selectors.households_visible_to(request.user)
        )
        .select_related("household")
        .order_by("joined_on", "pk")
    )
    return render(
        request,
        "registry/person_detail.html",
        {
            "household": household,
            "person": person,
            "citizen_id": person.citizen_id if full else mask_citizen_id(person.citizen_id),
            "stays": stays,
            "life_events": selectors.life_events_for(request.user, person=person),
            "crumbs": _household_crumbs(household),
        },
    )
