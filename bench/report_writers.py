"""Benchmark: the report table writers (``lib.report_xlsx``, ``lib.report_pdf``) on a long
detailed list (issue 14: a commune's household list can run to 10,000 rows).

Each measurement runs in its own process, so that its peak memory (``ru_maxrss``) is its own:
the table is built first (its size is reported as ``table_mb``), then written. Floors measured
in the same run: for the xlsx, openpyxl's write-only mode appending the same raw values with no
style, merge or layout; for the PDF, the same document class drawing every cell's text at a
fixed place with ``text()`` and nothing else. Prints JSON with the ratios; not a test.

    giamngheo bench report_writers --rows 50000 --writers xlsx
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import time
from decimal import Decimal
from typing import Any


def _table(rows: int) -> Any:
    from giamngheo.lib.report_table import Column, ColumnGroup, ReportTable, Row, Signature

    header = (
        Column("tt", "TT", "A", kind="label"),
        Column("name", "Họ và tên", "B", kind="label"),
        ColumnGroup(
            "Tổng số",
            (Column("households", "Số hộ", "1"), Column("people", "Nhân khẩu", "2")),
        ),
        ColumnGroup(
            "Hộ nghèo",
            (Column("poor", "Số hộ", "3"), Column("rate", "Tỷ lệ", "4=3/1*100", kind="rate")),
        ),
        Column("merit", "Có công", "5", kind="mark"),
    )
    return ReportTable(
        "Biểu số 15",
        ("ỦY BAN NHÂN DÂN", "XÃ AN BÌNH"),
        "DANH SÁCH CHI TIẾT HỘ NGHÈO NĂM 2025",
        "",
        "Đơn vị tính: hộ, người, %",
        header,
        tuple(
            Row(
                {
                    "tt": str(index),
                    "name": f"Nguyễn Văn Ánh {index}",
                    "households": index,
                    "people": 4 * index,
                    "poor": index % 7,
                    "rate": Decimal("12.34"),
                    "merit": index % 3 == 0,
                }
            )
            for index in range(1, rows + 1)
        ),
        signatures=(Signature("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)"),),
    )


def _xlsx_floor(table: Any) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("floor")
    keys = [column.key for column in table.columns()]
    for row in table.rows:
        sheet.append([row.values.get(key) for key in keys])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _pdf_floor(table: Any) -> bytes:
    from giamngheo.lib.pdf import FONT, VietnameseDocument
    from giamngheo.lib.report_layout import cell_text

    document = VietnameseDocument(orientation="landscape")
    document.set_auto_page_break(auto=False)
    document.add_page()
    document.set_font(FONT, size=8)
    columns = table.columns()
    y = 20.0
    for row in table.rows:
        if y > 190:
            document.add_page()
            document.set_font(FONT, size=8)
            y = 20.0
        for index, column in enumerate(columns):
            document.text(20 + 30 * index, y, cell_text(row.values.get(column.key), column.kind))
        y += 4.5
    return document.to_bytes()


def _child(kind: str, rows: int) -> dict[str, Any]:
    import gc

    from giamngheo.lib import report_pdf, report_xlsx

    writers = {
        "xlsx": report_xlsx.write_xlsx,
        "xlsx_floor": _xlsx_floor,
        "pdf": report_pdf.write_pdf,
        "pdf_floor": _pdf_floor,
    }
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table = _table(rows)
    gc.collect()
    with_table = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    data = writers[kind](table)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "seconds": round(seconds, 2),
        "bytes": len(data),
        "table_mb": round(with_table - before, 1),
        "peak_rss_mb": round(peak, 1),
        "writing_mb": round(peak - with_table, 1),  # the peak's growth while writing
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="giamngheo bench report_writers")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--writers", default="xlsx,pdf")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args(argv)
    if options.child:
        print(json.dumps(_child(options.child, options.rows)))
        return 0
    results: dict[str, Any] = {"rows": options.rows}
    for writer in options.writers.split(","):
        for kind in (writer, f"{writer}_floor"):
            output = subprocess.run(  # noqa: S603 - this very script, fixed arguments
                [sys.executable, __file__, "--rows", str(options.rows), "--child", kind],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            results[kind] = json.loads(output.strip().splitlines()[-1])
        mine, floor = results[writer], results[f"{writer}_floor"]
        results[f"{writer}_time_ratio"] = round(mine["seconds"] / max(floor["seconds"], 1e-9), 2)
        results[f"{writer}_writing_memory_ratio"] = round(
            mine["writing_mb"] / max(floor["writing_mb"], 1.0), 2
        )
    print(json.dumps(results, indent=2 if options.json else None, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
