"""Pages of the in-year review (QĐ 24/2021 Art. 5) and the public certificate check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giamngheo.accounts import access
from giamngheo.lib import clock
from giamngheo.lib.views import attempt, form_attempt, form_page
from giamngheo.registry import picker
from giamngheo.review import documents, forms, panels, selectors, services
from giamngheo.review.models import ApplicationReason
from giamngheo.review.states import ApplicationState
from giamngheo.review.views.common import crumbs, pdf
from giamngheo.workforce import selectors as workforce_selectors
from giamngheo.workforce.views import households as workforce_views


def applications(request: HttpRequest) -> HttpResponse:
    rows = selectors.applications(request.user).order_by("-received_on", "-pk")[:300]
    return render(
        request,
        "review/applications.html",
        {
            "applications": rows,
            "can_file": not access.change_reach(request.user).empty,
            "today": clock.today(),
        },
    )


def application_new(request: HttpRequest) -> HttpResponse:
    if access.change_reach(request.user).empty:
        raise PermissionDenied
    # Opened from the dashboard (a main earner's death, registry life events): the household
    # (its id) and the reason come prefilled; the officer checks them.
    initial: dict[str, object] = {}
    if request.GET.get("reason") in ApplicationReason.values:
        initial["reason"] = request.GET["reason"]
    form = forms.ApplicationFormForm(request.POST or None, initial=initial)
    if request.method == "POST":
        picker.remember(form, request.user, request.POST)
    else:
        picker.remember(form, request.user, request.GET)
        if "household" in form.fields and form.fields["household"].widget.chosen:
            form.initial["household"] = form.fields["household"].widget.chosen[0].pk
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("household")
        data.pop("report_reference", None)
        household = picker.picked(form, request.user)
        application = (
            form_attempt(
                form,
                lambda: services.application_file(actor=request.user, household=household, **data),
            )
            if household is not None
            else None
        )
        if application is not None:
            messages.success(request, _("Đã tiếp nhận đơn."))
            return redirect("review:application_detail", application.pk)
    return form_page(
        request,
        form,
        title=_("Tiếp nhận đơn đề nghị"),
        back=reverse("review:applications"),
        crumbs=crumbs(),
    )


def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_for(request.user, pk)
    if request.method == "POST":
        form = forms.RefuseForm(request.POST)
        if form.is_valid():
            attempt(
                request,
                lambda: services.application_refuse(
                    actor=request.user, application=application, **form.cleaned_data
                ),
                _("Đã ban hành văn bản trả lời (từ chối)."),
            )
        else:
            messages.error(request, _("Cần ghi số văn bản, ngày ký, người ký và lý do."))
        return redirect("review:application_detail", pk)
    return render(
        request,
        "review/application_detail.html",
        {
            "application": application,
            "refuse_form": forms.RefuseForm(),
            "can_decide": access.can_decide_in(request.user, application.commune),
            "days_left": (application.due_on - clock.today()).days,
        },
    )


def application_letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_for(request.user, pk)
    if application.state != ApplicationState.REFUSED:
        raise Http404
    return pdf(documents.refusal_letter_pdf(application), f"tra-loi-don-{application.pk}.pdf")


@login_not_required
def verify(request: HttpRequest, code: str = "") -> HttpResponse:
    """Public page (no login): checks a certificate's verification code and shows only what a
    checker needs (number, kind, head's name, number of members, commune, validity)."""
    code = code or request.GET.get("code", "")
    result = selectors.check_certificate(code) if code else None
    return render(
        request,
        "review/verify.html",
        {"result": result, "code": code, "form": forms.VerifyForm(initial={"code": code})},
    )


@require_POST
def application_from_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue 11: the form on a reported change's page files the in-year application in one
    action; a refusal re-renders the change page with the form's error."""
    change = workforce_selectors.change_for(request.user, pk)
    applications = selectors.applications_of_change(request.user, change)
    if not panels.can_apply_from_change(request, change, applications):
        raise PermissionDenied
    form = forms.ApplicationFromChangeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        application = form_attempt(
            form,
            lambda: services.application_from_change(
                actor=request.user,
                change=change,
                form=data["form"],
                reason=data["reason"],
                received_on=data["received_on"],
                applicant_name=data["applicant_name"],
                reason_note=data["reason_note"],
            ),
        )
        if application is not None:
            messages.success(
                request,
                _("Đã lập đơn đề nghị rà soát trong năm #%(pk)d từ biến động này.")
                % {"pk": application.pk},
            )
            return redirect("workforce:change_detail", pk=change.pk)
    context = workforce_views.change_page_context(request, change)
    context.update(panels.change_applications(request, change, form=form))
    return render(request, "workforce/change_detail.html", context)
