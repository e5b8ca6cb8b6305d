"""The policy handbook: search, standards pages (from the rule packs), pages, versions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib.views import form_attempt
from giamngheo.training import handbook, selectors, services
from giamngheo.training.forms import PageEditForm, PageForm
from giamngheo.training.models import HandbookPage
from giamngheo.training.views._common import bank_province, can_edit_bank, require, training_form


def handbook_index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    if query:
        pages = list(selectors.search_pages(request.user, query).select_related("province"))
        standards = handbook.search_standard_pages(query)
    else:
        pages = selectors.handbook_pages(request.user)
        standards = handbook.standard_pages()
    return render(
        request,
        "training/handbook_index.html",
        {
            "query": query,
            "pages": pages,
            "standards": standards,
            "can_add": access.is_system_admin(request.user)
            or not access.decision_reach(request.user).empty,
        },
    )


def handbook_standard(request: HttpRequest, code: str) -> HttpResponse:
    page = handbook.standard_page(code)
    if page is None:
        raise Http404
    return render(request, "training/handbook_standard.html", {"page": page})


def _page_context(request: HttpRequest, page: HandbookPage) -> dict[str, Any]:
    province = None if access.is_system_admin(request.user) else access.home_unit(request.user)
    if province is not None and province.level != Level.PROVINCE:
        province = province.province
    # A provincial officer may also "edit" a national page: that saves the province's version.
    can_edit = can_edit_bank(request.user, page.province_id) or (
        page.province_id is None
        and province is not None
        and access.can_decide_in(request.user, province)
    )
    return {
        "page": page,
        "body": handbook.render_body(page.body),
        "unverified": handbook.unverified_count(page.body),
        "can_edit": can_edit,
    }


def handbook_page(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.page_for(request.user, pk)
    return render(request, "training/handbook_page.html", _page_context(request, page))


def handbook_page_new(request: HttpRequest) -> HttpResponse:
    province = bank_province(request.user)
    form = PageForm(request.POST or None, creating=True, initial={"position": 100})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        note = data.pop("note")
        data.pop("version", None)
        page = form_attempt(
            form,
            lambda: services.page_create(
                actor=request.user, province=province, data=services.PageData(**data), note=note
            ),
        )
        if page is not None:
            return redirect("training:handbook_page", pk=page.pk)
    return training_form(
        request, form, title=_("Thêm trang sổ tay"), back=reverse("training:handbook")
    )


def handbook_page_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a page. A provincial officer editing a national page saves the province's own
    version of it (the national page stays as it is for everyone else)."""
    page = selectors.page_for(request.user, pk)
    adapt_for: AdministrativeUnit | None = None
    if not can_edit_bank(request.user, page.province_id):
        adapt_for = bank_province(request.user)
        require(page.province_id is None and adapt_for is not None)
    initial = {name: getattr(page, name) for name in services.PAGE_FIELDS}
    initial["version"] = page.version
    form = PageEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        note = data.pop("note")
        version = data.pop("version")

        def save() -> HandbookPage:
            if adapt_for is not None:
                return services.page_adapt(
                    actor=request.user, national=page, province=adapt_for, note=note, **data
                )
            return services.page_update(
                actor=request.user, page=page, expected_version=version, note=note, **data
            )

        saved = form_attempt(form, save)
        if saved is not None:
            messages.success(request, _("Đã lưu phiên bản %(v)s.") % {"v": saved.version})
            return redirect("training:handbook_page", pk=saved.pk)
    intro = (
        _("Đây là trang dùng chung: khi lưu, tỉnh %(p)s sẽ có bản riêng của trang này.")
        % {"p": adapt_for.name}
        if adapt_for is not None
        else ""
    )
    return training_form(
        request,
        form,
        title=_("Sửa trang: %(title)s") % {"title": page.title},
        back=reverse("training:handbook_page", args=[page.pk]),
        intro=intro,
    )


def handbook_history(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.page_for(request.user, pk)
    return render(
        request,
        "training/handbook_history.html",
        {"page": page, "versions": selectors.page_versions(page)},
    )


def handbook_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    page = selectors.page_for(request.user, pk)
    version = selectors.page_version(page, number)
    return render(
        request,
        "training/handbook_version.html",
        {
            "page": page,
            "version": version,
            "body": handbook.render_body(version.body),
            "is_current": version.number == page.version,
        },
    )
