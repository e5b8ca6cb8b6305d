"""The deliveries' part of the household page (``registry.panels``): every support the
household received, with its date, programme, amount and card (number masked where the user
may not see personal numbers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from giamngheo.accounts import access
from giamngheo.programmes.deliveries import selectors
from giamngheo.programmes.models import SupportRecord
from giamngheo.registry.models import Household


@dataclass(frozen=True)
class SupportLine:
    record: SupportRecord
    card_number: str
    card_valid_to: Any


def support_lines(request: HttpRequest, household: Household) -> list[SupportLine]:
    full = access.can_see_personal_data(request.user, household.village)
    lines = []
    for record in selectors.supports_for_household(request.user, household):
        card = selectors.card_for_record(record)
        lines.append(
            SupportLine(
                record,
                selectors.shown_card_number(card, full=full),
                None if card is None else card.valid_to,
            )
        )
    return lines


def household_supports(request: HttpRequest, household: Household) -> dict[str, Any]:
    return {
        "household_sections": ["programmes/deliveries/household_panel.html"],
        "supports": support_lines(request, household),
    }
