from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from giamngheo.accounts import services
from giamngheo.accounts.models import User


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường."
        ),
        "inactive": _("Tài khoản này đã bị vô hiệu hóa. Liên hệ quản trị hệ thống."),
        "locked": _(
            "Tài khoản tạm thời bị khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau "
            "%(minutes)s phút hoặc liên hệ quản trị hệ thống."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username and password:
            candidate = User.objects.filter(username=username).first()
            if (
                candidate is not None
                and candidate.locked_until
                and candidate.locked_until > (now := timezone.now())
            ):
                minutes = max(1, int((candidate.locked_until - now).total_seconds() // 60) + 1)
                raise forms.ValidationError(
                    self.error_messages["locked"], code="locked", params={"minutes": minutes}
                )
            try:
                return super().clean()
            except forms.ValidationError:
                user = services.login_failed(username=username)
                if user is not None and user.locked_until and user.locked_until > timezone.now():
                    raise forms.ValidationError(
                        self.error_messages["locked"],
                        code="locked",
                        params={"minutes": int(services.lockout_duration().total_seconds() // 60)},
                    ) from None
                raise
        return super().clean()

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        services.login_succeeded(user=user)
