"""Importing households with their members from an xlsx or CSV file (the template of
``registry.spreadsheets``), as a dry run or for real.

Stages (set-based throughout: no query and no Python loop per row):

1. read the file into text columns (``spreadsheets.read_table``);
2. parse every cell, vectorised with Polars; categorical columns are parsed once per distinct
   value. Every problem becomes an error row (row, column, message in Vietnamese);
3. structure: one head per household, household columns consistent with the head's row,
   duplicate citizen IDs in the file, birth date or year;
4. areas: commune (by code or name, or converted from an old three-level address by
   ``registry.legacy``), village in that commune, one province per file, and the user's reach
   (``access.change_reach``): rows outside it are errors;
5. inside one transaction, holding a per-province advisory lock: compare with the database.
   Households are matched by code within the province (upsert), members by citizen ID, then by
   name and birth year. Citizen IDs held by active persons elsewhere are errors, except a
   person moving between two households of the same file;
6. unless it is a dry run, or there are errors and the user did not choose "only the valid
   households": write with COPY and a few set-based UPDATEs, and the audit events.

Semantics of a cell: an empty cell keeps the stored value of an existing household or person
and takes the default for a new one. Members of an existing household who are not in the file
stay (a file listing only the heads must not empty every household); only when the user declares
the file complete (``complete``: every member of each household is listed) do they leave the
household and stop being active persons; the dry run counts them either way
(``members_absent``). Without ``complete`` a stored head missing from a file that names another
head is an error (two heads). A masked
number from an export made for a role that may not see it (``********1234``) counts as empty.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import polars as pl
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giamngheo.accounts import access
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.areas.models import Level as AreaLevel
from giamngheo.audit import services as audit
from giamngheo.audit.models import AuditEvent
from giamngheo.jobs.kinds import job_kind
from giamngheo.lib import tabular, validators
from giamngheo.lib.formatting import format_number
from giamngheo.lib.text import search_key
from giamngheo.registry import legacy
from giamngheo.registry import spreadsheets as sheets
from giamngheo.registry.models import Household, Membership, Person, Relation
from giamngheo.registry.spreadsheets import ROW, Column, Kind, Level

Progress = Callable[[int, int, str], None]

ERROR_SCHEMA: Final = pl.Schema(
    {
        "row": pl.Int64,
        "column": pl.String,
        "household": pl.String,
        "message": pl.String,
    }
)
CHANGE_SCHEMA: Final = pl.Schema(
    {
        "household": pl.String,
        "action": pl.String,
        "village": pl.String,
        "fields": pl.String,
        "added": pl.String,
        "removed": pl.String,
        "moved_in": pl.String,
        "members_updated": pl.Int64,
        "row": pl.Int64,
    }
)
ACTION_CREATE: Final = "create"
ACTION_UPDATE: Final = "update"
ACTION_UNCHANGED: Final = "unchanged"
ACTION_INVALID: Final = "invalid"
ACTION_LABELS: Final = {
    ACTION_CREATE: gettext_lazy("Thêm mới"),
    ACTION_UPDATE: gettext_lazy("Cập nhật"),
    ACTION_UNCHANGED: gettext_lazy("Không đổi"),
    ACTION_INVALID: gettext_lazy("Có lỗi, không nhập"),
}
SUMMARY_ERRORS: Final = 200  # errors kept in the job result for the page; all are in the files
SUMMARY_CHANGES: Final = 200

# Household fields an import writes (besides code and the area columns). The status is not
# among them: it changes only through a recognition decision (services.household_status_set).
HOUSEHOLD_VALUE_KEYS: Final = (
    "address",
    "phone",
    "is_ethnic_minority",
    "is_merit_family",
    "has_social_assistance_member",
    "has_no_labour_capacity",
    "poverty_reasons",
    "support_needs",
    "income",
    "wall_durable",
    "column_durable",
    "roof_durable",
    "floor_area_m2",
    "water_source",
    "latrine_type",
    "uses_phone",
    "uses_internet",
    "owns_tv",
    "owns_radio",
    "owns_computer",
    "owns_phone",
    "loudspeaker_access",
    "waste_handled",
)
PERSON_VALUE_KEYS: Final = (
    "full_name",
    "sex",
    "ethnicity",
    "citizen_id",
    "employment",
    "receives_social_allowance",
    "disability",
    "has_health_insurance",
    "education",
    "studying",
    "attends_age_appropriate",
    "on_the_job_training",
    "stunted",
    "underweight",
    "ill_untreated",
)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_MASKED_ID = r"^\*{4,}[0-9]{4}$"
_MASKED_PHONE = r"^[0-9+]{3}\*+[0-9]{3}$"


# -- the report -------------------------------------------------------------------------------


@dataclass
class ImportReport:
    file_name: str
    dry_run: bool
    only_valid: bool
    province_code: str = ""
    province_name: str = ""
    rows: int = 0
    households: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    members_added: int = 0  # new persons in households that already existed
    persons_in_new_households: int = 0
    members_removed: int = 0
    # Stored members of the file's households that the file does not list: they leave when the
    # file is declared complete (then also counted in members_removed), else they stay.
    members_absent: int = 0
    complete: bool = False
    members_moved: int = 0
    members_updated: int = 0
    written: bool = False
    legacy: bool = False
    errors: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=ERROR_SCHEMA))
    changes: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=CHANGE_SCHEMA))
    ambiguous: list[dict[str, Any]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    # The day's limit of checks of IDs held outside the user's areas is used up: nothing of the
    # file is reported or written (see ``_Run.refuse_id_checks``).
    refused: bool = False

    @property
    def error_count(self) -> int:
        return self.errors.height

    @property
    def blocked(self) -> bool:
        """Errors, and the user did not choose to import only the valid households."""
        return self.refused or (self.error_count > 0 and not self.only_valid)

    def headline(self) -> str:
        counts = {
            "created": format_number(self.created),
            "updated": format_number(self.updated),
            "unchanged": format_number(self.unchanged),
            "errors": format_number(self.error_count),
            "invalid": format_number(self.invalid),
        }
        if self.refused:
            return _(
                "Chưa nhập: tệp bị từ chối vì hôm nay đã quá giới hạn số định danh không dùng được."
            )
        if self.written:
            return (
                _(
                    "Đã nhập: %(created)s hộ mới, %(updated)s hộ cập nhật, %(unchanged)s hộ "
                    "không đổi; %(invalid)s hộ có lỗi không được nhập."
                )
                % counts
            )
        if self.blocked:
            return (
                _(
                    "Chưa nhập: tệp có %(errors)s lỗi ở %(invalid)s hộ. Sửa tệp rồi nhập lại, "
                    "hoặc chọn chỉ nhập các hộ hợp lệ."
                )
                % counts
            )
        return (
            _(
                "Chạy thử: sẽ thêm %(created)s hộ, cập nhật %(updated)s hộ, %(unchanged)s hộ "
                "không đổi; %(invalid)s hộ có lỗi."
            )
            % counts
        )

    def summary(self) -> dict[str, Any]:
        """JSON for the job result (the page): counts, the first errors and changes."""
        return {
            "file_name": self.file_name,
            "dry_run": self.dry_run,
            "only_valid": self.only_valid,
            "written": self.written,
            "blocked": self.blocked,
            "legacy": self.legacy,
            "province_code": self.province_code,
            "province_name": self.province_name,
            "rows": self.rows,
            "households": self.households,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "invalid": self.invalid,
            "members_added": self.members_added,
            "persons_in_new_households": self.persons_in_new_households,
            "members_removed": self.members_removed,
            "members_absent": self.members_absent,
            "complete": self.complete,
            "members_moved": self.members_moved,
            "members_updated": self.members_updated,
            "error_count": self.error_count,
            "errors": self.errors.head(SUMMARY_ERRORS).to_dicts(),
            "changes": self.changes.filter(pl.col("action") != ACTION_UNCHANGED)
            .head(SUMMARY_CHANGES)
            .to_dicts(),
            "ambiguous": self.ambiguous,
            "ignored_columns": self.ignored_columns,
            "seconds": self.seconds,
            "headline": self.headline(),
        }


# -- small Polars helpers ---------------------------------------------------------------------


def _msg(template: str, **values: pl.Expr) -> pl.Expr:
    """A translated message with ``%(name)s`` placeholders filled from expressions."""
    parts: list[pl.Expr] = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append(pl.lit(template[position : match.start()]))
        parts.append(values[match.group(1)].cast(pl.String).fill_null(""))
        position = match.end()
    parts.append(pl.lit(template[position:]))
    return pl.concat_str(parts)


def search_key_expr(expr: pl.Expr) -> pl.Expr:
    """``lib.text.search_key`` in Polars (lower-case, accents stripped, single spaces)."""
    return (
        expr.str.replace_all("đ", "d", literal=True)
        .str.replace_all("Đ", "D", literal=True)
        .str.normalize("NFD")
        .str.replace_all(r"\p{Mn}", "")
        .str.to_lowercase()
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


@dataclass
class _Check:
    bad: pl.Expr
    column: str
    message: pl.Expr


def _errors_of(frame: pl.DataFrame, checks: Sequence[_Check]) -> pl.DataFrame:
    if not checks:
        return pl.DataFrame(schema=ERROR_SCHEMA)
    code = pl.col("code") if "code" in frame.columns else pl.lit(None, dtype=pl.String)
    # One pass to find the checks that fail somewhere: a clean file then costs one scan
    # instead of one filter per check.
    failing = frame.select(
        check.bad.fill_null(False).any().alias(str(i)) for i, check in enumerate(checks)
    ).row(0)
    checks = [check for check, fails in zip(checks, failing, strict=True) if fails]
    if not checks:
        return pl.DataFrame(schema=ERROR_SCHEMA)
    parts = [
        frame.lazy()
        .filter(check.bad.fill_null(False))
        .select(
            pl.col(ROW).alias("row"),
            pl.lit(check.column).alias("column"),
            code.alias("household"),
            check.message.alias("message"),
        )
        for check in checks
    ]
    return pl.concat(parts).collect().cast(ERROR_SCHEMA)


def _mapped(
    frame: pl.DataFrame, key: str, parse: Callable[[str], tuple[Any, str | None]], dtype: Any
) -> tuple[pl.Expr, pl.Expr]:
    """Parse a column once per distinct value: (typed value, error message or null)."""
    values: dict[str, Any] = {}
    messages: dict[str, str | None] = {}
    for raw in frame[key].drop_nulls().unique().to_list():
        values[raw], messages[raw] = parse(raw)
    typed = pl.col(key).replace_strict(values, default=None, return_dtype=dtype)
    message = pl.col(key).replace_strict(messages, default=None, return_dtype=pl.String)
    return typed, message


# -- parsing cells ----------------------------------------------------------------------------


def _parse_enum(column: Column) -> Callable[[str], tuple[Any, str | None]]:
    index = sheets.value_index(column)
    unknown = _("“%(value)s” không có trong danh sách giá trị của cột này (xem trang Hướng dẫn).")

    def parse(raw: str) -> tuple[Any, str | None]:
        code = index.get(search_key(raw))
        return (code, None) if code is not None else (None, unknown % {"value": raw})

    return parse


def _parse_bool(raw: str) -> tuple[Any, str | None]:
    key = search_key(raw)
    if key in sheets.BOOL_TRUE:
        return True, None
    if key in sheets.BOOL_FALSE:
        return False, None
    return None, _("“%(value)s” không hợp lệ: ghi 1 (có) hoặc 0 (không).") % {"value": raw}


def _parse_multi(column: Column) -> Callable[[str], tuple[Any, str | None]]:
    index = sheets.value_index(column)
    order = [code for code, _label in column.choices]

    def parse(raw: str) -> tuple[Any, str | None]:
        codes: set[str] = set()
        for part in (p.strip() for p in raw.replace("\n", ";").split(";")):
            if not part:
                continue
            code = index.get(search_key(part))
            if code is None:
                # Labels may contain commas ("Thiếu vốn sản xuất, kinh doanh"): only split on
                # commas when the whole part is not a label.
                pieces = [index.get(search_key(p)) for p in part.split(",") if p.strip()]
                if not pieces or None in pieces:
                    return None, _(
                        "“%(value)s” không có trong danh sách giá trị của cột này "
                        "(xem trang Hướng dẫn)."
                    ) % {"value": part}
                codes.update(p for p in pieces if p is not None)
            else:
                codes.add(code)
        return ",".join(code for code in order if code in codes), None

    return parse


def _formula_errors(frame: pl.DataFrame, columns: dict[str, Column]) -> pl.DataFrame:
    """Cells a spreadsheet program would run as a formula (xlsx formula cells are read as
    "=…"): refused, so that no exported list or report can carry one (OWASP "CSV injection");
    phone numbers ("+84 …") and negative numbers pass (``lib.tabular.looks_like_formula``)."""
    return _errors_of(
        frame,
        [
            _Check(
                tabular.formula_expr(pl.col(key)),
                columns[key].header,
                _msg(
                    _(
                        "“%(value)s” là công thức bảng tính hoặc bắt đầu bằng =, @, +, - như "
                        "một công thức: không nhận công thức, hãy ghi giá trị."
                    ),
                    value=pl.col(key).str.slice(0, 60),
                ),
            )
            for key in frame.columns
            if key in columns
        ],
    )


def _parse_cells(
    frame: pl.DataFrame, columns: dict[str, Column], communes: _Communes
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Typed columns and the format errors of every cell."""
    checks: list[_Check] = []
    typed: list[pl.Expr] = []
    today = timezone.localdate()
    for key in [k for k in frame.columns if k in columns]:
        column = columns[key]
        raw = pl.col(key)
        header = column.header
        if column.kind == Kind.TEXT:
            # NFC, no bidi or control characters: the rules of lib.validators, vectorised.
            value = raw.str.normalize("NFC")
            hidden = validators.POLARS_HIDDEN_IN_NAME if key in ("code", "full_name") else None
            checks.append(
                _Check(
                    raw.str.contains(hidden or validators.POLARS_HIDDEN_IN_TEXT),
                    header,
                    pl.lit(
                        _(
                            "Ô này chứa ký tự điều khiển hoặc ký tự ẩn (ví dụ ký tự đổi hướng "
                            "chữ), có thể làm chữ hiển thị sai thứ tự; hãy gõ lại."
                        )
                    ),
                )
            )
            if column.max_length:
                checks.append(
                    _Check(
                        raw.str.len_chars() > column.max_length,
                        header,
                        pl.lit(_("Dài quá %(n)s ký tự.") % {"n": column.max_length}),
                    )
                )
        elif column.kind in (Kind.ENUM, Kind.BOOL, Kind.MULTI, Kind.COMMUNE):
            if column.kind == Kind.ENUM:
                value, message = _mapped(frame, key, _parse_enum(column), pl.String)
            elif column.kind == Kind.BOOL:
                value, message = _mapped(frame, key, _parse_bool, pl.Boolean)
            elif column.kind == Kind.MULTI:
                value, message = _mapped(frame, key, _parse_multi(column), pl.String)
            else:
                value, message = _mapped(frame, key, communes.parse, pl.Int64)
            checks.append(_Check(message.is_not_null(), header, message))
        elif column.kind == Kind.MONEY:
            cleaned = raw.str.replace(r"(?i)\s*(đồng|đ|vnđ|vnd)$", "")
            plain = cleaned.str.contains(r"^[0-9]+$")
            grouped = cleaned.str.contains(r"^[0-9]{1,3}([. ][0-9]{3})+$")
            value = (
                pl.when(plain | grouped)
                .then(cleaned.str.replace_all(r"[. ]", ""))
                .otherwise(None)
                .cast(pl.Int64, strict=False)
            )
            checks.append(
                _Check(
                    raw.is_not_null() & value.is_null(),
                    header,
                    _msg(
                        _("“%(value)s” không phải số tiền hợp lệ (số nguyên, đơn vị đồng)."),
                        value=raw,
                    ),
                )
            )
        elif column.kind == Kind.DECIMAL:
            cleaned = raw.str.replace(",", ".", literal=True)
            number = (
                pl.when(cleaned.str.contains(r"^[0-9]+(\.[0-9]+)?$"))
                .then(cleaned)
                .otherwise(None)
                .cast(pl.Float64, strict=False)
                .round(1)
            )
            value = pl.when(number < 1_000_000).then(number).otherwise(None)
            checks.append(
                _Check(
                    raw.is_not_null() & value.is_null(),
                    header,
                    _msg(_("“%(value)s” không phải số hợp lệ."), value=raw),
                )
            )
        elif column.kind == Kind.DATE:
            parsed = pl.coalesce(
                raw.str.strptime(pl.Date, "%d/%m/%Y", strict=False),
                raw.str.strptime(pl.Date, "%Y-%m-%d", strict=False),
            )
            value = (
                pl.when((parsed >= validators.EARLIEST_DATE) & (parsed <= today))
                .then(parsed)
                .otherwise(None)
            )
            checks.append(
                _Check(
                    raw.is_not_null() & value.is_null(),
                    header,
                    _msg(
                        _(
                            "“%(value)s” không phải ngày hợp lệ (dạng dd/mm/yyyy, "
                            "không sau hôm nay)."
                        ),
                        value=raw,
                    ),
                )
            )
        elif column.kind == Kind.YEAR:
            number = (
                pl.when(raw.str.contains(r"^[0-9]{4}$"))
                .then(raw)
                .otherwise(None)
                .cast(pl.Int64, strict=False)
            )
            value = (
                pl.when(number.is_between(validators.EARLIEST_YEAR, today.year))
                .then(number)
                .otherwise(None)
            )
            checks.append(
                _Check(
                    raw.is_not_null() & value.is_null(),
                    header,
                    _msg(
                        _("“%(value)s” không phải năm hợp lệ (4 chữ số, từ 1900 đến nay)."),
                        value=raw,
                    ),
                )
            )
        elif column.kind == Kind.CITIZEN_ID:
            cleaned = raw.str.replace_all(r"[\s.]", "")
            masked = cleaned.str.contains(_MASKED_ID)
            value = pl.when(cleaned.str.contains(r"^[0-9]{12}$")).then(cleaned).otherwise(None)
            lost_zero = cleaned.str.contains(r"^[0-9]{11}$")
            checks.append(
                _Check(
                    raw.is_not_null() & value.is_null() & ~masked,
                    header,
                    pl.when(lost_zero)
                    .then(
                        _msg(
                            _(
                                "Số định danh “%(value)s” có 11 chữ số: có thể đã mất số 0 ở "
                                "đầu (hãy định dạng cột là Văn bản và ghi đủ 12 chữ số)."
                            ),
                            value=raw,
                        )
                    )
                    .otherwise(
                        _msg(
                            _(
                                "Số định danh cá nhân phải gồm đúng 12 chữ số "
                                "(đang là “%(value)s”)."
                            ),
                            value=raw,
                        )
                    ),
                )
            )
        elif column.kind == Kind.PHONE:
            cleaned = raw.str.replace_all(r"[\s.\-()]", "")
            masked = cleaned.str.contains(_MASKED_PHONE)
            value = pl.when(cleaned.str.contains(r"^\+?[0-9]{8,15}$")).then(cleaned).otherwise(None)
            checks.append(
                _Check(
                    raw.is_not_null() & value.is_null() & ~masked,
                    header,
                    _msg(_("Số điện thoại “%(value)s” không hợp lệ (8 đến 15 chữ số)."), value=raw),
                )
            )
        else:  # VILLAGE: resolved with its commune later
            value = raw
        typed.append(value.alias(key))
    errors = _errors_of(frame, checks)
    return frame.with_columns(typed), errors


