"""Refuse requests that carry a NUL byte, before any view sees them.

PostgreSQL cannot store or compare text containing NUL (psycopg raises ``ValueError``), so a
``%00`` in a path, a query value or a form field used to reach the database and end in an HTTP
500 (issue 10: e.g. anonymous ``GET /verify/%00/``). No legitimate input of this application
holds a NUL byte: answering 400 here, once, is simpler and safer than guarding every view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, QueryDict

NUL = "\x00"


def _has_nul(data: QueryDict) -> bool:
    items: Iterable[tuple[str, list[str]]] = data.lists()
    return any(NUL in key or any(NUL in value for value in values) for key, values in items)


class InputGuardMiddleware:
    """A request whose path, query string or form fields hold a NUL byte is a bad request
    (Django's 400 page). Uploaded files are not inspected: their readers check them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path or _has_nul(request.GET):
            raise BadRequest("NUL byte in the URL")
        # Only the form encodings are parsed (as CSRF protection parses them anyway); a JSON or
        # other body is left to its view.
        if (
            request.method == "POST"
            and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")
            and _has_nul(request.POST)
        ):
            raise BadRequest("NUL byte in a form field")
        return self.get_response(request)
