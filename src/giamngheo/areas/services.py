"""Writes on administrative units. Every write records an audit event."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.areas.models import (
    VILLAGE_TYPES,
    AdministrativeUnit,
    AreaKind,
    AreaKindSetting,
    Level,
    UnitType,
)
from giamngheo.audit import services as audit
from giamngheo.lib import tabular, validators
from giamngheo.lib.errors import DomainError
from giamngheo.lib.text import search_key

if TYPE_CHECKING:
    # A type name only: accounts is the layer above (see docs/architecture.md, "Layers").
    from giamngheo.accounts.types import Actor

# Default urban/rural per unit type; đặc khu is configurable (AreaKindSetting), rural by default.
DEFAULT_AREA_KINDS = {
    UnitType.WARD: AreaKind.URBAN,
    UnitType.COMMUNE: AreaKind.RURAL,
    UnitType.SPECIAL_ZONE: AreaKind.RURAL,
}
_PACKAGE_TYPES = {
    "thành phố trung ương": UnitType.CENTRAL_CITY,
    "tỉnh": UnitType.PROVINCE,
    "xã": UnitType.COMMUNE,
    "phường": UnitType.WARD,
    "đặc khu": UnitType.SPECIAL_ZONE,
}


class AreaError(DomainError):
    """A refused change to administrative units; the message is for the user (Vietnamese)."""


def area_kind_for(unit_type: str) -> str:
    setting = AreaKindSetting.objects.filter(unit_type=unit_type).first()
    if setting is not None:
        return setting.area_kind
    return DEFAULT_AREA_KINDS.get(UnitType(unit_type), AreaKind.RURAL)


@dataclass
class LoadResult:
    provinces_created: int = 0
    communes_created: int = 0
    updated: int = 0
    unchanged: int = 0
    data_version: str = ""
    changes: list[str] = field(default_factory=list)


def province_code(number: int) -> str:
    return f"{number:02d}"


def commune_code(number: int) -> str:
    return f"{number:05d}"


@transaction.atomic
def load_official_units(*, actor: Actor = None) -> LoadResult:
    """Load (or refresh) the 34 provinces and 3,321 communes of the structure in force since
    1 July 2025 from the ``vietnam-provinces`` package. Idempotent: matches units by code."""
    import vietnam_provinces as vp

    result = LoadResult(data_version=f"{vp.__version__} ({vp.__data_version__})")
    existing = {
        unit.code: unit
        for unit in AdministrativeUnit.objects.filter(level__in=["province", "commune"])
    }
    kinds = {unit_type: area_kind_for(unit_type) for unit_type in DEFAULT_AREA_KINDS}

    provinces: dict[int, AdministrativeUnit] = {}
    for official in vp.Province.iter_all():
        code = province_code(int(official.code))
        unit_type = _PACKAGE_TYPES[official.division_type.value]
        unit = existing.get(code)
        if unit is None:
            unit = AdministrativeUnit.objects.create(
                level=Level.PROVINCE,
                code=code,
                name=official.name,
                unit_type=unit_type,
                search_name=search_key(official.name),
            )
            result.provinces_created += 1
        elif unit.name != official.name or unit.unit_type != unit_type:
            result.changes.append(f"{code}: {unit.name} → {official.name}")
            unit.name, unit.unit_type = official.name, unit_type
            unit.search_name = search_key(official.name)
            unit.save(update_fields=["name", "unit_type", "search_name", "updated_at"])
            result.updated += 1
        else:
            result.unchanged += 1
        provinces[int(official.code)] = unit

    new_communes: list[AdministrativeUnit] = []
    for ward in vp.Ward.iter_all():
        code = commune_code(int(ward.code))
        unit_type = _PACKAGE_TYPES[ward.division_type.value]
        province = provinces[int(ward.province_code)]
        unit = existing.get(code)
        if unit is None:
            new_communes.append(
                AdministrativeUnit(
                    level=Level.COMMUNE,
                    code=code,
                    name=ward.name,
                    unit_type=unit_type,
                    parent=province,
                    province=province,
                    area_kind=kinds[unit_type],
                    search_name=search_key(ward.name),
                )
            )
        elif (unit.name, unit.unit_type, unit.parent_id) != (ward.name, unit_type, province.pk):
            result.changes.append(f"{code}: {unit.name} → {ward.name}")
            unit.name, unit.unit_type = ward.name, unit_type
            unit.parent = unit.province = province
            unit.search_name = search_key(ward.name)
            if not unit.area_kind_overridden:
                unit.area_kind = kinds[unit_type]
            unit.save()
            result.updated += 1
        else:
            result.unchanged += 1
    AdministrativeUnit.objects.bulk_create(new_communes, batch_size=1000)
    result.communes_created = len(new_communes)

    if result.provinces_created or result.communes_created or result.updated:
        audit.record_bulk(
            actor=actor,
            action="areas.official_units_loaded",
            object_type="areas.administrativeunit",
            object_id="vietnam-provinces",
            summary={
                "data_version": result.data_version,
                "provinces_created": result.provinces_created,
                "communes_created": result.communes_created,
                "updated": result.updated,
                "changes": result.changes[:200],
            },
        )
    return result


def unit_stats() -> dict[str, int]:
    from django.db.models import Count, Q

    counts = AdministrativeUnit.objects.filter(valid_to__isnull=True).aggregate(
        provinces=Count("id", filter=Q(level=Level.PROVINCE)),
        communes=Count("id", filter=Q(level=Level.COMMUNE)),
        villages=Count("id", filter=Q(level=Level.VILLAGE)),
    )
    return {key: int(value) for key, value in counts.items()}


def _next_village_code(commune: AdministrativeUnit) -> str:
    codes = AdministrativeUnit.objects.filter(parent=commune, level=Level.VILLAGE).values_list(
        "code", flat=True
    )
    numbers = [int(code.rsplit(".", 1)[1]) for code in codes if "." in code]
    return f"{commune.code}.{(max(numbers, default=0) + 1):03d}"


def _check_village(commune: AdministrativeUnit, name: str, unit_type: str) -> str:
    name = _clean_unit_name(name)
    if commune.level != Level.COMMUNE:
        raise AreaError(_("Thôn, tổ dân phố chỉ được tạo trong một xã, phường hoặc đặc khu."))
    if not name:
        raise AreaError(_("Chưa nhập tên thôn, tổ dân phố."))
    if unit_type not in VILLAGE_TYPES:
        raise AreaError(
            _("Loại đơn vị “%(type)s” không hợp lệ cho thôn, tổ dân phố.") % {"type": unit_type}
        )
    if AdministrativeUnit.objects.filter(
        parent=commune, search_name=search_key(name), valid_to__isnull=True
    ).exists():
        raise AreaError(
            _("“%(name)s” đã có trong %(commune)s.") % {"name": name, "commune": commune.name}
        )
    return name


def _clean_unit_name(name: str) -> str:
    """NFC, single spaces, no bidi or control characters, at most the column's 200 characters
    (lib.validators): a village name is printed on posted lists and certificates."""
    with validators.reraise_as(AreaError):
        return validators.clean_name(name, label=_("Tên đơn vị"), max_length=200)


@transaction.atomic
def village_create(
    *,
    actor: Actor,
    commune: AdministrativeUnit,
    name: str,
    unit_type: str,
    area_kind: str | None = None,
    valid_from: dt.date | None = None,
) -> AdministrativeUnit:
    name = _check_village(commune, name, unit_type)
    village = AdministrativeUnit.objects.create(
        level=Level.VILLAGE,
        code=_next_village_code(commune),
        name=name,
        unit_type=unit_type,
        parent=commune,
        province_id=commune.province_id,
        area_kind=area_kind or commune.area_kind,
        area_kind_overridden=bool(area_kind and area_kind != commune.area_kind),
        valid_from=valid_from or dt.date.today(),  # noqa: DTZ011 - a civil date, local by nature
        search_name=search_key(name),
    )
    audit.record(
        actor=actor, action="areas.village_created", obj=village, after=audit.snapshot(village)
    )
    return village


@transaction.atomic
def area_kind_override(
    *, actor: Actor, unit: AdministrativeUnit, area_kind: str, reason: str
) -> AdministrativeUnit:
    if unit.level == Level.PROVINCE:
        raise AreaError(_("Khu vực thành thị/nông thôn được đặt cho xã hoặc thôn, không cho tỉnh."))
    if area_kind not in AreaKind.values:
        raise AreaError(_("Khu vực phải là thành thị hoặc nông thôn."))
    if not reason.strip():
        raise AreaError(_("Cần ghi lý do khi thay đổi khu vực thành thị/nông thôn."))
    before = audit.snapshot(unit, ["area_kind", "area_kind_overridden", "area_kind_reason"])
    unit.area_kind = area_kind
    unit.area_kind_overridden = True
    unit.area_kind_reason = reason.strip()
    unit.save(update_fields=["area_kind", "area_kind_overridden", "area_kind_reason", "updated_at"])
    audit.record(
        actor=actor,
        action="areas.area_kind_overridden",
        obj=unit,
        before=before,
        after=audit.snapshot(unit, ["area_kind", "area_kind_overridden", "area_kind_reason"]),
    )
    return unit


@transaction.atomic
def unit_rename(
    *, actor: Actor, unit: AdministrativeUnit, new_name: str, effective_on: dt.date
) -> AdministrativeUnit:
    """Rename keeping the old name for documents dated before ``effective_on``."""
    new_name = _clean_unit_name(new_name)
    with validators.reraise_as(AreaError):
        validators.check_event_date(effective_on, label=_("Ngày đổi tên"), allow_future=True)
    if not new_name:
        raise AreaError(_("Chưa nhập tên mới."))
    if effective_on <= unit.valid_from:
        raise AreaError(_("Ngày đổi tên phải sau ngày đơn vị bắt đầu hiệu lực."))
    last = unit.names.order_by("-valid_from").first()
    start = last.valid_to + dt.timedelta(days=1) if last and last.valid_to else unit.valid_from
    unit.names.create(
        name=unit.name, valid_from=start, valid_to=effective_on - dt.timedelta(days=1)
    )
    before = {"name": unit.name}
    unit.name = new_name
    unit.search_name = search_key(new_name)
    unit.save(update_fields=["name", "search_name", "updated_at"])
    audit.record(
        actor=actor, action="areas.unit_renamed", obj=unit, before=before, after={"name": new_name}
    )
    return unit


@dataclass
class VillageImportResult:
    created: list[AdministrativeUnit] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, message)


VILLAGE_CSV_COLUMNS = ("ma_xa", "ten", "loai")


@transaction.atomic
def villages_import_csv(
    *, actor: Actor, text: str, allowed_communes: set[int] | None = None
) -> VillageImportResult:
    """Create villages from CSV with columns ``ma_xa,ten,loai`` (commune code, name, type).

    All or nothing: if any row is wrong, nothing is created and every error is listed.
    ``allowed_communes`` (ids) limits which communes the user may add villages to.
    """
    result = VillageImportResult()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in VILLAGE_CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        result.errors.append((1, ",".join(missing), _("Thiếu cột bắt buộc.")))
        return result
    communes = {unit.code: unit for unit in AdministrativeUnit.objects.filter(level=Level.COMMUNE)}
    seen: set[tuple[str, str]] = set()
    pending: list[tuple[int, AdministrativeUnit, str, str]] = []
    rows = _csv_rows(reader, result)
    for row_number, row in rows:
        formula = next(
            (
                k
                for k in VILLAGE_CSV_COLUMNS
                if tabular.looks_like_formula((row.get(k) or "").strip())
            ),
            None,
        )
        if formula is not None:
            result.errors.append((row_number, formula, _formula_message()))
            continue
        code = (row.get("ma_xa") or "").strip().zfill(5)
        name = " ".join((row.get("ten") or "").split())
        unit_type = (row.get("loai") or "").strip()
        commune = communes.get(code)
        if commune is None:
            result.errors.append((row_number, "ma_xa", _("Không có xã/phường mã %s.") % code))
            continue
        if allowed_communes is not None and commune.pk not in allowed_communes:
            result.errors.append(
                (row_number, "ma_xa", _("Bạn không có quyền thêm thôn cho %s.") % commune.name)
            )
            continue
        key = (code, search_key(name))
        if key in seen:
            result.errors.append((row_number, "ten", _("Trùng với một dòng phía trên.")))
            continue
        seen.add(key)
        try:
            _check_village(commune, name, unit_type)
        except AreaError as error:
            column = "loai" if unit_type not in VILLAGE_TYPES else "ten"
            result.errors.append((row_number, column, str(error)))
            continue
        pending.append((row_number, commune, name, unit_type))
    if result.errors:
        return result
    for _row, commune, name, unit_type in pending:
        result.created.append(
            village_create(actor=actor, commune=commune, name=name, unit_type=unit_type)
        )
    return result


def _formula_message() -> str:
    return _(
        "Ô bắt đầu bằng =, @, + hoặc - như một công thức bảng tính: không nhận công thức, "
        "hãy ghi giá trị."
    )


def _csv_rows(
    reader: csv.DictReader[str], result: VillageImportResult
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The rows with their line numbers; a malformed line ends the file with an error."""
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as error:
        result.errors.append((reader.line_num, "", _("Dòng CSV không hợp lệ (%s).") % error))


