"""A province's corrections to the programme data: edit and delete (never revived by the loader)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Final

from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.types import Actor
from giamngheo.audit import services as audit
from giamngheo.lib import validators
from giamngheo.programmes import eligibility
from giamngheo.programmes.errors import ProgrammeError
from giamngheo.programmes.models import FundingSource, Programme

EDITABLE: Final = (
    "name",
    "description",
    "legal_basis",
    "valid_from",
    "valid_to",
    "funding_sources",
    "benefit",
    "eligibility",
    "requires_posting",
    "verified",
    "source_note",
)


def require_editor(actor: Actor) -> None:
    """Programme data is the province's (one deployment per province): its officers and the
    system administrator correct it."""
    if actor is None:
        return
    if not (access.is_system_admin(actor) or "province_officer" in access.roles(actor)):
        raise ProgrammeError(_("Chỉ cán bộ cấp tỉnh được sửa danh mục chương trình, chính sách."))


def _clean(changes: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ProgrammeError(_("Không sửa được: %s") % ", ".join(unknown))
    cleaned = dict(changes)
    with validators.reraise_as(ProgrammeError):
        for key, limit in (("name", 300), ("legal_basis", 500)):
            if key in cleaned:
                cleaned[key] = validators.clean_name(cleaned[key], max_length=limit)
        for key in ("description", "source_note"):
            if key in cleaned:
                cleaned[key] = validators.clean_text(cleaned[key])
    if "name" in cleaned and not cleaned["name"]:
        raise ProgrammeError(_("Cần ghi tên."))
    if "funding_sources" in cleaned and any(
        f not in FundingSource.values for f in cleaned["funding_sources"]
    ):
        raise ProgrammeError(_("Nguồn vốn không hợp lệ."))
    if "benefit" in cleaned:
        benefit = {k: v for k, v in dict(cleaned["benefit"]).items() if v not in (None, "")}
        for key in ("amount", "rate", "quantity"):
            if key in benefit:
                value = Decimal(str(benefit[key]))
                if value < 0:
                    raise ProgrammeError(_("Mức hỗ trợ không được âm."))
                benefit[key] = int(value) if value == value.to_integral() else float(value)
        cleaned["benefit"] = benefit
    if "eligibility" in cleaned:
        eligibility.parse(cleaned["eligibility"])
    return cleaned


@transaction.atomic
def programme_update(*, actor: Actor, programme: Programme, **changes: Any) -> Programme:
    """Correct a programme's data; the loader no longer overwrites it. A change of the
    eligibility bumps its version (lists made earlier keep theirs)."""
    require_editor(actor)
    cleaned = _clean(changes)
    row = Programme.objects.select_for_update().get(pk=programme.pk)
    if row.is_deleted:
        raise ProgrammeError(_("Chương trình này đã bị xóa."))
    start: dt.date = cleaned.get("valid_from", row.valid_from)
    end: dt.date | None = cleaned.get("valid_to", row.valid_to)
    if end is not None and end < start:
        raise ProgrammeError(_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."))
    changed = [k for k, v in cleaned.items() if getattr(row, k) != v]
    if not changed:
        return row
    before = audit.snapshot(row, changed)
    for key in changed:
        setattr(row, key, cleaned[key])
    fields = [*changed, "locally_changed", "updated_at"]
    row.locally_changed = True
    if "eligibility" in changed:
        row.eligibility_version += 1
        fields.append("eligibility_version")
    row.save(update_fields=fields)
    audit.record(
        actor=actor,
        action="programmes.programme_changed",
        obj=row,
        before=before,
        after=audit.snapshot(row, [*changed, "eligibility_version"]),
    )
    return row


@transaction.atomic
def programme_delete(*, actor: Actor, programme: Programme, reason: str) -> Programme:
    """Delete a programme a province does not run (kept, hidden, never brought back by the
    loader; its lists and support records stay)."""
    require_editor(actor)
    with validators.reraise_as(ProgrammeError):
        reason = validators.clean_text(reason, max_length=500)
    if not reason:
        raise ProgrammeError(_("Cần ghi lý do xóa."))
    row = Programme.objects.select_for_update().get(pk=programme.pk)
    if row.children.filter(is_deleted=False).exists():
        raise ProgrammeError(_("Hãy xóa các dự án, tiểu dự án thuộc chương trình này trước."))
    row.is_deleted = True
    row.save(update_fields=["is_deleted", "updated_at"])
    audit.record(
        actor=actor,
        action="programmes.programme_deleted",
        obj=row,
        after={"is_deleted": True},
        note=reason,
    )
    return row