# -- areas ------------------------------------------------------------------------------------


class _Communes:
    """Communes by code and by name (one query), for the cells of the "Mã xã" column."""

    def __init__(self, province_code: str | None) -> None:
        self.by_code: dict[str, tuple[int, int, str]] = {}
        self.by_name: dict[str, list[tuple[int, int, str]]] = {}
        units = AdministrativeUnit.objects.filter(level=AreaLevel.COMMUNE, valid_to__isnull=True)
        for pk, code, name, province_id, province in units.values_list(
            "pk", "code", "name", "province_id", "province__code"
        ):
            entry = (pk, province_id, name)
            self.by_code[code] = entry
            if province_code is None or province == province_code:
                self.by_name.setdefault(legacy.name_key(name), []).append(entry)
                short = legacy.name_key(re.sub(r"^(xã|phường|đặc khu)\s+", "", name, flags=re.I))
                self.by_name.setdefault(short, []).append(entry)
        self.names = {pk: name for pk, _province, name in self.by_code.values()}
        self.province_of = {pk: province for pk, province, _name in self.by_code.values()}

    def parse(self, raw: str) -> tuple[Any, str | None]:
        text = raw.strip()
        if text.isdigit():
            entry = self.by_code.get(text.zfill(5))
            if entry is not None:
                return entry[0], None
            return None, _("Không có xã/phường mã “%(value)s” (danh mục từ 01/7/2025).") % {
                "value": raw
            }
        found = {e[0]: e for e in self.by_name.get(legacy.name_key(text), [])}
        if len(found) == 1:
            return next(iter(found)), None
        if len(found) > 1:
            return None, _("Tên xã “%(value)s” có ở nhiều nơi: hãy ghi mã xã (5 chữ số).") % {
                "value": raw
            }
        return None, _("Không có xã/phường “%(value)s” (danh mục từ 01/7/2025).") % {"value": raw}


