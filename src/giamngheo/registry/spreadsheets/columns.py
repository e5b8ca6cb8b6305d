"""The column contract shared by the household import and export and the survey-results
import: every column's key, Vietnamese header, level (household, member, old address,
read-only), kind, allowed values (from the model choices and ``standards.schema``, never
retyped) and how accepted text maps to codes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any, Final

from django.db.models import Field as ModelField
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from giamngheo.areas.models import AreaKind
from giamngheo.lib.errors import DomainError
from giamngheo.lib.text import search_key
from giamngheo.registry import fields, reference
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
from giamngheo.standards import schema
from giamngheo.standards.packs import load_pack

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


# What the guide says of a survey column beyond its header and values: by field, else by kind.
_SURVEY_HELP: Final[dict[str, StrOrPromise]] = {
    "stunted": gettext_lazy("Trẻ em dưới 16 tuổi suy dinh dưỡng chiều cao."),
    "underweight": gettext_lazy("Trẻ em dưới 16 tuổi suy dinh dưỡng cân nặng."),
}
_SURVEY_KIND_HELP: Final[dict[schema.Kind, StrOrPromise]] = {
    schema.Kind.MONEY: gettext_lazy("Số nguyên, đơn vị đồng (ví dụ 1500000 hoặc 1.500.000)."),
    schema.Kind.NUMBER: gettext_lazy("Số, tối đa một chữ số thập phân (ví dụ 36 hoặc 36,5)."),
}


def _survey_column(field: fields.StoredField) -> Column:
    """The column of a survey field the registry stores (``registry.fields``): header from the
    model, values and their labels from the schema (through the model's choices)."""
    model, name = field.model, field.name
    help_text = _SURVEY_HELP.get(name) or _SURVEY_KIND_HELP.get(field.kind, "")
    if field.kind == schema.Kind.BOOL:
        return _bool(model, name, help_text)
    level = Level.HOUSEHOLD if model is Household else Level.MEMBER
    if field.kind == schema.Kind.ENUM:
        return Column(
            name,
            _header(model, name),
            level,
            Kind.ENUM,
            help_text,
            choices=_choices(model, name),
            default=field.default,
            width=18,
        )
    if field.kind == schema.Kind.MONEY:
        return Column(name, _header(model, name), level, Kind.MONEY, help_text, width=16)
    if field.kind == schema.Kind.NUMBER:
        return Column(name, _header(model, name), level, Kind.DECIMAL, help_text)
    # A whole-number survey field would need its own column kind (bounds from the schema).
    raise NotImplementedError(f"no spreadsheet column for {field.kind} field {name}")


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
        *(_survey_column(f) for f in fields.PERSON_ANSWER_FIELDS),
        *(_survey_column(f) for f in fields.HOUSEHOLD_SURVEY_FIELDS),
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
            index.setdefault(header_key(name), column.key)
    return index


def header_key(text: str) -> str:
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
