"""``giamngheo programmes load | list | eligible``: the programme data from the command line."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from giamngheo.areas.models import AdministrativeUnit
from giamngheo.lib import clock
from giamngheo.lib.errors import DomainError
from giamngheo.programmes import loader, selectors


class Command(BaseCommand):
    help = "Chương trình, chính sách: nạp dữ liệu, liệt kê, đếm hộ đủ điều kiện."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="Nạp, cập nhật chương trình, chính sách từ dữ liệu đi kèm.")
        listing = sub.add_parser("list", help="Liệt kê chương trình, chính sách.")
        listing.add_argument("--format", choices=["text", "json"], default="text")
        eligible = sub.add_parser("eligible", help="Đếm hộ đủ điều kiện trên một địa bàn.")
        eligible.add_argument("code")
        eligible.add_argument("--area", required=True, help="mã tỉnh, xã hoặc thôn")
        eligible.add_argument("--on", type=dt.date.fromisoformat, help="ngày xét (YYYY-MM-DD)")
        eligible.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc

    def _load(self, options: dict[str, Any]) -> None:
        counts = loader.load(actor=None)
        self.stdout.write(json.dumps(counts, ensure_ascii=False))

    def _list(self, options: dict[str, Any]) -> None:
        tree = selectors.in_tree_order(list(selectors.programmes().select_related("parent")))
        rows = [selectors.as_json(p) for p, _depth in tree]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            mark = "" if row["verified"] else " [chưa đối chiếu]"
            self.stdout.write(f"{row['code']}\t{row['name']}{mark}")

    def _eligible(self, options: dict[str, Any]) -> None:
        programme = selectors.programme_by_code(options["code"])
        area = AdministrativeUnit.objects.filter(code=options["area"]).first()
        if area is None:
            raise CommandError(f"Không có địa bàn mã {options['area']}.")
        on = options["on"] or clock.today()
        preview = selectors.eligibility_preview(viewer=None, programme=programme, area=area, on=on)
        result = {
            "programme": programme.code,
            "area": area.code,
            "on": on.isoformat(),
            "rule_version": programme.eligibility_version,
            "households": preview.households,
            "by_status": preview.by_status,
            "by_priority": preview.by_priority,
        }
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(f"{programme.code} · {area.name}: {preview.households} hộ")
        for key, n in preview.by_status.items():
            self.stdout.write(f"  {key}: {n}")
