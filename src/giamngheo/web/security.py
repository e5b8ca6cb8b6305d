"""Security headers on every response: a strict Content-Security-Policy, and no caching of
anything shown to a logged-in user or downloaded.

The policy can be strict because the app ships its own assets (``web/static``: htmx, CSS, the
few scripts of ``giamngheo/app.js``): no CDN, no inline script, style or event handler. htmx is
configured (``<meta name="htmx-config">`` in ``web/base.html``) not to inject its indicator
styles and not to evaluate code (``allowEval: false``): nothing the app uses needs it.

``Cache-Control: no-store`` keeps pages with ID and phone numbers, exports and PDFs out of the
browser's and any proxy's cache, so that they cannot be read back after logout on a shared
office computer. It is set on every response except static assets (which stay cacheable):
simpler and safer than deciding per page, since even anonymous pages hold personal data (the
public certificate check at ``/verify/`` shows a household head's name), and nothing of the
app gains from being cached.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

DEFAULT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_POLICY)
        self.static_prefix = "/" + str(settings.STATIC_URL).lstrip("/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Content-Security-Policy", self.policy)
        if not request.path.startswith(self.static_prefix):
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        return response
