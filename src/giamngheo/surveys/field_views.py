"""Field work: blank survey forms to print (``blank_forms``), optionally prefilled for one
household. The page that lists them is ``import_views.field_page`` (with the results import)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from giamngheo.lib import clock
from giamngheo.registry.models import Household
from giamngheo.surveys import blank_forms, definitions, import_views, selectors
from giamngheo.surveys.definitions import FormSpec


def _printable_form(code: str) -> FormSpec:
    try:
        spec = definitions.load_form(code)
    except definitions.FormDefinitionError as exc:
        raise Http404 from exc
    if not blank_forms.printable(spec):
        raise Http404
    return spec


def field_index(request: HttpRequest) -> HttpResponse:
    return import_views.field_page(request)


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
