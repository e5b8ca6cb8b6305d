"""``{% blank_form_links household %}``: the "In phiếu trắng" menu of a household's survey page
(each field form as a PDF with the household's header and members prefilled)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation

from giamngheo.registry.models import Household
from giamngheo.surveys import blank_forms, definitions

register = template.Library()


@register.inclusion_tag("surveys/_blank_form_links.html")
def blank_form_links(household: Household) -> dict[str, Any]:
    return {
        "household": household,
        "forms": [spec for spec in definitions.load_forms() if blank_forms.printable(spec)],
        "english": (translation.get_language() or "vi").startswith("en"),
    }
