"""A form (``reports.forms``) and the figures of an area and year → a ``lib.report_table``.

Rows are the sub-areas with figures (a province's communes, a commune's villages), numbered
1, 2, … (with "Hộ" / "Nhân khẩu" rows under each when the form splits them), then the totals
row "Tổng cộng" = the area's own figures (the sum of its sub-areas). The header block names the
issuer ("ỦY BAN NHÂN DÂN" + the unit), the title carries the area and the year; the signature
block and a note when the form is unverified. Two queries whatever the number of sub-areas.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib.errors import DomainError
from giamngheo.lib.report_table import (
    CellValue,
    Column,
    ColumnGroup,
    ColumnKind,
    HeaderNode,
    ReportTable,
    Row,
    Signature,
)
from giamngheo.reports import selectors
from giamngheo.reports.forms import FormColumn, FormDef, FormGroup


class FormUnavailable(DomainError):
    """The form cannot be made for this area (unknown, another level, outside the reach)."""


def _header(
    form: FormDef, unit: AdministrativeUnit
) -> tuple[tuple[HeaderNode, ...], list[tuple[str, FormColumn]]]:
    """The table's header and its leaves (key, form column)."""
    leaves: list[tuple[str, FormColumn]] = []

    def convert(node: FormGroup | FormColumn) -> HeaderNode:
        if isinstance(node, FormColumn):
            key = f"c{len(leaves) + 1}"
            leaves.append((key, node))
            kind: ColumnKind = "rate" if node.kind == "rate" else "count"
            return Column(key=key, heading=node.heading, number=node.number, kind=kind)
        return ColumnGroup(node.heading, tuple(convert(child) for child in node.children))

    labels: list[HeaderNode] = [
        Column("tt", _("TT"), "A", "label", 0.5),
        Column(
            "area",
            _("Xã, phường") if unit.level == Level.PROVINCE else _("Thôn, tổ dân phố"),
            "B",
            "label",
            2.5,
        ),
    ]
    if form.split:
        labels.append(Column("split", _("Phân tổ"), "C", "label", 1.0))
    data = [convert(node) for node in form.header]
    return (*labels, *data), leaves


def _rows(
    form: FormDef,
    leaves: list[tuple[str, FormColumn]],
    figures: Mapping[str, int],
    number: str,
    name: str,
    *,
    emphasis: bool = False,
) -> list[Row]:
    split_labels = {"households": _("Hộ"), "people": _("Nhân khẩu")}
    if not form.split:
        values: dict[str, CellValue] = {"tt": number, "area": name}
        values |= {key: column.value.evaluate(figures) for key, column in leaves}
        return [Row(values, emphasis=emphasis)]
    rows = []
    for index, part in enumerate(form.split):
        values = {
            "tt": number if index == 0 else "",
            "area": name if index == 0 else "",
            "split": split_labels[part],
        }
        for key, column in leaves:
            expr = column.value if part == "households" else column.people_value
            values[key] = expr.evaluate(figures)
        rows.append(Row(values, depth=0 if index == 0 else 1, emphasis=emphasis))
    return rows


def _area_name(unit: AdministrativeUnit) -> str:
    return unit.name.upper()


def build_table(
    form: FormDef, *, viewer: Viewer | None, unit: AdministrativeUnit, year: int
) -> ReportTable | None:
    """The table of ``form`` for ``unit`` and ``year`` as ``viewer`` sees it; ``None`` outside
    the viewer's reach. Raises :class:`FormUnavailable` when the form is not made at the unit's
    level."""
    if unit.level not in form.levels:
        raise FormUnavailable(_("Biểu này không lập ở cấp của địa bàn đã chọn."))
    total = selectors.area_figures(viewer, unit, year)
    subs = selectors.sub_area_figures(viewer, unit, year)
    if total is None or subs is None:
        return None
    header, leaves = _header(form, unit)
    rows: list[Row] = []
    for index, (sub, figures) in enumerate(subs, start=1):
        rows += _rows(form, leaves, figures, str(index), sub.name)
    totals = _rows(form, leaves, total, "", _("Tổng cộng"), emphasis=True)
    if len(totals) > 1:  # the split totals: the first closes the table, the rest precede it
        rows += totals[:-1]
    level_name = _("TỈNH") if unit.level == Level.PROVINCE else _("XÃ")
    notes = [_("Nguồn mẫu: %(source)s.") % {"source": form.source}] if form.source else []
    if not form.verified:
        notes.insert(
            0,
            _(
                "Mẫu biểu chưa kiểm chứng với văn bản chính thức (Thông tư 07/2021/TT-BLĐTBXH "
                "Phụ lục VII): tên, cột và cách tính có thể khác."
            ),
        )
    standard = selectors.standard_of(unit, year)
    if standard:
        notes.append(_("Chuẩn nghèo áp dụng: %(standard)s.") % {"standard": standard})
    return ReportTable(
        marker=form.marker,
        issuer=(_("ỦY BAN NHÂN DÂN"), _area_name(unit)),
        title=_("%(title)s %(area)s NĂM %(year)s")
        % {"title": form.title, "area": _area_name(unit), "year": year},
        subtitle=form.subtitle,
        unit_line=form.unit_line,
        header=header,
        rows=tuple(rows),
        total=totals[-1],
        place_date=_("…, ngày … tháng … năm …"),
        signatures=(
            Signature(_("NGƯỜI LẬP BIỂU"), _("(Ký, ghi rõ họ tên)")),
            Signature(
                _("TM. ỦY BAN NHÂN DÂN") + "\n" + _("CHỦ TỊCH"),
                _("(Ký tên, đóng dấu)"),
            ),
        ),
        notes=tuple(notes),
        landscape=True,
        legal_basis=form.legal_basis,
        verified=form.verified,
        metadata={
            "form": form.code,
            "area": unit.code,
            "area_name": unit.name,
            "level": str(unit.level),
            "year": str(year),
            "level_name": str(level_name),
            "standard": standard,
        },
    )


@dataclass(frozen=True)
class HeadingCell:
    text: str
    colspan: int
    rowspan: int


def header_grid(table: ReportTable) -> list[list[HeadingCell]]:
    """The merged heading rows of ``table`` for an HTML table (a group spans its leaves, a
    leaf spans down to the numbering row)."""
    depth = table.header_depth()
    grid: list[list[HeadingCell]] = [[] for _ in range(depth)]

    def place(node: HeaderNode, level: int) -> int:
        if isinstance(node, Column):
            grid[level].append(HeadingCell(node.heading, 1, depth - level))
            return 1
        span = 0
        cell_index = len(grid[level])
        grid[level].append(HeadingCell(node.heading, 0, 1))
        for child in node.children:
            span += place(child, level + 1)
        grid[level][cell_index] = HeadingCell(node.heading, span, 1)
        return span

    for node in table.header:
        place(node, 0)
    return grid
