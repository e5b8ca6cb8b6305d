"""Survey pages: a household's surveys with its status by year, the entry page with a live
preview (htmx), the preview endpoint (writes nothing) and a survey's stored result."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giamngheo.accounts import access
from giamngheo.lib import clock, idempotency
from giamngheo.registry.models import Household, Person, Status
from giamngheo.standards import Explanation
from giamngheo.surveys import definitions, engine, selectors, services
from giamngheo.surveys.definitions import FieldType, FormSpec, Problem, SurveyError
from giamngheo.surveys.forms import SurveyMetaForm, default_meta, parse_answers
from giamngheo.surveys.models import Method, Screening, Survey


def _english() -> bool:
    return (translation.get_language() or "vi").startswith("en")


def _current_forms() -> list[FormSpec]:
    return definitions.load_forms()


def _form_spec(code: str) -> FormSpec:
    try:
        return definitions.load_form(code)
    except definitions.FormDefinitionError as exc:
        raise Http404 from exc


def _changeable_household(request: HttpRequest, household_pk: int) -> Household:
    """The household if visible (else 404) and the user may enter surveys there (else 403)."""
    household = selectors.household_for(request.user, household_pk)
    if not access.can_change_area(request.user, household.village):
        raise PermissionDenied(_("Bạn không có quyền nhập phiếu khảo sát cho hộ này."))
    return household


# -- the household's surveys -----------------------------------------------------------------


def household_surveys(request: HttpRequest, household_pk: int) -> HttpResponse:
    household = selectors.household_for(request.user, household_pk)
    surveys = selectors.surveys_for_household(request.user, household)
    can_record = access.can_change_area(request.user, household.village)
    return render(
        request,
        "surveys/household_surveys.html",
        {
            "household": household,
            "surveys": surveys,
            "by_year": selectors.status_by_year(surveys),
            "forms": _current_forms() if can_record else [],
            "can_record": can_record,
            "english": _english(),
        },
    )


# -- entry page and preview ------------------------------------------------------------------


def _default_year(spec: FormSpec, today: dt.date) -> int:
    pack = services.pack_files(spec.standard).pack
    first, last = pack.review_years
    return min(max(today.year, first), last)


def survey_new(request: HttpRequest, household_pk: int, form_code: str) -> HttpResponse:
    household = _changeable_household(request, household_pk)
    spec = _form_spec(form_code)
    today = clock.today()
    problems: list[Problem] = []
    # A double click or a resent form records one survey (lib.idempotency); the key is kept
    # while the form comes back with errors.
    submission_key = idempotency.key_from(request.POST) or idempotency.new_key()
    if request.method == "POST":
        meta = SurveyMetaForm(request.POST)
        answers = parse_answers(spec, request.POST)
        if meta.is_valid():
            try:
                survey = services.survey_record(
                    actor=request.user,
                    household=household,
                    form=spec.code,
                    review_year=meta.cleaned_data["review_year"],
                    surveyed_on=meta.cleaned_data["surveyed_on"],
                    surveyor=request.user,
                    surveyor_name=meta.cleaned_data["surveyor_name"],
                    answers=answers,
                    submission_key=idempotency.key_from(request.POST),
                )
            except SurveyError as exc:
                problems = exc.problems
            else:
                if idempotency.replayed(survey):
                    messages.info(request, _("Phiếu này đã được lưu trước đó; không lưu lần nữa."))
                else:
                    messages.success(request, _("Đã lưu phiếu khảo sát."))
                return redirect("surveys:survey_detail", pk=survey.pk)
        on = meta.cleaned_data.get("surveyed_on") if meta.is_valid() else None
    else:
        year = _default_year(spec, today)
        user_name = getattr(request.user, "full_name", "") or str(request.user)
        meta = SurveyMetaForm(
            initial=default_meta(review_year=year, today=today, surveyor_name=user_name)
        )
        on = meta.initial["surveyed_on"]
        answers = None
    on = on or today
    memberships = selectors.members_at(household, on) if spec.has_members else []
    if answers is None:
        answers = services.prefill_answers(
            household=household, form=spec, on=on, memberships=memberships
        )
    # The page opens with the result of the prefilled answers: an unbound form never validates,
    # so the preview reads the initial particulars as if they had been sent.
    preview_meta = meta if meta.is_bound else SurveyMetaForm(meta.initial)
    preview = _preview_context(household, spec, preview_meta, answers) if not problems else None
    return render(
        request,
        "surveys/survey_form.html",
        {
            "household": household,
            "spec": spec,
            "meta": meta,
            "sections": _sections(spec, answers, memberships, problems),
            "problems": [p for p in problems if not _is_field_key(p.key)],
            "preview": preview or {"problems": problems},
            "english": _english(),
            "submission_key": submission_key,
        },
        status=400 if problems else 200,
    )


@require_POST
def survey_preview(request: HttpRequest, household_pk: int, form_code: str) -> HttpResponse:
    """The live preview: the engine's scalar path on the answers typed so far; writes nothing."""
    household = _changeable_household(request, household_pk)
    spec = _form_spec(form_code)
    meta = SurveyMetaForm(request.POST)
    context = _preview_context(household, spec, meta, parse_answers(spec, request.POST))
    return render(request, "surveys/_preview.html", {"preview": context})


