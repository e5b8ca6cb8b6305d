"""The schema and the docs page. The docs page is Swagger UI from drf-spectacular-sidecar's
vendored files (no CDN); its start-up script is served from its own URL
(``SpectacularSwaggerSplitView``) and the page has no inline style, so the site's strict CSP
(``web.security``) holds. It sits behind the login like every page ("Try it out" then uses the
session, with its CSRF token)."""

from __future__ import annotations

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated


class SchemaView(SpectacularAPIView):
    permission_classes = [IsAuthenticated]


class DocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"
    permission_classes = [IsAuthenticated]
