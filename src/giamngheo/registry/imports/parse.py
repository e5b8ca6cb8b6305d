"""Stage 2, parse: every cell typed, vectorised with Polars (categorical columns once per
distinct value); every problem becomes an error row (row, column, message in Vietnamese)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

import polars as pl
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.areas.models import AdministrativeUnit
from giamngheo.areas.models import Level as AreaLevel
from giamngheo.lib import tabular, validators
from giamngheo.lib.text import search_key
from giamngheo.registry import legacy
from giamngheo.registry import spreadsheets as sheets
from giamngheo.registry.imports.context import MEMBER_REQUIRED, Context
from giamngheo.registry.imports.frames import Check, errors_of, mapped, msg
from giamngheo.registry.spreadsheets import Column, Kind

_MASKED_ID: Final = r"^\*{4,}[0-9]{4}$"
# A phone number masked by an export (lib.masking: 091****678), separators removed.
_MASKED_PHONE: Final = re.compile(r"[0-9+]{3}\*+[0-9]{3}")
_PHONE_SEPARATORS: Final = re.compile(r"[\s.\-()]")


def parse(ctx: Context, frame: pl.DataFrame) -> tuple[pl.DataFrame, Communes]:
    """Typed columns, and the communes of the country for the later stages."""
    ctx.say(5, _("Đang kiểm tra từng ô…"))
    ctx.errors.add(
        errors_of(
            frame,
            [
                Check(
                    pl.col(k).is_null(),
                    ctx.header(k),
                    pl.lit(_("Thiếu %(column)s.") % {"column": ctx.header(k)}),
                )
                for k in MEMBER_REQUIRED
            ],
        )
    )
    ctx.errors.add(_formula_errors(frame, ctx.columns))
    # Which cells were filled in, before parsing turns invalid values into nulls.
    frame = frame.with_columns(
        (pl.col(k).is_not_null() if k in frame.columns else pl.lit(False)).alias(f"_g_{k}")
        for k in ("commune", "village", "birth_date", "birth_year")
    )
    communes = Communes(ctx.province_code)
    frame, errors = _parse_cells(frame, ctx.columns, communes)
    ctx.errors.add(errors)
    if "commune" not in frame.columns:  # a legacy file: only old addresses
        frame = frame.with_columns(pl.lit(None, dtype=pl.Int64).alias("commune"))
    ctx.lap("parse")
    return frame, communes


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


def citizen_id_value(raw: pl.Expr) -> pl.Expr:
    """``lib.validators.clean_citizen_id`` on a whole column, with that module's patterns: the
    12 digits, or null when refused (or empty)."""
    cleaned = raw.str.replace_all(validators.CITIZEN_ID_SEPARATORS, "")
    return pl.when(cleaned.str.contains(validators.CITIZEN_ID_PATTERN)).then(cleaned)


def _parse_phone(raw: str) -> tuple[Any, str | None]:
    """A phone cell: canonical number, or (None, None) for a masked number (an export read
    back: the stored number stays), or the refusal of ``lib.validators.clean_phone``."""
    if _MASKED_PHONE.fullmatch(_PHONE_SEPARATORS.sub("", raw)):
        return None, None
    try:
        return validators.clean_phone(raw) or None, None
    except validators.InvalidInput as error:
        return None, str(error)


def _refusal_messages(
    frame: pl.DataFrame, key: str, refused: pl.Expr, clean: Callable[[str], Any]
) -> pl.Expr:
    """The message ``clean`` gives each distinct refused value of column ``key``."""
    messages: dict[str, str] = {}
    for raw in frame.filter(refused.fill_null(False))[key].unique().to_list():
        try:
            clean(raw)
        except validators.InvalidInput as error:
            messages[raw] = str(error)
    return pl.col(key).replace_strict(messages, default=None, return_dtype=pl.String)


def _formula_errors(frame: pl.DataFrame, columns: dict[str, Column]) -> pl.DataFrame:
    """Cells a spreadsheet program would run as a formula (xlsx formula cells are read as
    "=…"): refused, so that no exported list or report can carry one (OWASP "CSV injection");
    phone numbers ("+84 …") and negative numbers pass (``lib.tabular.looks_like_formula``)."""
    return errors_of(
        frame,
        [
            Check(
                tabular.formula_expr(pl.col(key)),
                columns[key].header,
                msg(
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
    frame: pl.DataFrame, columns: dict[str, Column], communes: Communes
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Typed columns and the format errors of every cell."""
    checks: list[Check] = []
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
                Check(
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
                    Check(
                        raw.str.len_chars() > column.max_length,
                        header,
                        pl.lit(_("Dài quá %(n)s ký tự.") % {"n": column.max_length}),
                    )
                )
        elif column.kind in (Kind.ENUM, Kind.BOOL, Kind.MULTI, Kind.COMMUNE):
            if column.kind == Kind.ENUM:
                value, message = mapped(frame, key, _parse_enum(column), pl.String)
            elif column.kind == Kind.BOOL:
                value, message = mapped(frame, key, _parse_bool, pl.Boolean)
            elif column.kind == Kind.MULTI:
                value, message = mapped(frame, key, _parse_multi(column), pl.String)
            else:
                value, message = mapped(frame, key, communes.parse, pl.Int64)
            checks.append(Check(message.is_not_null(), header, message))
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
                Check(
                    raw.is_not_null() & value.is_null(),
                    header,
                    msg(
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
                Check(
                    raw.is_not_null() & value.is_null(),
                    header,
                    msg(_("“%(value)s” không phải số hợp lệ."), value=raw),
                )
            )
        elif column.kind == Kind.DATE:
            parsed = pl.coalesce(
                raw.str.strptime(pl.Date, date_format, strict=False)
                for date_format in validators.DATE_INPUT_FORMATS
            )
            value = (
                pl.when((parsed >= validators.EARLIEST_DATE) & (parsed <= today))
                .then(parsed)
                .otherwise(None)
            )
            checks.append(
                Check(
                    raw.is_not_null() & value.is_null(),
                    header,
                    msg(
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
                Check(
                    raw.is_not_null() & value.is_null(),
                    header,
                    msg(
                        _("“%(value)s” không phải năm hợp lệ (4 chữ số, từ 1900 đến nay)."),
                        value=raw,
                    ),
                )
            )
        elif column.kind == Kind.CITIZEN_ID:
            # The few refused values get their message from lib.validators.clean_citizen_id.
            masked = raw.str.replace_all(validators.CITIZEN_ID_SEPARATORS, "").str.contains(
                _MASKED_ID
            )
            value = citizen_id_value(raw)
            refused = raw.is_not_null() & value.is_null() & ~masked
            message = _refusal_messages(frame, key, refused, validators.clean_citizen_id)
            checks.append(Check(refused, header, message))
        elif column.kind == Kind.PHONE:
            # One number per household: lib.validators.clean_phone once per distinct value.
            value, message = mapped(frame, key, _parse_phone, pl.String)
            checks.append(Check(message.is_not_null(), header, message))
        else:  # VILLAGE: resolved with its commune later
            value = raw
        typed.append(value.alias(key))
    errors = errors_of(frame, checks)
    return frame.with_columns(typed), errors


class Communes:
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
