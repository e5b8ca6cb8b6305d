"""A form (``reports.forms``) and the figures of an area and year → a ``lib.report_table``.

Rows are the sub-areas with figures (a province's communes, a commune's villages), numbered
1, 2, … (with "Hộ" / "Nhân khẩu" rows under each when the form splits them), then the totals
row "Tổng cộng" = the area's own figures (the sum of its sub-areas). The header block names the
issuer ("ỦY BAN NHÂN DÂN" + the unit), the title carries the area and the year; the signature
block and a note when the form is unverified. Two queries whatever the number of sub-areas.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib import clock
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
        Column("tt", _("TT"), "A", "label"),
        Column(
            "area",
            _("Xã, phường") if unit.level == Level.PROVINCE else _("Thôn, tổ dân phố"),
            "B",
            "label",
        ),
    ]
    if form.split:
        labels.append(Column("split", _("Phân tổ"), "C", "label"))
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
    """ "TỈNH QUẢNG TRỊ", "XÃ MINH HÓA": the unit's name with its type when the name lacks it
    (provinces are stored without "Tỉnh")."""
    kind = str(unit.get_unit_type_display())
    name = unit.name
    if kind and not name.lower().startswith(kind.lower().split()[0]):
        name = f"{kind} {name}"
    return name.upper()


def past_year_note() -> str:
    """What a past year's figures read from that year and what from today's registry
    (``reports.measures``' docstring): the latter were not recorded per year."""
    return _(
        "Năm đã qua: tình trạng hộ theo quyết định công nhận và lịch sử phân loại của năm đó, "
        "không tính hộ hình thành sau năm đó. Nhóm hộ (dân tộc thiểu số, có công, không có khả "
        "năng lao động, bảo trợ xã hội), dân tộc và giới tính chủ hộ, nguyên nhân nghèo, trẻ "
        "em, và nhân khẩu của hộ không có trong quyết định của năm: theo thông tin hiện tại "
        "(không được ghi lại theo từng năm)."
    )


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
    if year < clock.today().year:
        notes.append(past_year_note())
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
