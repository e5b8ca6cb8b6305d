"""Pages: programmes and policies, the eligibility preview, beneficiary lists and their review.

Every read is scoped (``access.scoped`` / ``get_visible_or_404``); every write is a service
called through ``lib.views.attempt`` / ``form_attempt``.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giamngheo.accounts import access
from giamngheo.accounts.types import AuthenticatedHttpRequest
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.lib import clock
from giamngheo.lib.views import attempt, form_attempt, form_page
from giamngheo.programmes import exports, forms, selectors, services
from giamngheo.programmes.labels import category_label, priority_labels
from giamngheo.programmes.models import (
    BeneficiaryEntry,
    BeneficiaryList,
    FundingSource,
    ListState,
    Programme,
)
from giamngheo.registry import picker

LIST_SCOPE = {"village": ""}


def _programme(pk: int) -> Programme:
    found = selectors.programmes().select_related("parent").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _areas(request: AuthenticatedHttpRequest, *, decide: bool = False) -> list[tuple[str, str]]:
    """The provinces and communes the user may preview (or, ``decide``, make lists) for."""
    reach = access.decision_reach(request.user) if decide else access.view_reach(request.user)
    provinces = AdministrativeUnit.objects.filter(level="province", valid_to__isnull=True)
    if not reach.everything:
        provinces = provinces.filter(pk__in=reach.provinces)
    choices = [(u.code, u.name) for u in provinces.order_by("name")]
    communes = access.communes_in_reach(reach)
    if reach.everything:
        communes = communes.none()  # the administrator picks a province (3,321 communes)
    choices += [(u.code, f"— {u.name}") for u in communes]
    return choices


def _unit(code: str) -> AdministrativeUnit:
    unit = AdministrativeUnit.objects.filter(code=code).first()
    if unit is None:
        raise Http404
    return unit


def programme_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    tree = selectors.in_tree_order(list(selectors.programmes()))
    return render(
        request,
        "programmes/programme_list.html",
        {"tree": tree, "can_edit": _can_edit(request)},
    )


def _can_edit(request: AuthenticatedHttpRequest) -> bool:
    try:
        services.require_editor(request.user)
    except services.ProgrammeError:
        return False
    return True


def _funding_label(code: str) -> str:
    """A funding source's label; a code the choices do not know (edited data) as it is."""
    return str(FundingSource(code).label) if code in FundingSource.values else code


def programme_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = _programme(pk)
    areas = _areas(request)
    form = forms.PreviewForm(
        request.GET or None,
        areas=areas,
        initial={"on": clock.today(), "area": areas[0][0] if areas else ""},
    )
    preview = error = None
    if programme.eligibility and form.is_bound and form.is_valid():
        try:
            preview = selectors.eligibility_preview(
                viewer=request.user,
                programme=programme,
                area=_unit(form.cleaned_data["area"]),
                on=form.cleaned_data["on"],
            )
        except services.ProgrammeError as exc:
            error = str(exc)
    labels = priority_labels(programme.eligibility)
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "p": programme,
            "children": selectors.programmes().filter(parent=programme),
            "form": form,
            "preview": preview,
            "by_status": [
                (category_label(k), n) for k, n in (preview.by_status.items() if preview else [])
            ],
            "by_priority": [
                (labels.get(k, k), n) for k, n in (preview.by_priority.items() if preview else [])
            ],
            "error": error,
            "rules": json.dumps(programme.eligibility, ensure_ascii=False, indent=2),
            # The rules as people read them (the JSON stays available under it).
            "rule_statuses": [
                category_label(str(s)) for s in programme.eligibility.get("statuses", [])
            ],
            "rule_priorities": list(labels.values()),
            "newly_escaped_months": programme.eligibility.get("newly_escaped_months"),
            "funding": [_funding_label(code) for code in programme.funding_sources],
            "lists": access.scoped(programme.lists.all(), request.user, **LIST_SCOPE).order_by(
                "-created_at"
            )[:50],
            "can_edit": _can_edit(request),
            "can_make_lists": bool(programme.eligibility) and bool(_areas(request, decide=True)),
        },
    )


def programme_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = _programme(pk)
    if not _can_edit(request):
        raise Http404
    benefit = programme.benefit
    initial: dict[str, Any] = {
        "name": programme.name,
        "legal_basis": programme.legal_basis,
        "valid_from": programme.valid_from,
        "valid_to": programme.valid_to,
        "funding_sources": programme.funding_sources,
        "benefit_amount": benefit.get("amount"),
        "benefit_rate": benefit.get("rate"),
        "benefit_quantity": benefit.get("quantity"),
        "benefit_unit": benefit.get("unit", ""),
        "eligibility": json.dumps(programme.eligibility, ensure_ascii=False, indent=2),
        "requires_posting": programme.requires_posting,
        "verified": programme.verified,
        "source_note": programme.source_note,
    }
    form = forms.ProgrammeForm(request.POST or None, initial=initial)
    back = reverse("programmes:detail", args=[pk])
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        new_benefit = dict(benefit)
        for key in ("amount", "rate", "quantity", "unit"):
            new_benefit[key] = data.pop(f"benefit_{key}")
        saved = form_attempt(
            form,
            lambda: services.programme_update(
                actor=request.user, programme=programme, benefit=new_benefit, **data
            ),
        )
        if saved is not None:
            return redirect(back)
    return form_page(
        request,
        form,
        title=_("Sửa chương trình, chính sách"),
        back=back,
        crumbs=[(_("Chương trình, chính sách"), reverse("programmes:list"))],
        intro=programme.code,
    )


