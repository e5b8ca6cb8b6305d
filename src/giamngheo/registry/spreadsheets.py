"""The household and survey spreadsheets: the column contract shared by import and export, the
templates (xlsx with a "Hướng dẫn" sheet, CSV), reading an uploaded file into text columns and
writing reports.

Layout of the household file: ONE ROW PER MEMBER. The household code groups the rows of a
household; household columns (village, address, living conditions, …) are read from the head's
row. Other rows may leave them empty or repeat them (exports repeat them on every row, so that a
sorted or filtered sheet still reads right); a repeated value that differs from the head's row is
an error. Headers are Vietnamese and fixed (they do not follow the interface language); the
internal key of each column (``code``, ``full_name``, …) is accepted as a header too.

Allowed values come from the model choices and the engine's schema (``standards.schema``), never
retyped here: a value may be written as its Vietnamese label (accents and case ignored) or as its
code.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import polars as pl
from django.db.models import Field as ModelField
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giamngheo.areas.models import AreaKind
from giamngheo.lib import tabular
from giamngheo.lib.errors import DomainError
from giamngheo.lib.text import search_key
from giamngheo.registry import reference
from giamngheo.registry.models import (
    Household,
    Membership,
    Person,
    PovertyReason,
    Relation,
    Sex,
    Status,
    SupportNeed,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ROW: Final = "_row"  # spreadsheet row number (the header is row 1)
DATA_SHEET: Final = "Hộ và thành viên"
SURVEY_SHEET: Final = "Kết quả rà soát"
GUIDE_SHEET: Final = "Hướng dẫn"
MULTI_SEPARATOR: Final = "; "
MAX_XLSX_ROWS: Final = 1_048_575  # Excel's limit, minus the header


class SpreadsheetError(DomainError):
    """The file cannot be read at all; the message is for the user (Vietnamese)."""


class Kind(StrEnum):
    TEXT = "text"
    BOOL = "bool"
    ENUM = "enum"
    MULTI = "multi"  # several codes separated by ";"
    MONEY = "money"  # whole đồng
    DECIMAL = "decimal"
    DATE = "date"  # dd/mm/yyyy
    YEAR = "year"
    CITIZEN_ID = "citizen_id"
    PHONE = "phone"
    COMMUNE = "commune"
    VILLAGE = "village"


class Level(StrEnum):
    HOUSEHOLD = "household"
    MEMBER = "member"
    LEGACY = "legacy"  # old three-level address (before 1 July 2025)
    INFO = "info"  # written by exports for reading only; ignored on import


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    level: Level
    kind: Kind
    help: StrOrPromise = ""
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()  # (code, Vietnamese label)
    aliases: tuple[str, ...] = ()  # other accepted headers
    value_aliases: tuple[tuple[str, str], ...] = ()  # (accepted text, code)
    default: Any = None  # value of an empty cell in a new record (None: no value)
    max_length: int | None = None
    width: int = 14
    # Numeric xlsx cells lose leading zeros: pad them back to this many digits.
    pad: int = 0

    @property
    def text_format(self) -> bool:
        return self.kind in {Kind.CITIZEN_ID, Kind.PHONE, Kind.COMMUNE} or self.key in {
            "code",
            "ethnicity",
        }


# -- column definitions -----------------------------------------------------------------------


def _field(model: Any, name: str) -> ModelField[Any, Any]:
    return model._meta.get_field(name)  # type: ignore[no-any-return]


def _header(model: Any, name: str) -> str:
    return str(capfirst(str(_field(model, name).verbose_name)))


def _choices(model: Any, name: str) -> tuple[tuple[str, str], ...]:
    return tuple((str(code), str(label)) for code, label in _field(model, name).choices or ())


def _text_choices(enum: Any) -> tuple[tuple[str, str], ...]:
    return tuple((str(code), str(label)) for code, label in enum.choices if code != "")


def _slash_aliases(choices: Sequence[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """ "Vợ/chồng" also accepts "vợ" and "chồng" (when a part names one choice only)."""
    parts: dict[str, list[str]] = {}
    for code, label in choices:
        if "/" in label:
            for part in label.split("/"):
                parts.setdefault(search_key(part), []).append(code)
    return tuple((part, codes[0]) for part, codes in parts.items() if len(codes) == 1)


def _bool(model: Any, name: str, help_text: StrOrPromise = "", **extra: Any) -> Column:
    level = Level.HOUSEHOLD if model is Household else Level.MEMBER
    default = _field(model, name).default
    return Column(name, _header(model, name), level, Kind.BOOL, help_text, default=default, **extra)


BOOL_TRUE: Final = ("1", "co", "x", "c", "true", "yes", "dung", "y")
BOOL_FALSE: Final = ("0", "khong", "k", "false", "no", "sai", "n")


@cache
def household_columns() -> tuple[Column, ...]:
    """The columns of the household file, in template order. Headers and value labels are
    Vietnamese whatever the active language (they are the file's contract); the explanations
    are translated when a guide is written."""
    with translation.override("vi"):
        return _household_columns()


def _household_columns() -> tuple[Column, ...]:
    h, p = Household, Person
    relation = _text_choices(Relation)
    return (
        Column(
            "code",
            "Mã hộ",
            Level.HOUSEHOLD,
            Kind.TEXT,
            gettext_lazy(
                "Mã hộ, duy nhất trong tỉnh. Ghi trên mọi dòng của hộ. Nhập lại tệp có mã hộ đã "
                "có sẽ cập nhật hộ đó (không tạo hộ trùng)."
            ),
            required=True,
            max_length=_field(h, "code").max_length,
            aliases=("ma ho gia dinh",),
        ),
        Column(
            "commune",
            "Mã xã",
            Level.HOUSEHOLD,
            Kind.COMMUNE,
            gettext_lazy(
                "Mã xã/phường/đặc khu theo danh mục từ 01/7/2025 (5 chữ số) hoặc tên xã. Tệp cũ "
                "ghi địa chỉ 3 cấp thì để trống cột này và điền ba cột địa chỉ cũ ở cuối."
            ),
            required=True,
            pad=5,
            aliases=("ma xa/phuong", "ma xa phuong", "xa/phuong (moi)", "xa (moi)"),
        ),
        Column(
            "village",
            "Thôn/tổ dân phố",
            Level.HOUSEHOLD,
            Kind.VILLAGE,
            gettext_lazy(
                "Tên (hoặc mã) thôn, bản, ấp, tổ dân phố đã có trong xã. Thôn chưa có phải "
                "được tạo trước ở trang Địa bàn."
            ),
            required=True,
            aliases=("thon", "thon/to", "thon, to dan pho", "to dan pho", "thon/ban/ap"),
            width=18,
        ),
        Column(
            "address",
            _header(h, "address"),
            Level.HOUSEHOLD,
            Kind.TEXT,
            gettext_lazy("Số nhà, đường, xóm (không bắt buộc)."),
            max_length=_field(h, "address").max_length,
            width=24,
        ),
        Column(
            "phone",
            _header(h, "phone"),
            Level.HOUSEHOLD,
            Kind.PHONE,
            gettext_lazy("Số điện thoại của hộ, chỉ gồm chữ số (không bắt buộc)."),
            aliases=("so dien thoai",),
        ),
        Column(
            "full_name",
            _header(p, "full_name"),
            Level.MEMBER,
            Kind.TEXT,
            gettext_lazy("Họ và tên đầy đủ của thành viên."),
            required=True,
            max_length=_field(p, "full_name").max_length,
            aliases=("ho ten",),
            width=24,
        ),
        Column(
            "relation",
            _header(Membership, "relation"),
            Level.MEMBER,
            Kind.ENUM,
            gettext_lazy("Quan hệ với chủ hộ. Mỗi hộ có đúng một dòng “Chủ hộ”."),
            required=True,
            choices=relation,
            value_aliases=_slash_aliases(relation),
            aliases=("quan he",),
        ),
        Column(
            "sex",
            _header(p, "sex"),
            Level.MEMBER,
            Kind.ENUM,
            required=True,
            choices=_text_choices(Sex),
        ),
        Column(
            "birth_date",
            _header(p, "birth_date"),
            Level.MEMBER,
            Kind.DATE,
            gettext_lazy("Ngày sinh dạng dd/mm/yyyy. Nếu chỉ biết năm sinh, để trống cột này."),
        ),
        Column(
            "birth_year",
            _header(p, "birth_year"),
            Level.MEMBER,
            Kind.YEAR,
            gettext_lazy("Năm sinh (4 chữ số). Bắt buộc khi không có ngày sinh."),
        ),
        Column(
            "ethnicity",
            _header(p, "ethnicity"),
            Level.MEMBER,
            Kind.ENUM,
            gettext_lazy("Mã dân tộc (2 chữ số) hoặc tên dân tộc, theo danh mục 54 dân tộc."),
            required=True,
            choices=tuple(reference.ethnicity_choices()),
            pad=2,
            aliases=("ma dan toc",),
        ),
        Column(
            "citizen_id",
            _header(p, "citizen_id"),
            Level.MEMBER,
            Kind.CITIZEN_ID,
            gettext_lazy(
                "Số định danh cá nhân (số căn cước) gồm đúng 12 chữ số; không trùng với người "
                "khác. Định dạng ô là Văn bản để giữ số 0 ở đầu. Để trống nếu chưa có."
            ),
            aliases=("so dinh danh", "so can cuoc", "cccd", "so cccd"),
            pad=12,
            width=16,
        ),
        _bool(p, "has_health_insurance"),
        Column(
            "education",
            _header(p, "education"),
            Level.MEMBER,
            Kind.ENUM,
            choices=_choices(p, "education"),
            default=_field(p, "education").default,
            width=18,
        ),
        _bool(p, "studying"),
        _bool(p, "attends_age_appropriate"),
        Column(
            "employment",
            _header(p, "employment"),
            Level.MEMBER,
            Kind.ENUM,
            choices=_choices(p, "employment"),
            default=_field(p, "employment").default,
            width=18,
        ),
        _bool(p, "on_the_job_training"),
        _bool(p, "disability"),
        _bool(p, "receives_social_allowance"),
        _bool(p, "stunted", gettext_lazy("Trẻ em dưới 16 tuổi suy dinh dưỡng chiều cao.")),
        _bool(p, "underweight", gettext_lazy("Trẻ em dưới 16 tuổi suy dinh dưỡng cân nặng.")),
        _bool(p, "ill_untreated"),
        Column(
            "income",
            _header(h, "income"),
            Level.HOUSEHOLD,
            Kind.MONEY,
            gettext_lazy("Số nguyên, đơn vị đồng (ví dụ 1500000 hoặc 1.500.000)."),
            width=16,
        ),
        _bool(h, "wall_durable"),
        _bool(h, "column_durable"),
        _bool(h, "roof_durable"),
        Column(
            "floor_area_m2",
            _header(h, "floor_area_m2"),
            Level.HOUSEHOLD,
            Kind.DECIMAL,
            gettext_lazy("Số, tối đa một chữ số thập phân (ví dụ 36 hoặc 36,5)."),
        ),
        Column(
            "water_source",
            _header(h, "water_source"),
            Level.HOUSEHOLD,
            Kind.ENUM,
            choices=_choices(h, "water_source"),
            width=18,
        ),
        Column(
            "latrine_type",
            _header(h, "latrine_type"),
            Level.HOUSEHOLD,
            Kind.ENUM,
            choices=_choices(h, "latrine_type"),
            width=18,
        ),
        _bool(h, "uses_phone"),
        _bool(h, "uses_internet"),
        _bool(h, "owns_tv"),
        _bool(h, "owns_radio"),
        _bool(h, "owns_computer"),
        _bool(h, "owns_phone"),
        _bool(h, "loudspeaker_access"),
        _bool(h, "waste_handled"),
        _bool(h, "is_ethnic_minority"),
        _bool(h, "is_merit_family"),
        _bool(h, "has_social_assistance_member"),
        _bool(h, "has_no_labour_capacity"),
        Column(
            "poverty_reasons",
            _header(h, "poverty_reasons"),
            Level.HOUSEHOLD,
            Kind.MULTI,
            gettext_lazy("Một hoặc nhiều giá trị, cách nhau bằng dấu chấm phẩy (;)."),
            choices=_text_choices(PovertyReason),
            default=(),
            width=22,
        ),
        Column(
            "support_needs",
            _header(h, "support_needs"),
            Level.HOUSEHOLD,
            Kind.MULTI,
            gettext_lazy("Một hoặc nhiều giá trị, cách nhau bằng dấu chấm phẩy (;)."),
            choices=_text_choices(SupportNeed),
            default=(),
            width=22,
        ),
        Column(
            "area_kind",
            _header(h, "area_kind"),
            Level.HOUSEHOLD,
            Kind.ENUM,
            gettext_lazy(
                "Để trống: theo khu vực của thôn. Chỉ ghi khi hộ khác khu vực của thôn, kèm lý do."
            ),
            choices=_text_choices(AreaKind),
        ),
        Column(
            "area_kind_override_reason",
            _header(h, "area_kind_override_reason"),
            Level.HOUSEHOLD,
            Kind.TEXT,
            max_length=_field(h, "area_kind_override_reason").max_length,
            width=22,
        ),
        Column(
            "legacy_province",
            "Tỉnh (trước 01/7/2025)",
            Level.LEGACY,
            Kind.TEXT,
            gettext_lazy("Chỉ cho tệp cũ: tên tỉnh/thành phố trước ngày 01/7/2025."),
            aliases=("tinh cu", "tinh (cu)", "tinh/thanh pho (cu)"),
            width=16,
        ),
        Column(
            "legacy_district",
            "Huyện (trước 01/7/2025)",
            Level.LEGACY,
            Kind.TEXT,
            gettext_lazy("Chỉ cho tệp cũ: tên quận/huyện/thị xã/thành phố thuộc tỉnh."),
            aliases=(
                "huyen",
                "huyen cu",
                "huyen (cu)",
                "quan/huyen",
                "quan huyen",
                "quan/huyen (cu)",
            ),
            width=16,
        ),
        Column(
            "legacy_commune",
            "Xã (trước 01/7/2025)",
            Level.LEGACY,
            Kind.TEXT,
            gettext_lazy(
                "Chỉ cho tệp cũ: tên xã/phường/thị trấn trước ngày 01/7/2025. Hệ thống chuyển "
                "sang xã mới; nếu xã cũ nay thuộc nhiều xã, bạn sẽ được hỏi chọn xã."
            ),
            aliases=("xa cu", "xa (cu)", "xa/phuong (cu)", "xa/phuong/thi tran"),
            width=16,
        ),
    )


@cache
def info_columns() -> tuple[Column, ...]:
    """Read-only columns that exports add after the importable ones (the status changes only
    through a recognition decision, never through an import)."""
    with translation.override("vi"):
        return (
            Column(
                "status",
                _header(Household, "status") + " (chỉ xem)",
                Level.INFO,
                Kind.ENUM,
                choices=_text_choices(Status),
            ),
            Column(
                "status_year",
                _header(Household, "status_year") + " (chỉ xem)",
                Level.INFO,
                Kind.YEAR,
            ),
            Column(
                "status_standard",
                _header(Household, "status_standard") + " (chỉ xem)",
                Level.INFO,
                Kind.TEXT,
            ),
        )


def columns_by_key(columns: Iterable[Column]) -> dict[str, Column]:
    return {column.key: column for column in columns}


def header_index(columns: Iterable[Column]) -> dict[str, str]:
    """Accent-free, lower-case header (or key, or alias) → column key."""
    index: dict[str, str] = {}
    for column in columns:
        for name in (column.header, column.key, *column.aliases):
            index.setdefault(_header_key(name), column.key)
    return index


def _header_key(text: str) -> str:
    return search_key(text.replace("*", "").replace("_", " ")).strip(" :")


def value_index(column: Column) -> dict[str, str]:
    """Accepted text (accent-free, lower-case) → code, for an enumerated column."""
    index: dict[str, str] = {}
    for code, label in column.choices:
        index.setdefault(search_key(code), code)
        index.setdefault(search_key(label), code)
        if column.pad and code.isdigit():
            index.setdefault(str(int(code)), code)
    for text, code in column.value_aliases:
        index.setdefault(search_key(text), code)
    return index


def label_of(column: Column, code: str) -> str:
    for value, label in column.choices:
        if value == code:
            return label
    return code


# -- survey results ---------------------------------------------------------------------------


def survey_columns(standard: str) -> tuple[Column, ...]:
    """Survey results in the engine's flag form: household code, review year, standard, area,
    income and one 0/1 column per indicator of the standard (``standards.schema.FLAG_INPUT_COLUMNS``
    plus the pack's indicators)."""
    from giamngheo.standards.packs import load_pack

    pack = load_pack(standard)
    with translation.override("vi"):
        base = (
            Column(
                "household_code",
                "Mã hộ",
                Level.HOUSEHOLD,
                Kind.TEXT,
                gettext_lazy("Mã hộ đã có trong danh sách hộ của tỉnh."),
                required=True,
            ),
            Column(
                "review_year",
                "Năm rà soát",
                Level.HOUSEHOLD,
                Kind.YEAR,
                gettext_lazy("Năm của kỳ rà soát (trong các năm chuẩn này áp dụng: %(years)s).")
                % {"years": f"{pack.review_years[0]}-{pack.review_years[1]}"},
                required=True,
            ),
            Column(
                "standard",
                "Chuẩn áp dụng",
                Level.HOUSEHOLD,
                Kind.ENUM,
                required=True,
                choices=((pack.code, pack.name.vi),),
            ),
            Column(
                "area_type",
                _header(Household, "area_kind"),
                Level.HOUSEHOLD,
                Kind.ENUM,
                required=True,
                choices=_text_choices(AreaKind),
            ),
            Column(
                "income",
                _header(Household, "income"),
                Level.HOUSEHOLD,
                Kind.MONEY,
                gettext_lazy("Số nguyên, đơn vị đồng (ví dụ 1500000 hoặc 1.500.000)."),
                required=True,
                width=16,
            ),
        )
        flags = tuple(
            Column(
                f"flag_{indicator.code}",
                f"Thiếu hụt: {indicator.label.vi}",
                Level.HOUSEHOLD,
                Kind.BOOL,
                gettext_lazy("1 = hộ thiếu hụt chỉ số này, 0 = không thiếu hụt."),
                required=True,
                aliases=(indicator.code,),
                width=18,
            )
            for indicator in pack.indicators
        )
    return base + flags


# -- reading ----------------------------------------------------------------------------------


@dataclass
class RawTable:
    """An uploaded table as text: one String column per recognised key (empty cells → null)
    plus ``_row``, the spreadsheet row number."""

    frame: pl.DataFrame
    headers: dict[str, str]  # key → header as written in the file
    ignored: list[str] = field(default_factory=list)  # headers not recognised
    duplicates: list[str] = field(default_factory=list)


def _cell_text(value: Any, column: Column | None) -> str | None:
    """One xlsx cell as text, the way the user saw it."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        if value.is_integer():
            value = int(value)
        else:
            return (
                repr(value).replace(".", ",")
                if column and column.kind == Kind.DECIMAL
                else str(value)
            )
    if isinstance(value, int):
        text = str(value)
        # A number typed into a cell loses its leading zeros (038201001234 → 38201001234;
        # 0912345678 → 912345678): give them back where the value has a fixed length.
        if column is not None:
            if column.pad and len(text) < column.pad:
                text = text.zfill(column.pad)
            elif column.kind == Kind.PHONE and len(text) == 9:
                text = "0" + text
        return text
    text = str(value).strip()
    return text or None


def read_table(path: Path, columns: Sequence[Column], *, sheet: str | None = None) -> RawTable:
    """Read an xlsx or CSV file (by its extension) into text columns, within the limits of
    ``lib.tabular`` (rows, columns, cells, sizes; see docs/import-export.md)."""
    suffix = path.suffix.lower()
    limits = tabular.Limits.from_settings()
    try:
        if suffix in {".xlsx", ".xlsm"}:
            frame, headers, ignored, duplicates = _xlsx_table(path, sheet, columns, limits)
        elif suffix in {".xls", ".ods"}:
            # Their readers build the sheet's declared area in memory (see lib.tabular).
            raise SpreadsheetError(
                _(
                    "Không nhận tệp %(suffix)s: hãy mở tệp bằng Excel hoặc LibreOffice rồi "
                    "“Lưu thành” Excel Workbook (.xlsx)."
                )
                % {"suffix": suffix}
            )
        elif suffix in {".csv", ".txt"}:
            raw = _csv_frame(path, limits)
            body = raw.filter(pl.col(tabular.LINE) > 1)
            header_row = [str(cell or "").strip() for cell in raw.drop(tabular.LINE).row(0)]
            positions, headers, ignored, duplicates = _map_headers(header_row, columns)
            by_key = columns_by_key(columns)
            frame = body.select(
                pl.col(tabular.LINE).alias(ROW),
                *[pl.col(f"column_{position}").alias(key) for key, position in positions.items()],
            )
            frame = _pad_text_codes(frame, [by_key[key] for key in positions])
        else:
            raise SpreadsheetError(_("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."))
    except tabular.TableError as error:
        raise SpreadsheetError(str(error)) from error
    keys = [key for key in frame.columns if key != ROW]
    if keys:
        # Blank lines are common between blocks of households.
        frame = frame.filter(pl.any_horizontal(pl.col(k).is_not_null() for k in keys))
    return RawTable(frame, headers, ignored, duplicates)


def _map_headers(
    header_row: Sequence[str], columns: Sequence[Column]
) -> tuple[dict[str, int], dict[str, str], list[str], list[str]]:
    index = header_index(columns)
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored: list[str] = []
    duplicates: list[str] = []
    for position, header in enumerate(header_row):
        if not header:
            continue
        key = index.get(_header_key(header))
        if key is None:
            ignored.append(header)
        elif key in positions:
            duplicates.append(header)
        else:
            positions[key] = position
            headers[key] = header
    return positions, headers, ignored, duplicates


def _pad_text_codes(frame: pl.DataFrame, columns: Sequence[Column]) -> pl.DataFrame:
    """CSV saved by Excel drops leading zeros of short codes (ethnicity 1 → 01, commune): give
    them back. Citizen IDs are not padded: an 11-digit ID is reported, not guessed."""
    exprs = [
        pl.when(pl.col(c.key).str.contains(r"^[0-9]+$"))
        .then(pl.col(c.key).str.zfill(c.pad))
        .otherwise(pl.col(c.key))
        .alias(c.key)
        for c in columns
        if c.pad and c.kind != Kind.CITIZEN_ID
    ]
    return frame.with_columns(exprs) if exprs else frame


_FRAME_CHUNK: Final = 50_000  # rows turned into a Polars frame at a time


def _xlsx_table(
    path: Path, sheet: str | None, columns: Sequence[Column], limits: tabular.Limits
) -> tuple[pl.DataFrame, dict[str, str], list[str], list[str]]:
    """The chosen sheet (``sheet`` if the file has it, else the first that is not the guide),
    streamed: row 1 is the header; the other rows keep their spreadsheet numbers in ``_row``.
    Only cells present are read, and only the recognised columns are kept, as text, in
    Polars frames of ``_FRAME_CHUNK`` rows (Python objects for one chunk at a time)."""
    with tabular.XlsxReader(path, limits) as book:
        names = book.sheet_names
        wanted = sheet if sheet in names else next((n for n in names if n != GUIDE_SHEET), None)
        if wanted is None:
            raise SpreadsheetError(_("Tệp Excel không có trang dữ liệu."))
        rows = book.rows(wanted)
        first = next(rows, None)
        if first is None:
            raise SpreadsheetError(_("Tệp không có dữ liệu."))
        header_cells = first[1] if first[0] == 1 else {}
        width = max(header_cells, default=-1) + 1
        header_row = [
            str(header_cells[i]).strip() if i in header_cells else "" for i in range(width)
        ]
        positions, headers, ignored, duplicates = _map_headers(header_row, columns)
        by_key = columns_by_key(columns)
        wanted_columns = [(key, position, by_key[key]) for key, position in positions.items()]
        schema = {ROW: pl.Int64, **{key: pl.String for key in positions}}
        frames: list[pl.DataFrame] = []
        numbers: list[int] = []
        data: dict[str, list[str | None]] = {key: [] for key in positions}

        def flush() -> None:
            if numbers:
                frames.append(pl.DataFrame({ROW: numbers, **data}, schema=schema))
                numbers.clear()
                for values in data.values():
                    values.clear()

        body = rows if first[0] == 1 else itertools.chain([first], rows)
        for number, cells in body:
            texts = [
                (key, _cell_text(cells.get(position), column))
                for key, position, column in wanted_columns
            ]
            if wanted_columns and all(text is None for _key, text in texts):
                continue
            numbers.append(number)
            for key, text in texts:
                data[key].append(text)
            if len(numbers) >= _FRAME_CHUNK:
                flush()
        flush()
    frame = pl.concat(frames) if frames else pl.DataFrame(schema=schema)
    return frame, headers, ignored, duplicates


def _csv_frame(path: Path, limits: tabular.Limits) -> pl.DataFrame:
    """Every CSV cell as text (Polars' reader: a million rows in about a second), after the
    checks of ``lib.tabular.read_csv`` (UTF-8, no NUL byte, not another format, limits)."""
    frame = tabular.read_csv(path, limits)
    if frame.height == 0 or frame[tabular.LINE][0] != 1:
        raise SpreadsheetError(_("Tệp không có dữ liệu."))
    return frame


# -- writing ----------------------------------------------------------------------------------


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Font, PatternFill

    return {
        "header_font": Font(bold=True, color="FFFFFF"),
        "header_fill": PatternFill("solid", fgColor="B3261E"),
        "required_fill": PatternFill("solid", fgColor="7A1712"),
        "title_font": Font(bold=True, size=14),
        "bold": Font(bold=True),
        "wrap": Alignment(wrap_text=True, vertical="top"),
    }


def _kind_text(column: Column) -> str:
    texts: dict[Kind, StrOrPromise] = {
        Kind.TEXT: gettext_lazy("Chữ"),
        Kind.BOOL: gettext_lazy("1 = có, 0 = không"),
        Kind.ENUM: gettext_lazy("Một giá trị trong danh sách"),
        Kind.MULTI: gettext_lazy("Các giá trị trong danh sách, cách nhau bằng ;"),
        Kind.MONEY: gettext_lazy("Số nguyên (đồng)"),
        Kind.DECIMAL: gettext_lazy("Số"),
        Kind.DATE: gettext_lazy("Ngày dd/mm/yyyy"),
        Kind.YEAR: gettext_lazy("Năm (4 chữ số)"),
        Kind.CITIZEN_ID: gettext_lazy("12 chữ số"),
        Kind.PHONE: gettext_lazy("Chữ số"),
        Kind.COMMUNE: gettext_lazy("Mã 5 chữ số hoặc tên xã"),
        Kind.VILLAGE: gettext_lazy("Tên hoặc mã thôn"),
    }
    return str(texts[column.kind])


def _default_text(column: Column) -> str:
    if column.kind == Kind.BOOL and isinstance(column.default, bool):
        return "1" if column.default else "0"
    if column.kind == Kind.ENUM and column.default:
        return label_of(column, str(column.default))
    return ""


def _allowed_inline(column: Column) -> str:
    if column.kind == Kind.BOOL:
        return _("1 hoặc 0 (cũng nhận: có/không, x)")
    if not column.choices:
        return ""
    if len(column.choices) > 12:
        return _("Xem bảng “%(header)s” bên dưới") % {"header": column.header}
    return "; ".join(label for _code, label in column.choices)


GENERAL_RULES: Final = (
    gettext_lazy("Mỗi dòng là một thành viên của hộ. Các dòng cùng “Mã hộ” thuộc cùng một hộ."),
    gettext_lazy(
        "Thông tin chung của hộ (thôn, địa chỉ, điều kiện sống, …) đọc từ dòng của chủ hộ; các "
        "dòng khác của hộ để trống hoặc ghi giống hệt dòng chủ hộ."
    ),
    gettext_lazy(
        "Nhập lại tệp: hộ trùng “Mã hộ” trong cùng tỉnh được cập nhật, không tạo hộ mới. Danh "
        "sách thành viên trong tệp thay cho danh sách hiện có (người không còn trong tệp được "
        "ghi là đã rời hộ)."
    ),
    gettext_lazy(
        "Ô để trống: giữ nguyên giá trị đang có (với hộ, người đã có) hoặc dùng giá trị mặc "
        "định (với hộ, người mới)."
    ),
    gettext_lazy(
        "Giá trị trong danh sách có thể ghi bằng tên (không phân biệt hoa thường, có dấu hay "
        "không dấu) hoặc bằng mã."
    ),
    gettext_lazy(
        "Trước khi ghi, hệ thống chạy thử và liệt kê mọi lỗi theo dòng, cột. Tệp còn lỗi sẽ "
        "không được nhập, trừ khi bạn chọn chỉ nhập các hộ hợp lệ."
    ),
    gettext_lazy(
        "Tình trạng nghèo, cận nghèo không nhập từ tệp: chỉ thay đổi theo quyết định công nhận."
    ),
    gettext_lazy("Xóa các dòng ví dụ (mã hộ bắt đầu bằng VD-) trước khi nhập."),
)


def _append(sheet: Any, values: Sequence[Any], **style: Any) -> int:
    """Append a styled row to a normal or write-only sheet; returns its row number."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    from giamngheo.lib.spreadsheet_text import make_inert

    if isinstance(sheet, WriteOnlyWorksheet):
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value)
            make_inert(cell)
            for name, setting in style.items():
                setattr(cell, name, setting)
            cells.append(cell)
        sheet.append(cells)
        sheet._giamngheo_rows = getattr(sheet, "_giamngheo_rows", 0) + 1
        return int(sheet._giamngheo_rows)
    sheet.append(list(values))
    row = int(sheet.max_row)
    for cell in sheet[row]:
        make_inert(cell)
        for name, setting in style.items():
            setattr(cell, name, setting)
    return row


def write_guide_sheet(
    workbook: Any, columns: Sequence[Column], *, title: str, rules: Sequence[StrOrPromise]
) -> dict[str, str]:
    """The "Hướng dẫn" sheet: general rules, every column with its type, default and allowed
    values, then the long value lists. Returns column key → range of its value list (for the
    data sheet's drop-down lists). Works on normal and write-only workbooks."""
    style = _styles()
    sheet = workbook.create_sheet(GUIDE_SHEET)
    for letter, width in zip("ABCDEF", (34, 10, 22, 48, 18, 70), strict=True):
        sheet.column_dimensions[letter].width = width
    _append(sheet, [title], font=style["title_font"])
    for rule in rules:
        _append(sheet, ["•", str(rule)])
    _append(sheet, [])
    _append(
        sheet,
        [
            _("Cột"),
            _("Bắt buộc"),
            _("Kiểu"),
            _("Giá trị hợp lệ"),
            _("Mặc định (ô trống, người/hộ mới)"),
            _("Giải thích"),
        ],
        font=style["header_font"],
        fill=style["header_fill"],
    )
    for column in columns:
        _append(
            sheet,
            [
                column.header,
                _("có") if column.required else "",
                _kind_text(column),
                _allowed_inline(column),
                _default_text(column),
                str(column.help),
            ],
            alignment=style["wrap"],
        )
    ranges: dict[str, str] = {}
    for column in columns:
        if not column.choices:
            continue
        _append(sheet, [])
        _append(sheet, [column.header], font=style["bold"])
        first = _append(sheet, [_("Ghi (tên)"), _("hoặc mã")], font=style["bold"]) + 1
        last = first - 1
        for code, label in column.choices:
            last = _append(sheet, [label, code])
        ranges[column.key] = f"'{GUIDE_SHEET}'!$A${first}:$A${last}"
    return ranges


def write_template_xlsx(
    columns: Sequence[Column],
    *,
    sheet_title: str,
    guide_title: str,
    rules: Sequence[StrOrPromise],
    examples: Sequence[Sequence[Any]] = (),
) -> bytes:
    """An xlsx template: the data sheet (Vietnamese headers, text-formatted code columns,
    drop-down lists) and the "Hướng dẫn" sheet."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from giamngheo.lib.spreadsheet_text import inert_workbook

    style = _styles()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
    sheet.title = sheet_title
    sheet.append([column.header for column in columns])
    for position, column in enumerate(columns, start=1):
        cell = sheet.cell(1, position)
        cell.font = style["header_font"]
        cell.fill = style["required_fill"] if column.required else style["header_fill"]
        cell.alignment = style["wrap"]
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = column.width
    for example in examples:
        sheet.append(list(example))
    sheet.freeze_panes = "B2"
    ranges = write_guide_sheet(workbook, columns, title=guide_title, rules=rules)
    last_row = 5000
    for position, column in enumerate(columns, start=1):
        letter = get_column_letter(position)
        if column.text_format:
            # Typed digits stay text: citizen IDs and codes keep their leading zeros.
            sheet.column_dimensions[letter].number_format = "@"
        if column.key in ranges and column.kind == Kind.ENUM:
            validation = DataValidation(
                type="list", formula1=f"={ranges[column.key]}", allow_blank=True
            )
            validation.showErrorMessage = False  # codes are accepted too
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{last_row}")
        elif column.kind == Kind.BOOL:
            validation = DataValidation(type="list", formula1='"1,0"', allow_blank=True)
            validation.showErrorMessage = False
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{last_row}")
    inert_workbook(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """CSV with a BOM, so that Excel opens Vietnamese text correctly. Formula-like text gets
    a leading apostrophe (``lib.spreadsheet_text``): error reports quote users' values."""
    from giamngheo.lib.spreadsheet_text import inert_csv_row

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(inert_csv_row(header))
    for row in rows:
        writer.writerow(inert_csv_row(row))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def guide_csv(columns: Sequence[Column]) -> bytes:
    """The guide of a CSV template (a CSV file has one sheet only): one line per column."""
    rows = [
        [
            column.header,
            _("có") if column.required else "",
            _kind_text(column),
            "; ".join(f"{label} ({code})" for code, label in column.choices)
            if column.choices
            else _allowed_inline(column),
            _default_text(column),
            str(column.help),
        ]
        for column in columns
    ]
    return csv_bytes(
        [_("Cột"), _("Bắt buộc"), _("Kiểu"), _("Giá trị hợp lệ"), _("Mặc định"), _("Giải thích")],
        rows,
    )


def household_examples() -> list[list[Any]]:
    """Two example households (rows in template order): the first with household columns on
    the head's row only, the second repeating them, as exports do."""
    columns = household_columns()
    keys = [c.key for c in columns]

    def row(**values: Any) -> list[Any]:
        return [values.get(key, "") for key in keys]

    by_key = columns_by_key(columns)

    def label(key: str, code: str) -> str:
        return label_of(by_key[key], code)

    household = {
        "commune": "19435",
        "village": "Thôn 1",
        "address": "Thôn 1, xã Hướng Lập",
        "phone": "0912345678",
        "income": "1200000",
        "floor_area_m2": "32",
        "water_source": label("water_source", "drilled_well"),
        "latrine_type": label("latrine_type", "semi_septic"),
        "poverty_reasons": label("poverty_reasons", "land")
        + MULTI_SEPARATOR
        + label("poverty_reasons", "capital"),
    }
    return [
        row(
            code="VD-0001",
            full_name="Hồ Văn Ba",
            relation=label("relation", "head"),
            sex=label("sex", "male"),
            birth_date="15/03/1982",
            ethnicity="23",
            citizen_id="045082001234",
            education=label("education", "primary"),
            employment=label("employment", "self_employed"),
            **household,
        ),
        row(
            code="VD-0001",
            full_name="Hồ Thị Bốn",
            relation=label("relation", "spouse"),
            sex=label("sex", "female"),
            birth_year="1985",
            ethnicity="23",
        ),
        row(
            code="VD-0001",
            full_name="Hồ Văn Năm",
            relation=label("relation", "child"),
            sex=label("sex", "male"),
            birth_date="02/09/2014",
            ethnicity="23",
            studying="1",
            attends_age_appropriate="1",
        ),
    ]


SURVEY_RULES: Final = (
    gettext_lazy("Mỗi dòng là kết quả rà soát của một hộ trong một năm, theo một chuẩn."),
    gettext_lazy("Cột “Thiếu hụt: …”: ghi 1 nếu hộ thiếu hụt chỉ số đó, 0 nếu không."),
    gettext_lazy("Thu nhập là thu nhập bình quân đầu người một tháng, đơn vị đồng."),
    gettext_lazy("Xóa các dòng ví dụ (mã hộ bắt đầu bằng VD-) trước khi nhập."),
)
XLSX_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE: Final = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class Download:
    content: bytes
    filename: str
    content_type: str


def household_template(file_format: str) -> Download:
    """The household-with-members template (xlsx with its guide, or CSV)."""
    columns = household_columns()
    examples = household_examples()
    if file_format == "csv":
        return Download(
            csv_bytes([c.header for c in columns], examples), "mau-ho-gia-dinh.csv", CSV_TYPE
        )
    content = write_template_xlsx(
        columns,
        sheet_title=DATA_SHEET,
        guide_title=_("Hướng dẫn: danh sách hộ và thành viên"),
        rules=GENERAL_RULES,
        examples=examples,
    )
    return Download(content, "mau-ho-gia-dinh.xlsx", XLSX_TYPE)


def household_guide_csv() -> Download:
    return Download(guide_csv(household_columns()), "huong-dan-mau-ho-gia-dinh.csv", CSV_TYPE)


def survey_template(file_format: str, standard: str) -> Download:
    """The survey-results template of a standard: one 0/1 column per indicator."""
    from giamngheo.standards.packs import load_pack

    columns = survey_columns(standard)
    pack = load_pack(standard)
    example: list[Any] = ["VD-0001", pack.review_years[1], pack.code, "Nông thôn", "1200000"]
    example += [1 if i < 3 else 0 for i in range(len(columns) - len(example))]
    name = f"mau-ket-qua-ra-soat-{standard}"
    if file_format == "csv":
        return Download(csv_bytes([c.header for c in columns], [example]), f"{name}.csv", CSV_TYPE)
    content = write_template_xlsx(
        columns,
        sheet_title=SURVEY_SHEET,
        guide_title=_("Hướng dẫn: kết quả rà soát theo chuẩn %(name)s") % {"name": pack.name.vi},
        rules=SURVEY_RULES,
        examples=[example],
    )
    return Download(content, f"{name}.xlsx", XLSX_TYPE)


def survey_guide_csv(standard: str) -> Download:
    return Download(
        guide_csv(survey_columns(standard)),
        f"huong-dan-mau-ket-qua-ra-soat-{standard}.csv",
        CSV_TYPE,
    )