def _village_ids(frame: pl.DataFrame, village_header: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Resolve (commune, village text) pairs to village ids; errors for unknown villages."""
    pairs = (
        frame.filter(pl.col("commune").is_not_null() & pl.col("village").is_not_null())
        .select("commune", "village")
        .unique()
    )
    communes = pairs["commune"].unique().to_list()
    by_name: dict[tuple[int, str], int] = {}
    by_code: dict[str, tuple[int, int]] = {}
    names: dict[int, str] = {}
    for pk, parent_id, code, search_name, name in AdministrativeUnit.objects.filter(
        level=AreaLevel.VILLAGE, parent_id__in=communes, valid_to__isnull=True
    ).values_list("pk", "parent_id", "code", "search_name", "name"):
        by_name[(parent_id, search_name)] = pk
        by_code[code.lower()] = (parent_id, pk)
        names[pk] = name
    mapping_village: list[int | None] = []
    for commune_id, text in pairs.iter_rows():
        found = by_name.get((commune_id, search_key(text)))
        if found is None:
            coded = by_code.get(text.strip().lower())
            found = coded[1] if coded and coded[0] == commune_id else None
        mapping_village.append(found)
    resolved = pairs.with_columns(pl.Series("village_id", mapping_village, dtype=pl.Int64))
    frame = frame.join(resolved, on=["commune", "village"], how="left", maintain_order="left")
    missing = frame.filter(
        pl.col("commune").is_not_null()
        & pl.col("village").is_not_null()
        & pl.col("village_id").is_null()
    )
    commune_names = dict(
        AdministrativeUnit.objects.filter(pk__in=communes).values_list("pk", "name")
    )
    errors = missing.select(
        pl.col(ROW).alias("row"),
        pl.lit(village_header).alias("column"),
        pl.col("code").alias("household"),
        _msg(
            _("Không có thôn/tổ dân phố “%(village)s” trong %(commune)s."),
            village=pl.col("village"),
            commune=pl.col("commune").replace_strict(
                commune_names, default="?", return_dtype=pl.String
            ),
        ).alias("message"),
    ).cast(ERROR_SCHEMA)
    return frame, errors


# -- database helpers -------------------------------------------------------------------------


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model: Any) -> str:
    return _quote(model._meta.db_table)


def _fetch(cursor: Any, sql: str, params: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """A query's rows as a typed frame, read with COPY … TO and Polars' CSV reader (about
    twice as fast as fetching hundreds of thousands of Python tuples)."""
    buffer = io.BytesIO()
    # Only small parameters here (ids): psycopg merges them into the COPY statement.
    with cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", list(params) or None) as copy:
        for chunk in copy:
            buffer.write(chunk)
    if buffer.tell() == 0:
        return pl.DataFrame(schema=schema)
    buffer.seek(0)
    text = pl.read_csv(buffer, has_header=False, new_columns=list(schema), infer_schema=False)
    casts: list[pl.Expr] = []
    for name, dtype in schema.items():
        column = pl.col(name)
        if dtype == pl.Boolean:
            casts.append((column == "t").alias(name))
        elif dtype == pl.Date:
            casts.append(column.str.to_date("%Y-%m-%d").alias(name))
        elif dtype != pl.String:
            casts.append(column.cast(dtype).alias(name))
    return text.with_columns(casts) if casts else text


def _copy_in(cursor: Any, table: str, frame: pl.DataFrame) -> None:
    """COPY a frame into a table (column names from the frame, which come from the models)."""
    if frame.height == 0:
        return
    columns = ", ".join(_quote(c) for c in frame.columns)
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)") as copy:
        for part in frame.iter_slices(50_000):
            copy.write(part.write_csv(include_header=False, float_precision=1).encode())


def _default_literal(model_field: Any) -> pl.Expr:
    value = model_field.get_default()
    if isinstance(value, list | tuple):
        return pl.lit("{" + ",".join(str(v) for v in value) + "}")
    if isinstance(value, dict):
        import json

        return pl.lit(json.dumps(value))
    if value is None:
        return pl.lit(None, dtype=pl.String)
    return pl.lit(value)


def _copy_model(cursor: Any, model: Any, frame: pl.DataFrame) -> None:
    """COPY rows into a model's table. Columns the frame lacks take the field's default, so
    that a column added to the model later (with a default) does not break imports."""
    names = {f.column: f for f in model._meta.concrete_fields}
    unknown = set(frame.columns) - set(names)
    if unknown:
        raise RuntimeError(f"{model._meta.label}: unknown columns {sorted(unknown)}")
    extra: list[pl.Expr] = []
    for column, model_field in names.items():
        if column in frame.columns or (column == "id" and "id" not in frame.columns):
            continue
        # get_default() is "" for text columns without a default, like Django's own saves.
        if model_field.has_default() or model_field.null or model_field.empty_strings_allowed:
            extra.append(_default_literal(model_field).alias(column))
        else:
            raise RuntimeError(f"{model._meta.label}.{column}: no value and no default")
    _copy_in(cursor, _table(model), frame.with_columns(extra) if extra else frame)


def _reserve_ids(cursor: Any, model: Any, count: int) -> list[int]:
    """Ids from the table's own sequence (concurrent inserts can never collide with ours)."""
    if count == 0:
        return []
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
    sequence = cursor.fetchone()[0]
    cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
    return [row[0] for row in cursor.fetchall()]


def _temp_table(cursor: Any, name: str, source: Any, columns: Sequence[str]) -> str:
    """A temporary table with the types of ``source``'s columns, dropped at commit."""
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cols = ", ".join(_quote(c) for c in columns)
    # Names come from the models and constants, never from input.
    sql = f"CREATE TEMP TABLE {name} ON COMMIT DROP AS SELECT {cols} FROM {_table(source)}"  # noqa: S608
    cursor.execute(sql + " WITH NO DATA")
    return name


def _place(village: AdministrativeUnit) -> str:
    return f"{village.name}, {village.parent.name}" if village.parent else village.name


def _pg_array(expr: pl.Expr) -> pl.Expr:
    """Our canonical "a,b" strings as PostgreSQL array literals."""
    return pl.concat_str([pl.lit("{"), expr.fill_null(""), pl.lit("}")])


# -- the import -------------------------------------------------------------------------------

_LEGACY_KEYS: Final = ("legacy_province", "legacy_district", "legacy_commune")
_MEMBER_REQUIRED: Final = ("code", "full_name", "relation", "sex", "ethnicity")
_HOUSEHOLD_DB_COLUMNS: Final = (
    "id",
    "code",
    "village_id",
    "commune_id",
    "version",
    "area_kind",
    "area_kind_override_reason",
    "head_name",
    *HOUSEHOLD_VALUE_KEYS,
)
_PERSON_DB_COLUMNS: Final = ("birth_date", "birth_year", *PERSON_VALUE_KEYS)


class _Run:
    def __init__(
        self,
        *,
        actor: Any,
        path: Path,
        file_name: str,
        dry_run: bool,
        only_valid: bool,
        province_code: str | None,
        resolutions: dict[str, str],
        progress: Progress | None,
        job_id: int | None,
        complete: bool = False,
    ) -> None:
        self.actor = actor
        self.path = path
        self.dry_run = dry_run
        self.only_valid = only_valid
        self.complete = complete
        self.province_code = province_code
        self.resolutions = resolutions
        self.progress = progress
        self.job_id = job_id
        self.report = ImportReport(
            file_name=file_name, dry_run=dry_run, only_valid=only_valid, complete=complete
        )
        self.errors: list[pl.DataFrame] = []
        self.columns = sheets.columns_by_key(sheets.household_columns())
        self.clock = time.perf_counter()
        self.today = timezone.localdate()
        self.villages: dict[int, AdministrativeUnit] = {}
        self._codes: list[str] = []
        self._first_rows = pl.DataFrame(schema={"code": pl.String, "row": pl.Int64})
        self.foreign_ids = 0  # distinct IDs of the file held outside the actor's areas

    # -- bookkeeping --

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.report.seconds[stage] = round(now - self.clock, 3)
        self.clock = now

    def say(self, percent: int, message: str) -> None:
        if self.progress is not None:
            self.progress(percent, 100, message)

    def header(self, key: str) -> str:
        return self.columns[key].header

    def error(self, row: int, column: str, message: str, household: str | None = None) -> None:
        self.errors.append(
            pl.DataFrame(
                [{"row": row, "column": column, "household": household, "message": message}],
                schema=ERROR_SCHEMA,
            )
        )

    def all_errors(self) -> pl.DataFrame:
        if not self.errors:
            return pl.DataFrame(schema=ERROR_SCHEMA)
        frames = [e for e in self.errors if e.height]
        if not frames:
            return pl.DataFrame(schema=ERROR_SCHEMA)
        order = {c.header: i for i, c in enumerate(sheets.household_columns())}
        return (
            pl.concat(frames)
            .unique(keep="first", maintain_order=True)
            .with_columns(
                pl.col("column")
                .replace_strict(order, default=len(order), return_dtype=pl.Int64)
                .alias("_order")
            )
            .sort("row", "_order", maintain_order=True)
            .drop("_order")
        )

    def invalid_codes(self) -> set[str]:
        return set(self.all_errors()["household"].drop_nulls().to_list())

    # -- stages --

    def run(self) -> ImportReport:
        self.say(1, _("Đang đọc tệp…"))
        try:
            raw = sheets.read_table(
                self.path, [*sheets.household_columns(), *sheets.info_columns()]
            )
        except sheets.SpreadsheetError as problem:
            self.error(1, "", str(problem))
            return self.finish(None)
        info = [c.key for c in sheets.info_columns() if c.key in raw.frame.columns]
        frame = raw.frame.drop(info)
        self.report.ignored_columns = raw.ignored + raw.duplicates
        self.report.rows = frame.height
        self.lap("read")
        if not self.check_columns(raw.headers, frame):
            return self.finish(None)
        # Spaces: trimmed everywhere, runs collapsed in free text (names, addresses).
        free_text = {Kind.TEXT, Kind.VILLAGE, Kind.COMMUNE}
        frame = frame.with_columns(
            pl.col(k).str.replace_all(r"\s+", " ").str.strip_chars()
            if k in self.columns and self.columns[k].kind in free_text
            else pl.col(k).str.strip_chars()
            for k in frame.columns
            if k != ROW
        ).with_columns(
            pl.when(pl.col(k) == "").then(None).otherwise(pl.col(k)).alias(k)
            for k in frame.columns
            if k != ROW
        )
        self.say(5, _("Đang kiểm tra từng ô…"))
        self.errors.append(
            _errors_of(
                frame,
                [
                    _Check(
                        pl.col(k).is_null(),
                        self.header(k),
                        pl.lit(_("Thiếu %(column)s.") % {"column": self.header(k)}),
                    )
                    for k in _MEMBER_REQUIRED
                ],
            )
        )
        self.errors.append(_formula_errors(frame, self.columns))
        # Which cells were filled in, before parsing turns invalid values into nulls.
        frame = frame.with_columns(
            (pl.col(k).is_not_null() if k in frame.columns else pl.lit(False)).alias(f"_g_{k}")
            for k in ("commune", "village", "birth_date", "birth_year")
        )
        communes = _Communes(self.province_code)
        frame, errors = _parse_cells(frame, self.columns, communes)
        self.errors.append(errors)
        if "commune" not in frame.columns:  # a legacy file: only old addresses
            frame = frame.with_columns(pl.lit(None, dtype=pl.Int64).alias("commune"))
        self.lap("parse")
        self.say(20, _("Đang kiểm tra hộ, chủ hộ và địa bàn…"))
        frame = self.convert_legacy(frame, communes)
        frame = self.check_structure(frame)
        province, frame = self.check_areas(frame, communes)
        self.lap("structure")
        if province is None:
            return self.finish(None)
        frame = frame.with_columns(
            pl.col("village_id")
            .replace_strict(
                {pk: v.parent_id for pk, v in self.villages.items()},
                default=None,
                return_dtype=pl.Int64,
            )
            .alias("commune_id")
        )
        self.say(35, _("Đang so sánh với dữ liệu hiện có…"))
        with transaction.atomic(), connection.cursor() as cursor:
            # One import per province at a time: two concurrent imports of one file would
            # otherwise both create the same households.
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))",
                [f"giamngheo.registry.import.{province.code}"],
            )
            if self.id_checks_used_up(limit=0):
                self.record_id_checks(province, refused=True)
                return self.refuse_id_checks(province)
            plan = self.compare(cursor, frame, province)
            if self.foreign_ids and self.id_checks_used_up(limit=self.foreign_ids):
                self.record_id_checks(province, refused=True)
                return self.refuse_id_checks(province)
            self.report.errors = self.all_errors()
            self.lap("compare")
            if not self.dry_run and not self.report.blocked and plan is not None:
                self.say(60, _("Đang ghi vào cơ sở dữ liệu…"))
                self.write(cursor, plan, province)
                self.report.written = True
            if self.foreign_ids:
                self.record_id_checks(province)
        self.lap("commit")
        self.say(99, _("Đang lập báo cáo…"))
        return self.finish(province)

    # -- IDs held outside the user's areas --
    #
    # A citizen ID is unique in the country, so an ID held by an active person elsewhere cannot
    # be used, and saying so reveals that the number exists: a file of guessed numbers would
    # be a bulk existence check. The answer is the same for every unusable number, each run
    # with such hits writes one audit event (the count, no number), and a user's daily total
    # is capped (``IMPORT_FOREIGN_ID_DAILY_LIMIT``): past it the file is refused as a whole.

    def id_checks_used_up(self, *, limit: int) -> bool:
        """Whether ``limit`` more hits would take the actor past the day's limit (``limit=0``:
        whether a previous run already did)."""
        if self.actor is None or not getattr(self.actor, "is_authenticated", False):
            return False
        return foreign_id_checks_today(self.actor) + limit > foreign_id_daily_limit()

    def refuse_id_checks(self, province: AdministrativeUnit) -> ImportReport:
        """Refuse the whole file: no per-row answer, no counts, nothing written."""
        report = self.report
        self.report = ImportReport(
            file_name=report.file_name,
            dry_run=report.dry_run,
            only_valid=report.only_valid,
            rows=report.rows,
            refused=True,
        )
        self.errors = []
        self.error(
            1,
            self.header("citizen_id"),
            _(
                "Tệp chưa được kiểm tra: hôm nay bạn đã dùng quá số lần được nhập số định danh "
                "không dùng được (%(limit)s số mỗi ngày). Hãy kiểm tra lại các số định danh "
                "trong tệp, thử lại vào ngày mai hoặc liên hệ quản trị hệ thống."
            )
            % {"limit": format_number(foreign_id_daily_limit())},
        )
        return self.finish(province)

    def record_id_checks(self, province: AdministrativeUnit, *, refused: bool = False) -> None:
        with transaction.atomic():
            audit.record_bulk(
                actor=self.actor,
                action=FOREIGN_ID_ACTION,
                object_type=Household._meta.label_lower,
                object_id=province.code,
                summary={
                    "file": self.report.file_name,
                    "job": self.job_id,
                    "dry_run": self.dry_run,
                    "foreign_ids": self.foreign_ids,
                    "refused": refused,
                },
                province_id=province.pk,
            )

    def finish(self, province: AdministrativeUnit | None) -> ImportReport:
        report = self.report
        report.errors = self.all_errors()
        if province is not None:
            report.province_code = province.code
            report.province_name = province.name
        if report.changes.height == 0 and report.errors.height:
            report.invalid = report.errors["household"].drop_nulls().n_unique()
        return report

    def check_columns(self, headers: dict[str, str], frame: pl.DataFrame) -> bool:
        missing = [k for k in (*_MEMBER_REQUIRED, "village") if k not in headers]
        if "commune" not in headers and not all(k in headers for k in _LEGACY_KEYS):
            missing.append("commune")
        if "birth_date" not in headers and "birth_year" not in headers:
            missing.append("birth_year")
        for key in missing:
            self.error(
                1,
                self.header(key),
                _("Thiếu cột “%(column)s” (dòng tiêu đề phải theo mẫu).")
                % {"column": self.header(key)},
            )
        if not missing and frame.height == 0:
            self.error(1, "", _("Tệp không có dòng dữ liệu nào."))
            return False
        return not missing

    def convert_legacy(self, frame: pl.DataFrame, communes: _Communes) -> pl.DataFrame:
        """Fill the commune of rows that give only an old three-level address."""
        present = [k for k in _LEGACY_KEYS if k in frame.columns]
        if not present:
            return frame
        self.report.legacy = True
        frame = frame.with_columns(
            pl.lit(None, dtype=pl.String).alias(k) for k in _LEGACY_KEYS if k not in present
        )
        needed = frame.filter(
            ~pl.col("_g_commune") & pl.any_horizontal(pl.col(k).is_not_null() for k in _LEGACY_KEYS)
        )
        if needed.height == 0:
            return frame
        keys = [pl.col(k).fill_null("").alias(f"_{k}") for k in _LEGACY_KEYS]
        needed = needed.with_columns(keys)
        triples = needed.select(f"_{k}" for k in _LEGACY_KEYS).unique().rows()
        results = legacy.convert_many(triples)
        header = self.header("legacy_commune")
        resolved: list[int | None] = []
        messages: list[str | None] = []
        for triple in triples:
            result = results[triple]
            key = legacy.address_key(*triple)
            chosen = self.resolutions.get(key)
            candidates = [c.code for c in result.communes if c.code]
            code: str | None = None
            message: str | None = None
            if result.outcome == legacy.Outcome.CONVERTED:
                code = result.commune_code
            elif result.outcome == legacy.Outcome.AMBIGUOUS:
                if chosen and chosen in candidates:
                    code = chosen
                else:
                    message = _(
                        "Địa chỉ cũ “%(address)s” nay thuộc nhiều xã (%(candidates)s): hãy chọn "
                        "xã trong kết quả chạy thử, hoặc ghi cột Mã xã."
                    ) % {
                        "address": result.old_address,
                        "candidates": ", ".join(c.name for c in result.communes),
                    }
            else:
                message = result.problem
            rows = needed.filter(
                pl.all_horizontal(
                    pl.col(f"_{k}") == v for k, v in zip(_LEGACY_KEYS, triple, strict=True)
                )
            )[ROW]
            if result.outcome == legacy.Outcome.AMBIGUOUS:
                self.report.ambiguous.append(
                    {
                        "key": key,
                        "old_address": result.old_address,
                        "candidates": [
                            {"code": c.code, "name": c.name} for c in result.communes if c.code
                        ],
                        "chosen": code,
                        "rows": rows.head(10).to_list(),
                        "row_count": rows.len(),
                    }
                )
            resolved.append(communes.by_code[code][0] if code in communes.by_code else None)
            messages.append(message)
        table = pl.DataFrame(
            {
                **{f"_{k}": [t[i] for t in triples] for i, k in enumerate(_LEGACY_KEYS)},
                "_legacy_commune_id": resolved,
                "_legacy_message": messages,
            },
            schema={
                **{f"_{k}": pl.String for k in _LEGACY_KEYS},
                "_legacy_commune_id": pl.Int64,
                "_legacy_message": pl.String,
            },
        )
        frame = (
            frame.with_columns(keys)
            .join(table, on=[f"_{k}" for k in _LEGACY_KEYS], how="left", maintain_order="left")
            .with_columns(
                pl.when(pl.col("_g_commune"))
                .then(pl.col("commune"))
                .otherwise(pl.col("_legacy_commune_id"))
                .alias("commune")
            )
        )
        self.errors.append(
            _errors_of(
                frame,
                [
                    _Check(
                        ~pl.col("_g_commune") & pl.col("_legacy_message").is_not_null(),
                        header,
                        pl.col("_legacy_message"),
                    )
                ],
            )
        )
        return frame.drop(
            [f"_{k}" for k in _LEGACY_KEYS] + ["_legacy_commune_id", "_legacy_message"]
        )

    def check_structure(self, frame: pl.DataFrame) -> pl.DataFrame:
        checks: list[_Check] = []
        frame = frame.with_columns(
            (pl.col("relation") == Relation.HEAD).fill_null(False).alias("is_head")
        )
        # Birth: a date, or a year only.
        date = (
            pl.col("birth_date") if "birth_date" in frame.columns else pl.lit(None, dtype=pl.Date)
        )
        year = (
            pl.col("birth_year") if "birth_year" in frame.columns else pl.lit(None, dtype=pl.Int64)
        )
        birth_header = self.header("birth_year")
        checks.append(
            _Check(
                ~pl.col("_g_birth_date") & ~pl.col("_g_birth_year"),
                birth_header,
                pl.lit(_("Thiếu ngày sinh hoặc năm sinh.")),
            )
        )
        checks.append(
            _Check(
                date.is_not_null() & year.is_not_null() & (date.dt.year() != year),
                birth_header,
                _msg(
                    _("Năm sinh %(year)s không khớp với ngày sinh."),
                    year=year,
                ),
            )
        )
        frame = frame.with_columns(
            pl.coalesce(date.dt.year().cast(pl.Int64), year).alias("birth_year"),
            date.alias("birth_date"),
        )
        # One head per household.
        with_code = frame.filter(pl.col("code").is_not_null())
        heads = with_code.group_by("code").agg(
            pl.col("is_head").sum().alias("_heads"),
            pl.col(ROW).min().alias("_first_row"),
            pl.col(ROW).filter(pl.col("is_head")).alias("_head_rows"),
        )
        relation = self.header("relation")
        no_head = heads.filter(pl.col("_heads") == 0).select(
            pl.col("_first_row").alias("row"),
            pl.lit(relation).alias("column"),
            pl.col("code").alias("household"),
            _msg(_("Hộ “%(code)s” không có thành viên nào là Chủ hộ."), code=pl.col("code")).alias(
                "message"
            ),
        )
        many = (
            heads.filter(pl.col("_heads") > 1)
            .with_columns(
                pl.col("_head_rows")
                .list.eval(pl.element().cast(pl.String))
                .list.join(", ")
                .alias("_rows")
            )
            .explode("_head_rows")
            .select(
                pl.col("_head_rows").alias("row"),
                pl.lit(relation).alias("column"),
                pl.col("code").alias("household"),
                _msg(
                    _("Hộ “%(code)s” có nhiều hơn một chủ hộ (dòng %(rows)s)."),
                    code=pl.col("code"),
                    rows=pl.col("_rows"),
                ).alias("message"),
            )
        )
        self.errors += [no_head.cast(ERROR_SCHEMA), many.cast(ERROR_SCHEMA)]
        # Household columns: read from the head's row; other rows empty or the same.
        household_keys = [
            k
            for k in frame.columns
            if k in self.columns
            and self.columns[k].level in (Level.HOUSEHOLD, Level.LEGACY)
            and k != "code"
        ]
        head_values = (
            frame.filter(pl.col("is_head") & pl.col("code").is_not_null())
            .unique("code", keep="first", maintain_order=True)
            .select(
                "code",
                pl.col(ROW).alias("_head_row"),
                *[pl.col(k).alias(f"{k}__head") for k in household_keys],
            )
        )
        joined = frame.join(head_values, on="code", how="left", maintain_order="left")
        for key in household_keys:
            if key == "commune":
                value, head = pl.col("commune"), pl.col("commune__head")
            else:
                value, head = pl.col(key), pl.col(f"{key}__head")
            checks.append(
                _Check(
                    ~pl.col("is_head")
                    & pl.col("_head_row").is_not_null()
                    & value.is_not_null()
                    & value.ne_missing(head),
                    self.header(key),
                    _msg(
                        _(
                            "Khác với dòng của chủ hộ (dòng %(row)s): thông tin chung của hộ "
                            "được đọc từ dòng chủ hộ."
                        ),
                        row=pl.col("_head_row"),
                    ),
                )
            )
        # Required household columns, on the head's row.
        has_legacy = pl.any_horizontal(
            [pl.col(k).is_not_null() for k in _LEGACY_KEYS if k in frame.columns] or [pl.lit(False)]
        )
        first_head = pl.col("is_head") & (pl.col(ROW) == pl.col("_head_row"))
        checks.append(
            _Check(
                first_head & ~pl.col("_g_commune") & ~has_legacy,
                self.header("commune"),
                pl.lit(_("Thiếu mã xã (hoặc địa chỉ cũ tỉnh, huyện, xã).")),
            )
        )
        checks.append(
            _Check(
                first_head & ~pl.col("_g_village"),
                self.header("village"),
                pl.lit(_("Thiếu thôn/tổ dân phố.")),
            )
        )
        self.errors.append(_errors_of(joined, checks))
        # Duplicate citizen IDs in the file.
        if "citizen_id" in frame.columns:
            duplicates = (
                frame.filter(pl.col("citizen_id").is_not_null())
                .group_by("citizen_id")
                .agg(pl.col(ROW), pl.col("code"))
                .filter(pl.col(ROW).list.len() > 1)
                .with_columns(
                    pl.col(ROW)
                    .list.eval(pl.element().cast(pl.String))
                    .list.join(", ")
                    .alias("_rows")
                )
                .explode(ROW, "code")
                .select(
                    pl.col(ROW).alias("row"),
                    pl.lit(self.header("citizen_id")).alias("column"),
                    pl.col("code").alias("household"),
                    _msg(
                        _("Số định danh %(id)s xuất hiện nhiều lần trong tệp (dòng %(rows)s)."),
                        id=pl.col("citizen_id"),
                        rows=pl.col("_rows"),
                    ).alias("message"),
                )
            )
            self.errors.append(duplicates.cast(ERROR_SCHEMA))
        return frame

    def check_areas(
        self, frame: pl.DataFrame, communes: _Communes
    ) -> tuple[AdministrativeUnit | None, pl.DataFrame]:
        """One province per file, villages that exist, and the user's reach."""
        frame = frame.with_columns(
            pl.col("commune")
            .replace_strict(communes.province_of, default=None, return_dtype=pl.Int64)
            .alias("province_id")
        )
        if self.province_code:
            province = AdministrativeUnit.objects.filter(
                level=AreaLevel.PROVINCE, code=self.province_code
            ).first()
            if province is None:
                self.error(1, "", _("Không có tỉnh mã %(code)s.") % {"code": self.province_code})
                return None, frame
        else:
            counts = (
                frame.filter(pl.col("is_head") & pl.col("province_id").is_not_null())
                .group_by("province_id")
                .len()
                .sort(["len", "province_id"], descending=[True, False])
            )
            if counts.height == 0:
                return None, frame
            province = AdministrativeUnit.objects.get(pk=counts["province_id"][0])
        self.errors.append(
            _errors_of(
                frame,
                [
                    _Check(
                        pl.col("province_id").is_not_null()
                        & (pl.col("province_id") != province.pk),
                        self.header("commune"),
                        _msg(
                            _(
                                "%(commune)s không thuộc %(province)s: mỗi lần nhập chỉ cho một "
                                "tỉnh."
                            ),
                            commune=pl.col("commune").replace_strict(
                                communes.names, default="?", return_dtype=pl.String
                            ),
                            province=pl.lit(province.name),
                        ),
                    )
                ],
            )
        )
        if "village" not in frame.columns:
            return province, frame.with_columns(pl.lit(None, dtype=pl.Int64).alias("village_id"))
        frame, errors = _village_ids(frame, self.header("village"))
        self.errors.append(errors)
        ids = frame["village_id"].drop_nulls().unique().to_list()
        self.villages = {
            v.pk: v for v in AdministrativeUnit.objects.filter(pk__in=ids).select_related("parent")
        }
        if self.actor is not None:
            refused = {
                pk: _place(v)
                for pk, v in self.villages.items()
                if not access.can_change_area(self.actor, v)
            }
            if refused:
                self.errors.append(
                    _errors_of(
                        frame,
                        [
                            _Check(
                                pl.col("is_head") & pl.col("village_id").is_in(list(refused)),
                                self.header("village"),
                                _msg(
                                    _("Bạn không có quyền thay đổi dữ liệu của %(village)s."),
                                    village=pl.col("village_id").replace_strict(
                                        refused, default="?", return_dtype=pl.String
                                    ),
                                ),
                            )
                        ],
                    )
                )
        return province, frame

    # -- comparing with the database --

    def _household_select(self) -> tuple[str, dict[str, Any]]:
        exprs: list[str] = []
        schema: dict[str, Any] = {}
        for key in _HOUSEHOLD_DB_COLUMNS:
            column = f"h.{_quote(key)}"
            if key in ("poverty_reasons", "support_needs"):
                exprs.append(f"array_to_string({column}, ',')")
                schema[key] = pl.String
            elif key == "floor_area_m2":
                exprs.append(f"{column}::float8")
                schema[key] = pl.Float64
            else:
                exprs.append(column)
                schema[key] = self._dtype(key)
        return ", ".join(exprs), schema

    def _dtype(self, key: str) -> Any:
        if key in ("id", "village_id", "commune_id", "version"):
            return pl.Int64
        column = self.columns.get(key)
        kinds = {
            Kind.BOOL: pl.Boolean,
            Kind.MONEY: pl.Int64,
            Kind.YEAR: pl.Int64,
            Kind.DECIMAL: pl.Float64,
            Kind.DATE: pl.Date,
            Kind.COMMUNE: pl.Int64,
        }
        return kinds.get(column.kind, pl.String) if column is not None else pl.String

    def _canonical_multi(self, frame: pl.DataFrame, key: str) -> pl.DataFrame:
        """Stored arrays in the canonical order of the choices (as the parser writes them)."""
        order = [code for code, _label in self.columns[key].choices]
        mapping = {
            raw: ",".join(code for code in order if code in raw.split(","))
            for raw in frame[key].drop_nulls().unique().to_list()
        }
        return frame.with_columns(
            pl.col(key).replace_strict(mapping, default=None, return_dtype=pl.String)
        )

    def compare(
        self, cursor: Any, frame: pl.DataFrame, province: AdministrativeUnit
    ) -> _Plan | None:
        rows = frame.filter(pl.col("code").is_not_null()).with_columns(
            search_key_expr(pl.col("full_name")).alias("name_key")
        )
        codes = rows["code"].unique().to_list()
        self._codes = codes
        self._first_rows = rows.group_by("code").agg(pl.col(ROW).min().alias("row"))
        cursor.execute("DROP TABLE IF EXISTS giamngheo_import_codes")
        cursor.execute(
            "CREATE TEMP TABLE giamngheo_import_codes (code text PRIMARY KEY) ON COMMIT DROP"
        )
        _copy_in(
            cursor,
            "giamngheo_import_codes",
            pl.DataFrame({"code": codes}, schema={"code": pl.String}),
        )
        select, schema = self._household_select()
        existing = _fetch(
            cursor,
            f"SELECT {select} FROM {_table(Household)} h "  # noqa: S608 - names from models
            "JOIN giamngheo_import_codes c ON c.code = h.code WHERE h.province_id = %s",
            [province.pk],
            schema,
        )
        for key in ("poverty_reasons", "support_needs"):
            existing = self._canonical_multi(existing, key)
        self.check_existing_scope(rows, existing)

        # Current members of the matched households, with their stored values.
        person_columns = ", ".join(f"p.{_quote(c)}" for c in _PERSON_DB_COLUMNS)
        members = _fetch(
            cursor,
            f"SELECT m.id, m.household_id, m.person_id, m.relation, m.is_head, "  # noqa: S608
            f"p.search_name, {person_columns} FROM {_table(Membership)} m "
            f"JOIN {_table(Person)} p ON p.id = m.person_id "
            f"JOIN {_table(Household)} h ON h.id = m.household_id "
            "JOIN giamngheo_import_codes c ON c.code = h.code "
            "WHERE m.left_on IS NULL AND h.province_id = %s",
            [province.pk],
            {
                "membership_id": pl.Int64,
                "hid": pl.Int64,
                "person_id": pl.Int64,
                "relation_db": pl.String,
                "is_head_db": pl.Boolean,
                "search_name": pl.String,
                **{f"{c}_db": self._dtype(c) for c in _PERSON_DB_COLUMNS},
            },
        )
        rows = rows.join(
            existing.select("code", pl.col("id").alias("hid")),
            on="code",
            how="left",
            maintain_order="left",
        )
        rows = self.match_by_id(cursor, rows, members, province)
        rows = self.match_by_name(rows, members)
        rows = rows.join(
            members.select("person_id", "membership_id", "hid", "relation_db", "is_head_db"),
            on=["person_id", "hid"],
            how="left",
            maintain_order="left",
        )
        invalid = self.cascade_moves(rows)
        persons = self.person_values(cursor, rows, members)
        return self.plan(rows, members, existing, persons, invalid, province)

    def check_existing_scope(self, rows: pl.DataFrame, existing: pl.DataFrame) -> None:
        if existing.height == 0:
            return
        missing = set(existing["village_id"].to_list()) - set(self.villages)
        if missing:
            self.villages.update(
                {
                    v.pk: v
                    for v in AdministrativeUnit.objects.filter(pk__in=missing).select_related(
                        "parent"
                    )
                }
            )
        if self.actor is None:
            return
        refused = {
            code: _place(self.villages[village])
            for code, village in existing.select("code", "village_id").iter_rows()
            if not access.can_change_area(self.actor, self.villages[village])
        }
        if not refused:
            return
        first_rows = (
            rows.filter(pl.col("code").is_in(list(refused))).group_by("code").agg(pl.col(ROW).min())
        )
        self.errors.append(
            first_rows.select(
                pl.col(ROW).alias("row"),
                pl.lit(self.header("code")).alias("column"),
                pl.col("code").alias("household"),
                _msg(
                    _("Hộ “%(code)s” đã có ở %(place)s, ngoài địa bàn bạn được thay đổi."),
                    code=pl.col("code"),
                    place=pl.col("code").replace_strict(
                        refused, default="?", return_dtype=pl.String
                    ),
                ).alias("message"),
            ).cast(ERROR_SCHEMA)
        )

    def match_by_id(
        self,
        cursor: Any,
        rows: pl.DataFrame,
        members: pl.DataFrame,
        province: AdministrativeUnit,
    ) -> pl.DataFrame:
        """Members whose citizen ID belongs to an active person: the same person (in this
        household, or moving from another household of the file), or an error."""
        holder_schema = {
            "citizen_id": pl.String,
            "_holder": pl.Int64,
            "_holder_name": pl.String,
            "_holder_membership": pl.Int64,
            "_holder_hid": pl.Int64,
            "_holder_code": pl.String,
            "_holder_province": pl.Int64,
        }
        if "citizen_id" not in rows.columns:
            rows = rows.with_columns(pl.lit(None, dtype=pl.String).alias("citizen_id"))
        # IDs of the household's own stored members need no query (a re-import: all of them).
        own = members.filter(pl.col("citizen_id_db").is_not_null()).select(
            pl.col("citizen_id_db").alias("citizen_id"),
            pl.col("person_id").alias("_holder"),
            pl.col("full_name_db").alias("_holder_name"),
            pl.col("membership_id").alias("_holder_membership"),
            pl.col("hid").alias("_holder_hid"),
        )
        known = rows.join(own.rename({"_holder_hid": "hid"}), on=["citizen_id", "hid"], how="semi")[
            "citizen_id"
        ]
        ids = rows["citizen_id"].drop_nulls().unique()
        ids = ids.filter(~ids.is_in(known.implode()))
        holders = pl.DataFrame(schema=holder_schema)
        if ids.len():
            cursor.execute("DROP TABLE IF EXISTS giamngheo_import_ids")
            cursor.execute(
                "CREATE TEMP TABLE giamngheo_import_ids (citizen_id text PRIMARY KEY) "
                "ON COMMIT DROP"
            )
            _copy_in(cursor, "giamngheo_import_ids", ids.to_frame())
            holders = _fetch(
                cursor,
                f"SELECT p.citizen_id, p.id, p.full_name, m.id, m.household_id, h.code, "  # noqa: S608
                f"h.province_id FROM {_table(Person)} p "
                "JOIN giamngheo_import_ids i ON i.citizen_id = p.citizen_id "
                f"LEFT JOIN {_table(Membership)} m ON m.person_id = p.id AND m.left_on IS NULL "
                f"LEFT JOIN {_table(Household)} h ON h.id = m.household_id WHERE p.is_active",
                [],
                holder_schema,
            )
        own_codes = own.join(
            rows.select(
                pl.col("hid").alias("_holder_hid"), pl.col("code").alias("_holder_code")
            ).unique(),
            on="_holder_hid",
            how="left",
        ).with_columns(pl.lit(province.pk, dtype=pl.Int64).alias("_holder_province"))
        holders = pl.concat([own_codes.select(list(holder_schema)), holders]).unique(
            "citizen_id", keep="first"
        )
        codes = rows["code"].unique().to_list()
        rows = rows.join(holders, on="citizen_id", how="left", maintain_order="left")
        found = pl.col("_holder").is_not_null()
        same = found & pl.col("hid").is_not_null() & (pl.col("_holder_hid") == pl.col("hid"))
        orphan = found & pl.col("_holder_membership").is_null()
        move = (
            found
            & ~same
            & ~orphan
            & (pl.col("_holder_province") == province.pk)
            & pl.col("_holder_code").is_in(codes)
            & (pl.col("_holder_code") != pl.col("code"))
        )
        conflict = found & ~same & ~orphan & ~move
        # Who holds an ID outside the user's areas is not revealed (name, household code).
        hidden = pl.lit(value=False)
        if self.actor is not None:
            holder_hids = rows.filter(conflict)["_holder_hid"].drop_nulls().unique().to_list()
            seen = list(
                access.scoped(Household.objects.filter(pk__in=holder_hids), self.actor).values_list(
                    "pk", flat=True
                )
            )
            hidden = ~pl.col("_holder_hid").is_in(pl.Series(seen, dtype=pl.Int64).implode())
            self.foreign_ids = rows.filter(conflict & hidden)["citizen_id"].n_unique()
        self.errors.append(
            _errors_of(
                rows,
                [
                    _Check(
                        conflict & hidden,
                        self.header("citizen_id"),
                        _msg(str(UNUSABLE_ID_MESSAGE), id=pl.col("citizen_id")),
                    ),
                    _Check(
                        conflict & ~hidden,
                        self.header("citizen_id"),
                        _msg(
                            _(
                                "Số định danh %(id)s đã thuộc về %(name)s ở hộ “%(household)s” "
                                "đang được quản lý. Nếu người này chuyển hộ, hãy đưa cả hộ cũ vào "
                                "tệp hoặc dùng chức năng chuyển hộ."
                            ),
                            id=pl.col("citizen_id"),
                            name=pl.col("_holder_name"),
                            household=pl.col("_holder_code"),
                        ),
                    ),
                ],
            )
        )
        return rows.with_columns(
            pl.when(same | move | orphan)
            .then(pl.col("_holder"))
            .otherwise(None)
            .alias("person_id"),
            pl.when(same)
            .then(pl.lit("id"))
            .when(move)
            .then(pl.lit("move"))
            .when(orphan)
            .then(pl.lit("attach"))
            .otherwise(None)
            .alias("match"),
            pl.when(move)
            .then(pl.col("_holder_membership"))
            .otherwise(None)
            .alias("source_membership"),
            pl.when(move).then(pl.col("_holder_code")).otherwise(None).alias("source_code"),
        ).drop(holders.columns[1:])

    def match_by_name(self, rows: pl.DataFrame, members: pl.DataFrame) -> pl.DataFrame:
        """Members of existing households without an ID match: same name (accents ignored)
        and birth year, first with first when a name repeats."""
        claimed = rows["person_id"].drop_nulls().to_list()
        rank_keys = ["hid", "name_key", "birth_year"]
        free_rows = (
            rows.filter(pl.col("person_id").is_null() & pl.col("hid").is_not_null())
            .select(ROW, *rank_keys)
            .with_columns(pl.int_range(pl.len()).over(rank_keys).alias("_k"))
        )
        free_members = (
            members.filter(~pl.col("person_id").is_in(claimed))
            .select(
                "hid",
                pl.col("search_name").alias("name_key"),
                pl.col("birth_year_db").alias("birth_year"),
                pl.col("person_id").alias("_by_name"),
            )
            .with_columns(pl.int_range(pl.len()).over(rank_keys).alias("_k"))
        )
        pairs = free_rows.join(free_members, on=[*rank_keys, "_k"], how="inner").select(
            ROW, "_by_name"
        )
        return (
            rows.join(pairs, on=ROW, how="left", maintain_order="left")
            .with_columns(
                pl.coalesce("person_id", "_by_name").alias("person_id"),
                pl.when(pl.col("_by_name").is_not_null())
                .then(pl.lit("name"))
                .otherwise(pl.col("match"))
                .alias("match"),
            )
            .drop("_by_name")
        )

    def absent_heads(
        self, rows: pl.DataFrame, members: pl.DataFrame, db_households: pl.DataFrame
    ) -> pl.DataFrame:
        """Errors for stored heads the file does not list, when the file is not declared
        complete: they would stay, next to the head the file names."""
        kept = rows.filter(pl.col("match").is_in(["id", "name"])).select("hid", "person_id")
        moved = rows.filter(pl.col("match") == "move").select(
            pl.col("source_membership").alias("membership_id")
        )
        absent = (
            members.filter(pl.col("is_head_db"))
            .join(kept, on=["hid", "person_id"], how="anti")
            .join(moved, on="membership_id", how="anti")
            .join(db_households.select(pl.col("id_db").alias("hid"), "code"), on="hid")
            .join(self._first_rows, on="code")
        )
        return absent.select(
            pl.col("row"),
            pl.lit(self.header("relation")).alias("column"),
            pl.col("code").alias("household"),
            _msg(
                _(
                    "Chủ hộ hiện tại %(name)s không có trong tệp. Hãy ghi cả người này (với "
                    "quan hệ mới), hoặc nếu tệp gồm đầy đủ thành viên thì chọn “Tệp gồm đầy "
                    "đủ thành viên của các hộ”."
                ),
                name=pl.col("full_name_db"),
            ).alias("message"),
        ).cast(ERROR_SCHEMA)

    def cascade_moves(self, rows: pl.DataFrame) -> set[str]:
        """A person moving between two households of the file ties them together: both are
        written or neither (else the person would be lost or counted twice)."""
        invalid = self.invalid_codes()
        moves = rows.filter(pl.col("match") == "move").select(ROW, "code", "source_code").rows()
        changed = True
        while changed and moves:
            changed = False
            for row, target, source in moves:
                if (source in invalid) != (target in invalid):
                    bad, good = (target, source) if source in invalid else (source, target)
                    invalid.add(good)
                    changed = True
                    self.error(
                        row,
                        self.header("citizen_id"),
                        _(
                            "Người này chuyển từ hộ “%(source)s” sang hộ “%(target)s”; "
                            "hộ “%(bad)s” có lỗi nên cả hai hộ đều chưa được nhập."
                        )
                        % {"source": source, "target": target, "bad": bad},
                        good,
                    )
        return invalid

    def person_values(self, cursor: Any, rows: pl.DataFrame, members: pl.DataFrame) -> pl.DataFrame:
        """Stored values of the matched persons: from the members already read, plus one
        query for persons moving in from elsewhere."""
        value_columns = [f"{c}_db" for c in _PERSON_DB_COLUMNS]
        known = members.select("person_id", *value_columns).unique("person_id", keep="first")
        ids = rows["person_id"].drop_nulls().unique()
        missing = ids.filter(~ids.is_in(known["person_id"].implode()))
        if missing.len() == 0:
            return known
        cursor.execute("DROP TABLE IF EXISTS giamngheo_import_persons")
        cursor.execute("CREATE TEMP TABLE giamngheo_import_persons (id bigint) ON COMMIT DROP")
        _copy_in(cursor, "giamngheo_import_persons", missing.alias("id").to_frame())
        columns = ", ".join(f"p.{_quote(c)}" for c in _PERSON_DB_COLUMNS)
        others = _fetch(
            cursor,
            f"SELECT p.id, {columns} FROM {_table(Person)} p "  # noqa: S608
            "JOIN giamngheo_import_persons i ON i.id = p.id",
            [],
            {"person_id": pl.Int64, **{f"{c}_db": self._dtype(c) for c in _PERSON_DB_COLUMNS}},
        )
        return pl.concat([known, others])

    # -- what would change --

    def _defaults(self, model: Any, keys: Sequence[str]) -> dict[str, Any]:
        defaults: dict[str, Any] = {}
        for key in keys:
            model_field = model._meta.get_field(key)
            value = model_field.get_default()
            if isinstance(value, list | tuple):
                value = ",".join(value)
            defaults[key] = value
        return defaults

    def plan(
        self,
        rows: pl.DataFrame,
        members: pl.DataFrame,
        existing: pl.DataFrame,
        persons: pl.DataFrame,
        invalid: set[str],
        province: AdministrativeUnit,
    ) -> _Plan:
        village_kinds = {pk: v.area_kind for pk, v in self.villages.items()}
        village_names = {pk: v.name for pk, v in self.villages.items()}
        h_defaults = self._defaults(Household, HOUSEHOLD_VALUE_KEYS)
        p_defaults = self._defaults(Person, PERSON_VALUE_KEYS)
        for key in (
            *HOUSEHOLD_VALUE_KEYS,
            *PERSON_VALUE_KEYS,
            "area_kind",
            "area_kind_override_reason",
        ):
            if key not in rows.columns:
                rows = rows.with_columns(pl.lit(None, dtype=self._dtype(key)).alias(key))
        db_households = existing.rename({c: f"{c}_db" for c in existing.columns if c != "code"})

        # Households: values from the head's row, over the stored ones.
        heads = rows.filter(pl.col("is_head")).unique("code", keep="first", maintain_order=True)
        households = heads.join(db_households, on="code", how="left", maintain_order="left")
        village_kind = pl.col("village_id").replace_strict(
            village_kinds, default=None, return_dtype=pl.String
        )
        moved_village = pl.col("id_db").is_not_null() & (
            pl.col("village_id") != pl.col("village_id_db")
        )
        households = households.with_columns(
            pl.coalesce(
                pl.col("area_kind"),
                pl.when(pl.col("id_db").is_null()).then(village_kind),
                pl.when(
                    moved_village & (pl.col("area_kind_override_reason_db").fill_null("") == "")
                ).then(village_kind),
                pl.col("area_kind_db"),
            ).alias("_area_kind"),
        ).with_columns(
            pl.when(pl.col("_area_kind") == village_kind)
            .then(pl.lit(""))
            .otherwise(
                pl.coalesce("area_kind_override_reason", "area_kind_override_reason_db", pl.lit(""))
            )
            .alias("_reason")
        )
        self.errors.append(
            _errors_of(
                households.filter(~pl.col("code").is_in(list(invalid))),
                [
                    _Check(
                        (pl.col("_area_kind") != village_kind) & (pl.col("_reason") == ""),
                        self.header("area_kind"),
                        pl.lit(_("Cần ghi lý do khi khu vực của hộ khác khu vực của thôn.")),
                    )
                ],
            )
        )
        if not self.complete:
            self.errors.append(self.absent_heads(rows, members, db_households))
        invalid = self.cascade_moves(rows)
        valid = ~pl.col("code").is_in(list(invalid))
        households = households.filter(valid)
        rows = rows.filter(valid)
        members = members.filter(pl.col("hid").is_in(households["id_db"].drop_nulls().to_list()))

        value_changes = [
            pl.when(pl.col(k).is_not_null() & pl.col(k).ne_missing(pl.col(f"{k}_db")))
            .then(pl.lit(self.header(k)))
            .otherwise(None)
            for k in HOUSEHOLD_VALUE_KEYS
        ]
        value_changes += [
            pl.when(pl.col("village_id") != pl.col("village_id_db")).then(
                pl.lit(self.header("village"))
            ),
            pl.when(pl.col("_area_kind").ne_missing(pl.col("area_kind_db"))).then(
                pl.lit(self.header("area_kind"))
            ),
            pl.when(pl.col("_reason").ne_missing(pl.col("area_kind_override_reason_db"))).then(
                pl.lit(self.header("area_kind_override_reason"))
            ),
        ]
        households = households.with_columns(
            pl.when(pl.col("id_db").is_not_null())
            .then(pl.concat_list(value_changes).list.drop_nulls())
            .otherwise(pl.lit([], dtype=pl.List(pl.String)))
            .alias("_fields"),
            *[
                pl.coalesce(
                    pl.col(k), pl.col(f"{k}_db"), pl.lit(h_defaults[k], dtype=self._dtype(k))
                ).alias(k)
                for k in HOUSEHOLD_VALUE_KEYS
            ],
        ).with_columns(
            pl.col("_area_kind").alias("area_kind"),
            pl.col("_reason").alias("area_kind_override_reason"),
        )

        # Members: values from the file over the stored ones.
        rows = rows.join(persons, on="person_id", how="left", maintain_order="left")
        matched = pl.col("person_id").is_not_null()
        same_household = pl.col("membership_id").is_not_null()
        person_changes = [
            pl.col(k).is_not_null() & pl.col(k).ne_missing(pl.col(f"{k}_db"))
            for k in PERSON_VALUE_KEYS
        ]
        rows = (
            rows.with_columns(
                pl.when(pl.col("birth_date").is_not_null())
                .then(pl.col("birth_date"))
                .when(
                    pl.col("birth_year").is_null()
                    | (pl.col("birth_year") == pl.col("birth_year_db"))
                )
                .then(pl.col("birth_date_db"))
                .otherwise(None)
                .alias("_birth_date"),
                pl.coalesce("birth_year", "birth_year_db").alias("_birth_year"),
            )
            .with_columns(
                (
                    matched
                    & (
                        pl.any_horizontal(person_changes)
                        | pl.col("_birth_date").ne_missing(pl.col("birth_date_db"))
                        | pl.col("_birth_year").ne_missing(pl.col("birth_year_db"))
                        | (same_household & (pl.col("relation") != pl.col("relation_db")))
                    )
                ).alias("_person_changed"),
                *[
                    pl.coalesce(
                        pl.col(k), pl.col(f"{k}_db"), pl.lit(p_defaults[k], dtype=self._dtype(k))
                    ).alias(k)
                    for k in PERSON_VALUE_KEYS
                ],
            )
            .with_columns(
                pl.col("_birth_date").alias("birth_date"),
                pl.col("_birth_year").alias("birth_year"),
                search_key_expr(pl.col("full_name")).alias("search_name"),
            )
        )
        kept = rows.filter(pl.col("match").is_in(["id", "name"])).select("hid", "person_id")
        moved_out = rows.filter(pl.col("match") == "move").select(
            pl.col("source_membership").alias("membership_id"), pl.col("code").alias("_to")
        )
        leaving = (
            members.join(kept, on=["hid", "person_id"], how="anti")
            .join(moved_out, on="membership_id", how="left")
            .with_columns(pl.col("_to").is_not_null().alias("moved"))
        )
        # Members the file does not list leave only when the file is declared complete.
        absent = leaving.filter(~pl.col("moved"))
        self.report.members_absent = absent.height
        staying = absent.clear() if self.complete else absent
        if not self.complete:
            leaving = leaving.filter(pl.col("moved"))
        staying_by_code = (
            staying.join(db_households.select(pl.col("id_db").alias("hid"), "code"), on="hid")
            .group_by("code")
            .agg(pl.col("full_name_db").alias("_staying"), pl.len().alias("_staying_count"))
        )

        # Per household: names added, moved in, leaving; members changed.
        ordered = rows.sort(["code", "is_head", ROW], descending=[False, True, False])
        per_household = ordered.group_by("code", maintain_order=True).agg(
            pl.col("full_name").filter(pl.col("person_id").is_null()).alias("_added"),
            pl.col("full_name")
            .filter(pl.col("match").is_in(["move", "attach"]))
            .alias("_moved_in"),
            pl.col("_person_changed").sum().alias("_updated"),
            pl.col("full_name").alias("_names"),
            pl.col("full_name").filter(pl.col("is_head")).first().alias("head_name"),
            pl.len().alias("member_count"),
        )
        leaving_names = (
            leaving.join(db_households.select(pl.col("id_db").alias("hid"), "code"), on="hid")
            .with_columns(
                pl.when(pl.col("moved"))
                .then(pl.concat_str([pl.col("full_name_db"), pl.lit(" → "), pl.col("_to")]))
                .otherwise(pl.col("full_name_db"))
                .alias("_name")
            )
            .group_by("code")
            .agg(pl.col("_name").alias("_removed"))
        )
        db_names = (
            members.join(db_households.select(pl.col("id_db").alias("hid"), "code"), on="hid")
            .group_by("code")
            .agg(pl.col("full_name_db").alias("_names_db"))
        )
        households = (
            households.join(per_household, on="code", how="left", maintain_order="left")
            .join(leaving_names, on="code", how="left", maintain_order="left")
            .join(db_names, on="code", how="left", maintain_order="left")
            .join(staying_by_code, on="code", how="left", maintain_order="left")
            .with_columns(
                pl.col("_names").list.concat(
                    pl.col("_staying").fill_null(pl.lit([], dtype=pl.List(pl.String)))
                ),
                (pl.col("member_count") + pl.col("_staying_count").fill_null(0)).alias(
                    "member_count"
                ),
            )
            .with_columns(
                pl.col("_removed").fill_null(pl.lit([], dtype=pl.List(pl.String))),
                search_key_expr(
                    pl.concat_str([pl.col("code"), pl.col("_names").list.join(" ")], separator=" ")
                )
                .str.slice(0, 400)
                .alias("search_text"),
            )
            .with_columns(
                pl.when(pl.col("id_db").is_null())
                .then(pl.lit(ACTION_CREATE))
                .when(
                    (pl.col("_fields").list.len() > 0)
                    | (pl.col("_added").list.len() > 0)
                    | (pl.col("_moved_in").list.len() > 0)
                    | (pl.col("_removed").list.len() > 0)
                    | (pl.col("_updated") > 0)
                )
                .then(pl.lit(ACTION_UPDATE))
                .otherwise(pl.lit(ACTION_UNCHANGED))
                .alias("action")
            )
        )
        self.fill_report(rows, households, leaving, invalid, village_names)
        writing = households.filter(pl.col("action") != ACTION_UNCHANGED)
        codes_written = writing["code"].to_list()
        rows = rows.filter(pl.col("code").is_in(codes_written))
        return _Plan(
            households=writing,
            new_persons=rows.filter(pl.col("person_id").is_null()),
            person_updates=rows.filter(pl.col("_person_changed")),
            membership_updates=rows.filter(
                pl.col("membership_id").is_not_null()
                & (pl.col("relation") != pl.col("relation_db"))
            ).select("membership_id", "relation", "is_head"),
            moved_in=rows.filter(pl.col("match").is_in(["move", "attach"])),
            leaving=leaving,
        )

    def fill_report(
        self,
        rows: pl.DataFrame,
        households: pl.DataFrame,
        leaving: pl.DataFrame,
        invalid: set[str],
        village_names: dict[int, str],
    ) -> None:
        report = self.report
        counts = households["action"].value_counts()
        by_action = dict(zip(counts["action"].to_list(), counts["count"].to_list(), strict=True))
        report.created = by_action.get(ACTION_CREATE, 0)
        report.updated = by_action.get(ACTION_UPDATE, 0)
        report.unchanged = by_action.get(ACTION_UNCHANGED, 0)
        codes_in_file = set(self._codes)
        report.invalid = len(invalid & codes_in_file)
        report.households = len(codes_in_file)
        existing = pl.col("hid").is_not_null()
        report.members_added = rows.filter(existing & pl.col("person_id").is_null()).height
        report.persons_in_new_households = rows.filter(pl.col("hid").is_null()).height
        report.members_moved = rows.filter(pl.col("match").is_in(["move", "attach"])).height
        report.members_removed = leaving.filter(~pl.col("moved")).height
        report.members_updated = rows.filter(pl.col("_person_changed")).height
        joined = ", "
        changes = households.select(
            pl.col("code").alias("household"),
            pl.col("action"),
            pl.col("village_id")
            .replace_strict(village_names, default="", return_dtype=pl.String)
            .alias("village"),
            pl.col("_fields").list.join(joined).alias("fields"),
            pl.col("_added").list.join(joined).alias("added"),
            pl.col("_removed").list.join(joined).alias("removed"),
            pl.col("_moved_in").list.join(joined).alias("moved_in"),
            pl.col("_updated").cast(pl.Int64).alias("members_updated"),
            pl.col(ROW).alias("row"),
        )
        invalid_rows = (
            pl.DataFrame(
                {"household": sorted(invalid & codes_in_file)}, schema={"household": pl.String}
            )
            .join(self._first_rows.rename({"code": "household"}), on="household", how="left")
            .with_columns(pl.lit(ACTION_INVALID).alias("action"))
        )
        report.changes = (
            pl.concat(
                [changes.cast(CHANGE_SCHEMA), invalid_rows],
                how="diagonal_relaxed",
            )
            .select(list(CHANGE_SCHEMA))
            .sort("row", nulls_last=True)
        )

    # -- writing --

    def write(self, cursor: Any, plan: _Plan, province: AdministrativeUnit) -> None:
        now = timezone.now()
        today = self.today
        file_note = _("Nhập từ tệp %(file)s") % {"file": self.report.file_name}
        if self.job_id:
            file_note += f" (#{self.job_id})"
        m_table, p_table, h_table = _table(Membership), _table(Person), _table(Household)

        # 1. Members leaving their household: removed ones stop being active persons.
        leaving = plan.leaving
        for moved, reason in (
            (False, _("Không còn trong danh sách hộ khi nhập tệp %(file)s.")),
            (True, _("Chuyển sang hộ khác theo tệp nhập %(file)s.")),
        ):
            ids = leaving.filter(pl.col("moved") == moved)["membership_id"].to_list()
            if ids:
                cursor.execute(
                    f"UPDATE {m_table} SET left_on = GREATEST(COALESCE(joined_on, %s), %s), "  # noqa: S608
                    "leave_reason = %s WHERE id = ANY(%s)",
                    [today, today, (reason % {"file": self.report.file_name})[:200], ids],
                )
        removed = leaving.filter(~pl.col("moved"))["person_id"].to_list()
        if removed:
            cursor.execute(
                f"UPDATE {p_table} SET is_active = false, updated_at = %s WHERE id = ANY(%s)",  # noqa: S608
                [now, removed],
            )

        self.lap("write_leaving")

        # 2. Heads that stop being heads first (one head per household at every moment).
        if plan.membership_updates.height:
            temp = _temp_table(
                cursor, "giamngheo_import_memberships", Membership, ["id", "relation", "is_head"]
            )
            _copy_in(cursor, temp, plan.membership_updates.rename({"membership_id": "id"}))
            cursor.execute(
                f"UPDATE {m_table} x SET relation = u.relation, is_head = u.is_head "  # noqa: S608
                f"FROM {temp} u WHERE x.id = u.id AND NOT u.is_head"
            )

        # 3. Households: updates, then creations.
        households = plan.households.with_columns(
            pl.lit(province.pk).alias("province_id"),
            *[_pg_array(pl.col(k)).alias(k) for k in ("poverty_reasons", "support_needs")],
        )
        columns = [
            "village_id",
            "commune_id",
            "area_kind",
            "area_kind_override_reason",
            *HOUSEHOLD_VALUE_KEYS,
            "head_name",
            "member_count",
            "search_text",
        ]
        updates = households.filter(pl.col("action") == ACTION_UPDATE)
        if updates.height:
            temp = _temp_table(cursor, "giamngheo_import_households", Household, ["id", *columns])
            _copy_in(cursor, temp, updates.select(pl.col("id_db").alias("id"), *columns))
            assignments = ", ".join(f"{_quote(c)} = u.{_quote(c)}" for c in columns)
            cursor.execute(
                f"UPDATE {h_table} x SET {assignments}, version = x.version + 1, "  # noqa: S608
                f"updated_at = %s FROM {temp} u WHERE x.id = u.id",
                [now],
            )
        creates = households.filter(pl.col("action") == ACTION_CREATE)
        new_ids = _reserve_ids(cursor, Household, creates.height)
        creates = creates.with_columns(pl.Series("id", new_ids, dtype=pl.Int64))
        _copy_model(
            cursor,
            Household,
            creates.select(
                "id",
                "code",
                "province_id",
                *columns,
                pl.lit(now.isoformat()).alias("created_at"),
                pl.lit(now.isoformat()).alias("updated_at"),
            ),
        )
        household_ids = pl.concat(
            [
                updates.select("code", pl.col("id_db").alias("household_id")),
                creates.select("code", pl.col("id").alias("household_id")),
            ]
        )

        self.lap("write_households")

        # 4. Persons: updates, new persons, and their memberships.
        person_columns = [*PERSON_VALUE_KEYS, "search_name", "birth_date", "birth_year"]
        if plan.person_updates.height:
            temp = _temp_table(cursor, "giamngheo_import_persons", Person, ["id", *person_columns])
            _copy_in(
                cursor,
                temp,
                plan.person_updates.select(pl.col("person_id").alias("id"), *person_columns),
            )
            assignments = ", ".join(f"{_quote(c)} = u.{_quote(c)}" for c in person_columns)
            cursor.execute(
                # The version too: a member's edit form opened before the import is stale.
                f"UPDATE {p_table} x SET {assignments}, version = x.version + 1, "  # noqa: S608
                f"updated_at = %s FROM {temp} u WHERE x.id = u.id",
                [now],
            )
        new_persons = plan.new_persons.join(
            household_ids, on="code", how="left", maintain_order="left"
        )
        person_ids = _reserve_ids(cursor, Person, new_persons.height)
        new_persons = new_persons.with_columns(pl.Series("person_id", person_ids, dtype=pl.Int64))
        _copy_model(
            cursor,
            Person,
            new_persons.select(
                pl.col("person_id").alias("id"),
                *person_columns,
                pl.lit(True).alias("is_active"),
                pl.lit(now.isoformat()).alias("created_at"),
                pl.lit(now.isoformat()).alias("updated_at"),
            ),
        )
        self.lap("write_persons")
        moved_in = plan.moved_in.join(household_ids, on="code", how="left", maintain_order="left")
        memberships = pl.concat(
            [
                new_persons.select(
                    "person_id",
                    "household_id",
                    "relation",
                    "is_head",
                    pl.lit(None, dtype=pl.Date).alias("joined_on"),
                ),
                moved_in.select(
                    "person_id",
                    "household_id",
                    "relation",
                    "is_head",
                    pl.lit(today).alias("joined_on"),
                ),
            ]
        )
        _copy_model(
            cursor,
            Membership,
            memberships.with_columns(
                pl.lit(None, dtype=pl.Date).alias("left_on"), pl.lit("").alias("leave_reason")
            ),
        )
        if plan.membership_updates.height:
            cursor.execute(
                f"UPDATE {m_table} x SET relation = u.relation, is_head = u.is_head "  # noqa: S608
                "FROM giamngheo_import_memberships u WHERE x.id = u.id AND u.is_head"
            )

        self.lap("write_memberships")

        # 5. Audit, in the same transaction. One event per created or updated household,
        # written in bulk with COPY: the household page shows its history from events on the
        # household (object type and id), so a single summary event would leave that history
        # silent about the import; COPY keeps the cost to about a second per 100,000 events.
        # A summary event records the file as a whole (who, what, counts).
        self.write_audit(cursor, plan, creates, updates, province, file_note, now)
        audit.record_bulk(
            actor=self.actor,
            action="registry.households_imported",
            object_type=Household._meta.label_lower,
            object_id=province.code,
            summary={
                "file": self.report.file_name,
                "job": self.job_id,
                "created": self.report.created,
                "updated": self.report.updated,
                "unchanged": self.report.unchanged,
                "invalid": self.report.invalid,
                "members_added": self.report.members_added,
                "members_removed": self.report.members_removed,
                "members_moved": self.report.members_moved,
                "members_updated": self.report.members_updated,
                "only_valid": self.only_valid,
                "complete": self.complete,
                "legacy_addresses": self.report.legacy,
            },
            note=file_note,
            province_id=province.pk,
        )
        self.lap("write_audit")

    def write_audit(
        self,
        cursor: Any,
        plan: _Plan,
        creates: pl.DataFrame,
        updates: pl.DataFrame,
        province: AdministrativeUnit,
        note: str,
        now: dt.datetime,
    ) -> None:
        snapshot_keys = [
            "village_id",
            "area_kind",
            "area_kind_override_reason",
            *HOUSEHOLD_VALUE_KEYS,
        ]

        def as_list(key: str, suffix: str = "") -> pl.Expr:
            column = pl.col(f"{key}{suffix}")
            return (
                pl.when(column.fill_null("") == "")
                .then(pl.lit([], dtype=pl.List(pl.String)))
                .otherwise(column.str.split(","))
                .alias(key)
            )

        def snapshot(suffix: str, names: str) -> pl.Expr:
            fields = [
                as_list(k, suffix)
                if k in ("poverty_reasons", "support_needs")
                else pl.col(f"{k}{suffix}").alias(k)
                for k in snapshot_keys
            ]
            return pl.struct(
                [pl.col("code"), *fields, pl.col(names).alias("members")]
            ).struct.json_encode()

        actor_id = self.actor.pk if getattr(self.actor, "is_authenticated", False) else None
        source = plan.households.with_columns(
            pl.col("_names_db").fill_null(pl.lit([], dtype=pl.List(pl.String))),
            *[
                pl.col(k).str.strip_chars("{}").alias(k)
                for k in ("poverty_reasons", "support_needs")
                if plan.households.schema[k] == pl.String
            ],
        )
        ids = pl.concat(
            [
                creates.select("code", pl.col("id").alias("_id")),
                updates.select("code", pl.col("id_db").alias("_id")),
            ]
        )
        events = source.join(ids, on="code", how="inner").select(
            pl.lit(now.isoformat()).alias("at"),
            pl.lit(actor_id, dtype=pl.Int64).alias("actor_id"),
            pl.when(pl.col("action") == ACTION_CREATE)
            .then(pl.lit("registry.household_created"))
            .otherwise(pl.lit("registry.household_updated"))
            .alias("action"),
            pl.lit(Household._meta.label_lower).alias("object_type"),
            pl.col("_id").cast(pl.String).alias("object_id"),
            pl.concat_str([pl.col("code"), pl.lit(" · "), pl.col("head_name").fill_null("")])
            .str.slice(0, 300)
            .alias("object_repr"),
            pl.lit(province.pk).alias("province_id"),
            pl.col("commune_id"),
            pl.col("village_id"),
            pl.when(pl.col("action") == ACTION_UPDATE)
            .then(snapshot("_db", "_names_db"))
            .alias("before"),
            snapshot("", "_names").alias("after"),
            pl.lit(note).alias("note"),
        )
        _copy_model(cursor, AuditEvent, events)


