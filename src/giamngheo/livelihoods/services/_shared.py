"""Permission checks and validations every livelihoods service shares."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.types import Actor
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib import clock, validators
from giamngheo.livelihoods.errors import LivelihoodError


def require_change(actor: Actor, unit: AdministrativeUnit) -> None:
    if actor is not None and not access.can_change_area(actor, unit):
        raise LivelihoodError(_("Bạn không có quyền thay đổi dữ liệu sinh kế của địa bàn này."))


def can_change_in(
    actor: Actor, commune: AdministrativeUnit, villages: Iterable[AdministrativeUnit]
) -> bool:
    """A group's data: officers of the commune, or a collaborator granted every village the
    group works in (the collaborator who helps set it up, ND 27/2022 Art. 22)."""
    if actor is None or access.can_change_area(actor, commune):
        return True
    villages = list(villages)
    return bool(villages) and all(access.can_change_area(actor, v) for v in villages)


def require_change_in(
    actor: Actor, commune: AdministrativeUnit, villages: Iterable[AdministrativeUnit]
) -> None:
    if not can_change_in(actor, commune, villages):
        raise LivelihoodError(_("Bạn không có quyền thay đổi dữ liệu sinh kế của địa bàn này."))


def require_decide(actor: Actor, unit: AdministrativeUnit) -> None:
    """Official acts of the commune (a project approved, a group's rules approved)."""
    if actor is not None and not access.can_decide_in(actor, unit):
        raise LivelihoodError(
            _("Chỉ cán bộ xã (hoặc cấp trên) được phê duyệt dự án, công nhận tổ nhóm.")
        )


def check_commune(commune: AdministrativeUnit) -> int:
    """The commune's province id (a commune always has one)."""
    if commune.level != Level.COMMUNE or commune.province_id is None:
        raise LivelihoodError(_("Địa bàn phải là một xã."))
    return commune.province_id


def check_villages(
    commune: AdministrativeUnit, villages: Iterable[AdministrativeUnit]
) -> list[AdministrativeUnit]:
    villages = list(dict.fromkeys(villages))
    for village in villages:
        if village.level != Level.VILLAGE or village.parent_id != commune.pk:
            raise LivelihoodError(
                _("Thôn %(name)s không thuộc xã %(commune)s.")
                % {"name": village.name, "commune": commune.name}
            )
    return villages


def past_date(value: dt.date, label: str) -> dt.date:
    """A date on which something happened: from 1900, not after today (``lib.clock``)."""
    if value < validators.EARLIEST_DATE:
        raise LivelihoodError(_("%(label)s không hợp lệ.") % {"label": label})
    if value > clock.today():
        raise LivelihoodError(_("%(label)s không thể ở tương lai.") % {"label": label})
    return value


def free_text(value: str, *, label: str, max_length: int | None = None) -> str:
    with validators.reraise_as(LivelihoodError):
        return validators.clean_text(value, label=label, max_length=max_length)


def required_name(value: str, *, label: str, max_length: int | None = None) -> str:
    with validators.reraise_as(LivelihoodError):
        cleaned = validators.clean_name(value, label=label, max_length=max_length)
    if not cleaned:
        raise LivelihoodError(_("%(label)s không được để trống.") % {"label": label})
    return cleaned


@contextmanager
def unique_code(constraint: str, message: str) -> Iterator[None]:
    """A code taken between the service's check and its insert (two saves at once) is the same
    refusal as the check's, not an error page; other integrity errors pass through."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        if constraint in str(exc):
            raise LivelihoodError(message) from exc
        raise
