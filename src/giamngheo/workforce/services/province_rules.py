"""A province's own reporting day and request handling times (``ProvinceRule``)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.types import Actor
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.audit import services as audit
from giamngheo.workforce.models import ProvinceRule
from giamngheo.workforce.services._shared import require
from giamngheo.workforce.states import WorkforceError


@transaction.atomic
def province_rule_set(
    *,
    actor: Actor,
    province: AdministrativeUnit,
    report_deadline_day: int,
    forward_within_days: int,
    resolve_within_days: int,
    legal_basis: str,
) -> ProvinceRule:
    """Set a province's reporting day and handling times. Deadlines already given to reports
    and requests stay as they were (they are stored on each row)."""
    if province.level != Level.PROVINCE:
        raise WorkforceError(_("Quy định này đặt cho cấp tỉnh."))
    require(actor is None or access.can_decide_in(actor, province))
    if not 1 <= report_deadline_day <= 28:
        raise WorkforceError(_("Hạn nộp báo cáo phải là một ngày từ 1 đến 28 của tháng sau."))
    if forward_within_days < 0 or resolve_within_days < forward_within_days:
        raise WorkforceError(_("Số ngày giải quyết phải không ít hơn số ngày chuyển yêu cầu."))
    if not legal_basis.strip():
        raise WorkforceError(_("Cần ghi căn cứ (văn bản của tỉnh) của quy định."))
    rule = ProvinceRule.objects.filter(province=province).first()
    before = audit.snapshot(rule) if rule else None
    rule = rule or ProvinceRule(province=province)
    rule.report_deadline_day = report_deadline_day
    rule.forward_within_days = forward_within_days
    rule.resolve_within_days = resolve_within_days
    rule.legal_basis = legal_basis.strip()
    rule.save()
    audit.record(
        actor=actor,
        action="workforce.province_rule_set",
        obj=rule,
        before=before,
        after=audit.snapshot(rule),
        area_of=province,
    )
    return rule
