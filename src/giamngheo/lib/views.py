"""What every app's views share: run a service, show its refusal, render the one form page.

Views stay thin: they read the request, call one service, and turn a ``DomainError`` into a
message the person can act on (a flash message on an action button, a form error on a form).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from giamngheo.lib.errors import DomainError

Result = TypeVar("Result")

FORM_TEMPLATE = "web/form.html"


def attempt(request: HttpRequest, action: Callable[[], Result], success: str) -> Result | None:
    """Run ``action``; a refusal becomes an error message and ``None``, success a message."""
    try:
        result = action()
    except DomainError as exc:
        messages.error(request, str(exc))
        return None
    messages.success(request, success)
    return result


def form_attempt(form: forms.BaseForm, action: Callable[[], Result]) -> Result | None:
    """Run ``action`` for a valid form; a refusal becomes the form's error and ``None``."""
    try:
        return action()
    except DomainError as exc:
        form.add_error(None, str(exc))
        return None


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    title: str,
    back: str,
    crumbs: Iterable[tuple[str, str]] = (),
    intro: str = "",
    extra_form: forms.BaseForm | None = None,
    extra_title: str = "",
    extra_context: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The one form page (``web/form.html``): breadcrumbs, title, intro, fields, Save/Cancel."""
    context: dict[str, Any] = {
        "form": form,
        "title": title,
        "back": back,
        "crumbs": list(crumbs),
        "intro": intro,
        "extra_form": extra_form,
        "extra_title": extra_title,
    }
    context.update(extra_context or {})
    return render(request, FORM_TEMPLATE, context, status=status)
