"""Livelihood models: list, create, detail, participants, inputs, outcomes, Excel export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.lib import clock
from giamngheo.lib.views import form_attempt
from giamngheo.livelihoods import exports, selectors, services
from giamngheo.livelihoods.forms import InputForm, ModelForm, OutcomeForm, ParticipantForm
from giamngheo.livelihoods.models import (
    LivelihoodModel,
    ModelType,
    Participation,
    SelfManagedGroup,
    SupportMode,
)
from giamngheo.livelihoods.views._common import (
    NAV,
    household_add_page,
    livelihoods_form,
    require,
    villages_of,
)
from giamngheo.programmes.models import Programme

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _crumbs(model: LivelihoodModel) -> list[tuple[str, str]]:
    return [
        (_("Mô hình sinh kế"), reverse("livelihoods:model_list")),
        (str(model), reverse("livelihoods:model_detail", args=[model.pk])),
    ]


def model_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    model_type = request.GET.get("type", "")
    mode = request.GET.get("mode", "")
    model_type = model_type if model_type in ModelType.values else ""
    mode = mode if mode in SupportMode.values else ""
    found = selectors.models_for(request.user, query=query, model_type=model_type, mode=mode)
    return render(
        request,
        "livelihoods/model_list.html",
        {
            **NAV,
            "models": found[:200],
            "query": query,
            "model_type": model_type,
            "mode": mode,
            "types": ModelType.choices,
            "modes": SupportMode.choices,
            "can_create": access.decidable_communes(request.user).exists(),
        },
    )


def model_new(request: HttpRequest) -> HttpResponse:
    communes = access.decidable_communes(request.user)
    require(communes.exists())
    visible = selectors.models_for(request.user)
    form = ModelForm(
        request.POST or None,
        communes=communes,
        villages=villages_of(communes),
        programmes=Programme.objects.filter(is_deleted=False).order_by("code"),
        groups=SelfManagedGroup.objects.filter(
            commune__in=communes.values("pk"), approved_on__isnull=False
        ).order_by("code"),
        models=LivelihoodModel.objects.filter(pk__in=visible.values("pk")).order_by("code"),
        initial={"start_date": clock.today()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        model = form_attempt(
            form,
            lambda: services.model_create(
                actor=request.user,
                commune=data["commune"],
                code=data["code"],
                name=data["name"],
                model_type=data["model_type"],
                mode=data["mode"],
                programme=data["programme"],
                villages=list(data["villages"]),
                budget_central=data["budget_central"],
                budget_local=data["budget_local"],
                budget_counterpart=data["budget_counterpart"],
                budget_credit=data["budget_credit"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                group=data["group"],
                replicated_from=data["replicated_from"],
                description=data["description"],
            ),
        )
        if model is not None:
            messages.success(request, _("Đã tạo mô hình sinh kế."))
            return redirect("livelihoods:model_detail", pk=model.pk)
    return livelihoods_form(
        request,
        form,
        title=_("Tạo mô hình sinh kế, dự án hỗ trợ sản xuất"),
        back=reverse("livelihoods:model_list"),
        intro=_(
            "Phương thức hỗ trợ theo Nghị định 27/2022/NĐ-CP (Điều 21-23). Dự án do cộng đồng "
            "đề xuất phải do một tổ nhóm đã được xã công nhận thực hiện."
        ),
    )


def _can_change(request: HttpRequest, model: LivelihoodModel) -> bool:
    """Officers of the commune, or a collaborator of one of the model's villages."""
    return access.can_change_area(request.user, model.commune) or any(
        access.can_change_area(request.user, v) for v in model.villages.all()
    )


def _model_context(request: HttpRequest, model: LivelihoodModel) -> dict[str, Any]:
    participations = selectors.participations_of(request.user, model)
    return {
        **NAV,
        "model": model,
        "villages": model.villages.order_by("name"),
        "summary": selectors.outcome_summary(participations),
        "replicas": selectors.replicas_of(request.user, model),
        "can_change": _can_change(request, model),
    }


def model_detail(request: HttpRequest, pk: int) -> HttpResponse:
    model = selectors.model_for(request.user, pk)
    return render(request, "livelihoods/model_detail.html", _model_context(request, model))


def participants(request: HttpRequest, pk: int) -> HttpResponse:
    model = selectors.model_for(request.user, pk)
    context = _model_context(request, model)
    context["participations"] = selectors.participations_of(request.user, model)
    return render(request, "livelihoods/participants.html", context)


