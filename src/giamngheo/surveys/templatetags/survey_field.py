"""``{% blank_form_links household %}``: the "In phiếu trắng" menu of a household's survey page
(each field form as a PDF with the household's header and members prefilled)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation

from giamngheo.registry.models import Household
from giamngheo.surveys import blank_forms

register = template.Library()


@register.inclusion_tag("surveys/_blank_form_links.html")
def blank_form_links(household: Household) -> dict[str, Any]:
    return {
        "household": household,
        "forms": blank_forms.printable_forms(),
        "english": (translation.get_language() or "vi").startswith("en"),
    }
