"""Permission checks and area helpers every training service shares."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.types import Actor
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.training import reference
from giamngheo.training.errors import TrainingError


def require_decide(actor: Actor, unit: AdministrativeUnit) -> None:
    if actor is not None and not access.can_decide_in(actor, unit):
        raise TrainingError(_("Bạn không có quyền lập kế hoạch, mở lớp tập huấn ở địa bàn này."))


def require_change(actor: Actor, unit: AdministrativeUnit) -> None:
    if actor is not None and not access.can_change_area(actor, unit):
        raise TrainingError(_("Bạn không có quyền thay đổi dữ liệu tập huấn của địa bàn này."))


def require_bank_editor(actor: Actor, province: AdministrativeUnit | None) -> None:
    """National content: the system administrator; a province's content: its officers."""
    if actor is None:
        return
    allowed = (
        access.is_system_admin(actor) if province is None else access.can_decide_in(actor, province)
    )
    if not allowed:
        raise TrainingError(_("Bạn không có quyền sửa nội dung này."))


def area_unit(
    province: AdministrativeUnit, commune: AdministrativeUnit | None
) -> AdministrativeUnit:
    return commune if commune is not None else province


def check_commune(province: AdministrativeUnit, commune: AdministrativeUnit | None) -> None:
    if province.level != Level.PROVINCE:
        raise TrainingError(_("Địa bàn cấp tỉnh không hợp lệ."))
    if commune is not None and (
        commune.level != Level.COMMUNE or commune.province_id != province.pk
    ):
        raise TrainingError(_("Xã không thuộc tỉnh đã chọn."))


def check_categories(codes: Iterable[str]) -> list[str]:
    known = {entry.code for entry in reference.categories()}
    codes = list(dict.fromkeys(codes))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise TrainingError(_("Thành phần không có trong danh mục: %s") % ", ".join(unknown))
    return codes
