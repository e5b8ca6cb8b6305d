"""The policy handbook's generated parts: the standards pages, built from the rule packs each
time they are shown (so they can never disagree with the engine), and the light markup of the
editable pages."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from giamngheo.lib.formatting import format_date, format_money
from giamngheo.lib.text import search_key
from giamngheo.standards import available_standards, load_pack

# -- light markup -----------------------------------------------------------------------------

# [[đã kiểm chứng]] / [[kiểm chứng một phần]] / [[chưa kiểm chứng]], written with or without
# accents: the tag is matched on its accent-free form.
_TAG = re.compile(r"\[\[([^\]]{1,40})\]\]")
_TAG_CLASSES = {
    "da kiem chung": "verified",
    "kiem chung mot phan": "partly",
    "chua kiem chung": "unverified",
}


def _tag(match: re.Match[str]) -> str:
    css = _TAG_CLASSES.get(search_key(match.group(1)))
    if css is None:
        return match.group(0)
    return f'<span class="badge check-{css}">{match.group(1)}</span>'


def _inline(text: str) -> str:
    return _TAG.sub(_tag, escape(text))


def render_body(text: str) -> SafeString:
    """Headings ("## "), items ("- ") and paragraphs; everything else is escaped."""
    html: list[str] = []
    in_list = False
    paragraph: list[str] = []

    def flush() -> None:
        nonlocal in_list
        if paragraph:
            html.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if in_list:
            html.append("</ul>")
            in_list = False

    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("## "):
            flush()
            html.append(f"<h2>{_inline(line[3:])}</h2>")
        elif line.startswith("- "):
            if paragraph:
                html.append(f"<p>{_inline(' '.join(paragraph))}</p>")
                paragraph.clear()
            if not in_list:
                html.append("<ul>")
                in_list = True
            html.append(f"<li>{_inline(line[2:])}</li>")
        elif not line:
            flush()
        else:
            if in_list:
                html.append("</ul>")
                in_list = False
            paragraph.append(line)
    flush()
    # Every piece of user text went through escape() above.
    return mark_safe("\n".join(html))  # noqa: S308


def unverified_count(text: str) -> int:
    return sum(1 for m in _TAG.finditer(text) if search_key(m.group(1)) == "chua kiem chung")


# -- standards pages --------------------------------------------------------------------------


@dataclass
class Fact:
    label: str
    value: str
    verified: bool
    source: str = ""
    note: str = ""


@dataclass
class IndicatorFact:
    dimension: str
    label: str
    threshold: str
    verified: bool
    source: str
    note: str = ""


@dataclass
class StandardPage:
    code: str
    version: str
    title: str
    legal_basis: Fact
    facts: list[Fact]
    indicators: list[IndicatorFact]
    search_text: str = field(repr=False, default="")

    @property
    def unverified(self) -> int:
        facts = [self.legal_basis, *self.facts]
        return sum(not f.verified for f in facts) + sum(not i.verified for i in self.indicators)


def _text(value: Any, english: bool) -> str:
    if isinstance(value, dict):
        return str(value.get("en" if english else "vi", value.get("vi", "")))
    return str(value)


def _lines(table: dict[str, Any]) -> str:
    parts = []
    for area, label in (("rural", _("nông thôn")), ("urban", _("thành thị"))):
        if area in table:
            parts.append(f"{label}: {format_money(table[area])}")
    return "; ".join(parts)


@cache
def _standard_page(code: str, english: bool) -> StandardPage:
    # The pack's JSON-like dictionary (the same as `giamngheo standards show --format json`).
    data: Any = load_pack(code).to_dict()
    basis = data["legal_basis"]
    basis_text = ", ".join(
        part
        for part in (
            basis.get("article", ""),
            basis["document"],
            _("ngày %(d)s") % {"d": format_date(_iso(basis["date"]))} if basis.get("date") else "",
        )
        if part
    )
    facts: list[Fact] = []
    years = data["review_years"]
    facts.append(
        Fact(
            _("Áp dụng cho rà soát các năm"),
            f"{years['first']}–{years['last']}",
            years["verified"],
            years.get("source", ""),
            years.get("note", ""),
        )
    )
    line_labels = {
        "poverty": _("Chuẩn nghèo (thu nhập bình quân đầu người/tháng)"),
        "near_poverty": _("Chuẩn cận nghèo"),
        "average_living_standard": _("Mức sống trung bình (cận trên)"),
    }
    for key, label in line_labels.items():
        table = data["income_lines"].get(key)
        if table:
            facts.append(
                Fact(
                    label, _lines(table), table["verified"], table["source"], table.get("note", "")
                )
            )
    rule = data["classification"]
    facts.append(
        Fact(
            _("Cách xác định hộ nghèo, hộ cận nghèo"),
            _text(rule["reference"], english)
            + " — "
            + (
                _(
                    "thu nhập từ chuẩn nghèo trở xuống và thiếu hụt từ %(n)s chỉ số trở lên "
                    "là hộ nghèo"
                )
                if rule["rule"] == "income_and_count"
                else _(
                    "thu nhập từ chuẩn nghèo trở xuống là hộ nghèo; trên chuẩn nghèo đến chuẩn cận "
                    "nghèo và thiếu hụt từ %(n)s chỉ số trở lên là hộ nghèo"
                )
            )
            % {"n": rule["deprivation_cutoff"]},
            rule["verified"],
            rule["source"],
            rule.get("note", ""),
        )
    )
    score = data.get("score_method")
    if score:
        cut = score["income_score_cutoff"]
        facts.append(
            Fact(
                _("Phương pháp chấm điểm"),
                _text(score["reference"], english)
                + " — "
                + _(
                    "điểm A từ %(rural)s (nông thôn) / %(urban)s (thành thị) trở xuống; "
                    "%(points)s điểm B cho mỗi chỉ số thiếu hụt; "
                    "điểm B từ %(b)s trở lên là hộ nghèo"
                )
                % {
                    "rural": cut["rural"],
                    "urban": cut["urban"],
                    "points": score["points_per_deprivation"],
                    "b": score["deprivation_score_cutoff"],
                },
                score["verified"],
                score["source"],
                score.get("note", ""),
            )
        )
    dimensions = {d["code"]: _text(d["label"], english) for d in data["dimensions"]}
    indicators = [
        IndicatorFact(
            dimensions.get(i["dimension"], i["dimension"]),
            _text(i["label"], english),
            _text(i.get("threshold", ""), english),
            i["verified"],
            i.get("source", ""),
            i.get("note", ""),
        )
        for i in data["indicators"]
    ]
    page = StandardPage(
        code=code,
        version=data["version"],
        title=_text(data["name"], english),
        legal_basis=Fact(
            _("Căn cứ pháp lý"),
            basis_text,
            basis["verified"],
            basis.get("source", ""),
            basis.get("note", ""),
        ),
        facts=facts,
        indicators=indicators,
    )
    page.search_text = search_key(
        " ".join(
            [page.code, page.title, basis_text]
            + [f"{f.label} {f.value}" for f in facts]
            + [f"{i.dimension} {i.label} {i.threshold}" for i in indicators]
        )
    )
    return page


def _iso(text: str) -> Any:

    return dt.date.fromisoformat(text)


def _english() -> bool:
    return (get_language() or "vi").startswith("en")


def standard_page(code: str) -> StandardPage | None:
    if code not in available_standards():
        return None
    return _standard_page(code, _english())


def standard_pages() -> list[StandardPage]:
    """One page per national rule pack, newest standard first."""
    return [_standard_page(code, _english()) for code in reversed(available_standards())]


def search_standard_pages(query: str) -> list[StandardPage]:
    """Standards pages containing every word of ``query`` (accents ignored). Three packs: a
    scan in memory is cheaper than storing copies that could go stale."""
    words = search_key(query).split()
    if not words:
        return []
    # The same rule as selectors.words_filter: every word starts a word of the page.
    patterns = [re.compile(r"\b" + re.escape(word)) for word in words]
    return [page for page in standard_pages() if all(p.search(page.search_text) for p in patterns)]