def _preview_context(
    household: Household, spec: FormSpec, meta: SurveyMetaForm, answers: Mapping[str, Any]
) -> dict[str, Any]:
    if not meta.is_valid():
        problems = [
            Problem(name, f"{meta.fields[name].label}: {' '.join(str(e) for e in errors)}")
            for name, errors in meta.errors.items()
        ]
        return {"problems": problems}
    try:
        evaluation = services.evaluate_answers(
            household=household,
            spec=spec,
            review_year=meta.cleaned_data["review_year"],
            surveyed_on=meta.cleaned_data["surveyed_on"],
            answers=answers,
        )
    except SurveyError as exc:
        return {"problems": exc.problems}
    names = engine.member_names(evaluation.members)
    return {"result": result_view(evaluation.result, spec, names)}


# -- the stored survey -------------------------------------------------------------------------


def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_for(request.user, pk)
    spec = services.spec_of(survey.form)
    reproduction = services.reproduce(survey)
    names = _member_names(survey)
    stored = engine.SurveyResult(
        kind=survey.form.kind,
        standard_code=survey.standard_code,
        standard_version=survey.standard_version,
        method=survey.method,
        status=survey.status,
        screening=survey.screening,
        income=survey.income,
        score_a=survey.score_a,
        score_b=survey.score_b,
        flags=survey.deprivation_flags,
        count=survey.deprivation_count,
        # The explanation is recomputed from the stored inputs with the stored rule pack.
        explanation=reproduction.result.explanation,
        notes=reproduction.result.notes,
    )
    return render(
        request,
        "surveys/survey_detail.html",
        {
            "survey": survey,
            "household": survey.household,
            "spec": spec,
            "result": result_view(stored, spec, names),
            "reproduction": reproduction,
            "answers": _answer_rows(spec, survey.answers, names),
            "inputs_json": json.dumps(survey.inputs, ensure_ascii=False, indent=1),
            "english": _english(),
        },
    )


def _member_names(survey: Survey) -> dict[str, str]:

    ids = [m.get("person_id") for m in survey.answers.get("members", [])]
    people = Person.objects.filter(pk__in=[i for i in ids if isinstance(i, int)])
    return {str(p.pk): p.full_name for p in people.only("id", "full_name")}


# -- presentation helpers ----------------------------------------------------------------------


