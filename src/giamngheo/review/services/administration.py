"""Data edited in the Django admin: process parameters and the working-day calendar (system
administrators only).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.types import Actor
from giamngheo.audit import services as audit
from giamngheo.review import rules
from giamngheo.review.models import (
    CalendarDay,
    RuleValue,
)
from giamngheo.review.services.base import ReviewError


def _require_admin(actor: Actor) -> None:
    if actor is not None and not access.is_system_admin(actor):
        raise ReviewError(_("Chỉ quản trị hệ thống được sửa tham số quy trình và lịch nghỉ."))


@transaction.atomic
def rule_value_save(*, actor: Actor, value: RuleValue) -> RuleValue:
    """Create or change one process parameter (audited). Rounds keep their own copy."""
    _require_admin(actor)
    problems = rules.check_values({value.key: {"value": value.value}}, complete=False)
    if problems:
        raise ReviewError("; ".join(problems))
    before = (
        audit.snapshot(RuleValue.objects.get(pk=value.pk), ["value", "source", "verified"])
        if value.pk
        else None
    )
    value.save()
    audit.record(
        actor=actor,
        action="review.rule_value_saved",
        obj=value,
        before=before,
        after=audit.snapshot(value, ["rule_set_id", "key", "value", "source", "verified"]),
    )
    return value


@transaction.atomic
def calendar_day_save(*, actor: Actor, day: CalendarDay) -> CalendarDay:
    """Add or change a holiday / worked Saturday of the working-day calendar (audited)."""
    _require_admin(actor)
    before = (
        audit.snapshot(CalendarDay.objects.get(pk=day.pk), ["date", "working", "name"])
        if day.pk
        else None
    )
    day.save()
    audit.record(
        actor=actor,
        action="review.calendar_day_saved",
        obj=day,
        before=before,
        after=audit.snapshot(day, ["date", "working", "name", "source", "verified"]),
    )
    return day


@transaction.atomic
def calendar_day_delete(*, actor: Actor, day: CalendarDay) -> None:
    _require_admin(actor)
    audit.record(
        actor=actor,
        action="review.calendar_day_deleted",
        obj=day,
        before=audit.snapshot(day, ["date", "working", "name"]),
    )
    day.delete()
