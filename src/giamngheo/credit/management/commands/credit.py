"""``giamngheo credit refresh-status [--on dd/mm/yyyy]``: set every open loan to overdue or
active for the day (run daily, e.g. from cron; thin wrapper over the service)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from giamngheo.credit import services


class Command(BaseCommand):
    help = "Tín dụng: cập nhật trạng thái quá hạn của các khoản vay."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        refresh = sub.add_parser("refresh-status", help="Đặt quá hạn/đang vay theo ngày.")
        refresh.add_argument("--on", default="", help="Ngày (dd/mm/yyyy), mặc định hôm nay.")

    def handle(self, *args: Any, **options: Any) -> None:
        on = None
        if options.get("on"):
            try:
                day, month, year = (int(part) for part in options["on"].split("/"))
                on = dt.date(year, month, day)
            except ValueError as exc:
                raise CommandError("Ngày phải theo dạng dd/mm/yyyy.") from exc
        changed = services.loans_refresh_status(actor=None, on=on)
        self.stdout.write(f"Đã cập nhật trạng thái {changed} khoản vay.")
