"""Report tables built by hand for the writers' tests (xlsx, PDF, HTML): a Form 1-like table
with three heading levels, nested rows, totals and signatures; a two-column list; hostile text."""

from __future__ import annotations

from decimal import Decimal

from giamngheo.lib.report_table import (
    Column,
    ColumnGroup,
    ReportTable,
    Row,
    Signature,
)

# (number, name, depth, households, people, poor, near_poor); the commune rows are the sums of
# their villages, the rates are computed here (not by the writers) as a builder would.
FORM1_UNITS = [
    ("1", "Xã Hướng Phùng", 0, 1234, 5021, 312, 97),
    ("1.1", "Thôn Cù Bai", 1, 600, 2500, 200, 50),
    ("1.2", "Thôn Xa Rường", 1, 634, 2521, 112, 47),
    ("2", "Xã Đakrông", 0, 987, 4105, 45, 60),
    ("2.1", "Bản Ba Lòng", 1, 987, 4105, 45, 60),
]


def rate(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"))


def form1_header() -> tuple[ColumnGroup | Column, ...]:
    return (
        Column("tt", "TT", "A", kind="label"),
        Column("name", "Phường/Xã", "B", kind="label"),
        ColumnGroup(
            "Tổng số hộ dân cư (tại thời điểm rà soát)",
            (Column("households", "Số hộ", "1"), Column("people", "Nhân khẩu", "2")),
        ),
        ColumnGroup(
            "Kết quả rà soát về hộ (chính thức)",
            (
                ColumnGroup(
                    "Hộ nghèo",
                    (
                        Column("poor", "Số hộ", "3"),
                        Column("poor_rate", "Tỷ lệ (%)", "4=3/1*100", kind="rate"),
                    ),
                ),
                ColumnGroup(
                    "Hộ cận nghèo",
                    (
                        Column("near_poor", "Số hộ", "5"),
                        Column("near_poor_rate", "Tỷ lệ (%)", "6=5/1*100", kind="rate"),
                    ),
                ),
            ),
        ),
    )


def form1() -> ReportTable:
    rows = tuple(
        Row(
            {
                "tt": number,
                "name": name,
                "households": households,
                "people": people,
                "poor": poor,
                "poor_rate": rate(poor, households),
                "near_poor": near_poor,
                "near_poor_rate": rate(near_poor, households),
            },
            depth=depth,
        )
        for number, name, depth, households, people, poor, near_poor in FORM1_UNITS
    )
    top = [unit for unit in FORM1_UNITS if unit[2] == 0]
    households = sum(unit[3] for unit in top)
    poor = sum(unit[5] for unit in top)
    near_poor = sum(unit[6] for unit in top)
    total = Row(
        {
            "name": "Tổng cộng",
            "households": households,
            "people": sum(unit[4] for unit in top),
            "poor": poor,
            "poor_rate": rate(poor, households),
            "near_poor": near_poor,
            "near_poor_rate": rate(near_poor, households),
        },
        emphasis=True,
    )
    return ReportTable(
        marker="Biểu số 01",
        issuer=("ỦY BAN NHÂN DÂN", "HUYỆN HƯỚNG HÓA"),
        title="TỔNG HỢP KẾT QUẢ CHÍNH THỨC RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2025",
        subtitle="(Kèm theo báo cáo kết quả rà soát định kỳ)",
        unit_line="Đơn vị tính: hộ, người, %",
        header=form1_header(),
        rows=rows,
        total=total,
        place_date="Hướng Hóa, ngày 15 tháng 12 năm 2025",
        signatures=(
            Signature("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)", "Trần Thị Bích"),
            Signature("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", "(Ký tên, đóng dấu)"),
        ),
        notes=("Ghi chú: mẫu biểu chưa được kiểm chứng với văn bản gốc.",),
        landscape=True,
    )


def two_column_list(count: int = 3) -> ReportTable:
    return ReportTable(
        marker="Phụ lục số 2.3",
        issuer=("ỦY BAN NHÂN DÂN", "XÃ AN BÌNH"),
        title="DANH SÁCH HỘ NGHÈO NĂM 2025",
        subtitle="",
        unit_line="",
        header=(
            Column("no", "STT", "A", kind="label"),
            Column("head", "Họ và tên chủ hộ", "B", kind="text"),
        ),
        rows=tuple(
            Row({"no": str(index), "head": f"Nguyễn Văn Ánh {index}"})
            for index in range(1, count + 1)
        ),
        landscape=False,
    )


HOSTILE = ('=HYPERLINK("http://x.invalid/","bấm")', "+1+2", "@SUM(A1)", "-3+cmd|' /C calc'!A0")


def hostile() -> ReportTable:
    return ReportTable(
        marker="=1+1",
        issuer=("@ỦY BAN",),
        title="+TITLE",
        subtitle="-sub",
        unit_line="=unit",
        header=(
            Column("name", "=heading", "A", kind="label"),
            Column("note", "Ghi chú", "+B", kind="text"),
            Column("n", "Số", "1"),
        ),
        rows=tuple(
            Row({"name": text, "note": text, "n": index}) for index, text in enumerate(HOSTILE)
        ),
        notes=("=note",),
        place_date="@place",
        signatures=(Signature("=SIGN", "+hint", "-name"),),
    )