def result_view(
    result: engine.SurveyResult, spec: FormSpec, member_names: Mapping[str, str]
) -> dict[str, Any]:
    """A result ready for the templates, in the current language."""
    english = _english()
    explanation: Explanation | None = result.explanation
    deprivations = []
    if explanation is not None:
        for reason in explanation.deprivations:
            causes = []
            for cause in reason.causes:
                text = cause.fact.en if english else cause.fact.vi
                name = member_names.get(cause.member_id or "")
                causes.append(f"{name}: {text}" if name else text)
            deprivations.append(
                {
                    "code": reason.indicator,
                    "label": reason.label.en if english else reason.label.vi,
                    "threshold": reason.threshold.en if english else reason.threshold.vi,
                    "causes": causes,
                    "verified": reason.verified,
                }
            )
    questions = {f.name: f for f in spec.fields}
    notes = [questions[n].label if n in questions else n for n in result.notes]
    unverified = explanation is not None and (
        not explanation.rule_verified or any(not d["verified"] for d in deprivations)
    )
    return {
        "kind": result.kind,
        "status": result.status,
        "status_label": Status(result.status).label if result.status else "",
        "screening": result.screening,
        "screening_label": Screening(result.screening).label if result.screening else "",
        "method_label": Method(result.method).label if result.method else "",
        "income": result.income,
        "score_a": result.score_a,
        "score_b": result.score_b,
        "count": result.count,
        "indicators": len(result.flags) if result.flags is not None else None,
        "standard": f"{result.standard_code} ({result.standard_version})",
        "rule": None
        if explanation is None
        else (explanation.rule.en if english else explanation.rule.vi),
        "reference": None
        if explanation is None
        else (explanation.reference.en if english else explanation.reference.vi),
        "deprivations": deprivations,
        "notes": notes,
        "unverified": unverified or not spec.verified,
    }


def _is_field_key(key: str) -> bool:
    parts = key.split(".")
    return (parts[0] == "household" and len(parts) == 2) or (
        parts[0] == "member" and len(parts) == 3
    )


def _widget(
    spec_field: definitions.FormField, name: str, value: Any, error: str | None
) -> dict[str, Any]:
    if spec_field.type is FieldType.MONEY and isinstance(value, int):
        shown: Any = f"{value:,}".replace(",", ".")
    elif spec_field.type is FieldType.NUMBER and isinstance(value, float):
        shown = f"{value:g}".replace(".", ",")
    else:
        shown = "" if value is None else value
    return {
        "field": spec_field,
        "name": name,
        "value": shown,
        "checked": value is True,
        "error": error,
        "type": spec_field.type.value,
        "help": spec_field.help_en if _english() else spec_field.help_vi,
        "label": spec_field.en if _english() else spec_field.vi,
        "choices": [(c.value, c.en if _english() else c.vi) for c in spec_field.choices],
    }


def _sections(
    spec: FormSpec,
    answers: Mapping[str, Any],
    memberships: Sequence[Any],
    problems: Sequence[Problem],
) -> list[dict[str, Any]]:
    """The form's sections with their inputs, current values and per-field errors."""
    errors = {p.key: p.message for p in problems}
    household = answers.get("household") or {}
    rows = {r.get("person_id"): r for r in answers.get("members") or []}
    sections = []
    for section in spec.sections:
        fields = spec.section_fields(section.code)
        entry: dict[str, Any] = {
            "section": section,
            "label": section.en if _english() else section.vi,
            "level": section.level,
        }
        if section.level == "household":
            entry["widgets"] = [
                _widget(f, f"h__{f.name}", household.get(f.name), errors.get(f"household.{f.name}"))
                for f in fields
            ]
        else:
            entry["columns"] = [f.en if _english() else f.vi for f in fields]
            entry["rows"] = [
                {
                    "person_id": m.person_id,
                    "name": m.person.full_name,
                    "relation": m.get_relation_display(),
                    "error": errors.get(f"member.{m.person_id}"),
                    "widgets": [
                        _widget(
                            f,
                            f"m__{m.person_id}__{f.name}",
                            rows.get(m.person_id, {}).get(f.name),
                            errors.get(f"member.{m.person_id}.{f.name}"),
                        )
                        for f in fields
                    ],
                }
                for m in memberships
            ]
        sections.append(entry)
    return sections


def _answer_rows(
    spec: FormSpec, answers: Mapping[str, Any], names: Mapping[str, str]
) -> dict[str, Any]:
    """Stored answers with their questions' labels, for the detail page."""

    shown = definitions.answer_text

    household = answers.get("household") or {}
    members = answers.get("members") or []
    return {
        "household": [
            (f.en if _english() else f.vi, shown(f, household.get(f.name)))
            for f in spec.household_fields
        ],
        "member_columns": [f.en if _english() else f.vi for f in spec.member_fields],
        "members": [
            (
                names.get(str(row.get("person_id")), str(row.get("person_id"))),
                [shown(f, row.get(f.name)) for f in spec.member_fields],
            )
            for row in members
        ],
    }
