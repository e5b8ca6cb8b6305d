"""Pages of the recognition decision, its certificates and the reports upward
(QĐ 24/2021 Art. 4.5, 5.2, 7)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giamngheo.accounts import access
from giamngheo.lib.views import attempt, form_attempt
from giamngheo.review import documents, forms, selectors, services
from giamngheo.review.models import Certificate, RoundKind
from giamngheo.review.rules import Params
from giamngheo.review.states import RoundState
from giamngheo.review.views.common import pdf


def decision_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision form shows what will be decided (lists and counts per status, the change
    from the previous decision) and asks the officer to confirm before the irreversible step."""
    round_ = selectors.round_for(request.user, pk)
    if not access.can_decide_in(request.user, round_.commune):
        raise PermissionDenied
    form = forms.DecisionForm(
        request.POST or None,
        initial={"signer_title": Params(round_.parameters).decider_title},
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "confirm"}
        decision = form_attempt(
            form,
            lambda: services.decision_issue(actor=request.user, round_=round_, **data),
        )
        if decision is not None:
            messages.success(
                request, _("Đã ban hành quyết định công nhận; tình trạng các hộ đã được cập nhật.")
            )
            return redirect("review:decision_detail", decision.pk)
    return render(
        request,
        "review/decision_new.html",
        {
            "form": form,
            "round": round_,
            "preview": selectors.decision_preview(round_),
            "title": _("Quyết định công nhận: %(round)s") % {"round": round_},
            "back": reverse("review:round_detail", args=[pk]),
        },
        status=400 if request.method == "POST" else 200,
    )


def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = selectors.decision_for(request.user, pk)
    entries = list(selectors.decision_entries(request.user, decision).select_related("certificate"))
    groups = [
        (title, [e for e in entries if kind in e.lists]) for kind, title in documents.LIST_TITLES
    ]
    return render(
        request,
        "review/decision_detail.html",
        {
            "decision": decision,
            "groups": [(t, rows) for t, rows in groups if rows],
            "entries": entries,
            "certificates_count": sum(1 for e in entries if hasattr(e, "certificate")),
            "can_decide": access.can_decide_in(request.user, decision.commune),
        },
    )


def decision_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    decision = selectors.decision_for(request.user, pk)
    entries = list(selectors.decision_entries(request.user, decision))
    return pdf(documents.decision_pdf(decision, entries), f"quyet-dinh-{decision.pk}.pdf")


@require_POST
def certificates_issue(request: HttpRequest, pk: int) -> HttpResponse:
    decision = selectors.decision_for(request.user, pk)
    chosen = None
    if request.POST.get("entry"):
        chosen = [selectors.decision_entry_for(request.user, decision, request.POST["entry"])]
    attempt(
        request,
        lambda: services.certificates_issue(actor=request.user, decision=decision, entries=chosen),
        _("Đã cấp giấy chứng nhận."),
    )
    return redirect("review:decision_detail", pk)


def certificates_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """All certificates of the decision the user sees (a collaborator: their villages'), in
    one PDF to print, one certificate a page, in the order of the household codes."""
    decision = selectors.decision_for(request.user, pk)
    certificates = access.scoped(
        Certificate.objects.filter(decision_entry__decision=decision), request.user
    ).order_by("decision_entry__household_code", "pk")
    pairs = [
        (c, request.build_absolute_uri(reverse("verify:check", args=[c.code])))
        for c in certificates
    ]
    if not pairs:
        raise Http404
    title = _("Giấy chứng nhận theo Quyết định số %(number)s") % {"number": decision.number}
    return pdf(
        documents.certificates_pdf(title, pairs), f"giay-chung-nhan-quyet-dinh-{decision.pk}.pdf"
    )


def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = selectors.certificate_for(request.user, pk)
    url = request.build_absolute_uri(reverse("verify:check", args=[certificate.code]))
    return pdf(documents.certificate_pdf(certificate, url), f"giay-chung-nhan-{certificate.pk}.pdf")


def report(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_for(request.user, pk)
    # The report holds the whole commune's totals: only for users who see the whole commune
    # (a collaborator of some villages sees their villages' figures on the round page).
    if round_.kind != RoundKind.ANNUAL or not selectors.sees_whole_commune(request.user, round_):
        raise Http404
    submitted = selectors.commune_report(round_)
    if request.method == "POST":
        attempt(
            request,
            lambda: services.report_submit(actor=request.user, round_=round_),
            _("Đã gửi báo cáo; số liệu đã được chốt."),
        )
        return redirect("review:report", pk)
    figures = submitted.figures if submitted else None
    if figures is None and round_.state in (RoundState.DECIDED, RoundState.REPORTED):
        figures = selectors.report_figures(round_)
    actions = selectors.round_actions(request.user, round_)
    return render(
        request,
        "review/report.html",
        {
            "round": round_,
            "submitted": submitted,
            "figures": figures,
            "rows": documents.report_rows(figures) if figures else [],
            # The report step of review.states (ROUND_ACTS), for an officer of the commune.
            "can_report": not submitted and any(a.name == "report" for a in actions),
        },
    )


def province(request: HttpRequest, code: str, year: int) -> HttpResponse:
    unit = selectors.province_for(request.user, code)
    if request.method == "POST":
        attempt(
            request,
            lambda: services.province_consolidate(
                actor=request.user,
                province=unit,
                year=year,
                partial_reason=request.POST.get("partial_reason", "")[:2000],
            ),
            _("Đã tổng hợp báo cáo của các xã."),
        )
        return redirect("review:province", code, year)
    latest = selectors.latest_consolidation(unit, year)
    return render(
        request,
        "review/province.html",
        {
            "province": unit,
            "year": year,
            "progress": selectors.province_progress(request.user, unit, year),
            "overdue": selectors.overdue_items(request.user, area=unit),
            "consolidation": latest,
            "rows": documents.report_rows(latest.figures["total"]) if latest else [],
            "submitted": selectors.submitted_reports(unit, year),
            "missing": selectors.missing_reports(unit, year),
            "deadlines": selectors.report_deadlines(unit, year),
            "can_decide": access.can_decide_in(request.user, unit),
            "states": RoundState.choices,
        },
    )
