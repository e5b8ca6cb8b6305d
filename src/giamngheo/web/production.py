"""Settings checked before production starts (``giamngheo serve --production``) and by
``giamngheo check --deploy``.

Production (``PRODUCTION``, set by ``serve --production`` or ``GIAMNGHEO_PRODUCTION=1``)
refuses to start with DEBUG on, with the public demo secret key (or a short one), without
``ALLOWED_HOSTS``, or in demo mode. Each problem is one Vietnamese sentence saying what to set.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core import checks
from django.utils.translation import gettext as _

MIN_SECRET_KEY_LENGTH = 50


def production_problems() -> list[str]:
    """Why these settings are not fit for production (empty when they are)."""
    problems: list[str] = []
    if settings.DEBUG:
        problems.append(
            _(
                "GIAMNGHEO_DEBUG đang bật: chế độ gỡ lỗi hiện mã nguồn và dữ liệu khi có lỗi, "
                "không được dùng khi chạy thật. Hãy bỏ biến này."
            )
        )
    key = str(settings.SECRET_KEY)
    if key == getattr(settings, "DEMO_SECRET_KEY", None) or len(key) < MIN_SECRET_KEY_LENGTH:
        problems.append(
            _(
                "GIAMNGHEO_SECRET_KEY chưa được đặt hoặc quá ngắn: hãy đặt một khóa bí mật ngẫu "
                'nhiên dài ít nhất %(n)s ký tự (ví dụ: python3 -c "import secrets; '
                'print(secrets.token_urlsafe(64))").'
            )
            % {"n": MIN_SECRET_KEY_LENGTH}
        )
    if not [host for host in settings.ALLOWED_HOSTS if host.strip()]:
        problems.append(
            _(
                "GIAMNGHEO_ALLOWED_HOSTS chưa được đặt: hãy ghi các tên miền mà người dùng truy "
                "cập, cách nhau bởi dấu phẩy (ví dụ: giamngheo.tinh.gov.vn)."
            )
        )
    if os.environ.get("GIAMNGHEO_DEMO", "").strip().lower() in {"1", "true", "yes", "on"}:
        problems.append(
            _("GIAMNGHEO_DEMO đang bật: chế độ trình diễn không được dùng khi chạy thật.")
        )
    return problems


@checks.register(checks.Tags.security, deploy=True)
def check_production_settings(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """In production mode, each problem above is an error of ``check --deploy``."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    return [
        checks.Error(problem, id=f"giamngheo.E{100 + index:03d}")
        for index, problem in enumerate(production_problems(), start=1)
    ]
