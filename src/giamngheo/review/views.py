"""Pages of the review process. Thin: parse, call a selector or a service, render. A refused
action (``ReviewError``, ``TransitionRefused``) comes back as a message explaining why."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giamngheo.accounts import access
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib import params
from giamngheo.registry.models import Household
from giamngheo.review import documents, forms, selectors, services
from giamngheo.review.models import (
    CommuneReport,
    Complaint,
    DecisionEntry,
    Entry,
    Meeting,
    ProvinceReport,
    RoundKind,
    Vote,
)
from giamngheo.review.rules import Params
from giamngheo.review.services import ReviewError
from giamngheo.review.states import ROUND, EntryState, RoundState, TransitionRefused


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _attempt(request: HttpRequest, action: Callable[[], Any], success: str) -> Any:
    """Run a service call; a refusal becomes an error message (None returned)."""
    try:
        result = action()
    except (ReviewError, TransitionRefused) as exc:
        messages.error(request, str(exc))
        return None
    messages.success(request, success)
    return result


def _household_by_code(request: HttpRequest, code: str, commune_id: int | None) -> Household:
    households = access.scoped(Household.objects.select_related("village", "commune"), request.user)
    if commune_id is not None:
        households = households.filter(commune_id=commune_id)
    household = households.filter(code=code.strip()).first()
    if household is None:
        raise ReviewError(
            _("Không tìm thấy hộ có mã %(code)s trong địa bàn của bạn.") % {"code": code}
        )
    return household


# -- home, rounds -------------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError as exc:
        raise Http404 from exc
    visible = (
        selectors.rounds(request.user)
        .filter(year=year)
        .select_related("commune")
        .order_by("kind", "commune__name", "month")
    )
    provinces = [
        unit
        for unit in AdministrativeUnit.objects.filter(level=Level.PROVINCE).filter(
            pk__in=access.view_reach(request.user).provinces
        )
    ]
    if access.is_system_admin(request.user):
        provinces = list(
            AdministrativeUnit.objects.filter(
                level=Level.PROVINCE, pk__in=visible.values("province_id")
            )
        )
    return render(
        request,
        "review/home.html",
        {
            "rounds": visible,
            "year": year,
            "years": list(range(today.year, today.year - 5, -1)),
            "can_plan": not access.decision_reach(request.user).empty,
            "provinces": provinces,
            "overdue": selectors.overdue_items(request.user, today=today),
        },
    )


def _decidable_communes(user: Any) -> list[tuple[str, str]]:
    reach = access.decision_reach(user)
    units = AdministrativeUnit.objects.filter(level=Level.COMMUNE, valid_to__isnull=True).filter(
        access.area_filter(reach, province="province", commune="pk", village="")
    )
    return [(u.code, u.name) for u in units.order_by("name")[:500]]


def round_new(request: HttpRequest) -> HttpResponse:
    communes = _decidable_communes(request.user)
    if not communes:
        raise PermissionDenied
    form = forms.RoundForm(request.POST or None, communes=communes)
    if request.method == "POST" and form.is_valid():
        commune = AdministrativeUnit.objects.get(code=form.cleaned_data["commune"])
        round_ = _attempt(
            request,
            lambda: services.round_create(
                actor=request.user,
                commune=commune,
                year=form.cleaned_data["year"],
                plan_number=form.cleaned_data["plan_number"],
                plan_date=form.cleaned_data["plan_date"],
                plan_note=form.cleaned_data["plan_note"],
            ),
            _("Đã lập kế hoạch rà soát."),
        )
        if round_ is not None:
            return redirect("review:round_detail", round_.pk)
    return render(
        request,
        "review/form.html",
        {"form": form, "title": _("Lập kế hoạch rà soát định kỳ"), "back": reverse("review:home")},
    )


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_for(request.user, pk)
    entries = (
        access.scoped(Entry.objects.filter(round=round_), request.user)
        .select_related("household", "village", "reviewer")
        .order_by("village__name", "household__code")
    )
    limit = params.limit_param(request, default=200, maximum=5000)
    state = request.GET.get("state") or ""
    if state in EntryState.values:
        entries = entries.filter(state=state)
    can_decide = access.can_decide_in(request.user, round_.commune)
    can_change = access.can_change_area(request.user, round_.commune) or bool(
        access.change_reach(request.user).villages
    )
    villages = _round_villages(request.user, round_)
    p = Params(round_.parameters)
    progress_ = selectors.round_progress(round_, user=request.user, with_villages=True)
    return render(
        request,
        "review/round_detail.html",
        {
            "round": round_,
            "progress": progress_,
            "state_counts": [
                (value, label, progress_.counts[value]) for value, label in EntryState.choices
            ],
            "entries": entries[:limit],
            "entry_count": entries.count(),
            "limit": limit,
            "state": state,
            "states": EntryState.choices,
            "steering": round_.steering.all(),
            "reviewers": round_.reviewers.all(),
            "meetings": access.scoped(Meeting.objects.filter(round=round_), request.user)
            .select_related("village")
            .order_by("-held_on"),
            "postings": round_.postings.order_by("-posted_on", "-pk"),
            "complaints": access.scoped(Complaint.objects.filter(round=round_), request.user)
            .select_related("line")
            .order_by("-received_on"),
            "decision": getattr(round_, "decision", None),
            "report": CommuneReport.objects.filter(round=round_).first(),
            "can_decide": can_decide,
            "can_change": can_change,
            "actions": ROUND.actions_from(round_.state),
            "villages": villages,
            "steering_form": forms.SteeringForm(),
            "reviewer_form": forms.ReviewerForm(),
            "flag_form": forms.FlagForm(),
            "posting_form": forms.PostingForm(),
            "parameters": [(key, fact) for key, fact in sorted(round_.parameters.items())],
            "unverified": p.unverified(),
        },
    )


def _round_villages(user: Any, round_: Any) -> list[AdministrativeUnit]:
    villages = AdministrativeUnit.objects.filter(parent=round_.commune, level=Level.VILLAGE)
    return [v for v in villages.order_by("name") if access.can_change_area(user, v)]


@require_POST
def steering_add(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_for(request.user, pk)
    form = forms.SteeringForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.steering_member_add(
                actor=request.user, round_=round_, **form.cleaned_data
            ),
            _("Đã thêm thành viên ban chỉ đạo."),
        )
    return redirect("review:round_detail", pk)


@require_POST
def reviewer_add(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_for(request.user, pk)
    form = forms.ReviewerForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.reviewer_add(actor=request.user, round_=round_, **form.cleaned_data),
            _("Đã thêm rà soát viên."),
        )
    return redirect("review:round_detail", pk)


@require_POST
def round_start(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_for(request.user, pk)
    _attempt(
        request,
        lambda: services.round_start(actor=request.user, round_=round_),
        _("Đã chốt kế hoạch và lập danh sách hộ cần rà soát."),
    )
    return redirect("review:round_detail", pk)


@require_POST
def entry_flag(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_for(request.user, pk)
    form = forms.FlagForm(request.POST)
    if form.is_valid():

        def run() -> Any:
            household = _household_by_code(
                request, form.cleaned_data["household_code"], round_.commune_id
            )
            return services.entry_add(
                actor=request.user,
                round_=round_,
                household=household,
                note=form.cleaned_data["note"],
            )

        _attempt(request, run, _("Đã đưa hộ vào danh sách rà soát."))
    return redirect("review:round_detail", pk)


@require_POST
def round_surveys(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_for(request.user, pk)
    village = None
    if request.POST.get("village"):
        village = AdministrativeUnit.objects.filter(
            code=request.POST["village"], parent=round_.commune
        ).first()
    result = _attempt(
        request,
        lambda: services.round_attach_latest_surveys(
            actor=request.user, round_=round_, village=village
        ),
        _("Đã cập nhật kết quả khảo sát."),
    )
    if result:
        messages.info(
            request,
            _(
                "Phiếu A: %(a)s hộ cần khảo sát đầy đủ, %(b)s hộ không thuộc diện; "
                "Phiếu B1/B2: %(c)s hộ."
            )
            % {"a": result["screened_in"], "b": result["screened_out"], "c": result["surveyed"]},
        )
    return redirect("review:round_detail", pk)


# -- meetings -----------------------------------------------------------------------------------


def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_for(request.user, pk)
    villages = _round_villages(request.user, round_)
    if not villages:
        raise PermissionDenied
    form = forms.MeetingForm(request.POST or None, villages=[(v.code, v.name) for v in villages])
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code = data.pop("village")
        village = next(v for v in villages if v.code == code)
        meeting = _attempt(
            request,
            lambda: services.meeting_create(
                actor=request.user, round_=round_, village=village, **data
            ),
            _("Đã ghi cuộc họp dân; nhập kết quả biểu quyết từng hộ."),
        )
        if meeting is not None:
            return redirect("review:meeting_detail", meeting.pk)
    return render(
        request,
        "review/form.html",
        {
            "form": form,
            "title": _("Họp dân: %(round)s") % {"round": round_},
            "back": reverse("review:round_detail", args=[pk]),
        },
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
        _attempt(
            request,
            lambda: services.meeting_record_votes(actor=request.user, meeting=meeting, votes=votes),
            _("Đã ghi kết quả biểu quyết."),
        )
        return redirect("review:meeting_detail", pk)
    votes_done = list(
        Vote.objects.filter(meeting=meeting).select_related("entry__household").order_by("pk")
    )
    candidates = (
        Entry.objects.filter(
            round=meeting.round, village=meeting.village, state=EntryState.SURVEYED
        )
        .select_related("household")
        .order_by("household__code")
    )
    p = Params(meeting.round.parameters)
    num, den = p.raw("vote_threshold")
    return render(
        request,
        "review/meeting_detail.html",
        {
            "meeting": meeting,
            "votes": votes_done,
            "candidates": candidates if meeting.state == "scheduled" else [],
            "can_change": access.can_change_area(request.user, meeting.village),
            "threshold_percent": round(100 * num / den),
            "scan_form": forms.MinutesScanForm(),
        },
    )


def meeting_minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for(request.user, pk)
    votes = list(
        Vote.objects.filter(meeting=meeting).select_related("entry__household").order_by("pk")
    )
    return _pdf(documents.minutes_pdf(meeting, votes), f"bien-ban-hop-dan-{meeting.pk}.pdf")


@require_POST
def meeting_scan(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for(request.user, pk)
    form = forms.MinutesScanForm(request.POST, request.FILES)
    if form.is_valid():
        _attempt(
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


# -- postings and complaints --------------------------------------------------------------------


@require_POST
def posting_new(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_for(request.user, pk)
    form = forms.PostingForm(request.POST)
    if form.is_valid():
        posting = _attempt(
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
    return _pdf(
        documents.posting_pdf(posting, lines, village_name=village_name),
        f"niem-yet-{posting.pk}.pdf",
    )


@require_POST
def complaint_new(request: HttpRequest, pk: int) -> HttpResponse:
    line = selectors.line_for(request.user, pk)
    form = forms.ComplaintForm(request.POST)
    if form.is_valid():
        complaint = _attempt(
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
    from giamngheo.surveys.models import Survey

    latest = (
        Survey.objects.filter(
            household_id=complaint.entry.household_id,
            review_year=complaint.round.year,
            surveyed_on__gte=complaint.received_on,
        )
        .exclude(status="")
        .exclude(pk=complaint.recheck_survey_id or 0)
        .order_by("-surveyed_on", "-pk")
        .first()
    )
    return render(
        request,
        "review/complaint_detail.html",
        {
            "complaint": complaint,
            "latest_survey": latest,
            "resolve_form": forms.ResolveForm(),
            "can_decide": access.can_decide_in(request.user, complaint.round.commune),
            "can_change": access.can_change_area(request.user, complaint.entry.village),
        },
    )


@require_POST
def complaint_recheck(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_for(request.user, pk)
    from giamngheo.surveys.models import Survey

    survey = access.get_visible_or_404(
        Survey.objects.select_related("form"), request.user, pk=request.POST.get("survey") or 0
    )
    _attempt(
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
        _attempt(
            request,
            lambda: services.complaint_resolve(
                actor=request.user, complaint=complaint, **form.cleaned_data
            ),
            _("Đã giải quyết khiếu nại và niêm yết kết quả phúc tra."),
        )
    else:
        messages.error(request, _("Cần ghi ngày và kết luận."))
    return redirect("review:complaint_detail", pk)


# -- decision, certificates ---------------------------------------------------------------------


def decision_new(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_for(request.user, pk)
    if not access.can_decide_in(request.user, round_.commune):
        raise PermissionDenied
    form = forms.DecisionForm(
        request.POST or None,
        initial={"signer_title": Params(round_.parameters).decider_title},
    )
    if request.method == "POST" and form.is_valid():
        decision = _attempt(
            request,
            lambda: services.decision_issue(actor=request.user, round_=round_, **form.cleaned_data),
            _("Đã ban hành quyết định công nhận; tình trạng các hộ đã được cập nhật."),
        )
        if decision is not None:
            return redirect("review:decision_detail", decision.pk)
    return render(
        request,
        "review/form.html",
        {
            "form": form,
            "title": _("Quyết định công nhận: %(round)s") % {"round": round_},
            "back": reverse("review:round_detail", args=[pk]),
        },
    )


def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = selectors.decision_for(request.user, pk)
    entries = list(
        access.scoped(DecisionEntry.objects.filter(decision=decision), request.user)
        .select_related("certificate")
        .order_by("village_name", "household_code")
    )
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
            "can_decide": access.can_decide_in(request.user, decision.commune),
        },
    )


def decision_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    decision = selectors.decision_for(request.user, pk)
    entries = list(
        access.scoped(DecisionEntry.objects.filter(decision=decision), request.user).order_by(
            "village_name", "household_code"
        )
    )
    return _pdf(documents.decision_pdf(decision, entries), f"quyet-dinh-{decision.pk}.pdf")


@require_POST
def certificates_issue(request: HttpRequest, pk: int) -> HttpResponse:
    decision = selectors.decision_for(request.user, pk)
    chosen = None
    if request.POST.get("entry"):
        chosen = [
            access.get_visible_or_404(
                DecisionEntry.objects.filter(decision=decision),
                request.user,
                pk=request.POST["entry"],
            )
        ]
    _attempt(
        request,
        lambda: services.certificates_issue(actor=request.user, decision=decision, entries=chosen),
        _("Đã cấp giấy chứng nhận."),
    )
    return redirect("review:decision_detail", pk)


def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = selectors.certificate_for(request.user, pk)
    url = request.build_absolute_uri(reverse("verify:check", args=[certificate.code]))
    return _pdf(
        documents.certificate_pdf(certificate, url), f"giay-chung-nhan-{certificate.pk}.pdf"
    )


# -- report upward ------------------------------------------------------------------------------


def report(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_for(request.user, pk)
    # The report holds the whole commune's totals: only for users who see the whole commune
    # (a collaborator of some villages sees their villages' figures on the round page).
    if round_.kind != RoundKind.ANNUAL or not selectors.sees_whole_commune(request.user, round_):
        raise Http404
    submitted = CommuneReport.objects.filter(round=round_).first()
    if request.method == "POST":
        _attempt(
            request,
            lambda: services.report_submit(actor=request.user, round_=round_),
            _("Đã gửi báo cáo; số liệu đã được chốt."),
        )
        return redirect("review:report", pk)
    figures = submitted.figures if submitted else None
    if figures is None and round_.state in (RoundState.DECIDED, RoundState.REPORTED):
        figures = services.report_figures(round_)
    return render(
        request,
        "review/report.html",
        {
            "round": round_,
            "submitted": submitted,
            "figures": figures,
            "rows": documents.report_rows(figures) if figures else [],
            "can_decide": access.can_decide_in(request.user, round_.commune),
        },
    )


def province(request: HttpRequest, code: str, year: int) -> HttpResponse:
    unit = AdministrativeUnit.objects.filter(code=code, level=Level.PROVINCE).first()
    if unit is None or not access.can_view_area(request.user, unit):
        raise Http404
    if request.method == "POST":
        _attempt(
            request,
            lambda: services.province_consolidate(actor=request.user, province=unit, year=year),
            _("Đã tổng hợp báo cáo của các xã."),
        )
        return redirect("review:province", code, year)
    latest = (
        ProvinceReport.objects.filter(province=unit, year=year).order_by("-consolidated_at").first()
    )
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
            "submitted": CommuneReport.objects.filter(province=unit, year=year).count(),
            "can_decide": access.can_decide_in(request.user, unit),
            "states": RoundState.choices,
        },
    )


# -- in-year applications -----------------------------------------------------------------------


def applications(request: HttpRequest) -> HttpResponse:
    rows = selectors.applications(request.user).order_by("-received_on", "-pk")[:300]
    return render(
        request,
        "review/applications.html",
        {
            "applications": rows,
            "can_file": not access.change_reach(request.user).empty,
            "today": timezone.localdate(),
        },
    )


def application_new(request: HttpRequest) -> HttpResponse:
    if access.change_reach(request.user).empty:
        raise PermissionDenied
    form = forms.ApplicationFormForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code = data.pop("household_code")
        data.pop("report_reference", None)

        def run() -> Any:
            household = _household_by_code(request, code, None)
            return services.application_file(actor=request.user, household=household, **data)

        application = _attempt(request, run, _("Đã tiếp nhận đơn."))
        if application is not None:
            return redirect("review:application_detail", application.pk)
    return render(
        request,
        "review/form.html",
        {"form": form, "title": _("Tiếp nhận đơn đề nghị"), "back": reverse("review:applications")},
    )


def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_for(request.user, pk)
    if request.method == "POST":
        form = forms.RefuseForm(request.POST)
        if form.is_valid():
            _attempt(
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
            "days_left": (application.due_on - timezone.localdate()).days,
        },
    )


def application_letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_for(request.user, pk)
    if application.state != "refused":
        raise Http404
    return _pdf(documents.refusal_letter_pdf(application), f"tra-loi-don-{application.pk}.pdf")


# -- progress -----------------------------------------------------------------------------------


def progress(request: HttpRequest) -> HttpResponse:
    """Where the rounds stand: the province table for provincial users, else the communes."""
    home_unit = access.home_unit(request.user)
    year = timezone.localdate().year
    if home_unit is not None and home_unit.level == Level.PROVINCE:
        return redirect("review:province", home_unit.code, year)
    return redirect(f"{reverse('review:home')}?year={year}")


# -- public certificate check -------------------------------------------------------------------


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
