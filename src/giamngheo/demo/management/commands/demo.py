"""``giamngheo demo load [--households N] [--seed S]`` and ``giamngheo demo logins``: thin
wrappers over giamngheo.demo.loader."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from giamngheo import synthetic as generator
from giamngheo.demo import loader
from giamngheo.lib.formatting import format_number


def _positive(text: str) -> int:
    value = int(text.replace("_", ""))
    if value < 1:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = "Dữ liệu mẫu: tạo tỉnh mẫu (hộ, nhân khẩu, tài khoản dùng thử) hoặc in tài khoản."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "load",
            help="Tạo (hoặc tạo lại) dữ liệu mẫu của tỉnh mẫu; chạy lại sẽ thay dữ liệu cũ.",
        )
        load.add_argument(
            "--households",
            type=_positive,
            default=generator.DEFAULT_HOUSEHOLDS,
            help=f"số hộ (mặc định {format_number(generator.DEFAULT_HOUSEHOLDS)})",
        )
        load.add_argument(
            "--seed",
            type=int,
            default=generator.DEFAULT_SEED,
            help="hạt giống ngẫu nhiên: cùng số hộ và hạt giống cho cùng dữ liệu",
        )
        sub.add_parser("logins", help="In các tài khoản dùng thử và mật khẩu.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "logins":
            self.stdout.write(loader.format_logins(loader.demo_logins()))
            return
        self.stdout.write(
            f"Tạo dữ liệu mẫu: {format_number(options['households'])} hộ, "
            f"hạt giống {options['seed']}…"
        )
        try:
            report = loader.load_demo(
                households=options["households"],
                seed=options["seed"],
                progress=self.stdout.write,
            )
        except loader.DemoError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("")
        self.stdout.write(loader.format_logins(report.logins))
