"""Parquet for analysts: the households of an area and their members (and, from the apps above,
e.g. surveys with their engine results) without direct identifiers; see docs/analytics.md.

- **Layout**: ``OUTPUT/province=PP/<table>.parquet`` (hive style, PP the official province code),
  one file per table and province: ``households``, ``members`` and the tables other apps
  register (``register_table``; the surveys app adds ``surveys`` in its ``AppConfig.ready``, so
  the registry never imports an app above it).
- **Streaming**: households are read in id ranges of ``chunk_rows`` (keyset pagination, one
  ``COPY (…) TO STDOUT`` per range and table through ``lib.pgcopy``) and each range is handed to a
  Polars streaming sink, so memory holds one range whatever the size of the area. The database
  is read on the calling thread only (Django connections are per thread): a bounded queue hands
  the frames to the sink's thread.
- **No direct identifiers**: no names, personal ID or phone numbers, addresses, household codes,
  dates of birth (the year of birth is kept), no free text typed by users. Rows carry
  pseudonymous keys instead: the first 128 bits, in hex, of HMAC-SHA256 over
  ``"<kind>:<internal id>"`` with the deployment's key (``GIAMNGHEO_PSEUDONYM_KEY``, or one
  derived from ``SECRET_KEY``): the same household has the same key in every export of the
  deployment, and nobody without the key can compute it from the internal id.
- **Scoped**: the households ``actor`` may see (``access.scoped``) in the area; ``actor=None``
  is the system (the command line without ``--user``): the whole area.
- **Audited**: one audit event per export (who, area, tables and rows), in its own transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import queue
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import polars as pl
from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from polars.io.plugins import register_io_source

from giamngheo.accounts import access
from giamngheo.accounts.types import Actor
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.audit import services as audit
from giamngheo.lib import pgcopy
from giamngheo.lib.errors import DomainError
from giamngheo.registry.models import Household, Membership

CHUNK_ROWS: Final = 50_000
KEY_HEX: Final = 32  # 128 bits of the HMAC: no collision among billions of rows
_QUEUE_FRAMES: Final = 2
_DERIVATION: Final = b"giamngheo.pseudonym.v1"

Schema = Mapping[str, pgcopy.DataType]


class ParquetError(DomainError):
    """The export cannot be made; the message is for the user (Vietnamese)."""


# -- pseudonymous keys ------------------------------------------------------------------------


def pseudonym_key() -> bytes:
    """The deployment's key: ``GIAMNGHEO_PSEUDONYM_KEY``, or derived from ``SECRET_KEY`` (then
    changing the secret key changes every pseudonym: set the key explicitly in production)."""
    configured = str(getattr(settings, "GIAMNGHEO_PSEUDONYM_KEY", "") or "")
    if configured:
        return configured.encode()
    return hmac.new(str(settings.SECRET_KEY).encode(), _DERIVATION, hashlib.sha256).digest()


def pseudonyms(ids: Sequence[int | None] | pl.Series, kind: str, key: bytes) -> pl.Series:
    """HMAC-SHA256(key, "kind:id"), first 128 bits in hex; null for a null id."""
    base = hmac.new(key, digestmod=hashlib.sha256)
    prefix = f"{kind}:".encode()
    out: list[str | None] = []
    for value in ids:
        if value is None:
            out.append(None)
            continue
        mac = base.copy()
        mac.update(prefix + str(int(value)).encode())
        out.append(mac.hexdigest()[:KEY_HEX])
    return pl.Series(out, dtype=pl.String)


# -- tables -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chunk:
    """One id range of the exported households of one province, as given to a table."""

    province: AdministrativeUnit
    households: QuerySet[Household]  # scoped, in the area, in the range
    key: bytes
    actor: Actor

    def keys(self, ids: pl.Series, kind: str) -> pl.Series:
        return pseudonyms(ids, kind, self.key)


@dataclass(frozen=True)
class ParquetTable:
    """A table of the export: its schema (the file's columns, in order; a function, as it may
    depend on data such as the rule packs' indicators) and how to read one chunk."""

    name: str
    schema: Callable[[], Schema]
    read: Callable[[Chunk], pl.DataFrame]


_TABLES: dict[str, ParquetTable] = {}


def register_table(table: ParquetTable) -> None:
    """Add a table (apps above the registry call this in their ``AppConfig.ready``)."""
    _TABLES[table.name] = table


def tables() -> tuple[ParquetTable, ...]:
    return tuple(_TABLES.values())


def read_values(queryset: QuerySet[Any], schema: Schema) -> pl.DataFrame:
    """A ``values_list`` queryset's rows as a typed frame, by COPY (names by position)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        return pgcopy.read_frame(cursor, sql, params, schema)


_HOUSEHOLD_BOOLEANS: Final = (
    "is_ethnic_minority",
    "is_merit_family",
    "has_social_assistance_member",
    "has_no_labour_capacity",
    "wall_durable",
    "column_durable",
    "roof_durable",
    "uses_phone",
    "uses_internet",
    "owns_tv",
    "owns_radio",
    "owns_computer",
    "owns_phone",
    "loudspeaker_access",
    "waste_handled",
)
HOUSEHOLD_SCHEMA: Final[Schema] = {
    "household_key": pl.String,
    "commune": pl.String,
    "village": pl.String,
    "area_kind": pl.String,
    "status": pl.String,
    "status_standard": pl.String,
    "status_year": pl.Int16,
    "member_count": pl.Int16,
    "income": pl.Int64,
    "floor_area_m2": pl.Float64,
    "water_source": pl.String,
    "latrine_type": pl.String,
    "poverty_reasons": pl.List(pl.String),
    "support_needs": pl.List(pl.String),
    **dict.fromkeys(_HOUSEHOLD_BOOLEANS, pl.Boolean),
}
_MEMBER_BOOLEANS: Final = (
    "is_head",
    "is_main_earner",
    "receives_social_allowance",
    "disability",
    "has_health_insurance",
    "studying",
    "attends_age_appropriate",
    "on_the_job_training",
    "stunted",
    "underweight",
    "ill_untreated",
)
MEMBER_SCHEMA: Final[Schema] = {
    "person_key": pl.String,
    "household_key": pl.String,
    "commune": pl.String,
    "relation": pl.String,
    "sex": pl.String,
    "birth_year": pl.Int16,
    "ethnicity": pl.String,
    "employment": pl.String,
    "education": pl.String,
    **dict.fromkeys(_MEMBER_BOOLEANS, pl.Boolean),
}


def _blank_as_null(frame: pl.DataFrame, names: Sequence[str]) -> pl.DataFrame:
    """Empty choice texts ("" = not recorded) as nulls, which analysts filter more easily."""
    return frame.with_columns(
        pl.when(pl.col(n) == "").then(None).otherwise(pl.col(n)).alias(n) for n in names
    )


def _households(chunk: Chunk) -> pl.DataFrame:
    names = [n for n in HOUSEHOLD_SCHEMA if n not in ("household_key", "commune", "village")]
    rows = chunk.households.order_by("id").values_list(
        "id", "commune__code", "village__code", *names
    )
    schema = {"id": pl.Int64, "commune": pl.String, "village": pl.String}
    frame = read_values(rows, schema | {n: HOUSEHOLD_SCHEMA[n] for n in names})
    frame = _blank_as_null(
        frame, ["status", "status_standard", "water_source", "latrine_type", "area_kind"]
    )
    return frame.with_columns(household_key=chunk.keys(frame["id"], "household")).select(
        list(HOUSEHOLD_SCHEMA)
    )


def _members(chunk: Chunk) -> pl.DataFrame:
    person = [n for n in MEMBER_SCHEMA if n not in ("person_key", "household_key", "commune")]
    sources = [
        n if n in ("relation", "is_head", "is_main_earner") else f"person__{n}" for n in person
    ]
    rows = (
        Membership.objects.filter(left_on__isnull=True, household__in=chunk.households.values("pk"))
        .order_by("household_id", "-is_head", "id")
        .values_list("person_id", "household_id", "household__commune__code", *sources)
    )
    schema = {"person_id": pl.Int64, "household_id": pl.Int64, "commune": pl.String}
    frame = read_values(rows, schema | {n: MEMBER_SCHEMA[n] for n in person})
    frame = _blank_as_null(frame, ["ethnicity", "employment", "education", "sex", "relation"])
    return frame.with_columns(
        person_key=chunk.keys(frame["person_id"], "person"),
        household_key=chunk.keys(frame["household_id"], "household"),
    ).select(list(MEMBER_SCHEMA))


register_table(ParquetTable("households", lambda: HOUSEHOLD_SCHEMA, _households))
register_table(ParquetTable("members", lambda: MEMBER_SCHEMA, _members))


# -- writing ------------------------------------------------------------------------------------


_DONE: Final = object()


def _sink(path: Path, schema: Schema, frames: Iterator[pl.DataFrame]) -> int:
    """Write ``frames`` to one Parquet file through Polars' streaming sink, reading them on this
    thread (the database connection's) while the sink runs on its own. Returns the rows."""
    handoff: queue.Queue[object] = queue.Queue(maxsize=_QUEUE_FRAMES)
    polars_schema = pl.Schema(dict(schema))

    def source(
        with_columns: list[str] | None, _predicate: Any, _n_rows: Any, _batch_size: Any
    ) -> Iterator[pl.DataFrame]:
        while True:
            item = handoff.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            if isinstance(item, pl.DataFrame):
                yield item.select(with_columns) if with_columns is not None else item

    failure: list[BaseException] = []

    def write() -> None:
        try:
            lazy = register_io_source(io_source=source, schema=polars_schema)
            lazy.sink_parquet(path, compression="zstd")
        except BaseException as error:  # handed back to the caller's thread
            failure.append(error)

    def put(item: object) -> bool:
        while writer.is_alive():
            try:
                handoff.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    writer = threading.Thread(target=write, name=f"parquet-{path.name}", daemon=True)
    writer.start()
    rows = 0
    complete = True
    try:
        for frame in frames:
            if not put(frame.cast(dict(schema))):  # type: ignore[arg-type]
                complete = False
                break
            rows += frame.height
    except BaseException as error:
        put(RuntimeError(f"export interrupted: {error}"))
        writer.join()
        raise
    complete = put(_DONE) and complete
    writer.join()
    if failure:
        raise failure[0]
    if not complete:
        raise RuntimeError(f"the Parquet writer of {path.name} stopped before the end")
    return rows


def _ranges(households: QuerySet[Household], chunk_rows: int) -> Iterator[tuple[int, int]]:
    """Consecutive (after, last] id ranges of at most ``chunk_rows`` households."""
    after = 0
    ids = households.order_by("id").values_list("id", flat=True)
    while True:
        last = ids.filter(id__gt=after)[chunk_rows - 1 : chunk_rows].first()
        if last is None:
            last = ids.filter(id__gt=after).order_by("-id").first()
            if last is None:
                return
            yield after, last
            return
        yield after, last
        after = last


@dataclass(frozen=True)
class ParquetReport:
    output: Path
    area_code: str
    area_name: str
    rows: dict[str, int] = field(default_factory=dict)
    files: tuple[Path, ...] = ()

    def headline(self) -> str:
        return _("Đã xuất %(households)s hộ, %(members)s nhân khẩu của %(area)s ra Parquet.") % {
            "households": self.rows.get("households", 0),
            "members": self.rows.get("members", 0),
            "area": self.area_name,
        }


def export_parquet(
    *,
    actor: Actor,
    area: AdministrativeUnit,
    output: Path,
    chunk_rows: int = CHUNK_ROWS,
    key: bytes | None = None,
) -> ParquetReport:
    """Write the area's tables (the households ``actor`` may see; all when None) under
    ``output`` (a new or empty directory), and audit it."""
    if actor is not None and not access.can_view_area(actor, area):
        raise ParquetError(_("Bạn không được xem dữ liệu của địa bàn này."))
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise ParquetError(
            _("Thư mục %(path)s đã có dữ liệu: hãy chọn thư mục mới.") % {"path": output}
        )
    households = Household.objects.all()
    if actor is not None:
        households = access.scoped(households, actor)
    level = {Level.PROVINCE: "province", Level.COMMUNE: "commune", Level.VILLAGE: "village"}
    households = households.filter(**{level[Level(area.level)]: area})
    province = area if area.level == Level.PROVINCE else area.province
    if province is None:  # only provinces are roots: every other unit has one
        raise ParquetError(_("Không xác định được tỉnh của địa bàn này."))
    secret = key if key is not None else pseudonym_key()
    folder = output / f"province={province.code}"
    folder.mkdir(parents=True, exist_ok=True)
    ranges = list(_ranges(households, chunk_rows))
    rows: dict[str, int] = {}
    files: list[Path] = []
    for table in tables():
        path = folder / f"{table.name}.parquet"
        chunks = (
            table.read(
                Chunk(
                    province=province,
                    households=households.filter(id__gt=after, id__lte=last),
                    key=secret,
                    actor=actor,
                )
            )
            for after, last in ranges
        )
        rows[table.name] = _sink(path, table.schema(), chunks)
        files.append(path)
    report = ParquetReport(output, area.code, area.name, rows, tuple(files))
    _audit(actor, area, province, report)
    return report


@transaction.atomic
def _audit(
    actor: Actor, area: AdministrativeUnit, province: AdministrativeUnit, report: ParquetReport
) -> None:
    audit.record_bulk(
        actor=actor,
        action="registry.parquet_exported",
        object_type=Household._meta.label_lower,
        object_id=report.area_code,
        summary={
            "area": report.area_code,
            "area_name": report.area_name,
            "rows": report.rows,
            "files": [str(p.relative_to(report.output)) for p in report.files],
            "pseudonymised": True,
        },
        note=_("Xuất Parquet cho phân tích (không có thông tin định danh)"),
        province_id=province.pk,
    )