@transaction.atomic
def units_merge(
    *,
    actor: Actor,
    predecessors: list[AdministrativeUnit],
    successor: AdministrativeUnit,
    effective_on: dt.date,
    legal_basis: str = "",
) -> AdministrativeUnit:
    """Record that ``predecessors`` were merged into ``successor`` on ``effective_on``: they stop
    being valid the day before, keep their names for earlier documents, and link to it."""
    from giamngheo.areas.models import SuccessionKind, UnitSuccession

    for unit in predecessors:
        if unit.pk == successor.pk:
            raise AreaError(_("Một đơn vị không thể sáp nhập vào chính nó."))
        if unit.level != successor.level:
            raise AreaError(_("Chỉ sáp nhập các đơn vị cùng cấp."))
        if effective_on <= unit.valid_from:
            raise AreaError(
                _("Ngày sáp nhập phải sau ngày %(name)s bắt đầu hiệu lực.") % {"name": unit.name}
            )
        before = audit.snapshot(unit, ["valid_to"])
        unit.valid_to = effective_on - dt.timedelta(days=1)
        unit.save(update_fields=["valid_to", "updated_at"])
        UnitSuccession.objects.create(
            predecessor=unit,
            successor=successor,
            kind=SuccessionKind.MERGER,
            effective_on=effective_on,
            legal_basis=legal_basis,
        )
        audit.record(
            actor=actor,
            action="areas.unit_merged",
            obj=unit,
            before=before,
            after={"valid_to": unit.valid_to, "successor": successor.code},
            note=legal_basis,
        )
    return successor
