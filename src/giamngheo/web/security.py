"""Security headers on every response: a strict Content-Security-Policy, and no caching of
anything shown to a logged-in user or downloaded.

The policy can be strict because the app ships its own assets (``web/static``: htmx, CSS, the
few scripts of ``giamngheo/app.js``): no CDN, no inline script, style or event handler. htmx is
configured (``<meta name="htmx-config">`` in ``web/base.html``) not to inject its indicator
styles and not to evaluate code (``allowEval: false``): nothing the app uses needs it.

``Cache-Control: no-store`` keeps pages with ID and phone numbers, exports and PDFs out of the
browser's and any proxy's cache, so that they cannot be read back after logout on a shared
office computer (static assets stay cacheable).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

DEFAULT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)


def _is_download(response: HttpResponse) -> bool:
    disposition = str(response.headers.get("Content-Disposition", ""))
    return bool(disposition) or bool(getattr(response, "streaming", False))


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_POLICY)
        self.static_prefix = "/" + str(settings.STATIC_URL).lstrip("/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Content-Security-Policy", self.policy)
        if request.path.startswith(self.static_prefix):
            return response
        # request.user is set by the authentication middleware further in; static files
        # answered by WhiteNoise never get there (and are handled above anyway).
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or _is_download(response):
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        return response
