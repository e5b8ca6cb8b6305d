"""Handbook pages a user reads: national pages, replaced by their province's own versions."""

from __future__ import annotations

from django.db.models import (
    Prefetch,
    Q,
    QuerySet,
)
from django.http import Http404

from giamngheo.accounts.types import Viewer
from giamngheo.training.models import (
    HandbookPage,
    HandbookPageVersion,
)
from giamngheo.training.selectors._scope import (
    national_or_provincial,
    visible_provinces,
    words_filter,
)


def pages_visible_to(user: Viewer) -> QuerySet[HandbookPage]:
    """National pages and the pages of the user's province. Where the province has its own
    version of a national page (same slug), only the province's is listed to its users."""
    pages = HandbookPage.objects.filter(national_or_provincial(user))
    provinces = visible_provinces(user)
    if provinces is not None:
        own_slugs = HandbookPage.objects.filter(province__in=provinces).values("slug")
        pages = pages.exclude(Q(province__isnull=True) & Q(slug__in=own_slugs))
    return pages


def page_for(user: Viewer, pk: int) -> HandbookPage:
    page = (
        HandbookPage.objects.filter(national_or_provincial(user), pk=pk)
        .select_related("province", "updated_by")
        .prefetch_related(Prefetch("versions"))
        .first()
    )
    if page is None:
        raise Http404
    return page


def search_pages(user: Viewer, query: str) -> QuerySet[HandbookPage]:
    """Pages containing every word of ``query`` with accents and case ignored: "bao hiem y te"
    finds "Bảo hiểm y tế". The stored ``search_text`` is accent-free (trigram GIN index)."""
    found = pages_visible_to(user).filter(words_filter("search_text", query))
    return found.order_by("kind", "position", "title")


def handbook_pages(user: Viewer) -> list[HandbookPage]:
    return list(
        pages_visible_to(user).select_related("province").order_by("kind", "position", "title")
    )


def page_versions(page: HandbookPage) -> list[HandbookPageVersion]:
    return list(page.versions.select_related("edited_by").order_by("-number"))


def page_version(page: HandbookPage, number: int) -> HandbookPageVersion:
    version = page.versions.filter(number=number).select_related("edited_by").first()
    if version is None:
        raise Http404
    return version
