from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "giamngheo.accounts"
    verbose_name = _("Tài khoản và phân quyền")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from giamngheo.accounts import checks  # noqa: F401 (registers the deployment checks)

        user_logged_in.connect(_mark_login, dispatch_uid="giamngheo.accounts.known_device")


def _mark_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from giamngheo.accounts.middleware import LOGGED_IN_ATTRIBUTE

    if request is not None:
        setattr(request, LOGGED_IN_ATTRIBUTE, user.get_username())
