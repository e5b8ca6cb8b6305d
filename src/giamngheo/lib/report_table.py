"""The shape of an official report table, independent of where its figures come from and of the
file it is written to (xlsx, PDF, HTML).

The layout follows the provincial templates of the review's reports (see
``shared/domain/report_forms.md`` §5): a marker top right ("Mẫu số …" / "Phụ lục …"), the issuing
body on the left and the national motto on the right, a centred title, an italic line under it,
the unit line, two or three levels of merged column headings, a numbering row (letters for label
columns, numbers for data, derived columns with their formula: "4=3/1*100"), rows that may be
nested (a commune "1" in bold, its villages "1.1"), a totals row and the signature block.

Values are exact: counts are ``int``, rates are ``Decimal`` already rounded as the form says
(two decimals), a tick is ``True`` (printed "x"), a label is ``str``, an empty cell ``None``.
Writers format them (1.234 in Vietnamese documents, a number format in xlsx) but never compute.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

CellValue = int | Decimal | str | bool | None
ColumnKind = Literal["label", "count", "rate", "text", "mark"]


@dataclass(frozen=True)
class Column:
    """A leaf column: its key in each row's ``values``, the lowest heading cell and the numbering
    row's cell ("A", "B", "1", "4=3/1*100")."""

    key: str
    heading: str
    number: str
    kind: ColumnKind = "count"
    width: float = 0.0  # relative width hint for writers; 0 lets the writer choose


@dataclass(frozen=True)
class ColumnGroup:
    """A heading cell merged over its children (groups or columns)."""

    heading: str
    children: tuple[ColumnGroup | Column, ...]

    def leaves(self) -> Iterator[Column]:
        for child in self.children:
            if isinstance(child, Column):
                yield child
            else:
                yield from child.leaves()


HeaderNode = ColumnGroup | Column


@dataclass(frozen=True)
class Row:
    """One line of the table. ``depth`` 0 is the top level (printed bold when the table has
    deeper rows); ``emphasis`` marks totals and sub-totals."""

    values: Mapping[str, CellValue]
    depth: int = 0
    emphasis: bool = False


@dataclass(frozen=True)
class Signature:
    """A signature cell: "NGƯỜI LẬP BIỂU" over "(Ký, ghi rõ họ tên)"; ``name`` printed under the
    space left for the signature when it is known."""

    title: str
    hint: str
    name: str = ""


@dataclass(frozen=True)
class ReportTable:
    marker: str  # top right, e.g. "Biểu số 01" (bold italics)
    issuer: tuple[str, ...]  # left header lines, e.g. ("ỦY BAN NHÂN DÂN", "XÃ AN BÌNH")
    title: str  # centred, capitals, with the area and the year
    subtitle: str  # the italic line under the title ("" for none)
    unit_line: str  # "Đơn vị tính: hộ, người, %" ("" for none)
    header: tuple[HeaderNode, ...]
    rows: tuple[Row, ...]
    total: Row | None = None  # the "Tổng cộng" line, printed last in bold
    place_date: str = ""  # "…, ngày … tháng … năm …" above the signatures (italic, right)
    signatures: tuple[Signature, ...] = ()
    notes: tuple[str, ...] = ()  # lines under the table (sources, "mẫu chưa kiểm chứng", …)
    landscape: bool = True
    legal_basis: str = ""
    verified: bool = False
    metadata: Mapping[str, str] = field(default_factory=dict)  # form number, area code, year…

    def columns(self) -> list[Column]:
        """The leaf columns, left to right."""
        leaves: list[Column] = []
        for node in self.header:
            if isinstance(node, Column):
                leaves.append(node)
            else:
                leaves.extend(node.leaves())
        return leaves

    def header_depth(self) -> int:
        """How many heading rows the merged header needs (the numbering row not counted)."""

        def depth(node: HeaderNode) -> int:
            if isinstance(node, Column):
                return 1
            return 1 + max((depth(child) for child in node.children), default=0)

        return max((depth(node) for node in self.header), default=0)
