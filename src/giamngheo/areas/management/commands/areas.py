"""``giamngheo areas load|stats|import-villages``: thin wrappers over areas.services."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from giamngheo.areas import services


class Command(BaseCommand):
    help = "Đơn vị hành chính: nạp danh mục chính thức, thống kê, nhập thôn/tổ dân phố từ CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="Nạp 34 tỉnh và 3.321 xã, phường, đặc khu (từ 01/07/2025).")
        stats = sub.add_parser("stats", help="Số tỉnh, xã, thôn đang có hiệu lực.")
        stats.add_argument("--format", choices=["json", "text"], default="text")
        villages = sub.add_parser("import-villages", help="Tạo thôn từ CSV: ma_xa,ten,loai.")
        villages.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "load":
            result = services.load_official_units()
            self.stdout.write(
                f"Đã nạp danh mục (vietnam-provinces {result.data_version}): "
                f"{result.provinces_created} tỉnh mới, {result.communes_created} xã mới, "
                f"{result.updated} cập nhật, {result.unchanged} không đổi."
            )
        elif action == "stats":
            stats = services.unit_stats()
            if options["format"] == "json":
                self.stdout.write(json.dumps(stats))
            else:
                self.stdout.write(
                    f"Tỉnh: {stats['provinces']} · Xã: {stats['communes']} · "
                    f"Thôn: {stats['villages']}"
                )
        elif action == "import-villages":
            path: Path = options["file"]
            if not path.is_file():
                raise CommandError(f"Không tìm thấy tệp {path}.")
            imported = services.villages_import_csv(actor=None, text=path.read_text("utf-8-sig"))
            if imported.errors:
                for row, column, message in imported.errors:
                    self.stderr.write(f"Dòng {row}, cột {column}: {message}")
                raise CommandError("Không tạo thôn nào vì tệp có lỗi.", returncode=2)
            self.stdout.write(f"Đã tạo {len(imported.created)} thôn/tổ dân phố.")
