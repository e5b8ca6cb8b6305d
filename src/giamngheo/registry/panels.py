"""What the apps above the registry add to the household page, without the registry importing them.

The household page belongs to the registry, but much of what an officer needs on it comes from
apps that build on households: the status by year from the surveys, support received from the
programmes. Each such app registers a *context provider* when it is ready
(``AppConfig.ready``); the page merges what the providers return into its template context.
Layers stay downward (docs/architecture.md, "Layers"): the registry names no app above it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

    from giamngheo.registry.models import Household

HouseholdContext = Callable[["HttpRequest", "Household"], dict[str, Any]]

_PROVIDERS: dict[str, HouseholdContext] = {}


def register_household_context(name: str, provider: HouseholdContext) -> None:
    """Add ``provider``'s keys to the household page's context (``name`` keeps it unique:
    registering the same name again replaces the provider, as a module reload would)."""
    _PROVIDERS[name] = provider


def household_context(request: HttpRequest, household: Household) -> dict[str, Any]:
    """The context every registered provider gives for ``household``, in registration order.
    A provider may add sections to the page: templates named in its ``household_sections``
    list (the page includes each, in order, with the whole context); the lists are joined."""
    context: dict[str, Any] = {}
    sections: list[str] = []
    for provider in _PROVIDERS.values():
        provided = dict(provider(request, household))
        sections.extend(provided.pop("household_sections", ()))
        context.update(provided)
    context["household_sections"] = sections
    return context
