"""What the review's pages share: PDF responses, the household looked up by its code, the
breadcrumb of the review's form pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from giamngheo.registry.models import Household
from giamngheo.review import selectors
from giamngheo.review.services import ReviewError


def pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def household_by_code(request: HttpRequest, code: str, commune_id: int | None) -> Household:
    """The household typed by its code; a code outside the user's areas is a refusal (shown as a
    message), not a 404, because the person typed it."""
    household = selectors.household_by_code(request.user, code, commune_id)
    if household is None:
        raise ReviewError(
            _("Không tìm thấy hộ có mã %(code)s trong địa bàn của bạn.") % {"code": code}
        )
    return household


def crumbs() -> list[tuple[str, Any]]:
    """The breadcrumb of the review's form pages (``web/form.html``)."""
    return [(_("Rà soát"), reverse("review:home"))]
