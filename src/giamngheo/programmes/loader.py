"""Loading the shipped programme and policy data (``data/*.toml``) into ``Programme`` rows.

Run by ``giamngheo programmes load`` and by the demo. It adds the entries a database does not
have, refreshes those nobody corrected locally (a release that fixes a source note reaches them),
and leaves alone what a province changed (``locally_changed``) or deleted (``is_deleted``): a
deleted entry is never brought back. A change of the eligibility data bumps the rule version
that beneficiary lists record. One ``programmes.loaded`` audit event sums it up.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts.types import Actor
from giamngheo.audit import services as audit
from giamngheo.programmes import eligibility
from giamngheo.programmes.errors import ProgrammeError
from giamngheo.programmes.models import FundingSource, Programme, ProgrammeKind

DATA_FIELDS: Final = (
    "kind",
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
    "sort_order",
)
BENEFIT_KEYS: Final = frozenset({"amount", "rate", "quantity", "unit", "note"})


@dataclass(frozen=True)
class Entry:
    code: str
    parent: str
    values: dict[str, Any]


def _entry(raw: Mapping[str, Any], source: str) -> Entry:
    code = str(raw.get("code", "")).strip()
    if not code:
        raise ProgrammeError(_("%(file)s: một mục thiếu mã.") % {"file": source})
    missing = [k for k in ("kind", "name", "valid_from") if k not in raw]
    unknown = sorted(set(raw) - set(DATA_FIELDS) - {"code", "parent"})
    if missing or unknown:
        raise ProgrammeError(
            _("%(file)s, %(code)s: thiếu %(missing)s; khóa không biết %(unknown)s")
            % {"file": source, "code": code, "missing": missing, "unknown": unknown}
        )
    if raw["kind"] not in ProgrammeKind.values:
        raise ProgrammeError(_("%(code)s: loại không hợp lệ.") % {"code": code})
    funding = list(raw.get("funding_sources", []))
    if any(f not in FundingSource.values for f in funding):
        raise ProgrammeError(_("%(code)s: nguồn vốn không hợp lệ.") % {"code": code})
    benefit = dict(raw.get("benefit", {}))
    if set(benefit) - BENEFIT_KEYS:
        raise ProgrammeError(_("%(code)s: mức hỗ trợ có khóa không biết.") % {"code": code})
    rules = dict(raw.get("eligibility", {}))
    eligibility.parse(rules)  # refuses bad rules before anything is written
    for key in ("valid_from", "valid_to"):
        if key in raw and not isinstance(raw[key], dt.date):
            raise ProgrammeError(_("%(code)s: ngày không hợp lệ.") % {"code": code})
    values = {
        "kind": raw["kind"],
        "name": str(raw["name"]),
        "description": str(raw.get("description", "")),
        "legal_basis": str(raw.get("legal_basis", "")),
        "valid_from": raw["valid_from"],
        "valid_to": raw.get("valid_to"),
        "funding_sources": funding,
        "benefit": benefit,
        "eligibility": rules,
        "requires_posting": bool(raw.get("requires_posting", False)),
        "verified": bool(raw.get("verified", False)),
        "source_note": str(raw.get("source_note", "")),
        "sort_order": int(raw.get("sort_order", 0)),
    }
    return Entry(code=code, parent=str(raw.get("parent", "")), values=values)


def read_entries(paths: Iterable[Path] | None = None) -> list[Entry]:
    """The entries of the data files, parents before children."""
    files = sorted(eligibility.DATA_DIR.glob("*.toml")) if paths is None else list(paths)
    entries: list[Entry] = []
    for path in files:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        entries += [_entry(raw, path.name) for raw in data.get("programme", [])]
    codes = [e.code for e in entries]
    if len(codes) != len(set(codes)):
        raise ProgrammeError(_("Mã chương trình bị trùng trong dữ liệu."))
    placed: set[str] = set()
    ordered: list[Entry] = []
    pending = list(entries)
    while pending:
        ready = [e for e in pending if not e.parent or e.parent in placed]
        if not ready:
            raise ProgrammeError(
                _("Không tìm thấy mục cha: %s") % ", ".join(sorted({e.parent for e in pending}))
            )
        ordered += ready
        placed |= {e.code for e in ready}
        pending = [e for e in pending if e.code not in placed]
    return ordered


@transaction.atomic
def load(*, actor: Actor, paths: Iterable[Path] | None = None) -> dict[str, int]:
    """Add and refresh the shipped entries (see the module docstring); the counts."""
    entries = read_entries(paths)
    existing = {p.code: p for p in Programme.objects.select_for_update().all()}
    counts = {"created": 0, "updated": 0, "kept_local": 0, "kept_deleted": 0, "unchanged": 0}
    for entry in entries:
        parent = existing.get(entry.parent) if entry.parent else None
        row = existing.get(entry.code)
        if row is None:
            existing[entry.code] = Programme.objects.create(
                code=entry.code, parent=parent, **entry.values
            )
            counts["created"] += 1
            continue
        if row.is_deleted:
            counts["kept_deleted"] += 1
            continue
        if row.locally_changed:
            counts["kept_local"] += 1
            continue
        changed = [k for k, v in entry.values.items() if getattr(row, k) != v]
        if row.parent_id != (parent.pk if parent else None):
            row.parent = parent
            changed.append("parent")
        if not changed:
            counts["unchanged"] += 1
            continue
        for key in changed:
            if key != "parent":
                setattr(row, key, entry.values[key])
        if "eligibility" in changed:
            row.eligibility_version += 1
            changed.append("eligibility_version")
        row.save(update_fields=[*changed, "updated_at"])
        counts["updated"] += 1
    audit.record_bulk(
        actor=actor,
        action="programmes.loaded",
        object_type="programmes.programme",
        object_id="data",
        summary=counts,
    )
    return counts