def list_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = _programme(pk)
    areas = _areas(request, decide=True)
    form = forms.ListForm(request.POST or None, areas=areas)
    back = reverse("programmes:detail", args=[pk])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = form_attempt(
            form,
            lambda: services.list_generate(
                actor=request.user,
                programme=programme,
                area=_unit(data["area"]),
                period_start=data["period_start"],
                period_end=data["period_end"],
                reference_date=data["on"],
                title=data["title"],
            ),
        )
        if created is not None:
            return redirect("programmes:list_detail", pk=created.pk)
    return form_page(
        request,
        form,
        title=_("Lập danh sách thụ hưởng"),
        back=back,
        crumbs=[(programme.name, back)],
        intro=_(
            "Danh sách được lập theo điều kiện hiện hành của chương trình; sau đó rà soát, "
            "bổ sung hoặc loại hộ có ghi lý do, rồi phê duyệt."
        ),
    )


def _visible_list(request: AuthenticatedHttpRequest, pk: int) -> BeneficiaryList:
    return access.get_visible_or_404(
        BeneficiaryList.objects.select_related("programme", "area"),
        request.user,
        LIST_SCOPE,
        pk=pk,
    )


def list_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    lists = access.scoped(
        BeneficiaryList.objects.select_related("programme", "area"), request.user, **LIST_SCOPE
    ).order_by("-created_at")[:200]
    return render(request, "programmes/list_index.html", {"lists": lists})


def list_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    blist = _visible_list(request, pk)
    entries = list(blist.entries.order_by("village_name", "household_code"))
    labels = priority_labels(blist.rules)
    rows = [(e, category_label(e.category), labels.get(e.priority, e.priority)) for e in entries]
    editable = blist.state != ListState.APPROVED and access.can_change_area(
        request.user, blist.area
    )
    decidable = blist.state != ListState.APPROVED and access.can_decide_in(request.user, blist.area)
    return render(
        request,
        "programmes/list_detail.html",
        {
            "l": blist,
            "rows": rows,
            "included": sum(1 for e in entries if e.included),
            "editable": editable,
            "can_post": decidable and blist.state == ListState.DRAFT,
            "can_approve": decidable,
        },
    )


def list_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    blist = _visible_list(request, pk)
    entries = list(blist.entries.order_by("village_name", "household_code"))
    services.list_export_record(actor=request.user, beneficiary_list=blist)
    response = HttpResponse(
        exports.list_workbook(blist, entries),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="danh-sach-{blist.pk}.xlsx"'
    return response


def entry_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    blist = _visible_list(request, pk)
    form = forms.AddForm(request.POST or None)
    picker.remember(form, request.user, request.POST)
    back = reverse("programmes:list_detail", args=[pk])
    if request.method == "POST" and form.is_valid():
        household = picker.picked(form, request.user)
        if household is not None:
            added = form_attempt(
                form,
                lambda: services.entry_add(
                    actor=request.user,
                    beneficiary_list=blist,
                    household=household,
                    reason=form.cleaned_data["reason"],
                ),
            )
            if added is not None:
                return redirect(back)
    return form_page(
        request, form, title=_("Bổ sung hộ vào danh sách"), back=back, crumbs=[(blist.title, back)]
    )


def _visible_entry(request: AuthenticatedHttpRequest, pk: int) -> BeneficiaryEntry:
    return access.get_visible_or_404(
        BeneficiaryEntry.objects.select_related("beneficiary_list", "village"), request.user, pk=pk
    )


def entry_exclude(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = _visible_entry(request, pk)
    back = reverse("programmes:list_detail", args=[entry.beneficiary_list_id])
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = form_attempt(
            form,
            lambda: services.entry_exclude(
                actor=request.user, entry=entry, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            return redirect(back)
    return form_page(
        request,
        form,
        title=_("Loại hộ khỏi danh sách"),
        back=back,
        crumbs=[(entry.beneficiary_list.title, back)],
        intro=f"{entry.household_code} · {entry.head_name}",
    )


@require_POST
def entry_restore(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = _visible_entry(request, pk)
    attempt(
        request,
        lambda: services.entry_restore(actor=request.user, entry=entry),
        _("Đã đưa hộ trở lại danh sách."),
    )
    return redirect("programmes:list_detail", pk=entry.beneficiary_list_id)


def list_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    blist = _visible_list(request, pk)
    form = forms.PostForm(request.POST or None)
    back = reverse("programmes:list_detail", args=[pk])
    if request.method == "POST" and form.is_valid():
        done = form_attempt(
            form,
            lambda: services.list_post(
                actor=request.user, beneficiary_list=blist, **form.cleaned_data
            ),
        )
        if done is not None:
            return redirect(back)
    return form_page(
        request, form, title=_("Niêm yết danh sách"), back=back, crumbs=[(blist.title, back)]
    )


def list_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    blist = _visible_list(request, pk)
    form = forms.ApproveForm(request.POST or None, initial={"approved_on": clock.today()})
    back = reverse("programmes:list_detail", args=[pk])
    if request.method == "POST" and form.is_valid():
        done = form_attempt(
            form,
            lambda: services.list_approve(
                actor=request.user, beneficiary_list=blist, **form.cleaned_data
            ),
        )
        if done is not None:
            return redirect(back)
    return form_page(
        request,
        form,
        title=_("Phê duyệt danh sách"),
        back=back,
        crumbs=[(blist.title, back)],
        intro=_("Sau khi phê duyệt, danh sách không sửa được nữa."),
    )
