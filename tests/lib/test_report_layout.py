from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from giamngheo.lib.report_layout import cell_text, heading_grid, table_layout
from giamngheo.lib.report_table import Column, ColumnGroup, HeaderNode, ReportTable, Row
from tests.lib.report_samples import form1, two_column_list

_counter = iter(range(10**9))


def _column(heading: str) -> Column:
    index = next(_counter)
    return Column(f"c{index}", heading, str(index))


words = st.sampled_from(["", "Số hộ", "Tỷ lệ (%)", "Hộ nghèo"])
leaves = words.map(_column)
nodes: st.SearchStrategy[HeaderNode] = st.recursive(
    leaves,
    lambda children: st.builds(ColumnGroup, words, st.lists(children, max_size=4).map(tuple)),
    max_leaves=25,
)
headers = st.lists(nodes, max_size=6).map(tuple)


def _leaves(node: HeaderNode) -> list[Column]:
    return [node] if isinstance(node, Column) else list(node.leaves())


def _has_leaf(node: HeaderNode) -> bool:
    return bool(_leaves(node))


def _depth_with_leaves(node: HeaderNode) -> int:
    """Depth counted only through groups that hold a leaf (independent of the code under test)."""
    if isinstance(node, Column):
        return 1
    return 1 + max(_depth_with_leaves(child) for child in node.children if _has_leaf(child))


@given(headers)
def test_the_grid_covers_every_leaf_exactly_once_in_every_row(
    header: tuple[HeaderNode, ...],
) -> None:
    table = ReportTable("", (), "", "", "", header, ())
    expected = table.columns()
    grid = heading_grid(header)
    depth = max((_depth_with_leaves(node) for node in header if _has_leaf(node)), default=0)
    assert len(grid) == depth
    covered: dict[tuple[int, int], int] = {}
    for row_index, cells in enumerate(grid):
        assert [cell.column for cell in cells] == sorted(cell.column for cell in cells)
        for cell in cells:
            assert cell.row == row_index
            assert cell.colspan >= 1 and cell.rowspan >= 1
            for row in range(cell.row, cell.row + cell.rowspan):
                for column in range(cell.column, cell.column + cell.colspan):
                    covered[(row, column)] = covered.get((row, column), 0) + 1
    assert covered == {(r, c): 1 for r in range(depth) for c in range(len(expected))}
    leaf_cells = [cell for cells in grid for cell in cells if cell.leaf is not None]
    assert [cell.leaf for cell in sorted(leaf_cells, key=lambda c: c.column)] == expected
    for cell in leaf_cells:
        assert cell.colspan == 1
        assert cell.row + cell.rowspan == depth  # a leaf reaches the last heading row
        assert cell.text == cell.leaf.heading  # type: ignore[union-attr]


@given(headers)
def test_a_group_spans_exactly_its_leaves(header: tuple[HeaderNode, ...]) -> None:
    columns = ReportTable("", (), "", "", "", header, ()).columns()
    groups: list[ColumnGroup] = []

    def collect(node: HeaderNode) -> None:
        if isinstance(node, ColumnGroup) and _has_leaf(node):
            groups.append(node)
            for child in node.children:
                collect(child)

    for node in header:
        collect(node)
    spans = sorted(
        (cell.column, cell.colspan, cell.text)
        for cells in heading_grid(header)
        for cell in cells
        if cell.leaf is None
    )
    expected = sorted(
        (columns.index(next(group.leaves())), len(list(group.leaves())), group.heading)
        for group in groups
    )
    assert spans == expected


def test_form1_grid_and_numbering_row() -> None:
    layout = table_layout(form1())
    assert layout.depth == 3
    top = [(c.text, c.column, c.colspan, c.rowspan) for c in layout.heading[0]]
    assert top == [
        ("TT", 0, 1, 3),
        ("Phường/Xã", 1, 1, 3),
        ("Tổng số hộ dân cư (tại thời điểm rà soát)", 2, 2, 1),
        ("Kết quả rà soát về hộ (chính thức)", 4, 4, 1),
    ]
    middle = [(c.text, c.column, c.colspan, c.rowspan) for c in layout.heading[1]]
    assert middle == [
        ("Số hộ", 2, 1, 2),
        ("Nhân khẩu", 3, 1, 2),
        ("Hộ nghèo", 4, 2, 1),
        ("Hộ cận nghèo", 6, 2, 1),
    ]
    assert [c.text for c in layout.heading[2]] == ["Số hộ", "Tỷ lệ (%)", "Số hộ", "Tỷ lệ (%)"]
    assert layout.numbers == ("A", "B", "1", "2", "3", "4=3/1*100", "5", "6=5/1*100")
    assert layout.aligns[:3] == ("center", "left", "right")
    assert layout.indent_column == 1  # the names, not the "1.1" beside them
    assert layout.nested


def test_bold_rows_are_totals_and_the_top_level_of_a_nested_table() -> None:
    table = form1()
    layout = table_layout(table)
    assert [layout.is_bold(row) for row in table.rows] == [True, False, False, True, False]
    assert table.total is not None and layout.is_bold(table.total)
    flat = table_layout(two_column_list())
    assert not flat.nested
    assert not any(flat.is_bold(row) for row in two_column_list().rows)


def test_cell_text_in_vietnamese_conventions() -> None:
    assert cell_text(1234567) == "1.234.567"
    assert cell_text(Decimal("12.34"), "rate") == "12,34"
    assert cell_text(Decimal("7"), "rate") == "7,00"
    assert cell_text(5, "rate") == "5,00"
    assert cell_text(Decimal("1234.5")) == "1.234,5"
    assert cell_text(True, "mark") == "x"
    assert cell_text(False, "mark") == ""
    assert cell_text(None) == ""
    assert cell_text("=A1", "label") == "=A1"


def test_empty_groups_take_no_column() -> None:
    header = (
        Column("a", "A", "1"),
        ColumnGroup("empty", (ColumnGroup("deeper", ()),)),
        ColumnGroup("g", (Column("b", "B", "2"),)),
    )
    grid = heading_grid(header)
    assert [[(c.text, c.column) for c in row] for row in grid] == [
        [("A", 0), ("g", 1)],
        [("B", 1)],
    ]


def test_widths_follow_hints_and_values() -> None:
    table = ReportTable(
        "",
        (),
        "",
        "",
        "",
        (Column("a", "A", "1", width=12.5), Column("b", "Tên", "2", kind="label")),
        (Row({"b": "Một tên khá dài ở đây"}),),
    )
    widths = table_layout(table).widths
    assert widths[0] == 12.5
    assert widths[1] == len("Một tên khá dài ở đây") + 1
