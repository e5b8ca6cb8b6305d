"""``giamngheo api token USERNAME [--name N] [--days D]``: create an API token for a user and
print it as the last line of output (the only time it is shown; only its digest is stored).
``giamngheo api tokens USERNAME`` lists a user's tokens; ``giamngheo api revoke PREFIX``
revokes one. Thin wrappers over ``accounts.services`` (audited, actor: the system)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from giamngheo.accounts import services, tokens
from giamngheo.accounts.models import ApiToken, User
from giamngheo.lib.errors import DomainError


class Command(BaseCommand):
    help = "API: tạo, liệt kê, thu hồi mã truy cập (Authorization: Bearer …)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("token", help="Tạo mã truy cập; dòng cuối là mã.")
        create.add_argument("username")
        create.add_argument("--name", default="", help="Tên gợi nhớ của mã.")
        create.add_argument(
            "--days", type=int, default=None, help="Số ngày hiệu lực (mặc định theo cấu hình)."
        )
        listing = sub.add_parser("tokens", help="Liệt kê mã truy cập của một người dùng.")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="Thu hồi một mã theo tiền tố.")
        revoke.add_argument("prefix")

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có người dùng {username!r}.")
        return user

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "token":
                user = self._user(options["username"])
                created = services.api_token_create(
                    actor=None, owner=user, name=options["name"], days=options["days"]
                )
                expires = created.row.expires_at.strftime("%d/%m/%Y %H:%M %Z")
                self.stdout.write(
                    f"Đã tạo mã {created.row.prefix} cho {user.username}, hết hạn {expires}. "
                    "Mã chỉ hiện một lần:"
                )
                self.stdout.write(created.token)
            elif options["action"] == "tokens":
                for row in tokens.tokens_of(self._user(options["username"])):
                    state = "thu hồi" if row.revoked_at else f"hết hạn {row.expires_at:%d/%m/%Y}"
                    self.stdout.write(f"{row.prefix}\t{row.name}\t{state}")
            else:
                found = ApiToken.objects.filter(prefix=options["prefix"]).first()
                if found is None:
                    raise CommandError(f"Không có mã với tiền tố {options['prefix']!r}.")
                services.api_token_revoke(actor=None, token=found)
                self.stdout.write(f"Đã thu hồi mã {found.prefix}.")
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
