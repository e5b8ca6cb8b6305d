"""Pages of the public posting and its complaints (QĐ 24/2021 Art. 4.4)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giamngheo.accounts import access
from giamngheo.lib import clock
from giamngheo.lib.views import attempt
from giamngheo.review import documents, forms, selectors, services
from giamngheo.review.rules import Params
from giamngheo.review.states import RoundState
from giamngheo.review.views.common import pdf


@require_POST
def posting_new(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_for(request.user, pk)
    form = forms.PostingForm(request.POST)
    if form.is_valid():
        posting = attempt(
            request,
            lambda: services.posting_create(actor=request.user, round_=round_, **form.cleaned_data),
            _("Đã niêm yết công khai danh sách."),
        )
        if posting is not None:
            return redirect("review:posting_detail", posting.pk)
    return redirect("review:round_detail", pk)


def posting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    posting = selectors.posting_for(request.user, pk)
    lines = list(selectors.posting_lines(request.user, posting).prefetch_related("complaints"))
    villages = sorted({(line.village_id, line.village_name) for line in lines}, key=lambda v: v[1])
    p = Params(posting.round.parameters)
    today = clock.today()
    return render(
        request,
        "review/posting_detail.html",
        {
            "posting": posting,
            "lines": lines,
            "villages": villages,
            "complaint_form": forms.ComplaintForm(),
            # The service checks the date against the complaint window; the form stays while
            # the round is posting so that complaints received on paper can be entered late.
            "open": posting.round.state == RoundState.POSTING,
            "window_open": posting.posted_on <= today <= posting.complaints_until,
            # QĐ 24/2021 Art. 4.4: the posting period has no verified figure (03 working days
            # is believed, not quoted): the page says so, with the source.
            "period_verified": p.verified("posting_working_days"),
            "period_source": p.source("posting_working_days"),
        },
    )


def posting_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    posting = selectors.posting_for(request.user, pk)
    lines = list(selectors.posting_lines(request.user, posting))
    village_name = ""
    if request.GET.get("village"):
        try:
            village_id = int(request.GET["village"])
        except ValueError as exc:
            raise Http404 from exc
        lines = [line for line in lines if line.village_id == village_id]
        if not lines:
            raise Http404
        village_name = lines[0].village_name
    return pdf(
        documents.posting_pdf(posting, lines, village_name=village_name),
        f"niem-yet-{posting.pk}.pdf",
    )


@require_POST
def complaint_new(request: HttpRequest, pk: int) -> HttpResponse:
    line = selectors.line_for(request.user, pk)
    form = forms.ComplaintForm(request.POST)
    if form.is_valid():
        complaint = attempt(
            request,
            lambda: services.complaint_file(actor=request.user, line=line, **form.cleaned_data),
            _("Đã tiếp nhận khiếu nại."),
        )
        if complaint is not None:
            return redirect("review:complaint_detail", complaint.pk)
    else:
        messages.error(request, _("Cần ghi người khiếu nại, nội dung và ngày tiếp nhận."))
    return redirect("review:posting_detail", line.posting_id)


def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_for(request.user, pk)
    latest = selectors.recheck_survey_candidate(complaint)
    return render(
        request,
        "review/complaint_detail.html",
        {
            "complaint": complaint,
            "latest_survey": latest,
            "latest_label": selectors.survey_label(latest),
            "recheck_label": selectors.survey_label(complaint.recheck_survey),
            "recheck_form": selectors.recheck_form_code(complaint),
            "resolve_form": forms.ResolveForm(),
            "can_decide": access.can_decide_in(request.user, complaint.round.commune),
            "can_change": access.can_change_area(request.user, complaint.entry.village),
        },
    )


@require_POST
def complaint_recheck(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_for(request.user, pk)
    survey = selectors.survey_for(request.user, request.POST.get("survey"))
    attempt(
        request,
        lambda: services.complaint_recheck(actor=request.user, complaint=complaint, survey=survey),
        _("Đã ghi kết quả phúc tra."),
    )
    return redirect("review:complaint_detail", pk)


@require_POST
def complaint_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_for(request.user, pk)
    form = forms.ResolveForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.complaint_resolve(
                actor=request.user, complaint=complaint, **form.cleaned_data
            ),
            _("Đã giải quyết khiếu nại và niêm yết kết quả phúc tra."),
        )
    else:
        messages.error(request, _("Cần ghi ngày và kết luận."))
    return redirect("review:complaint_detail", pk)
