"""Pages of a round: the year's rounds, planning, the round page and its field work."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giamngheo.accounts import access
from giamngheo.areas.models import Level
from giamngheo.lib import clock, params
from giamngheo.lib.views import attempt, form_attempt, form_page
from giamngheo.registry import picker
from giamngheo.review import forms, rules, selectors, services
from giamngheo.review.rules import Params
from giamngheo.review.states import EntryState
from giamngheo.review.views.common import crumbs


def home(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError as exc:
        raise Http404 from exc
    visible = selectors.rounds_of_year(request.user, year)
    return render(
        request,
        "review/home.html",
        {
            "rounds": visible,
            "year": year,
            "years": list(range(today.year, today.year - 5, -1)),
            "can_plan": not access.decision_reach(request.user).empty,
            "provinces": selectors.home_provinces(request.user, visible),
            "overdue": selectors.overdue_items(request.user, today=today),
        },
    )


def round_new(request: HttpRequest) -> HttpResponse:
    communes = selectors.plannable_communes(request.user)
    if not communes:
        raise PermissionDenied
    form = forms.RoundForm(request.POST or None, communes=communes)
    if request.method == "POST" and form.is_valid():
        commune = selectors.plannable_commune(request.user, form.cleaned_data["commune"])
        round_ = form_attempt(
            form,
            lambda: services.round_create(
                actor=request.user,
                commune=commune,
                year=form.cleaned_data["year"],
                plan_number=form.cleaned_data["plan_number"],
                plan_date=form.cleaned_data["plan_date"],
                plan_note=form.cleaned_data["plan_note"],
            ),
        )
        if round_ is not None:
            messages.success(request, _("Đã lập kế hoạch rà soát."))
            return redirect("review:round_detail", round_.pk)
    return form_page(
        request,
        form,
        title=_("Lập kế hoạch rà soát định kỳ"),
        back=reverse("review:home"),
        crumbs=crumbs(),
    )


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_for(request.user, pk)
    limit = params.limit_param(request, default=200, maximum=5000)
    state = request.GET.get("state") or ""
    entries = selectors.round_entries(request.user, round_, state)
    villages = selectors.changeable_villages(request.user, round_)
    actions = selectors.round_actions(request.user, round_, villages=villages)
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
            "meetings": selectors.round_meetings(request.user, round_),
            "postings": selectors.round_postings(round_),
            "complaints": selectors.round_complaints(request.user, round_),
            "decision": getattr(round_, "decision", None),
            "report": selectors.commune_report(round_),
            # What the page offers, from the tables of review.states (ROUND_ACTS).
            "actions": actions,
            "action_names": {a.name for a in actions},
            "villages": villages,
            "steering_form": forms.SteeringForm(),
            "reviewer_form": forms.ReviewerForm(),
            "flag_form": forms.FlagForm(),
            "posting_form": forms.PostingForm(),
            "parameters": [
                (key, rules.label(key), rules.display_value(key, fact.get("value")), fact)
                for key, fact in sorted(round_.parameters.items())
            ],
            "unverified": Params(round_.parameters).unverified(),
            # QĐ 24/2021 Art. 4.5 as adapted after 1/7/2025 (rule value, unverified).
            "consultation_required": services.consultation_required(round_),
            "consultation_source": Params(round_.parameters)
            .values.get("consultation_before_decision", {})
            .get("source", ""),
            "consult_form": forms.ConsultForm(),
        },
    )


@require_POST
def round_consult(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_for(request.user, pk)
    form = forms.ConsultForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.round_consult(actor=request.user, round_=round_, **form.cleaned_data),
            _("Đã ghi việc báo cáo, xin ý kiến."),
        )
    else:
        messages.error(request, _("Cần ghi ngày và số văn bản báo cáo, xin ý kiến."))
    return redirect("review:round_detail", pk)


@require_POST
def steering_add(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_for(request.user, pk)
    form = forms.SteeringForm(request.POST)
    if form.is_valid():
        attempt(
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
        attempt(
            request,
            lambda: services.reviewer_add(actor=request.user, round_=round_, **form.cleaned_data),
            _("Đã thêm rà soát viên."),
        )
    return redirect("review:round_detail", pk)


@require_POST
def round_start(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_for(request.user, pk)
    attempt(
        request,
        lambda: services.round_start(actor=request.user, round_=round_),
        _("Đã chốt kế hoạch và lập danh sách hộ cần rà soát."),
    )
    return redirect("review:round_detail", pk)


@require_POST
def entry_flag(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_for(request.user, pk)
    form = forms.FlagForm(request.POST)
    household = picker.picked(form, request.user) if form.is_valid() else None
    if household is None or household.commune_id != round_.commune_id:
        # Nothing picked, or a household outside the user's areas or of another commune.
        messages.error(request, _("Tìm và chọn một hộ của xã này trong danh sách."))
        return redirect("review:round_detail", pk)
    attempt(
        request,
        lambda: services.entry_add(
            actor=request.user, round_=round_, household=household, note=form.cleaned_data["note"]
        ),
        _("Đã đưa hộ vào danh sách rà soát."),
    )
    return redirect("review:round_detail", pk)


@require_POST
def round_surveys(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_for(request.user, pk)
    village = None
    if request.POST.get("village"):
        village = selectors.round_village(round_, request.POST["village"])
    result = attempt(
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


def progress(request: HttpRequest) -> HttpResponse:
    """Where the rounds stand: the province table for provincial users, else the communes."""
    home_unit = access.home_unit(request.user)
    year = clock.today().year
    if home_unit is not None and home_unit.level == Level.PROVINCE:
        return redirect("review:province", home_unit.code, year)
    return redirect(f"{reverse('review:home')}?year={year}")
