from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    # Types only: this module loads before the app registry is ready.
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.http import HttpRequest


class AccountsConfig(AppConfig):
    name = "giamngheo.accounts"
    verbose_name = _("Tài khoản và phân quyền")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from giamngheo.accounts import checks  # noqa: F401 (registers the deployment checks)

        user_logged_in.connect(_mark_login, dispatch_uid="giamngheo.accounts.known_device")


def _mark_login(
    sender: object, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: object
) -> None:
    from giamngheo.accounts.middleware import LOGGED_IN_ATTRIBUTE

    if request is not None:
        setattr(request, LOGGED_IN_ATTRIBUTE, user.get_username())
