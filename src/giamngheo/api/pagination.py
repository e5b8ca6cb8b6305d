"""Cursor pagination on a stable, unique ordering (the cost of a page does not grow with its
position, unlike OFFSET; a row inserted meanwhile neither repeats nor skips a row).

A view names its ordering in ``cursor_ordering``: ``("id",)`` (the default) or ``("-id",)``,
a unique integer key, so a cursor's position is checked as one (a position that is no id would
reach the database as a bad comparison: a 500). A malformed cursor is a 400 with a Vietnamese
message, not DRF's 404."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request

# 32-bit keys: a larger position cannot be an id.
MAX_ID = 2**31 - 1


class CursorPagination(pagination.CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("id",)
    invalid_cursor_message = "invalid cursor"

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> tuple[str, ...]:
        ordering = tuple(getattr(view, "cursor_ordering", self.ordering))
        if ordering not in (("id",), ("-id",)):
            raise ImproperlyConfigured(f"cursor_ordering must be ('id',) or ('-id',): {ordering}")
        return ordering

    def decode_cursor(self, request: Request) -> Any:
        refused = ValidationError({self.cursor_query_param: [_("Con trỏ trang không hợp lệ.")]})
        try:
            cursor = super().decode_cursor(request)
        except (NotFound, ValueError, OverflowError) as exc:
            raise refused from exc
        position = None if cursor is None else cursor.position
        if position is not None and not (
            position.isascii() and position.isdigit() and int(position) <= MAX_ID
        ):
            raise refused
        return cursor

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Số dòng mỗi trang phải từ 1 đến %(max)d.") % {"max": self.max_page_size}
                    ]
                }
            )
        return int(raw)
