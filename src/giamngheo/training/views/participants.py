"""Registration, attendance, certificates and participants."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giamngheo.accounts import access
from giamngheo.lib import params
from giamngheo.lib.views import form_attempt
from giamngheo.training import selectors, services
from giamngheo.training.certificates import certificate_pdf
from giamngheo.training.forms import ParticipantForm
from giamngheo.training.models import Participant
from giamngheo.training.views._common import (
    class_crumbs,
    require,
    training_form,
    working_province,
)
from giamngheo.workforce import selectors as workforce_selectors


def register(request: HttpRequest, pk: int) -> HttpResponse:
    """Find a participant or a roster member and register them in the class."""
    training_class = selectors.class_for(request.user, pk)
    require(access.can_change_area(request.user, training_class.area))
    if request.method == "POST":
        try:
            if request.POST.get("worker"):
                worker = workforce_selectors.worker_for(request.user, int(request.POST["worker"]))
                participant = services.participant_for_worker(actor=request.user, worker=worker)
            else:
                participant = selectors.participant_for(
                    request.user, int(request.POST.get("participant", "0"))
                )
            services.register(
                actor=request.user, training_class=training_class, participant=participant
            )
        except ValueError as error:
            # Not ``attempt``: a malformed id (ValueError) is refused too, with its own message;
            # TrainingError is a ValueError.
            messages.error(
                request,
                str(error)
                if isinstance(error, services.TrainingError)
                else _("Yêu cầu không hợp lệ."),
            )
        else:
            messages.success(request, _("Đã đăng ký %(name)s.") % {"name": participant.full_name})
        return redirect(f"{reverse('training:register', args=[pk])}?q={request.POST.get('q', '')}")
    query = request.GET.get("q", "").strip()
    registered = selectors.registered_ids(training_class)
    participants, workers = selectors.registration_candidates(request.user, training_class, query)
    return render(
        request,
        "training/register.html",
        {
            "c": training_class,
            "crumbs": class_crumbs(training_class),
            "query": query,
            "participants": [(p, p.pk in registered) for p in participants],
            "workers": workers,
            "count": len(registered),
        },
    )


@require_POST
def unregister(request: HttpRequest, pk: int) -> HttpResponse:
    registration = selectors.registration_for(request.user, pk)
    require(access.can_change_area(request.user, registration.training_class.area))
    try:
        services.unregister(actor=request.user, registration=registration)
    except services.TrainingError as error:  # (nothing to say on success: the row is gone)
        messages.error(request, str(error))
    return redirect("training:class_detail", pk=registration.training_class_id)


def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_for(request.user, pk)
    training_class = session.training_class
    require(access.can_change_area(request.user, training_class.area))
    if request.method == "POST":
        # One radio pair per participant (``mark_<registration>``: present/absent), none chosen
        # at first; only the marked ones are saved (see ``services.attendance_record``).
        marks: dict[str, list[int]] = {"present": [], "absent": []}
        malformed = False
        for key, value in request.POST.items():
            if not key.startswith("mark_"):
                continue
            registration = key.removeprefix("mark_")
            if value not in marks or not registration.isdigit():
                malformed = True
                break
            marks[value].append(int(registration))
        if malformed:
            messages.error(request, _("Dữ liệu điểm danh không hợp lệ; chưa lưu gì."))
            return redirect("training:attendance", pk=session.pk)
        try:
            counts = services.attendance_record(
                actor=request.user,
                session=session,
                present=marks["present"],
                absent=marks["absent"],
            )
        except services.TrainingError as error:
            messages.error(request, str(error))
            return redirect("training:attendance", pk=session.pk)
        messages.success(
            request,
            _("Đã điểm danh: %(present)s có mặt, %(absent)s vắng, %(unmarked)s chưa điểm danh.")
            % counts,
        )
        return redirect("training:class_detail", pk=training_class.pk)
    grid = selectors.attendance_grid(training_class)
    return render(
        request,
        "training/attendance.html",
        {
            "c": training_class,
            "session": session,
            "crumbs": class_crumbs(training_class),
            "rows": [
                (r, grid.get((r.pk, session.pk)))
                for r in selectors.registrations_by_name(training_class)
            ],
        },
    )


@require_POST
def certificates_issue(request: HttpRequest, pk: int) -> HttpResponse:
    training_class = selectors.class_for(request.user, pk)
    require(access.can_decide_in(request.user, training_class.area))
    # Not ``attempt``: the success message carries the number of certificates.
    try:
        issued = services.certificates_issue(actor=request.user, training_class=training_class)
    except services.TrainingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã cấp %(n)s giấy chứng nhận.") % {"n": len(issued)})
    return redirect("training:class_detail", pk=pk)


def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    # A roster member downloads their own certificate even without a grant on the class's
    # area (a collaborator's village grant shows no training rows): issue 11.
    registration = selectors.own_registration(request.user, pk) or selectors.registration_for(
        request.user, pk
    )
    if not registration.certificate_number:
        raise Http404
    present, sessions = selectors.sessions_attended(registration)
    pdf = certificate_pdf(registration, present=present, sessions=sessions)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"giay-chung-nhan-{registration.certificate_number}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# -- participants -----------------------------------------------------------------------------


def participant_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    participants = (
        selectors.search_participants(request.user, query)
        if query
        else selectors.recent_participants(request.user)
    )
    return render(
        request,
        "training/participant_list.html",
        {
            "query": query,
            "participants": participants,
            "can_create": not access.change_reach(request.user).empty,
        },
    )


def participant_new(request: HttpRequest) -> HttpResponse:
    province = working_province(request)
    communes = access.changeable_communes(request.user, province=province)
    require(access.can_change_area(request.user, province) or communes.exists())
    for_class = params.id_param(request, "class")
    training_class = selectors.class_for(request.user, for_class) if for_class else None
    form = ParticipantForm(request.POST or None, communes=communes)
    if request.method == "POST" and form.is_valid():

        def create() -> Participant:
            participant = services.participant_create(
                actor=request.user, province=province, **form.cleaned_data
            )
            if training_class is not None:
                services.register(
                    actor=request.user, training_class=training_class, participant=participant
                )
            return participant

        participant = form_attempt(form, create)
        if participant is not None:
            if training_class is not None:
                return redirect("training:class_detail", pk=training_class.pk)
            return redirect("training:participant_detail", pk=participant.pk)
    return training_form(
        request,
        form,
        title=_("Thêm học viên, đại biểu ngoài đội ngũ"),
        back=reverse("training:participant_list"),
        intro=_(
            "Cán bộ, cộng tác viên đã có trong danh sách đội ngũ: tìm và đăng ký họ từ trang "
            "đăng ký của lớp, không nhập lại ở đây."
        ),
    )


def participant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    participant = selectors.participant_for(request.user, pk)
    history = selectors.participant_registrations(participant)
    return render(
        request,
        "training/participant_detail.html",
        {
            "p": participant,
            "registrations": history.registrations,
            "participations": history.participations,
            "attempts": selectors.participant_attempts(participant),
        },
    )


def mine(request: HttpRequest) -> HttpResponse:
    """ "Tập huấn của tôi": the classes, attendance, tests and certificates of the user's own
    roster entry (issue 11)."""
    return render(request, "training/mine.html", {"mine": selectors.my_training(request.user)})