def inputs(request: HttpRequest, pk: int) -> HttpResponse:
    model = selectors.model_for(request.user, pk)
    context = _model_context(request, model)
    context["inputs"] = selectors.inputs_of(request.user, model)
    return render(request, "livelihoods/inputs.html", context)


def outcomes(request: HttpRequest, pk: int) -> HttpResponse:
    model = selectors.model_for(request.user, pk)
    context = _model_context(request, model)
    context["participations"] = selectors.participations_of(request.user, model)
    return render(request, "livelihoods/outcomes.html", context)


def model_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    model = selectors.model_for(request.user, pk)
    participations = selectors.participations_of(request.user, model)
    content = exports.model_workbook(
        model, participations, selectors.outcome_summary(participations)
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="mo-hinh-{model.pk}.xlsx"'
    return response


def participant_new(request: HttpRequest, pk: int) -> HttpResponse:
    model = selectors.model_for(request.user, pk)
    require(_can_change(request, model))
    return household_add_page(
        request,
        ParticipantForm,
        lambda household, data: services.participant_add(
            actor=request.user,
            model=model,
            household=household,
            joined_on=data["joined_on"],
            income_before=data["income_before"],
        ),
        success=_("Đã thêm hộ tham gia mô hình."),
        done=reverse("livelihoods:participants", args=[model.pk]),
        title=_("Thêm hộ tham gia · %(model)s") % {"model": model.name},
        crumbs=_crumbs(model),
    )


def _participation(request: HttpRequest, pk: int) -> Participation:
    return access.get_visible_or_404(
        Participation.objects.select_related("model", "household", "household__village"),
        request.user,
        pk=pk,
    )


def input_new(request: HttpRequest, pk: int) -> HttpResponse:
    participation = _participation(request, pk)
    model = participation.model
    require(access.can_change_area(request.user, participation.household.village))
    form = InputForm(request.POST or None, initial={"delivered_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        delivery = form_attempt(
            form,
            lambda: services.input_deliver(
                actor=request.user,
                participation=participation,
                support_kind=data["support_kind"],
                description=data["description"],
                quantity=data["quantity"],
                unit=data["unit"],
                amount=data["amount"],
                delivered_on=data["delivered_on"],
                funding_source=data["funding_source"],
                delivered_by=data["delivered_by"],
                decision_number=data["decision_number"],
            ),
        )
        if delivery is not None:
            messages.success(request, _("Đã ghi vật tư, giống cấp cho hộ."))
            return redirect("livelihoods:inputs", pk=model.pk)
    return livelihoods_form(
        request,
        form,
        title=_("Cấp vật tư, giống · hộ %(code)s") % {"code": participation.household.code},
        back=reverse("livelihoods:inputs", args=[model.pk]),
        crumbs=_crumbs(model),
        intro=_("Khoản cấp được ghi vào sổ hỗ trợ chung của hộ (chương trình %(code)s).")
        % {"code": model.programme.code},
    )


def outcome_edit(request: HttpRequest, pk: int) -> HttpResponse:
    participation = _participation(request, pk)
    model = participation.model
    require(access.can_change_area(request.user, participation.household.village))
    initial: dict[str, Any] = {"outcome_on": clock.today()}
    if participation.outcome_on is not None:
        initial = {
            "outcome_on": participation.outcome_on,
            "income_after": participation.income_after,
            "status_after": participation.status_after,
            "note": participation.outcome_note,
        }
    form = OutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = form_attempt(
            form,
            lambda: services.outcome_record(
                actor=request.user,
                participation=participation,
                outcome_on=data["outcome_on"],
                income_after=data["income_after"],
                status_after=data["status_after"],
                note=data["note"],
            ),
        )
        if saved is not None:
            messages.success(request, _("Đã ghi kết quả của hộ."))
            return redirect("livelihoods:outcomes", pk=model.pk)
    return livelihoods_form(
        request,
        form,
        title=_("Kết quả của hộ %(code)s") % {"code": participation.household.code},
        back=reverse("livelihoods:outcomes", args=[model.pk]),
        crumbs=_crumbs(model),
        intro=_("Thu nhập trước khi tham gia: %(income)s đ/người/tháng.")
        % {"income": f"{participation.income_before:,.0f}".replace(",", ".")},
    )
