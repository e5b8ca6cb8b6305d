"""What the review's pages share: PDF responses, the household looked up by its code, the
breadcrumb of the review's form pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _


def pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def crumbs() -> list[tuple[str, Any]]:
    """The breadcrumb of the review's form pages (``web/form.html``)."""
    return [(_("Rà soát"), reverse("review:home"))]
