"""Self-managed household groups: list, set up, detail, members, approval, meetings."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.lib import clock
from giamngheo.lib.views import form_attempt
from giamngheo.livelihoods import selectors, services
from giamngheo.livelihoods.forms import ApprovalForm, GroupForm, MeetingForm, MemberForm
from giamngheo.livelihoods.models import SelfManagedGroup
from giamngheo.livelihoods.views._common import (
    NAV,
    household_add_page,
    livelihoods_form,
    require,
    villages_of,
    working_communes,
)
from giamngheo.workforce.models import Worker


def _crumbs(group: SelfManagedGroup) -> list[tuple[str, str]]:
    return [
        (_("Tổ nhóm hộ"), reverse("livelihoods:group_list")),
        (str(group), reverse("livelihoods:group_detail", args=[group.pk])),
    ]


def _can_change(request: HttpRequest, group: SelfManagedGroup) -> bool:
    return services.can_change_in(request.user, group.commune, group.villages.all())


def group_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "livelihoods/group_list.html",
        {
            **NAV,
            "groups": selectors.groups_for(request.user, query=query)[:200],
            "query": query,
            "can_create": working_communes(request.user).exists(),
        },
    )


def group_new(request: HttpRequest) -> HttpResponse:
    communes = working_communes(request.user)
    require(communes.exists())
    workers = access.scoped(
        Worker.objects.filter(province__in=communes.values("province")), request.user, village=""
    ).order_by("full_name")
    form = GroupForm(
        request.POST or None,
        communes=communes,
        villages=villages_of(communes),
        workers=workers,
        initial={"founded_on": clock.today(), "rules_adopted_on": clock.today()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        group = form_attempt(
            form,
            lambda: services.group_create(
                actor=request.user,
                commune=data["commune"],
                code=data["code"],
                name=data["name"],
                villages=list(data["villages"]),
                representative_kind=data["representative_kind"],
                representative_name=data["representative_name"],
                leader_name=data["leader_name"],
                founded_on=data["founded_on"],
                rules_adopted_on=data["rules_adopted_on"],
                rules=data["rules"],
                collaborator=data["collaborator"],
            ),
        )
        if group is not None:
            messages.success(request, _("Đã ghi nhận tổ nhóm hộ."))
            return redirect("livelihoods:group_detail", pk=group.pk)
    return livelihoods_form(
        request,
        form,
        title=_("Thành lập tổ nhóm hộ tự quản"),
        back=reverse("livelihoods:group_list"),
        intro=_(
            "Tổ nhóm được thực hiện dự án sau khi xã công nhận quy chế "
            "(Nghị định 27/2022/NĐ-CP, Điều 22)."
        ),
    )


def _report_months(group: SelfManagedGroup) -> list[tuple[int, int]]:
    """The months whose collaborator reports matter: founding, approval, this month."""
    days: list[dt.date] = [group.founded_on, clock.today()]
    if group.approved_on is not None:
        days.insert(1, group.approved_on)
    return list(dict.fromkeys((day.year, day.month) for day in days))


def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_for(request.user, pk)
    collaborator = group.collaborator
    return render(
        request,
        "livelihoods/group_detail.html",
        {
            **NAV,
            "group": group,
            "villages": group.villages.order_by("name"),
            "members": selectors.group_members(request.user, group),
            "meetings": selectors.group_meetings(group),
            "projects": selectors.group_projects(request.user, group),
            "collaborator_visible": collaborator is not None
            and access.can_view_area(request.user, collaborator.commune or collaborator.province),
            "report_months": _report_months(group) if collaborator else [],
            "can_change": _can_change(request, group),
            "can_approve": group.approved_on is None
            and access.can_decide_in(request.user, group.commune),
        },
    )


def member_new(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_for(request.user, pk)
    require(_can_change(request, group))
    return household_add_page(
        request,
        MemberForm,
        lambda household, data: services.group_member_add(
            actor=request.user,
            group=group,
            household=household,
            joined_on=data["joined_on"],
            is_leader=data["is_leader"],
        ),
        success=_("Đã thêm hộ vào tổ."),
        done=reverse("livelihoods:group_detail", args=[group.pk]),
        title=_("Thêm hộ thành viên · %(group)s") % {"group": group.name},
        crumbs=_crumbs(group),
    )


def group_approve(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_for(request.user, pk)
    require(access.can_decide_in(request.user, group.commune))
    form = ApprovalForm(request.POST or None, initial={"approved_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        approved = form_attempt(
            form,
            lambda: services.group_approve(
                actor=request.user,
                group=group,
                approved_on=data["approved_on"],
                decision_number=data["decision_number"],
            ),
        )
        if approved is not None:
            messages.success(request, _("Xã đã công nhận tổ nhóm."))
            return redirect("livelihoods:group_detail", pk=group.pk)
    return livelihoods_form(
        request,
        form,
        title=_("Công nhận tổ nhóm và quy chế · %(group)s") % {"group": group.name},
        back=reverse("livelihoods:group_detail", args=[group.pk]),
        crumbs=_crumbs(group),
    )


def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_for(request.user, pk)
    require(_can_change(request, group))
    form = MeetingForm(request.POST or None, initial={"held_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting = form_attempt(
            form,
            lambda: services.group_meeting_record(
                actor=request.user,
                group=group,
                held_on=data["held_on"],
                attendance=data["attendance"],
                minutes=data["minutes"],
            ),
        )
        if meeting is not None:
            messages.success(request, _("Đã ghi cuộc họp."))
            return redirect("livelihoods:group_detail", pk=group.pk)
    return livelihoods_form(
        request,
        form,
        title=_("Ghi cuộc họp · %(group)s") % {"group": group.name},
        back=reverse("livelihoods:group_detail", args=[group.pk]),
        crumbs=_crumbs(group),
    )
