"""Every error of the API as one JSON shape with a Vietnamese message:

    {"error": {"code": "invalid", "message": "…", "fields": {"field": ["…"]}}}

DRF's own exceptions (validation, parse, authentication, permission, 404, 405, 415, throttling),
the services' refusals (``lib.errors.DomainError``: 400; a refused state transition: 409) and
Django's ``ValidationError``/``SuspiciousOperation`` (a refused value, a too large body) all
end here, so nothing a client sends gives a 5xx."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from rest_framework import exceptions, status
from rest_framework.response import Response

from giamngheo.lib.errors import DomainError
from giamngheo.lib.workflow import TransitionRefused

# The code and default message of each kind of error (the message of the exception wins where it
# is ours: a token refusal, a service's message).
_CODES: dict[type[exceptions.APIException], tuple[str, str]] = {
    exceptions.ParseError: (
        "malformed",
        N_("Nội dung gửi lên không đọc được (JSON không hợp lệ)."),
    ),
    exceptions.AuthenticationFailed: ("unauthenticated", N_("Xác thực không thành công.")),
    exceptions.NotAuthenticated: (
        "unauthenticated",
        N_("Cần đăng nhập hoặc gửi mã truy cập (Authorization: Bearer MÃ)."),
    ),
    exceptions.PermissionDenied: ("forbidden", N_("Bạn không có quyền thực hiện thao tác này.")),
    exceptions.NotFound: ("not_found", N_("Không tìm thấy.")),
    exceptions.MethodNotAllowed: ("method_not_allowed", N_("Phương thức không được hỗ trợ.")),
    exceptions.NotAcceptable: ("not_acceptable", N_("Không trả được định dạng yêu cầu.")),
    exceptions.UnsupportedMediaType: (
        "unsupported_media_type",
        N_("Kiểu nội dung không được hỗ trợ; hãy gửi application/json."),
    ),
    exceptions.Throttled: ("throttled", N_("Quá nhiều yêu cầu; hãy thử lại sau %(wait)s giây.")),
}


def body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


def _fields(detail: Any) -> dict[str, Any]:
    """DRF's nested error detail as {field: [messages]} (``non_field_errors`` for the whole)."""
    if isinstance(detail, dict):
        return {str(key): _messages(value) for key, value in detail.items()}
    return {"non_field_errors": _messages(detail)}


def _messages(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {str(key): _messages(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_messages(item) for item in detail]
    return str(detail)


def _domain_fields(exc: DomainError) -> dict[str, Any]:
    """A refusal that names its fields (a survey's ``problems``: key and message)."""
    problems = getattr(exc, "problems", None) or []
    fields: dict[str, list[str]] = {}
    for problem in problems:
        key = getattr(problem, "key", "") or "non_field_errors"
        fields.setdefault(str(key), []).append(str(getattr(problem, "message", problem)))
    return fields


def handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, exceptions.ValidationError):
        return Response(
            body("invalid", _("Dữ liệu gửi lên không hợp lệ."), _fields(exc.detail)),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, TransitionRefused):
        return Response(body("conflict", str(exc)), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DomainError):
        return Response(
            body("refused", str(exc), _domain_fields(exc)), status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, DjangoValidationError):
        return Response(
            body("invalid", " ".join(str(m) for m in exc.messages)),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, SuspiciousOperation):  # a too large body, too many fields
        return Response(
            body("bad_request", _("Yêu cầu không hợp lệ hoặc quá lớn.")),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a programming error: Django's 500 and the log
    code, default = next(
        (found for kind, found in _CODES.items() if isinstance(exc, kind)),
        ("error", N_("Yêu cầu không thực hiện được.")),
    )
    message = _(default)
    if isinstance(exc, exceptions.Throttled):
        message = message % {"wait": int(exc.wait or 1)}
    elif isinstance(exc, exceptions.AuthenticationFailed) and str(exc.detail) != str(
        exceptions.AuthenticationFailed.default_detail
    ):
        message = str(exc.detail)  # our token refusal, already in Vietnamese
    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = str(exc.auth_header)
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait or 1))
    return Response(body(code, message), status=exc.status_code, headers=headers)
