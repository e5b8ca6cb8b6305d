"""The schema and the docs page. The docs page is Swagger UI from drf-spectacular-sidecar's
vendored files (no CDN); its start-up script is served from its own URL
(``SpectacularSwaggerSplitView``) and the page has no inline style, so the site's strict CSP
(``web.security``) holds. It sits behind the login like every page ("Try it out" then uses the
session, with its CSRF token)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated

from giamngheo.api import exceptions

API_PREFIX = "/api/"


class SchemaView(SpectacularAPIView):
    permission_classes = [IsAuthenticated]


class DocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"
    permission_classes = [IsAuthenticated]


# Django's own error answers (before or outside DRF: the NUL guard middleware's 400, a URL
# that matches no route, an unexpected error) in the API's JSON shape under /api/, and the
# usual HTML pages elsewhere (``handler400`` … in the root URLconf).
def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _json_error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse(exceptions.body(code, message), status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json_error("bad_request", _("Yêu cầu không hợp lệ hoặc quá lớn."), 400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json_error("forbidden", _("Bạn không có quyền thực hiện thao tác này."), 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json_error("not_found", _("Không tìm thấy."), 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _json_error("server_error", _("Lỗi máy chủ; hãy thử lại sau."), 500)
    return defaults.server_error(request)
