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
        # One entry for the support domain (programmes, deliveries, credit, livelihoods): its
        # pages share one bar of their own (programmes/_support_nav.html).
        (_("Hỗ trợ"), reverse("deliveries:index")),
        (_("Báo cáo"), reverse("reports:index")),
    ]
    if access.is_system_admin(user):
        items.append((_("Nhật ký"), reverse("audit:global")))
    return {
        "nav_items": items,
        "nav_active": _active(request.path, items),
        "home_unit": access.home_unit(user),
        "user_roles": sorted(access.roles(user)),
    }


SUPPORT_PREFIXES = ("/programmes/", "/deliveries/", "/credit/", "/livelihoods/")


def _active(path: str, items: list[tuple[Any, str]]) -> str:
    """The entry the page belongs to: the longest entry address the path starts with (a
    household's page is under "Hộ gia đình"), the support entry for any support page."""
    if path.startswith(SUPPORT_PREFIXES):
        return reverse("deliveries:index")
    found = ""
    for _label, url in items:
        if (path == url or (url != "/" and path.startswith(url))) and len(url) > len(found):
            found = url
    return found
