"""What the apps above the workforce add to a reported change's page, without importing them.

A collaborator's reported household change may become an in-year review application (issue 11):
the review app, which sits above the workforce, registers a context provider for the change page
when it is ready (``AppConfig.ready``) and handles its own form; the page merges what the
providers return. Layers stay downward (docs/architecture.md, "Layers").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

    from giamngheo.workforce.models import HouseholdChange

ChangeContext = Callable[["HttpRequest", "HouseholdChange"], dict[str, Any]]

_PROVIDERS: dict[str, ChangeContext] = {}


def register_change_context(name: str, provider: ChangeContext) -> None:
    """Add ``provider``'s keys to the change page's context (the same ``name`` replaces)."""
    _PROVIDERS[name] = provider


def change_context(request: HttpRequest, change: HouseholdChange) -> dict[str, Any]:
    """The context every registered provider gives for ``change``, in registration order."""
    context: dict[str, Any] = {}
    for provider in _PROVIDERS.values():
        context.update(provider(request, change))
    return context
