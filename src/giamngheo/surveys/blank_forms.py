"""Blank survey forms (Phiếu A, B1, B2, …) as printable PDFs for field work, drawn from the form
definitions (``surveys/forms/*.toml``, ``definitions.FormSpec``) with ``lib.pdf``: one source for
the questions, so a new version of a form prints as it is entered.

Layout (A4 portrait): the form's title, its legal basis (and, when the definition is not checked
against the official text, that warning), blank header fields (household code, head's name,
village, commune, surveyor, date), then every section in order: household questions numbered
with tick boxes for yes/no and lists, a blank line for numbers and text; member questions as a
numbered key (answer codes) and one table with a row per member. Signature lines for the surveyor
and the household head close the form.

``household`` (optional) prefills the header and the members' names (a paper copy for one
household); the answers are always left blank. Always in Vietnamese: the paper goes to the field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from giamngheo.lib.pdf import FONT, Signer, VietnameseDocument
from giamngheo.surveys import definitions
from giamngheo.surveys.definitions import FieldType, FormField, FormSpec, Kind

MEMBER_ROWS: Final = 8  # blank rows of a member table when no household is given
BOX: Final = 3.2  # mm, a tick box
BLANK: Final = "…………………………"
UNITS: Final = {FieldType.MONEY: "đồng", FieldType.INT: "", FieldType.NUMBER: ""}


@dataclass(frozen=True)
class Prefill:
    """What is known of the household before the visit (printed in the header)."""

    household_code: str = ""
    head_name: str = ""
    village: str = ""
    commune: str = ""
    members: Sequence[str] = ()


def printable(spec: FormSpec) -> bool:
    """Forms filled in the field (not the results forms entered from a summary)."""
    return spec.kind is not Kind.FLAGS


def printable_forms() -> list[FormSpec]:
    """Every field form of ``surveys/forms``, in file order."""
    return [spec for spec in definitions.load_forms() if printable(spec)]


# The blank forms, drawn once per process and definition (by its hash: a changed definition is
# drawn anew). Every collaborator downloads the same few forms, and one costs about half a second.
_drawn: dict[str, bytes] = {}


def blank_form_pdf(spec: FormSpec, prefill: Prefill | None = None) -> bytes:
    if prefill is not None:
        return _draw(spec, prefill)
    key = spec.sha256
    if key not in _drawn:
        _drawn[key] = _draw(spec, Prefill())
    return _drawn[key]


def _draw(spec: FormSpec, prefill: Prefill) -> bytes:
    doc = _FormDocument(spec)
    doc.draw(prefill)
    return doc.to_bytes()


def _bool_choices() -> list[tuple[str, str]]:
    return [("1", "Có"), ("2", "Không")]


def _choices(spec_field: FormField) -> list[tuple[str, str]]:
    """(code, label) of a question's answers: 1, 2, … in the definition's order."""
    if spec_field.type is FieldType.BOOL:
        return _bool_choices()
    return [(str(i), c.vi) for i, c in enumerate(spec_field.choices, start=1)]


class _FormDocument(VietnameseDocument):
    def __init__(self, spec: FormSpec) -> None:
        super().__init__(title=spec.title_vi)
        self.spec = spec
        self.number = 0
        self.set_auto_page_break(auto=True, margin=18)

    @property
    def width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def draw(self, prefill: Prefill) -> None:
        self.add_page()
        self.heading()
        self.header_fields(prefill)
        for section in self.spec.sections:
            fields = self.spec.section_fields(section.code)
            if not fields:
                continue
            self.section_title(section.vi)
            if section.level == "member":
                self.member_table(fields, prefill.members)
            else:
                for spec_field in fields:
                    self.question(spec_field)
        self.signatures(
            [Signer("RÀ SOÁT VIÊN"), Signer("CHỦ HỘ\n(hoặc người đại diện hộ)")],
            place_date="…………, ngày …… tháng …… năm ………",
        )

    # -- blocks --

    def heading(self) -> None:
        spec = self.spec
        self.set_font(FONT, size=8)
        self.cell(
            0,
            4,
            f"Mẫu {spec.code} · phiên bản {spec.version} · chuẩn {spec.standard}",
            align="R",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        self.set_font(FONT, "B", 13)
        self.multi_cell(0, 6.5, spec.title_vi.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
        legal = spec.legal_basis
        basis = str(legal.get("document", ""))
        if legal.get("annex"):
            basis += f", {legal['annex']}"
        self.set_font(FONT, "I", 9)
        self.multi_cell(0, 4.5, f"Căn cứ: {basis}", align="C", new_x="LMARGIN", new_y="NEXT")
        if not spec.verified:
            self.set_font(FONT, "I", 8)
            self.multi_cell(
                0,
                4,
                "Lưu ý: nội dung phiếu này chưa được đối chiếu với văn bản gốc; dùng theo hướng "
                "dẫn của địa phương.",
                align="C",
                new_x="LMARGIN",
                new_y="NEXT",
            )
        self.ln(3)

    def header_fields(self, prefill: Prefill) -> None:
        self.section_title("THÔNG TIN CHUNG")
        half = self.width / 2
        rows = [
            (("Mã hộ", prefill.household_code), ("Năm rà soát", "")),
            (("Họ và tên chủ hộ", prefill.head_name), None),
            (("Thôn, tổ dân phố", prefill.village), ("Xã, phường", prefill.commune)),
            (("Rà soát viên", ""), ("Ngày khảo sát", "……/……/…………")),
        ]
        for left, right in rows:
            top = self.get_y()
            self.labelled(left[0], left[1], self.l_margin, self.width if right is None else half)
            if right is not None:
                self.set_y(top)
                self.labelled(right[0], right[1], self.l_margin + half, half)
            self.set_y(top + 7)
        self.ln(2)

    def labelled(self, label: str, value: str, x: float, width: float) -> None:
        self.set_x(x)
        self.set_font(FONT, size=10)
        label_width = self.get_string_width(f"{label}: ") + 1
        self.cell(label_width, 6, f"{label}: ")
        if value:
            self.set_font(FONT, "B", 10)
            self.cell(width - label_width - 2, 6, value)
        else:
            self.dotted(self.get_x(), self.get_y() + 5, x + width - 3)

    def dotted(self, x1: float, y: float, x2: float) -> None:
        self.set_draw_color(120, 120, 120)
        self.set_dash_pattern(dash=0.4, gap=0.8)
        self.line(x1, y, x2, y)
        self.set_dash_pattern()
        self.set_draw_color(0, 0, 0)

    def section_title(self, text: str) -> None:
        self.need(14)
        self.ln(1)
        self.set_font(FONT, "B", 11)
        self.set_fill_color(235, 235, 235)
        self.multi_cell(0, 6.5, text, fill=True, new_x="LMARGIN", new_y="NEXT")
        self.set_fill_color(255, 255, 255)
        self.ln(1.5)

    def need(self, height: float) -> None:
        """A new page when ``height`` mm do not fit on this one (keeps a question whole)."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def question_text(self, spec_field: FormField, *, size: float = 10) -> None:
        self.number += 1
        self.set_font(FONT, "B", size)
        label = f"Câu {self.number}. "
        self.multi_cell(0, 5, f"{label}{spec_field.vi}", new_x="LMARGIN", new_y="NEXT")
        if spec_field.help_vi:
            self.set_font(FONT, "I", 8)
            self.set_x(self.l_margin + 6)
            self.multi_cell(0, 4, spec_field.help_vi, new_x="LMARGIN", new_y="NEXT")

    def question(self, spec_field: FormField) -> None:
        choices = (
            _choices(spec_field) if spec_field.type in (FieldType.BOOL, FieldType.ENUM) else []
        )
        self.need(12 + 5.5 * len(choices))
        self.question_text(spec_field)
        self.set_font(FONT, size=10)
        indent = self.l_margin + 6
        if choices:
            self.tick_boxes([label for _code, label in choices], indent)
        elif spec_field.type is FieldType.TEXT:
            for _line in range(2):
                self.dotted(indent, self.get_y() + 6, self.l_margin + self.width)
                self.ln(7)
        else:
            self.set_x(indent)
            y = self.get_y()
            self.dotted(indent, y + 5.5, indent + 60)
            unit = UNITS.get(spec_field.type, "")
            if unit:
                self.set_xy(indent + 61, y)
                self.cell(20, 6, unit)
            self.set_y(y + 7)
        self.ln(1)

    def tick_boxes(self, labels: Sequence[str], indent: float) -> None:
        """Boxes side by side when they fit on one line, else one per line."""
        widths = [BOX + 2 + self.get_string_width(label) + 8 for label in labels]
        inline = sum(widths) <= self.width - 6
        x, y = indent, self.get_y() + 0.5
        for label, width in zip(labels, widths, strict=True):
            if not inline:
                x = indent
            self.set_draw_color(0, 0, 0)
            self.rect(x, y + 1, BOX, BOX)
            self.set_xy(x + BOX + 1.5, y)
            if inline:
                self.cell(width - BOX - 1.5, 5.5, label)
                x += width
            else:
                self.multi_cell(
                    self.width - 6 - BOX - 1.5, 5.5, label, new_x="LMARGIN", new_y="NEXT"
                )
                y = self.get_y()
        self.set_y(y + (6 if inline else 0.5))

    def member_table(self, fields: Sequence[FormField], members: Sequence[str]) -> None:
        """The member questions as a numbered key with answer codes, then one table: a row per
        member, a column per question."""
        self.set_font(FONT, "I", 9)
        self.multi_cell(
            0,
            4.5,
            "Ghi cho từng thành viên của hộ (mỗi người một dòng) mã số câu trả lời vào cột của "
            "câu hỏi.",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        self.ln(1)
        first = self.number + 1
        for spec_field in fields:
            self.need(10)
            self.question_text(spec_field, size=9)
            self.set_font(FONT, size=8.5)
            self.set_x(self.l_margin + 6)
            if spec_field.type in (FieldType.BOOL, FieldType.ENUM):
                codes = "; ".join(f"{code} = {label}" for code, label in _choices(spec_field))
            else:
                unit = UNITS.get(spec_field.type, "")
                codes = "Ghi số" + (f" ({unit})" if unit else "")
            self.multi_cell(0, 4.2, codes, new_x="LMARGIN", new_y="NEXT")
            self.ln(0.5)
        self.ln(2)
        count = len(fields)
        name_width = 44.0
        column = (self.width - 8 - name_width) / count
        header = ["STT", "Họ và tên thành viên", *(f"C{first + i}" for i in range(count))]
        rows = [
            [str(i), name, *([""] * count)]
            for i, name in enumerate(
                [*members, *[""] * max(MEMBER_ROWS - len(members), 2)], start=1
            )
        ]
        self.need(20)
        self.set_font(FONT, size=8)
        with self.table(
            col_widths=(8, name_width, *([column] * count)),
            width=self.width,
            text_align=("CENTER", "LEFT", *(["CENTER"] * count)),
            line_height=7,
            padding=0.8,
        ) as table:
            head = table.row()
            for cell in header:
                head.cell(cell)
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(value)
        self.set_font(FONT, size=10)
        self.ln(2)
