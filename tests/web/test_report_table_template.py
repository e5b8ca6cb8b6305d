"""web/report_table.html: the report table as HTML, rendered by Django's template engine and
read back with an HTML parser."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.template import Context, Template
from django.template.loader import render_to_string

from tests.lib.report_samples import FORM1_UNITS, HOSTILE, form1, hostile, two_column_list


@dataclass
class Cell:
    tag: str
    attrs: dict[str, str]
    text: str = ""


@dataclass
class Parsed(HTMLParser):
    sections: dict[str, list[list[Cell]]] = field(default_factory=dict)
    row_classes: dict[str, list[str]] = field(default_factory=dict)
    tags: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()
        self.section = ""
        self.cell: Cell | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.tags.append((tag, values))
        if tag in {"thead", "tbody", "tfoot"}:
            self.section = tag
            self.sections[tag] = []
            self.row_classes[tag] = []
        elif tag == "tr":
            self.sections[self.section].append([])
            self.row_classes[self.section].append(values.get("class", ""))
        elif tag in {"th", "td"}:
            self.cell = Cell(tag, values)
            self.sections[self.section][-1].append(self.cell)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"th", "td"}:
            self.cell = None

    def handle_data(self, data: str) -> None:
        self.texts.append(data)
        if self.cell is not None:
            self.cell.text += data


def _parse(html: str) -> Parsed:
    parsed = Parsed()
    parsed.feed(html)
    return parsed


def _vn(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def test_form1_renders_merged_headings_numbering_rows_and_totals() -> None:
    html = render_to_string("web/report_table.html", {"table": form1()})
    parsed = _parse(html)
    head = parsed.sections["thead"]
    assert len(head) == 4  # three heading rows and the numbering row
    spans = [
        [(c.text, c.attrs.get("colspan", "1"), c.attrs.get("rowspan", "1")) for c in r]
        for r in head[:3]
    ]
    assert spans[0] == [
        ("TT", "1", "3"),
        ("Phường/Xã", "1", "3"),
        ("Tổng số hộ dân cư (tại thời điểm rà soát)", "2", "1"),
        ("Kết quả rà soát về hộ (chính thức)", "4", "1"),
    ]
    assert spans[1] == [
        ("Số hộ", "1", "2"),
        ("Nhân khẩu", "1", "2"),
        ("Hộ nghèo", "2", "1"),
        ("Hộ cận nghèo", "2", "1"),
    ]
    assert [c.text for c in head[2]] == ["Số hộ", "Tỷ lệ (%)", "Số hộ", "Tỷ lệ (%)"]
    assert [c.text for c in head[3]] == ["A", "B", "1", "2", "3", "4=3/1*100", "5", "6=5/1*100"]
    body = parsed.sections["tbody"]
    assert len(body) == len(FORM1_UNITS)
    for row, classes, unit in zip(body, parsed.row_classes["tbody"], FORM1_UNITS, strict=True):
        number, name, depth, households, people, poor, _near_poor = unit
        assert [c.text for c in row[:5]] == [number, name, _vn(households), _vn(people), _vn(poor)]
        assert all("num" in c.attrs["class"].split() for c in row[2:])
        assert ("report-strong" in classes) == (depth == 0)
        assert ("report-indent-1" in row[1].attrs.get("class", "")) == (depth == 1)
        assert "report-center" in row[0].attrs["class"]
    total = parsed.sections["tfoot"]
    assert len(total) == 1 and total[0][1].text == "Tổng cộng"
    top = [unit for unit in FORM1_UNITS if unit[2] == 0]
    assert total[0][2].text == _vn(sum(unit[3] for unit in top))
    assert "25,28" in html  # a rate with a decimal comma
    assert "Ghi chú: mẫu biểu chưa được kiểm chứng" in html
    assert "Biểu số 01" in html and form1().title in html


def test_no_inline_style_or_script_and_a_scroll_wrapper() -> None:
    parsed = _parse(render_to_string("web/report_table.html", {"table": form1()}))
    assert not any(
        "style" in attrs or any(a.startswith("on") for a in attrs) for _t, attrs in parsed.tags
    )
    assert not any(tag in {"script", "style"} for tag, _attrs in parsed.tags)
    wrappers = [attrs for tag, attrs in parsed.tags if tag == "div"]
    assert {"class": "table-wrap"} in wrappers


def test_a_list_without_totals_and_hostile_text_escaped() -> None:
    parsed = _parse(render_to_string("web/report_table.html", {"table": two_column_list(2)}))
    assert "tfoot" not in parsed.sections
    assert [[c.text for c in row] for row in parsed.sections["tbody"]] == [
        ["1", "Nguyễn Văn Ánh 1"],
        ["2", "Nguyễn Văn Ánh 2"],
    ]
    table = hostile()
    html = render_to_string("web/report_table.html", {"table": table})
    assert '"bấm"' not in html and "&quot;bấm&quot;" in html  # escaped
    parsed = _parse(html)
    assert [row[0].text for row in parsed.sections["tbody"]] == list(HOSTILE)


def test_it_is_included_as_the_contract_says() -> None:
    template = Template('{% include "web/report_table.html" with table=report %}')
    parsed = _parse(template.render(Context({"report": form1()})))
    assert len(parsed.sections["tbody"]) == len(FORM1_UNITS)
