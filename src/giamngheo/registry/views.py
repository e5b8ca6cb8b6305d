from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts import selectors as visible
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib.masking import mask_citizen_id, mask_phone
from giamngheo.lib.views import form_attempt, form_page
from giamngheo.registry import duplicates, life_events, panels, picker, selectors, services
from giamngheo.registry.forms import (
    HouseholdCreateForm,
    HouseholdEditForm,
    MemberEditForm,
    MemberForm,
    MoveForm,
    PersonAnswersForm,
    mask_numbers,
    person_data,
)
from giamngheo.registry.models import (
    Household,
    LifeEventKind,
    Membership,
    Person,
    Relation,
    Status,
)


def household_list(request: HttpRequest) -> HttpResponse:
    area_code = request.GET.get("area") or None
    area = visible.unit_for(request.user, area_code) if area_code else None
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
        found = selectors.search_households(request.user, query)
        page = selectors.HouseholdPage(found, None, len(found))
    else:
        page = selectors.household_page(
            request.user, area=area, status=status, year=year, flags=flags, after=after
        )
    commune, villages = selectors.village_choices(request.user, area)
    province, communes = (None, []) if villages else selectors.commune_choices(request.user, area)
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
            "can_create": not access.change_reach(request.user).empty,
            "commune": commune,
            "villages": villages,
            "province": province,
            "communes": communes,
            "search_limited": bool(query) and page.total >= selectors.SEARCH_LIMIT,
        },
    )


def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_for(request.user, pk)
    full = access.can_see_personal_data(request.user, household.village)
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
            # The sections of the apps above (the surveys' status by year, …): registry.panels.
            **panels.household_context(request, household),
            "household": household,
            "members": members,
            "phone": household.phone if full else mask_phone(household.phone),
            "events": visible.events_for_object(request.user, household)[:20],
            "life_events": selectors.life_events_for(request.user, household=household),
            "life_event_kinds": LifeEventKind.choices,
            "can_change": access.can_change_area(request.user, household.village),
        },
    )


def _changeable_villages(user: Viewer) -> QuerySet[AdministrativeUnit]:
    reach = access.change_reach(user)
    villages = AdministrativeUnit.objects.filter(level=Level.VILLAGE, valid_to__isnull=True)
    return (
        villages.filter(
            access.area_filter(reach, province="province", commune="parent", village="pk")
        )
        .select_related("parent")
        .order_by("parent__name", "name")
    )


def _household_crumbs(household: Household | None) -> list[tuple[str, str]]:
    if household is None:
        return []
    label = _("Hộ %(code)s · %(head)s") % {"code": household.code, "head": household.head_name}
    return [(label, reverse("registry:household_detail", args=[household.pk]))]


def _form_page(
    request: HttpRequest, form: Any, title: str, back: str, household: Household | None = None
) -> HttpResponse:
    return form_page(request, form, title=title, back=back, crumbs=_household_crumbs(household))


def household_new(request: HttpRequest) -> HttpResponse:
    villages = _changeable_villages(request.user)
    if not villages.exists():
        raise PermissionDenied
    form = HouseholdCreateForm(request.POST or None, villages=villages)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            household = form_attempt(
                form,
                lambda: services.household_create(
                    actor=request.user,
                    village=data["village"],
                    code=data["code"],
                    address=data.get("address", ""),
                    phone=data.get("phone", ""),
                    members=[services.PersonData(**person_data(form, Relation.HEAD))],
                ),
            )
        except IntegrityError:
            form.add_error("code", _("Mã hộ này đã có trong tỉnh."))
        else:
            if household is not None:
                messages.success(request, _("Đã tạo hộ %(code)s.") % {"code": household.code})
                return redirect("registry:household_detail", pk=household.pk)
    return _form_page(request, form, _("Thêm hộ gia đình"), reverse("registry:household_list"))


def _household_for_change(request: HttpRequest, pk: int) -> Household:
    household = selectors.household_for(request.user, pk)
    if not access.can_change_area(request.user, household.village):
        raise PermissionDenied
    return household


def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household_for_change(request, pk)
    form = HouseholdEditForm(
        request.POST or None, instance=household, initial={"version": household.version}
    )
    if not access.can_see_personal_data(request.user, household.village):
        mask_numbers(form, {"phone": household.phone})
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
        saved = form_attempt(
            form,
            lambda: services.household_update(
                actor=request.user,
                household=household,
                expected_version=form.cleaned_data["version"],
                **changes,
            ),
        )
        if saved is not None:
            messages.success(request, _("Đã lưu thông tin hộ."))
            return redirect("registry:household_detail", pk=household.pk)
    back = reverse("registry:household_detail", args=[household.pk])
    return _form_page(request, form, _("Sửa thông tin hộ"), back, household)


def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household_for_change(request, pk)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        added = form_attempt(
            form,
            lambda: services.member_add(
                actor=request.user,
                household=household,
                data=services.PersonData(**person_data(form, form.cleaned_data["relation"])),
            ),
        )
        if added is not None:
            messages.success(request, _("Đã thêm thành viên."))
            return redirect("registry:household_detail", pk=household.pk)
    back = reverse("registry:household_detail", args=[household.pk])
    return _form_page(request, form, _("Thêm thành viên"), back, household)


