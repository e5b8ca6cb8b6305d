"""Pages of the average-living-standard households (QĐ 24/2021 Art. 2.2, 3, 6): the applications,
the 12-month income form, the written answer, the commune chairman's decision and the commune's
list of a year. Scoped reads (``average_selectors``), writes through ``services``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts import selectors as account_selectors
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib import clock
from giamngheo.lib.idempotency import key_from, replayed
from giamngheo.lib.views import attempt, form_attempt, form_page
from giamngheo.registry import picker
from giamngheo.review import average_documents, average_rules, average_selectors, services
from giamngheo.review.average_forms import (
    AverageApplicationForm,
    AverageDecisionForm,
    AverageIncomeForm,
    AverageRefuseForm,
)
from giamngheo.review.average_models import OPEN_STATES, AverageState
from giamngheo.review.views.common import pdf

# The written answer's usual reason for each result (Vietnamese: it is printed in the letter).
REFUSAL_REASONS = {
    "below": (
        "Thu nhập bình quân đầu người/tháng của hộ từ chuẩn nghèo trở xuống: đề nghị hộ làm đơn "
        "rà soát hộ nghèo, hộ cận nghèo (Mẫu số 01)."
    ),
    "above": "Thu nhập bình quân đầu người/tháng của hộ cao hơn mức sống trung bình.",
    "no_band": "Chuẩn nghèo áp dụng cho năm xác định không quy định mức sống trung bình.",
}


def _crumbs() -> list[tuple[str, Any]]:
    return [
        (_("Rà soát"), reverse("review:home")),
        (_("Hộ có mức sống trung bình"), reverse("review:average_home")),
    ]


def _commune(request: HttpRequest, code: str) -> AdministrativeUnit:
    unit = account_selectors.unit_for(request.user, code)
    if unit.level != Level.COMMUNE:
        raise Http404
    return unit


def average_home(request: HttpRequest) -> HttpResponse:
    rows = average_selectors.applications(request.user).order_by("-received_on", "-pk")[:300]
    year = clock.today().year
    return render(
        request,
        "review/average/home.html",
        {
            "applications": rows,
            "decisions": average_selectors.decisions(request.user).order_by("-signed_on")[:50],
            "can_file": not access.change_reach(request.user).empty,
            "decidable": list(access.decidable_communes(request.user)[:50]),
            "communes": list(access.communes_in_reach(access.view_reach(request.user))[:50]),
            "year": year,
            "rules": average_rules.load(),
        },
    )


def average_new(request: HttpRequest) -> HttpResponse:
    if access.change_reach(request.user).empty:
        raise PermissionDenied
    form = AverageApplicationForm(request.POST or None)
    if request.method == "POST":
        picker.remember(form, request.user, request.POST)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("household")
        data.pop("submission_key", None)
        household = picker.picked(form, request.user)
        application = (
            form_attempt(
                form,
                lambda: services.average_application_file(
                    actor=request.user,
                    household=household,
                    submission_key=key_from(request.POST),
                    **data,
                ),
            )
            if household is not None
            else None
        )
        if application is not None:
            if not replayed(application):
                messages.success(request, _("Đã tiếp nhận đơn."))
            return redirect("review:average_detail", application.pk)
    return form_page(
        request,
        form,
        title=_("Tiếp nhận đơn đề nghị xác định hộ có mức sống trung bình"),
        back=reverse("review:average_home"),
        crumbs=_crumbs(),
    )


def average_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = average_selectors.application_for(request.user, pk)
    can_decide = access.can_decide_in(request.user, application.commune)
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        form = AverageRefuseForm(request.POST)
        if form.is_valid():
            attempt(
                request,
                lambda: services.average_refuse(
                    actor=request.user, application=application, **form.cleaned_data
                ),
                _("Đã ban hành văn bản trả lời."),
            )
        else:
            messages.error(request, _("Cần ghi số văn bản, ngày ký, người ký và lý do."))
        return redirect("review:average_detail", pk)
    is_open = application.state in OPEN_STATES
    return render(
        request,
        "review/average/detail.html",
        {
            "application": application,
            "is_open": is_open,
            "can_assess": is_open and access.can_change_area(request.user, application.village),
            "can_decide": can_decide and is_open,
            "refuse_form": AverageRefuseForm(
                initial={"reasons": REFUSAL_REASONS.get(application.position, "")}
            ),
            "rules": average_rules.load(),
        },
    )


def average_income(request: HttpRequest, pk: int) -> HttpResponse:
    application = average_selectors.application_for(request.user, pk)
    if application.state not in OPEN_STATES or not access.can_change_area(
        request.user, application.village
    ):
        raise PermissionDenied
    initial: dict[str, Any] = {}
    if application.state == AverageState.ASSESSED:
        initial = {
            "assessed_on": application.assessed_on,
            "member_count": application.member_count,
            "social_assistance": application.social_assistance,
        } | {f"item_{code}": amount for code, amount in application.income_items.items()}
    else:
        initial = {"member_count": application.household.member_count or None}
    form = AverageIncomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = form_attempt(
            form,
            lambda: services.average_income_record(
                actor=request.user,
                application=application,
                assessed_on=data["assessed_on"],
                member_count=data["member_count"],
                items=form.items(),
                social_assistance=data.get("social_assistance") or 0,
            ),
        )
        if saved is not None:
            messages.success(request, _("Đã ghi thu nhập và xếp loại theo chuẩn."))
            return redirect("review:average_detail", pk)
    return form_page(
        request,
        form,
        title=_("Thu nhập 12 tháng của hộ %(code)s") % {"code": application.household.code},
        back=reverse("review:average_detail", args=[pk]),
        crumbs=_crumbs(),
        intro=_(
            "Thu nhập của hộ trong 12 tháng trước thời điểm xác định, không tính trợ cấp, trợ "
            "giúp xã hội từ ngân sách nhà nước (QĐ 24/2021/QĐ-TTg Điều 2). Các dòng của phiếu "
            "chưa được kiểm chứng với mẫu chính thức."
        ),
    )


def average_letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    application = average_selectors.application_for(request.user, pk)
    if application.state != AverageState.REFUSED:
        raise Http404
    return pdf(
        average_documents.refusal_letter_pdf(application), f"tra-loi-mstb-{application.pk}.pdf"
    )


def average_decision_new(request: HttpRequest, code: str) -> HttpResponse:
    commune = _commune(request, code)
    if not access.can_decide_in(request.user, commune):
        raise PermissionDenied
    candidates = services.decision_candidates(commune)
    ids = ",".join(str(a.pk) for a in candidates)
    form = AverageDecisionForm(
        request.POST or None, initial={"signer_title": _("Chủ tịch UBND xã"), "expected": ids}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        decision = form_attempt(
            form,
            lambda: services.average_decision_issue(
                actor=request.user,
                commune=commune,
                number=data["number"],
                signed_on=data["signed_on"],
                signer_name=data["signer_name"],
                signer_title=data["signer_title"],
                expected=form.expected_ids(),
            ),
        )
        if decision is not None:
            messages.success(
                request, _("Đã ban hành quyết định; tình trạng các hộ đã được cập nhật.")
            )
            return redirect("review:average_decision_detail", decision.pk)
    return render(
        request,
        "review/average/decision_new.html",
        {
            "form": form,
            "commune": commune,
            "candidates": candidates,
            "back": reverse("review:average_home"),
        },
        status=400 if request.method == "POST" else 200,
    )


def average_decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = average_selectors.decision_for(request.user, pk)
    return render(
        request,
        "review/average/decision_detail.html",
        {"decision": decision, "lines": average_selectors.decision_lines(request.user, decision)},
    )


def average_decision_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    decision = average_selectors.decision_for(request.user, pk)
    lines = list(average_selectors.decision_lines(request.user, decision))
    return pdf(average_documents.decision_pdf(decision, lines), f"qd-mstb-{decision.pk}.pdf")


def average_year_list(request: HttpRequest, code: str, year: int) -> HttpResponse:
    commune = _commune(request, code)
    if not 2016 <= year <= 2100:
        raise Http404
    return render(
        request,
        "review/average/year_list.html",
        {
            "commune": commune,
            "year": year,
            "lines": average_selectors.year_list(request.user, commune, year),
        },
    )
