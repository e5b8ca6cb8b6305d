"""Field work pages: blank survey forms to print (``blank_forms``), optionally prefilled for one
household, and the survey-results import (``import_views``), on one page for officers and
collaborators."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from giamngheo.lib import clock
from giamngheo.registry.models import Household
from giamngheo.standards.packs import available_standards
from giamngheo.surveys import blank_forms, definitions, import_views, imports, selectors
from giamngheo.surveys.definitions import FormSpec


def _printable_forms() -> list[FormSpec]:
    return [spec for spec in definitions.load_forms() if blank_forms.printable(spec)]


def _printable_form(code: str) -> FormSpec:
    try:
        spec = definitions.load_form(code)
    except definitions.FormDefinitionError as exc:
        raise Http404 from exc
    if not blank_forms.printable(spec):
        raise Http404
    return spec


def field_page(
    request: HttpRequest,
    *,
    import_form: import_views.ResultsImportForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "surveys/field.html",
        {
            "forms": _printable_forms(),
            "english": (translation.get_language() or "vi").startswith("en"),
            "can_import": import_views.can_import(request.user),
            "import_form": import_form or import_views.ResultsImportForm(),
            # The standards whose results have a template and a results form to import into.
            "standards": [s for s in available_standards() if s in imports.RESULT_FORMS],
            "jobs": import_views.recent_jobs(request.user),
        },
        status=status,
    )


def field_index(request: HttpRequest) -> HttpResponse:
    return field_page(request)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def blank_form(request: HttpRequest, form_code: str) -> HttpResponse:
    spec = _printable_form(form_code)
    return _pdf(blank_forms.blank_form_pdf(spec), f"phieu-{spec.code}.pdf")


def household_form(request: HttpRequest, form_code: str, household_pk: int) -> HttpResponse:
    """The blank form with the household's header and members' names filled in (a visible
    household only: 404 otherwise; names only, no ID or phone number)."""
    spec = _printable_form(form_code)
    household: Household = selectors.household_for(request.user, household_pk)
    # The members today, in the form's order (head first: selectors.members_at).
    members = [m.person.full_name for m in selectors.members_at(household, clock.today())]
    prefill = blank_forms.Prefill(
        household_code=household.code,
        head_name=household.head_name,
        village=household.village.name,
        commune=household.commune.name,
        members=members,
    )
    return _pdf(
        blank_forms.blank_form_pdf(spec, prefill), f"phieu-{spec.code}-{household.code}.pdf"
    )
