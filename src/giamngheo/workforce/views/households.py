"""Pages about households' requests and changes: support requests (list, new, the workflow's
buttons) and reported changes of situation (list, new, dismissing a review flag)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giamngheo.accounts import access
from giamngheo.lib import idempotency
from giamngheo.lib.views import attempt, form_attempt, form_page
from giamngheo.registry import picker
from giamngheo.registry import selectors as registry_selectors
from giamngheo.registry.models import Household
from giamngheo.workforce import exports, forms, panels, reference, selectors, services, states
from giamngheo.workforce.models import HouseholdChange, ReviewFlag, SupportRequest
from giamngheo.workforce.views._common import area_param, household_crumbs, today


def _household_to_change(request: HttpRequest) -> Household | None:
    """The household of ``?household=`` (a link from its page), or ``None``: the form then
    finds it by search. One the user may see but not change: 403."""
    if not request.GET.get("household"):
        return None
    try:
        pk = int(request.GET.get("household", ""))
    except ValueError as exc:
        raise Http404 from exc
    household = registry_selectors.household_for(request.user, pk)
    if not access.can_change_area(request.user, household.village):
        raise PermissionDenied
    return household


def _by_code(request: HttpRequest, back: str) -> HttpResponse | None:
    """``?code=`` (typed on a list page): redirect to the same page for that household, or
    back with a message when no visible household has the code."""
    code = request.GET.get("code", "").strip().upper()
    if not code or request.GET.get("household"):
        return None
    household = selectors.household_by_code(request.user, code)
    if household is None:
        messages.error(request, _("Không tìm thấy hộ có mã này trên địa bàn."))
        return redirect(back)
    return redirect(f"{request.path}?household={household.pk}")


# -- support requests -------------------------------------------------------------------------


def _request_filters(request: HttpRequest) -> tuple[selectors.RequestFilters, bool]:
    """The list's filters from the address (unknown values ignored), and whether "mine" was
    asked by someone without a roster entry (then nothing is theirs)."""
    state = request.GET.get("state") or None
    if state is not None and state not in states.RequestState.values:
        state = None
    need = request.GET.get("need") or None
    if need is not None and need not in reference.need_types():
        need = None
    mine = request.GET.get("mine") == "1"
    owner = selectors.worker_of(request.user) if mine else None
    filters = selectors.RequestFilters(
        area=area_param(request),
        state=state,
        overdue_only=request.GET.get("overdue") == "1",
        owner=owner,
        need_type=need,
    )
    return filters, mine and owner is None


def request_list(request: HttpRequest) -> HttpResponse:
    day = today()
    filters, nobody = _request_filters(request)
    try:
        after = int(request.GET["after"]) if request.GET.get("after") else None
    except ValueError as exc:
        raise Http404 from exc
    rows: list[SupportRequest] = []
    next_after = None
    if not nobody:
        rows, next_after = selectors.request_list(request.user, filters, today=day, after=after)
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "workforce/request_list.html",
        {
            "rows": [(r, selectors.age_days(r, day)) for r in rows],
            "next_after": next_after,
            "counts": selectors.request_counts(request.user, today=day, area=filters.area),
            "area": filters.area,
            "state": filters.state,
            "need": filters.need_type,
            "mine": request.GET.get("mine") == "1",
            "overdue": filters.overdue_only,
            "states": states.RequestState.choices,
            "needs": reference.choices(reference.need_types()),
            "filter_query": query.urlencode(),
            "today": day,
            "open_states": [str(s) for s in states.OPEN_STATES],
        },
    )


def request_list_xlsx(request: HttpRequest) -> HttpResponse:
    """The list's requests (same filters) as an Excel file."""
    day = today()
    filters, nobody = _request_filters(request)
    rows = [] if nobody else selectors.request_export_rows(request.user, filters, today=day)
    response = HttpResponse(
        exports.requests_workbook(rows, today=day),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"yeu-cau-ho-tro-{filters.area.code if filters.area else 'tat-ca'}-{day:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def request_new(request: HttpRequest) -> HttpResponse:
    found = _by_code(request, reverse("workforce:request_list"))
    if found is not None:
        return found
    household = _household_to_change(request)
    form = forms.SupportRequestForm(
        request.POST or None, initial={"received_on": today()}, pick_household=household is None
    )
    if request.method == "POST":
        picker.remember(form, request.user, request.POST)
    if request.method == "POST" and form.is_valid():
        chosen = household or picker.picked(form, request.user)
        created = (
            form_attempt(
                form,
                lambda: services.request_create(
                    actor=request.user,
                    household=chosen,
                    need_type=form.cleaned_data["need_type"],
                    description=form.cleaned_data["description"],
                    received_on=form.cleaned_data["received_on"],
                    submission_key=form.cleaned_data["submission_key"],
                ),
            )
            if chosen is not None
            else None
        )
        if created is not None:
            if idempotency.replayed(created):
                messages.info(
                    request,
                    _("Yêu cầu #%(pk)d đã được ghi nhận trước đó; không ghi lần nữa.")
                    % {"pk": created.pk},
                )
            else:
                messages.success(request, _("Đã ghi nhận yêu cầu #%(pk)d.") % {"pk": created.pk})
            return redirect("workforce:request_detail", pk=created.pk)
    return form_page(
        request,
        form,
        title=_("Ghi nhận yêu cầu hỗ trợ"),
        back=reverse("registry:household_detail", args=[household.pk])
        if household
        else reverse("workforce:request_list"),
        crumbs=household_crumbs(household)
        if household
        else [(_("Yêu cầu hỗ trợ"), reverse("workforce:request_list"))],
    )


def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.request_for(request.user, pk)
    day = today()
    owners = selectors.request_owners(row)
    others = owners.exclude(pk=row.owner_id)
    can_decide = access.can_decide_in(request.user, row.commune)
    can_field = access.can_change_area(request.user, row.village)
    return render(
        request,
        "workforce/request_detail.html",
        {
            "row": row,
            "age": selectors.age_days(row, day),
            "overdue": row.is_open and row.due_on < day,
            "steps": row.steps.select_related("owner", "by"),
            "transitions": [
                (t, forms.TransitionForm(owners=owners if t.needs_owner else None, prefix=t.name))
                for t in services.allowed_transitions(request.user, row)
            ],
            "inform_form": forms.InformForm(initial={"informed_on": day})
            if can_field and not row.is_open and row.household_informed_on is None
            else None,
            "reassign_form": forms.ReassignForm(owners=others)
            if can_decide and row.is_open and others.exists()
            else None,
        },
    )


@require_POST
def request_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    row = selectors.request_for(request.user, pk)
    if name not in states.TRANSITION_NAMES:
        raise Http404
    form = forms.TransitionForm(request.POST, owners=selectors.request_owners(row), prefix=name)
    if not form.is_valid():
        messages.error(request, _("Người nhận không hợp lệ."))
        return redirect("workforce:request_detail", pk=pk)
    attempt(
        request,
        lambda: services.request_transition(
            actor=request.user,
            request=row,
            name=name,
            note=form.cleaned_data["note"],
            owner=form.cleaned_data.get("owner"),
        ),
        _("Đã cập nhật yêu cầu."),
    )
    return redirect("workforce:request_detail", pk=pk)


@require_POST
def request_inform(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.request_for(request.user, pk)
    form = forms.InformForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ngày thông báo không hợp lệ."))
    else:
        attempt(
            request,
            lambda: services.request_inform(
                actor=request.user,
                request=row,
                informed_on=form.cleaned_data["informed_on"],
                how=form.cleaned_data["how"],
            ),
            _("Đã ghi nhận việc thông báo cho hộ."),
        )
    return redirect("workforce:request_detail", pk=pk)


@require_POST
def request_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.request_for(request.user, pk)
    form = forms.ReassignForm(request.POST, owners=selectors.request_owners(row))
    if not form.is_valid():
        messages.error(request, _("Người phụ trách không hợp lệ."))
    else:
        attempt(
            request,
            lambda: services.request_reassign(
                actor=request.user,
                request=row,
                owner=form.cleaned_data["owner"],
                note=form.cleaned_data["note"],
            ),
            _("Đã đổi người phụ trách."),
        )
    return redirect("workforce:request_detail", pk=pk)


# -- household changes ------------------------------------------------------------------------


def change_list(request: HttpRequest) -> HttpResponse:
    area = area_param(request)
    flag = request.GET.get("flag", ReviewFlag.PENDING)
    changes = selectors.change_list(request.user, area=area, flag=flag)
    return render(
        request,
        "workforce/change_list.html",
        {
            "rows": [
                (change, access.can_decide_in(request.user, change.commune)) for change in changes
            ],
            "area": area,
            "flag": flag,
            "flags": ReviewFlag.choices,
            "dismiss_form": forms.DismissForm(),
        },
    )


def change_new(request: HttpRequest) -> HttpResponse:
    found = _by_code(request, reverse("workforce:change_list"))
    if found is not None:
        return found
    household = _household_to_change(request)
    form = forms.HouseholdChangeForm(
        request.POST or None, initial={"occurred_on": today()}, pick_household=household is None
    )
    if request.method == "POST":
        picker.remember(form, request.user, request.POST)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = household or picker.picked(form, request.user)
        change = (
            form_attempt(
                form,
                lambda: services.household_change_report(
                    actor=request.user,
                    household=chosen,
                    kind=data["kind"],
                    occurred_on=data["occurred_on"],
                    description=data["description"],
                    request_review=data["request_review"],
                    proposed_form=data["proposed_form"],
                    submission_key=data["submission_key"],
                ),
            )
            if chosen is not None
            else None
        )
        if change is not None:
            messages.success(request, _("Đã ghi nhận biến động của hộ."))
            return redirect("workforce:change_detail", pk=change.pk)
    intro = _(
        "Nhiệm vụ 2 của cộng tác viên: theo dõi hộ phát sinh nghèo, cận nghèo hoặc thoát nghèo "
        "trong năm và hướng dẫn hộ làm giấy đề nghị."
    )
    return form_page(
        request,
        form,
        title=_("Báo biến động của hộ"),
        back=reverse("registry:household_detail", args=[household.pk])
        if household
        else reverse("workforce:change_list"),
        crumbs=household_crumbs(household)
        if household
        else [(_("Biến động của hộ"), reverse("workforce:change_list"))],
        intro=intro,
    )


def change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A reported change; the apps above add their sections (the review: the in-year
    application made from it and, for an officer of the commune, the form that files it)."""
    change = selectors.change_for(request.user, pk)
    return render(request, "workforce/change_detail.html", change_page_context(request, change))


def change_page_context(request: HttpRequest, change: HouseholdChange) -> dict[str, Any]:
    """The change page's context, with the sections the apps above register
    (``workforce.panels``); the review's view re-renders the page with its bound form."""
    return {
        **panels.change_context(request, change),
        "change": change,
        "can_dismiss": access.can_decide_in(request.user, change.commune)
        and change.review_flag == ReviewFlag.PENDING,
        "dismiss_form": forms.DismissForm(),
    }


@require_POST
def change_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    change = access.get_visible_or_404(HouseholdChange.objects.all(), request.user, pk=pk)
    form = forms.DismissForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cần ghi lý do không đưa vào rà soát."))
    else:
        attempt(
            request,
            lambda: services.household_change_dismiss(
                actor=request.user, change=change, note=form.cleaned_data["note"]
            ),
            _("Đã cập nhật."),
        )
    return redirect("workforce:change_list")
