"""One log line per request (logger ``giamngheo.request``): method, path, status, duration and
the request id, which is also sent back in the ``X-Request-ID`` header and carried by every
other line written while the request runs (``lib.logs.request_id_var``).

An ``X-Request-ID`` sent by a load balancer is kept when it looks like an id (letters, digits,
``-_.``, at most 64), so that a request can be followed across the balancer's log and every
app server's. Paths are logged masked (``lib.logs``: no ID or phone number in a log file); the
query string is not logged at all (search terms are names and numbers).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from giamngheo.lib.logs import mask_numbers, request_id_var

logger = logging.getLogger("giamngheo.request")

_ACCEPTED_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sent = request.headers.get("X-Request-ID", "")
        request_id = sent if _ACCEPTED_ID.fullmatch(sent) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response.headers["X-Request-ID"] = request_id
            status = response.status_code
            level = (
                logging.ERROR
                if status >= 500
                else logging.WARNING
                if status >= 400 and status not in {401, 403, 404}
                else logging.INFO
            )
            if logger.isEnabledFor(level):
                user = getattr(request, "user", None)
                logger.log(
                    level,
                    "%s %s %s",
                    request.method,
                    mask_numbers(request.path),
                    status,
                    extra={
                        "request_id": request_id,
                        "method": request.method,
                        "path": mask_numbers(request.path),
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                        "user_id": user.pk if user is not None and user.is_authenticated else None,
                    },
                )
            return response
        finally:
            request_id_var.reset(token)
