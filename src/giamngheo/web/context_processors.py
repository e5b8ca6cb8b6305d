from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from giamngheo.accounts import access


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    items = [
        (_("Tổng quan"), reverse("web:dashboard")),
        (_("Địa bàn"), reverse("areas:browse")),
        (_("Hộ gia đình"), reverse("registry:household_list")),
        (_("Phiếu khảo sát"), reverse("surveys_field:index")),
        (_("Rà soát"), reverse("review:home")),
        (_("Đội ngũ"), reverse("workforce:home")),
        (_("Tập huấn"), reverse("training:index")),
        (_("Sinh kế"), reverse("livelihoods:model_list")),
        (_("Chương trình hỗ trợ"), reverse("programmes:list")),
        (_("Cấp phát hỗ trợ"), reverse("deliveries:index")),
        (_("Tín dụng"), reverse("credit:loan_list")),
    ]
    if access.is_system_admin(user):
        items.append((_("Nhật ký"), reverse("audit:global")))
    return {
        "nav_items": items,
        "home_unit": access.home_unit(user),
        "user_roles": sorted(access.roles(user)),
    }