def _member_for_change(request: HttpRequest, pk: int, person_id: int) -> tuple[Household, Any]:
    household = _household_for_change(request, pk)
    membership = (
        household.memberships.filter(person_id=person_id, left_on__isnull=True)
        .select_related("person")
        .first()
    )
    if membership is None:
        raise Http404
    return household, membership


def member_edit(request: HttpRequest, pk: int, person_id: int) -> HttpResponse:
    household, membership = _member_for_change(request, pk, person_id)
    person = membership.person
    identity = MemberEditForm(
        request.POST or None,
        prefix="identity",
        initial={
            "is_main_earner": membership.is_main_earner,
            "version": person.version,
            "full_name": person.full_name,
            "sex": person.sex,
            "birth_date": person.birth_date,
            "birth_year": person.birth_year,
            "ethnicity": person.ethnicity,
            "citizen_id": person.citizen_id,
        },
    )
    if not access.can_see_personal_data(request.user, household.village):
        mask_numbers(identity, {"citizen_id": person.citizen_id})
    answers = PersonAnswersForm(request.POST or None, prefix="answers", instance=person)
    if request.method == "POST" and identity.is_valid() and answers.is_valid():
        data = person_data(identity, membership.relation)
        data.pop("relation")
        data.update({name: answers.cleaned_data[name] for name in PersonAnswersForm.Meta.fields})
        main_earner = identity.cleaned_data["is_main_earner"]

        @transaction.atomic
        def save() -> Person:
            saved = services.person_update(
                actor=request.user,
                person=person,
                expected_version=identity.cleaned_data["version"],
                **data,
            )
            if main_earner != membership.is_main_earner:
                life_events.main_earner_set(
                    actor=request.user,
                    household=household,
                    person=person,
                    is_main_earner=main_earner,
                )
            return saved

        saved = form_attempt(identity, save)
        if saved is not None:
            messages.success(request, _("Đã lưu thông tin thành viên."))
            return redirect("registry:household_detail", pk=household.pk)
    return form_page(
        request,
        identity,
        title=_("Sửa thông tin thành viên"),
        back=reverse("registry:household_detail", args=[household.pk]),
        crumbs=_household_crumbs(household),
        extra_form=answers,
        extra_title=_("Thông tin dùng để xác định mức độ thiếu hụt"),
    )


def member_move(request: HttpRequest, pk: int, person_id: int) -> HttpResponse:
    household, membership = _member_for_change(request, pk, person_id)
    form = MoveForm(request.POST or None)
    if request.method == "POST":
        picker.remember(form, request.user, request.POST, "to_household")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = picker.picked(form, request.user, "to_household")
        if target is not None:
            moved = form_attempt(
                form,
                lambda: services.member_move(
                    actor=request.user,
                    person=membership.person,
                    to_household=target,
                    relation=data["relation"],
                    on=data["on"],
                    reason=data["reason"],
                ),
            )
            if moved is not None:
                messages.success(request, _("Đã chuyển thành viên sang hộ %s.") % target.code)
                return redirect("registry:household_detail", pk=household.pk)
    back = reverse("registry:household_detail", args=[household.pk])
    title = _("Chuyển %(name)s sang hộ khác") % {"name": membership.person.full_name}
    return _form_page(request, form, title, back, household)


def household_pick(request: HttpRequest) -> HttpResponse:
    """The short list of households a form may pick (htmx; issue 11, ``picker``): accent-free
    name, code or personal ID, over the households of the user's areas they may record
    something about. ``field`` names the form's field (its radios and its ``<field>_q`` box)."""
    field = request.GET.get("field", "household")
    if not field.isidentifier():
        raise Http404
    query = request.GET.get(f"{field}_q", request.GET.get("q", ""))[:100]
    return render(
        request,
        "registry/_household_pick_results.html",
        {
            "rows": selectors.household_choices(request.user, query),
            "field": field,
            "query": query.strip(),
            "chosen_pk": "",
        },
    )


def duplicate_list(request: HttpRequest) -> HttpResponse:
    """Possible duplicate persons in the user's areas, with a merge button for officers."""
    if request.method == "POST":
        keep = get_object_or_404(Person, pk=request.POST.get("keep"))
        remove = get_object_or_404(Person, pk=request.POST.get("remove"))
        pairs = duplicates.possible_duplicates(request.user)
        allowed = {person.pk for pair in pairs for person in (pair.first, pair.second)}
        if keep.pk not in allowed or remove.pk not in allowed:
            raise Http404
        try:
            duplicates.persons_merge(
                actor=request.user,
                keep=keep,
                remove=remove,
                on=timezone.localdate(),
            )
        except services.RegistryError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Đã gộp hai bản ghi của %(name)s.") % {"name": keep})
        return redirect("registry:duplicates")
    pairs = duplicates.possible_duplicates(request.user)
    households = {
        m.person_id: m.household
        for m in Membership.objects.filter(
            person__in=[p for pair in pairs for p in (pair.first, pair.second)],
            left_on__isnull=True,
            # A person who moved out of the user's areas: their new household stays hidden.
            household__in=selectors.households_visible_to(request.user),
        ).select_related("household")
    }
    rows = [(pair, households.get(pair.first.pk), households.get(pair.second.pk)) for pair in pairs]
    return render(
        request,
        "registry/duplicates.html",
        {"rows": rows, "can_merge": not access.change_reach(request.user).empty},
    )
