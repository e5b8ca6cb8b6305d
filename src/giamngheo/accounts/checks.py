"""Deployment checks (`giamngheo check --deploy`) of the login throttle's view of clients."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_proxy_for_https(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """`giamngheo serve` speaks plain HTTP: HTTPS settings mean a TLS proxy in front of it.
    Unless that proxy is trusted, every client has the proxy's address (one login throttle
    for everybody) and the HTTPS redirect never sees HTTPS (a redirect loop)."""
    https = settings.SECURE_SSL_REDIRECT or settings.SESSION_COOKIE_SECURE
    if https and int(getattr(settings, "LOGIN_TRUSTED_PROXY_COUNT", 0)) <= 0:
        return [
            Warning(
                "Đã bật HTTPS nhưng chưa khai báo máy chủ chuyển tiếp (reverse proxy) tin cậy.",
                hint=(
                    "Đặt GIAMNGHEO_TRUSTED_PROXY_COUNT (thường là 1): nếu không, mọi người dùng "
                    "mang địa chỉ của proxy, chung một bộ đếm đăng nhập sai, và chuyển hướng "
                    "HTTPS lặp vô hạn."
                ),
                id="giamngheo.W001",
            )
        ]
    return []
