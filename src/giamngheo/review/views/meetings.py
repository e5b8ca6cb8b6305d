"""Pages of a village meeting (QĐ 24/2021 Art. 4.3): record it, the vote, the minutes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giamngheo.accounts import access
from giamngheo.lib.views import attempt, form_attempt, form_page
from giamngheo.review import documents, forms, selectors, services
from giamngheo.review.rules import Params
from giamngheo.review.states import MeetingState
from giamngheo.review.views.common import crumbs, pdf


def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_for(request.user, pk)
    villages = selectors.changeable_villages(request.user, round_)
    if not villages:
        raise PermissionDenied
    form = forms.MeetingForm(request.POST or None, villages=[(v.code, v.name) for v in villages])
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code = data.pop("village")
        village = next(v for v in villages if v.code == code)
        meeting = form_attempt(
            form,
            lambda: services.meeting_create(
                actor=request.user, round_=round_, village=village, **data
            ),
        )
        if meeting is not None:
            messages.success(request, _("Đã ghi cuộc họp dân; nhập kết quả biểu quyết từng hộ."))
            return redirect("review:meeting_detail", meeting.pk)
    return form_page(
        request,
        form,
        title=_("Họp dân: %(round)s") % {"round": round_},
        back=reverse("review:round_detail", args=[pk]),
        crumbs=crumbs(),
    )


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for(request.user, pk)
    if request.method == "POST":
        votes: dict[int, int] = {}
        for key in request.POST:
            value = request.POST.get(key, "")
            if key.startswith("agree_") and value.strip() != "":
                try:
                    votes[int(key.removeprefix("agree_"))] = int(value)
                except ValueError:
                    messages.error(request, _("Số người đồng ý phải là số nguyên."))
                    return redirect("review:meeting_detail", pk)
        attempt(
            request,
            lambda: services.meeting_record_votes(actor=request.user, meeting=meeting, votes=votes),
            _("Đã ghi kết quả biểu quyết."),
        )
        return redirect("review:meeting_detail", pk)
    num, den = Params(meeting.round.parameters).raw("vote_threshold")
    scheduled = meeting.state == MeetingState.SCHEDULED
    return render(
        request,
        "review/meeting_detail.html",
        {
            "meeting": meeting,
            "votes": selectors.meeting_votes(meeting),
            "candidates": selectors.meeting_candidates(meeting) if scheduled else [],
            "can_change": access.can_change_area(request.user, meeting.village),
            "threshold_percent": round(100 * num / den),
            "scan_form": forms.MinutesScanForm(),
        },
    )


def meeting_minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for(request.user, pk)
    votes = selectors.meeting_votes(meeting)
    return pdf(documents.minutes_pdf(meeting, votes), f"bien-ban-hop-dan-{meeting.pk}.pdf")


@require_POST
def meeting_scan(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for(request.user, pk)
    form = forms.MinutesScanForm(request.POST, request.FILES)
    if form.is_valid():
        attempt(
            request,
            lambda: services.meeting_upload_minutes(
                actor=request.user, meeting=meeting, scan=form.cleaned_data["scan"]
            ),
            _("Đã tải lên biên bản đã ký."),
        )
    else:
        # The form says why (no file, too large, not PDF/JPEG/PNG).
        problems = " ".join(str(e) for e in form.errors.get("scan", []))
        messages.error(request, problems or _("Hãy chọn tệp biên bản."))
    return redirect("review:meeting_detail", pk)


def meeting_scan_file(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for(request.user, pk)
    if not meeting.minutes_scan:
        raise Http404
    response = HttpResponse(meeting.minutes_scan.open("rb").read())
    response["Content-Type"] = "application/octet-stream"
    name = (meeting.minutes_scan.name or "bien-ban").rsplit("/", 1)[-1]
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
