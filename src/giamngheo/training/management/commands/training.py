"""``giamngheo training seed``: load the national question bank and handbook pages shipped
with the software (thin wrapper over the services; safe to run again)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from giamngheo.training import services


class Command(BaseCommand):
    help = "Tập huấn: nạp ngân hàng câu hỏi và sổ tay chính sách dùng chung (chạy lại không trùng)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("seed", help="Nạp câu hỏi và trang sổ tay dùng chung còn thiếu.")

    def handle(self, *args: Any, **options: Any) -> None:
        questions = services.question_bank_seed(actor=None)
        pages = services.handbook_seed(actor=None)
        self.stdout.write(f"Đã thêm {questions} câu hỏi và {pages} trang sổ tay.")