@dataclass
class _Plan:
    households: pl.DataFrame  # created and updated, with their new values and action
    new_persons: pl.DataFrame
    person_updates: pl.DataFrame
    membership_updates: pl.DataFrame
    moved_in: pl.DataFrame
    leaving: pl.DataFrame


FOREIGN_ID_ACTION: Final = "registry.import_foreign_ids_checked"
# Said of every ID that cannot be used without telling why: whether it is held by someone
# outside the user's areas must not be learnt from an import.
UNUSABLE_ID_MESSAGE: Final = gettext_lazy(
    "Số định danh %(id)s không dùng được. Hãy kiểm tra lại số định danh."
)


def foreign_id_daily_limit() -> int:
    return int(getattr(settings, "IMPORT_FOREIGN_ID_DAILY_LIMIT", 50))


def foreign_id_checks_today(actor: Any) -> int:
    """How many IDs held outside their areas ``actor`` has sent in imports today."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    events = AuditEvent.objects.filter(actor=actor, action=FOREIGN_ID_ACTION, at__gte=start)
    counts = events.values_list("after", flat=True)
    return sum(int((after or {}).get("foreign_ids", 0)) for after in counts)


def import_households(
    *,
    actor: Any,
    path: Path,
    file_name: str | None = None,
    dry_run: bool = True,
    only_valid: bool = False,
    province_code: str | None = None,
    resolutions: dict[str, str] | None = None,
    progress: Progress | None = None,
    job_id: int | None = None,
    complete: bool = False,
) -> ImportReport:
    """Import households with members from ``path`` (xlsx or CSV) on behalf of ``actor``
    (``None``: the system, e.g. the command line, which reaches every area).

    ``dry_run``: compare only, change nothing. ``only_valid``: when some households have
    errors, still write the others (else nothing is written). ``province_code`` fixes the
    province (else the province of most rows). ``resolutions`` maps ambiguous old addresses
    (``legacy.address_key``) to the commune code the user chose. ``complete``: the file lists
    every member of its households, so stored members it does not list leave (else they stay).
    """
    return _Run(
        actor=actor,
        path=path,
        file_name=file_name or path.name,
        dry_run=dry_run,
        only_valid=only_valid,
        province_code=province_code,
        resolutions=resolutions or {},
        progress=progress,
        job_id=job_id,
        complete=complete,
    ).run()


# -- reports ----------------------------------------------------------------------------------


def error_rows(report: ImportReport) -> list[list[Any]]:
    return [
        list(row)
        for row in report.errors.select("row", "column", "household", "message").iter_rows()
    ]


def write_report_xlsx(report: ImportReport, path: Path) -> None:
    """The dry-run/import report: errors, changes, old addresses to resolve (write-only
    workbook: fast for hundreds of thousands of rows)."""
    from openpyxl import Workbook

    from giamngheo.lib.spreadsheet_text import inert_row

    # The report quotes the file's own values (codes, names): never as live formulas.
    workbook = Workbook(write_only=True)
    errors = workbook.create_sheet(_("Lỗi"))
    errors.append([_("Dòng"), _("Cột"), _("Mã hộ"), _("Lỗi")])
    for row in error_rows(report):
        errors.append(inert_row(errors, row))
    changes = workbook.create_sheet(_("Thay đổi"))
    changes.append(
        [
            _("Mã hộ"),
            _("Thao tác"),
            _("Thôn/tổ dân phố"),
            _("Thông tin thay đổi"),
            _("Thành viên thêm"),
            _("Thành viên rời hộ"),
            _("Thành viên chuyển đến"),
            _("Số thành viên sửa thông tin"),
            _("Dòng"),
        ]
    )
    labels = {k: str(v) for k, v in ACTION_LABELS.items()}
    for change in report.changes.iter_rows():
        values = list(change)
        values[1] = labels.get(values[1], values[1])
        changes.append(inert_row(changes, values))
    if report.ambiguous:
        sheet = workbook.create_sheet(_("Địa chỉ cũ cần chọn"))
        sheet.append([_("Địa chỉ cũ"), _("Các xã mới có thể"), _("Số dòng"), _("Các dòng")])
        for item in report.ambiguous:
            sheet.append(
                inert_row(
                    sheet,
                    [
                        item["old_address"],
                        "; ".join(f"{c['name']} ({c['code']})" for c in item["candidates"]),
                        item["row_count"],
                        ", ".join(str(r) for r in item["rows"]),
                    ],
                )
            )
    workbook.save(path)


def write_errors_csv(report: ImportReport, path: Path) -> None:
    path.write_bytes(
        sheets.csv_bytes([_("Dòng"), _("Cột"), _("Mã hộ"), _("Lỗi")], error_rows(report))
    )


# -- the background job -----------------------------------------------------------------------

IMPORT_JOB: Final = "registry.import_households"


@job_kind(
    IMPORT_JOB, label=gettext_lazy("Nhập hộ gia đình từ tệp"), page="registry_io:import_detail"
)
def import_job(context: Any) -> dict[str, Any]:
    from giamngheo.jobs import files

    parameters = context.parameters
    report = import_households(
        actor=context.actor,
        path=files.resolve(parameters["file"]),
        file_name=parameters.get("file_name"),
        dry_run=bool(parameters.get("dry_run", True)),
        only_valid=bool(parameters.get("only_valid", False)),
        province_code=parameters.get("province_code") or None,
        resolutions=parameters.get("resolutions") or {},
        progress=context.progress,
        job_id=context.job.pk,
        complete=bool(parameters.get("complete", False)),
    )
    write_report_xlsx(report, context.output_path("report.xlsx", "bao-cao-nhap.xlsx"))
    if report.error_count:
        write_errors_csv(report, context.output_path("errors.csv", "loi-nhap.csv"))
    context.final_message = report.headline()
    return report.summary()
