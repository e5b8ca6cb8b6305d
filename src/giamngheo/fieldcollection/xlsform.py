"""The XLSForm of a survey form, derived from its definition (``surveys.definitions``: one source
for the questions, choices, required flags and ranges; nothing here restates a field list).

Layout (the names are this module's constants; ``submissions.py`` reads exports by them):

- hidden calculations ``giamngheo_form`` (the form code) and ``review_year`` (fixed when the
  form is made), the household picked from the preloaded ``households.csv``
  (``select_one_from_file``) and, by ``pulldata``, its ``household_version`` (the registry's
  optimistic-locking ``version`` when the form was made: the submission carries it back, the
  import holds a conflict when it changed), its ``member_count`` and head's name;
- the survey date (not in the future, in the review year), the surveyor's name, a required GPS
  point and a required photo of the house (proof of the visit);
- one group per household section (``grp_<section code>``) holding the section's questions;
- for forms with per-member answers, the repeat ``members`` (one instance per member of
  ``members.csv``, in the server's order: head first, then by birth year) with the hidden
  ``person_id`` and the member questions.

Why a CSV attachment and not an entity list: entity lists need ODK Central (a dataset published
on the server); KoboCollect and a form copied onto a phone by hand have no entities, while
``select_one_from_file`` and ``pulldata`` over a CSV work offline in ODK Collect and KoboCollect
alike, and a CSV per collector keeps only that collector's households on the device.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from pyxform.errors import PyXFormError
from pyxform.validators.odk_validate import ODKValidateError
from pyxform.xls2xform import convert

from giamngheo.lib.spreadsheet_text import inert_row
from giamngheo.surveys.definitions import FieldType, FormField, FormSpec

VI: Final = "Tiếng Việt (vi)"
EN: Final = "English (en)"
HOUSEHOLDS_CSV: Final = "households.csv"
MEMBERS_CSV: Final = "members.csv"
FORM_CODE: Final = "giamngheo_form"
REVIEW_YEAR: Final = "review_year"
HOUSEHOLD: Final = "household"
HOUSEHOLD_VERSION: Final = "household_version"
MEMBER_COUNT: Final = "member_count"
HEAD_NAME: Final = "head_name"
SURVEYED_ON: Final = "surveyed_on"
SURVEYOR_NAME: Final = "surveyor_name"
GPS: Final = "gps"
PHOTO: Final = "photo"
MEMBERS: Final = "members"
PERSON_ID: Final = "person_id"
MEMBER_NAME: Final = "member_name"
RESERVED: Final = frozenset(
    {
        FORM_CODE,
        REVIEW_YEAR,
        HOUSEHOLD,
        HOUSEHOLD_VERSION,
        MEMBER_COUNT,
        HEAD_NAME,
        SURVEYED_ON,
        SURVEYOR_NAME,
        GPS,
        PHOTO,
        MEMBERS,
        PERSON_ID,
        MEMBER_NAME,
        "hh_note",
        "member_note",
    }
)
YES_NO: Final = "co_khong"
YES: Final = "yes"
NO: Final = "no"
SURVEY_COLUMNS: Final = (
    "type",
    "name",
    f"label::{VI}",
    f"label::{EN}",
    f"hint::{VI}",
    f"hint::{EN}",
    "required",
    f"required_message::{VI}",
    "constraint",
    f"constraint_message::{VI}",
    "relevant",
    "calculation",
    "default",
    "repeat_count",
    "appearance",
    "parameters",
)
CHOICE_COLUMNS: Final = ("list_name", "name", f"label::{VI}", f"label::{EN}")
SETTINGS_COLUMNS: Final = ("form_id", "version", "form_title", "default_language", "instance_name")


class XlsFormError(ValueError):
    """The definition cannot be written as an XLSForm (a name collides with the layout's)."""


@dataclass(frozen=True)
class XlsForm:
    """The three sheets of an XLSForm, as rows of column → value."""

    survey: list[dict[str, str]]
    choices: list[dict[str, str]]
    settings: dict[str, str]


def form_id(spec: FormSpec) -> str:
    return "giamngheo_" + spec.code.replace("-", "_")


def group_name(section: str) -> str:
    return f"grp_{section}"


def choice_list(spec_field: FormField) -> str:
    return YES_NO if spec_field.type is FieldType.BOOL else f"c_{spec_field.name}"


def _vi(text: str, **values: object) -> str:
    """A server message in Vietnamese (the same msgid the server's validation uses)."""
    with translation.override("vi"):
        return _(text) % values


def _number(value: object) -> str:
    text = str(value)
    return text[:-2] if text.endswith(".0") else text


def _question(spec_field: FormField, *, required: str | None = None) -> dict[str, str]:
    kind = {
        FieldType.BOOL: f"select_one {YES_NO}",
        FieldType.ENUM: f"select_one c_{spec_field.name}",
        FieldType.INT: "integer",
        FieldType.MONEY: "integer",
        FieldType.NUMBER: "decimal",
        FieldType.TEXT: "text",
    }[spec_field.type]
    row = {
        "type": kind,
        "name": spec_field.name,
        f"label::{VI}": spec_field.vi,
        f"label::{EN}": spec_field.en,
        f"hint::{VI}": spec_field.help_vi,
        f"hint::{EN}": spec_field.help_en,
    }
    if required is not None:
        row["required"] = required
    elif spec_field.required:
        row["required"] = "yes"
    if "required" in row:
        row[f"required_message::{VI}"] = _vi(
            "«%(label)s»: chưa trả lời (bắt buộc).", label=spec_field.vi
        )
    low, high = spec_field.minimum, spec_field.maximum
    if low is not None or high is not None:
        # The server's range check (definitions.coerce) and its message.
        parts = []
        if low is not None:
            parts.append(f". >= {_number(low)}")
        if high is not None:
            parts.append(f". <= {_number(high)}")
        row["constraint"] = " and ".join(parts)
        if high is None:
            text = "«%(label)s»: phải từ %(min)s trở lên."
        elif low is None:
            text = "«%(label)s»: không được lớn hơn %(max)s."
        else:
            text = "«%(label)s»: phải từ %(min)s đến %(max)s."
        row[f"constraint_message::{VI}"] = _vi(text, label=spec_field.vi, min=low, max=high)
    return row


def _one_of_required(spec: FormSpec) -> dict[str, str]:
    """``require_one_of``: the last field of each group in form order is required when every
    other field of the group is empty (ODK stops on a required question, so requiring the
    first one would force it even when the other is meant)."""
    order = [f.name for f in spec.fields]
    required: dict[str, str] = {}
    for group in spec.require_one_of:
        last = max(group, key=order.index)
        others = [name for name in group if name != last]
        required[last] = " and ".join(f"${{{name}}} = ''" for name in others)
    return required


def build(spec: FormSpec, *, review_year: int, made_at: dt.datetime, village_name: str) -> XlsForm:
    """The XLSForm of ``spec`` for surveys of ``review_year``."""
    clashes = sorted(RESERVED & {f.name for f in spec.fields})
    if clashes:
        raise XlsFormError(f"form {spec.code}: names used by the ODK layout: {clashes}")
    survey: list[dict[str, str]] = [
        {"type": "start", "name": "start"},
        {"type": "end", "name": "end"},
        {"type": "deviceid", "name": "deviceid"},
        {"type": "calculate", "name": FORM_CODE, "calculation": f"'{spec.code}'"},
        {"type": "calculate", "name": REVIEW_YEAR, "calculation": str(review_year)},
        {
            "type": f"select_one_from_file {HOUSEHOLDS_CSV}",
            "name": HOUSEHOLD,
            f"label::{VI}": "Hộ gia đình (mã hộ — chủ hộ)",
            f"label::{EN}": "Household (code — head)",
            "required": "yes",
            f"required_message::{VI}": "Cần chọn hộ gia đình.",
            "appearance": "search",
        },
        {
            "type": "calculate",
            "name": HOUSEHOLD_VERSION,
            "calculation": f"pulldata('households', 'version', 'name', ${{{HOUSEHOLD}}})",
        },
        {
            "type": "calculate",
            "name": HEAD_NAME,
            "calculation": f"pulldata('households', 'head_name', 'name', ${{{HOUSEHOLD}}})",
        },
        {
            "type": "date",
            "name": SURVEYED_ON,
            f"label::{VI}": "Ngày khảo sát",
            f"label::{EN}": "Survey date",
            "required": "yes",
            "default": "today()",
            # services.evaluate_answers: in the review year and not in the future.
            "constraint": f". <= today() and format-date(., '%Y') = '{review_year}'",
            f"constraint_message::{VI}": _vi(
                "Ngày khảo sát phải thuộc năm rà soát %(year)s.", year=review_year
            )
            + " "
            + "Không được là ngày trong tương lai.",
        },
        {
            "type": "text",
            "name": SURVEYOR_NAME,
            f"label::{VI}": "Họ tên rà soát viên",
            f"label::{EN}": "Surveyor's name",
            "required": "yes",
        },
        {
            "type": "geopoint",
            "name": GPS,
            f"label::{VI}": "Vị trí GPS tại nhà của hộ",
            f"label::{EN}": "GPS location at the household's home",
            f"hint::{VI}": "Đứng tại nhà của hộ, chờ độ chính xác dưới 10 mét rồi lưu.",
            "required": "yes",
        },
        {
            "type": "image",
            "name": PHOTO,
            f"label::{VI}": "Ảnh chụp nhà của hộ (minh chứng đã đến hộ)",
            f"label::{EN}": "Photo of the household's house (proof of the visit)",
            "required": "yes",
            "parameters": "max-pixels=1600",
        },
    ]
    one_of = _one_of_required(spec)
    for section in spec.sections:
        if section.level != "household":
            continue
        survey.append(
            {
                "type": "begin_group",
                "name": group_name(section.code),
                f"label::{VI}": section.vi,
                f"label::{EN}": section.en,
            }
        )
        for spec_field in spec.section_fields(section.code):
            survey.append(_question(spec_field, required=one_of.get(spec_field.name)))
        survey.append({"type": "end_group", "name": group_name(section.code)})
    if spec.has_members:
        survey.append(
            {
                "type": "calculate",
                "name": MEMBER_COUNT,
                "calculation": f"pulldata('households', 'member_count', 'name', ${{{HOUSEHOLD}}})",
            }
        )
        key = f"concat(${{{HOUSEHOLD}}}, '#', position(..))"
        survey += [
            {
                "type": "begin_repeat",
                "name": MEMBERS,
                f"label::{VI}": "Thành viên của hộ",
                f"label::{EN}": "Members of the household",
                "repeat_count": f"${{{MEMBER_COUNT}}}",
            },
            {
                "type": "calculate",
                "name": PERSON_ID,
                "calculation": f"pulldata('members', 'person_id', 'name', {key})",
            },
            {
                "type": "calculate",
                "name": MEMBER_NAME,
                "calculation": f"pulldata('members', 'label', 'name', {key})",
            },
            {
                "type": "note",
                "name": "member_note",
                f"label::{VI}": f"Thành viên: ${{{MEMBER_NAME}}}",
                f"label::{EN}": f"Member: ${{{MEMBER_NAME}}}",
            },
        ]
        survey += [_question(f) for f in spec.member_fields]
        survey.append({"type": "end_repeat", "name": MEMBERS})
    choices = [
        {"list_name": YES_NO, "name": YES, f"label::{VI}": "Có", f"label::{EN}": "Yes"},
        {"list_name": YES_NO, "name": NO, f"label::{VI}": "Không", f"label::{EN}": "No"},
    ]
    for spec_field in spec.fields:
        if spec_field.type is FieldType.ENUM:
            choices += [
                {
                    "list_name": choice_list(spec_field),
                    "name": choice.value,
                    f"label::{VI}": choice.vi,
                    f"label::{EN}": choice.en,
                }
                for choice in spec_field.choices
            ]
    settings = {
        "form_id": form_id(spec),
        # ODK compares versions as text; the form's version then the moment it was made.
        "version": f"{spec.version}.{made_at:%Y%m%d%H%M%S}",
        "form_title": f"{spec.title_vi} — {village_name} — {review_year}",
        "default_language": VI,
        "instance_name": f"concat(${{{HOUSEHOLD}}}, ' ', ${{{HEAD_NAME}}})",
    }
    return XlsForm(survey, choices, settings)


def xlsx_bytes(form: XlsForm) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(form, buffer)
    return buffer.getvalue()


def write_xlsx(form: XlsForm, path: Path | IO[bytes]) -> None:
    """The three sheets; text cells made inert (``lib.spreadsheet_text``) except expressions,
    which ODK needs as they are and which come from this module, not from users."""
    workbook = Workbook(write_only=True)
    expression_columns = {"type", "calculation", "constraint", "required", "relevant"}
    expression_columns |= {"default", "repeat_count", "instance_name"}

    def sheet(title: str, columns: Sequence[str], rows: Sequence[Mapping[str, str]]) -> None:
        worksheet = workbook.create_sheet(title)
        worksheet.append(list(columns))
        for row in rows:
            values = [row.get(column, "") for column in columns]
            inert = inert_row(worksheet, values)
            worksheet.append(
                [
                    values[i] if columns[i] in expression_columns else inert[i]
                    for i in range(len(columns))
                ]
            )

    sheet("survey", SURVEY_COLUMNS, form.survey)
    sheet("choices", CHOICE_COLUMNS, form.choices)
    sheet("settings", SETTINGS_COLUMNS, [form.settings])
    workbook.save(path)


def to_xform(xlsx: Path | bytes, *, odk_validate: bool = False) -> str:
    """The XForm XML pyxform makes of ``xlsx`` (raises ``XlsFormError`` with pyxform's message).
    ``odk_validate``: also run ODK Validate (the jar shipped with pyxform; needs ``java``)."""
    source: Any = io.BytesIO(xlsx) if isinstance(xlsx, bytes) else str(xlsx)
    try:
        result = convert(
            xlsform=source, validate=odk_validate, pretty_print=True, file_type=".xlsx"
        )
    except (PyXFormError, ODKValidateError) as error:
        raise XlsFormError(str(error)) from error
    return str(result.xform)


def java_available() -> bool:
    return shutil.which("java") is not None
