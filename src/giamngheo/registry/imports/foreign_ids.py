"""IDs held outside the user's areas.

A citizen ID is unique in the country, so an ID held by an active person elsewhere cannot be
used, and saying so reveals that the number exists: a file of guessed numbers would be a bulk
existence check. The answer is the same for every unusable number (``UNUSABLE_ID_MESSAGE``),
each run with such hits writes one audit event (the count, no number), and a user's daily
total is capped (``IMPORT_FOREIGN_ID_DAILY_LIMIT``): past it the file is refused as a whole.
"""

from __future__ import annotations

from typing import Final

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giamngheo.accounts.types import Actor, acting_user
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.audit import services as audit
from giamngheo.audit.models import AuditEvent
from giamngheo.lib.formatting import format_number
from giamngheo.registry.imports.context import Context
from giamngheo.registry.imports.report import ImportReport
from giamngheo.registry.models import Household

FOREIGN_ID_ACTION: Final = "registry.import_foreign_ids_checked"
# Said of every ID that cannot be used without telling why: whether it is held by someone
# outside the user's areas must not be learnt from an import.
UNUSABLE_ID_MESSAGE: Final = gettext_lazy(
    "Số định danh %(id)s không dùng được. Hãy kiểm tra lại số định danh."
)


def foreign_id_daily_limit() -> int:
    return int(getattr(settings, "IMPORT_FOREIGN_ID_DAILY_LIMIT", 50))


def foreign_id_checks_today(actor: Actor) -> int:
    """How many IDs held outside their areas ``actor`` has sent in imports today."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    events = AuditEvent.objects.filter(
        actor=acting_user(actor), action=FOREIGN_ID_ACTION, at__gte=start
    )
    counts = events.values_list("after", flat=True)
    return sum(int((after or {}).get("foreign_ids", 0)) for after in counts)


def used_up(ctx: Context, *, limit: int) -> bool:
    """Whether ``limit`` more hits would take the actor past the day's limit (``limit=0``:
    whether a previous run already did)."""
    if ctx.actor is None or not getattr(ctx.actor, "is_authenticated", False):
        return False
    return foreign_id_checks_today(ctx.actor) + limit > foreign_id_daily_limit()


def refuse(ctx: Context) -> None:
    """Refuse the whole file: no per-row answer, no counts, nothing written."""
    report = ctx.report
    ctx.report = ImportReport(
        file_name=report.file_name,
        dry_run=report.dry_run,
        only_valid=report.only_valid,
        rows=report.rows,
        refused=True,
    )
    ctx.errors.clear()
    ctx.errors.one(
        1,
        ctx.header("citizen_id"),
        _(
            "Tệp chưa được kiểm tra: hôm nay bạn đã dùng quá số lần được nhập số định danh "
            "không dùng được (%(limit)s số mỗi ngày). Hãy kiểm tra lại các số định danh "
            "trong tệp, thử lại vào ngày mai hoặc liên hệ quản trị hệ thống."
        )
        % {"limit": format_number(foreign_id_daily_limit())},
    )


def record(
    ctx: Context, province: AdministrativeUnit, foreign_ids: int, *, refused: bool = False
) -> None:
    """The run's one audit event about such IDs: how many, never which."""
    with transaction.atomic():
        audit.record_bulk(
            actor=ctx.actor,
            action=FOREIGN_ID_ACTION,
            object_type=Household._meta.label_lower,
            object_id=province.code,
            summary={
                "file": ctx.report.file_name,
                "job": ctx.job_id,
                "dry_run": ctx.dry_run,
                "foreign_ids": foreign_ids,
                "refused": refused,
            },
            province_id=province.pk,
        )
