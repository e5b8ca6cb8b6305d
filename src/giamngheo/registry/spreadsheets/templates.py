"""Writing the templates (xlsx with a "Hướng dẫn" sheet, CSV), the guide and the downloads
users start from; ``csv_bytes`` for every CSV the app writes (inert text)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation

from giamngheo.lib.spreadsheet_text import inert_csv_row, inert_workbook, make_inert
from giamngheo.registry.spreadsheets.columns import (
    DATA_SHEET,
    GUIDE_SHEET,
    MULTI_SEPARATOR,
    SURVEY_SHEET,
    Column,
    Kind,
    columns_by_key,
    household_columns,
    label_of,
    survey_columns,
)
from giamngheo.standards.packs import load_pack


def styles() -> dict[str, Any]:

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
    style = styles()
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

    style = styles()
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
