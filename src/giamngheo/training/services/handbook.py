"""The policy handbook's pages: national and provincial versions, the shipped content."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.types import Actor, acting_user
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.audit import services as audit
from giamngheo.lib.text import search_key
from giamngheo.training import reference
from giamngheo.training.errors import TrainingError
from giamngheo.training.models import (
    HandbookPage,
    HandbookPageVersion,
    Verification,
)
from giamngheo.training.services._shared import require_bank_editor

PAGE_FIELDS = ("title", "summary", "body", "legal_basis", "verification", "kind", "position")


def _page_search(page: HandbookPage) -> str:
    return search_key(" ".join([page.title, page.summary, page.body, page.legal_basis]))


def _save_version(page: HandbookPage, *, actor: Actor, note: str) -> HandbookPageVersion:
    return HandbookPageVersion.objects.create(
        page=page,
        number=page.version,
        title=page.title,
        summary=page.summary,
        body=page.body,
        legal_basis=page.legal_basis,
        verification=page.verification,
        note=note.strip(),
        edited_by=acting_user(actor),
        edited_at=timezone.now(),
    )


@dataclass(frozen=True)
class PageData:
    slug: str
    kind: str
    title: str
    body: str
    verification: str
    summary: str = ""
    legal_basis: str = ""
    position: int = 100


def _check_page(data: PageData) -> None:
    if data.verification not in Verification.values:
        raise TrainingError(_("Mức kiểm chứng không hợp lệ."))
    if not data.title.strip() or not data.body.strip():
        raise TrainingError(_("Trang cần có tiêu đề và nội dung."))


@transaction.atomic
def page_create(
    *,
    actor: Actor,
    data: PageData,
    province: AdministrativeUnit | None = None,
    note: str = "",
) -> HandbookPage:
    require_bank_editor(actor, province)
    _check_page(data)
    duplicate = HandbookPage.objects.filter(slug=data.slug, province=province)
    if duplicate.exists():
        raise TrainingError(_("Đường dẫn %(slug)s đã được dùng.") % {"slug": data.slug})
    page = HandbookPage(
        province=province,
        slug=data.slug,
        kind=data.kind,
        title=data.title.strip(),
        summary=data.summary.strip(),
        body=data.body.strip(),
        legal_basis=data.legal_basis.strip(),
        verification=data.verification,
        position=data.position,
        updated_by=acting_user(actor),
    )
    page.search_text = _page_search(page)
    page.save()
    _save_version(page, actor=actor, note=note)
    audit.record(
        actor=actor,
        action="training.page_created",
        obj=page,
        after=audit.snapshot(page, ["province_id", "slug", *PAGE_FIELDS]),
    )
    return page


@transaction.atomic
def page_update(
    *,
    actor: Actor,
    page: HandbookPage,
    expected_version: int,
    note: str = "",
    **changes: Any,
) -> HandbookPage:
    """Save a new version of a page (optimistic locking: a save against a stale version is
    refused rather than silently overwriting a colleague's edit)."""
    unknown = set(changes) - set(PAGE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    locked = HandbookPage.objects.select_for_update().get(pk=page.pk)
    require_bank_editor(actor, locked.province)
    if locked.version != expected_version:
        raise TrainingError(_("Trang vừa được người khác sửa; hãy mở lại trang và sửa lại."))
    before = audit.snapshot(locked, PAGE_FIELDS)
    for name, value in changes.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    _check_page(
        PageData(
            slug=locked.slug,
            kind=locked.kind,
            title=locked.title,
            body=locked.body,
            verification=locked.verification,
        )
    )
    locked.version += 1
    locked.updated_by = acting_user(actor)
    locked.search_text = _page_search(locked)
    locked.save()
    _save_version(locked, actor=actor, note=note)
    audit.record(
        actor=actor,
        action="training.page_updated",
        obj=locked,
        before=before,
        after={**audit.snapshot(locked, PAGE_FIELDS), "version": locked.version},
        note=note,
    )
    return locked


@transaction.atomic
def page_adapt(
    *,
    actor: Actor,
    national: HandbookPage,
    province: AdministrativeUnit,
    note: str = "",
    **changes: Any,
) -> HandbookPage:
    """A provincial officer edits a national page: the province gets its own page with the same
    address (it replaces the national one for the province's users); the national page stays."""
    if national.province_id is not None:
        raise TrainingError(_("Chỉ trang dùng chung mới được điều chỉnh cho tỉnh."))
    existing = HandbookPage.objects.filter(province=province, slug=national.slug).first()
    if existing is not None:
        return page_update(
            actor=actor, page=existing, expected_version=existing.version, note=note, **changes
        )
    fields = {name: getattr(national, name) for name in PAGE_FIELDS} | changes
    return page_create(
        actor=actor,
        province=province,
        data=PageData(slug=national.slug, **fields),
        note=note
        or _("Điều chỉnh từ trang dùng chung (phiên bản %(v)s)") % {"v": national.version},
    )


def load_national_pages() -> list[str]:
    """Create the national handbook pages of ``data/handbook.toml`` whose slug is missing
    (pages already there stay as edited), each with its version 1. No audit event: callers
    record one summary (``handbook_seed``, the demo). Returns the slugs created."""
    with (reference.DATA_DIR / "handbook.toml").open("rb") as handle:
        raw = tomllib.load(handle)
    existing = set(HandbookPage.objects.filter(province=None).values_list("slug", flat=True))
    created = []
    for position, item in enumerate(raw["pages"], start=1):
        if item["slug"] in existing:
            continue
        fields = {k: v for k, v in item.items() if k != "position"}
        data = PageData(position=item.get("position", position * 10), **fields)
        _check_page(data)
        page = HandbookPage(
            slug=data.slug,
            kind=data.kind,
            title=data.title.strip(),
            summary=data.summary.strip(),
            body=data.body.strip(),
            legal_basis=data.legal_basis.strip(),
            verification=data.verification,
            position=data.position,
        )
        page.search_text = _page_search(page)
        page.save()
        _save_version(page, actor=None, note=_("Nội dung ban đầu"))
        created.append(page.slug)
    return created


@transaction.atomic
def handbook_seed(*, actor: Actor = None) -> int:
    """Create the national handbook pages shipped with the software; returns how many."""
    require_bank_editor(actor, None)
    created = load_national_pages()
    if created:
        audit.record_bulk(
            actor=actor,
            action="training.handbook_loaded",
            object_type=HandbookPage._meta.label_lower,
            object_id="national",
            summary={"created": created},
        )
    return len(created)
