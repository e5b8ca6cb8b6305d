"""drf-spectacular post-processing: every operation documents the error responses the
exception handler (``api.exceptions``) can give, with the one ``Error`` shape, so a client (and
the schemathesis fuzz) knows them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": True},
            },
        }
    },
}
DESCRIPTIONS = {
    "400": "Dữ liệu không hợp lệ hoặc bị từ chối (thông báo tiếng Việt, theo trường).",
    "401": "Chưa xác thực, mã truy cập sai, hết hạn hoặc đã thu hồi.",
    "403": "Không có quyền.",
    "404": "Không tìm thấy (hoặc ngoài địa bàn của người dùng).",
    "405": "Phương thức không được hỗ trợ.",
    "406": "Không trả được định dạng yêu cầu.",
    "409": "Xung đột trạng thái.",
    "415": "Kiểu nội dung không được hỗ trợ.",
    "429": "Quá nhiều yêu cầu.",
}
WRITE_ONLY = {"409", "415"}


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> Any:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, description in DESCRIPTIONS.items():
                if status in WRITE_ONLY and method in ("get", "head"):
                    continue
                operation["responses"].setdefault(
                    status, {"description": description, "content": reference}
                )
    return result


class BearerTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """``Authorization: Bearer TOKEN`` in the schema (found by drf-spectacular on import)."""

    target_class = "giamngheo.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "giamngheo api token TÊN"}
