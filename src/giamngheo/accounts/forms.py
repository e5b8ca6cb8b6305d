from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """The login form. Failures are counted and throttled by the authentication backend
    (``giamngheo.accounts.throttle``), for this form and the admin's alike; one message for a
    wrong password, an unknown name and a throttled attempt, so that it reveals nothing."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ "
            "thường. Sau nhiều lần sai liên tiếp, việc đăng nhập được tạm hoãn một thời gian "
            "(dài dần theo số lần sai): nếu chắc chắn mật khẩu đúng, hãy thử lại sau ít phút "
            "hoặc liên hệ quản trị hệ thống."
        ),
        "inactive": _("Tài khoản này đã bị vô hiệu hóa. Liên hệ quản trị hệ thống."),
    }


class ApiTokenForm(forms.Form):
    """A new API token: a name to recognise it, and how many days it lives."""

    name = forms.CharField(label=_("Tên gợi nhớ"), max_length=100, required=False)
    days = forms.IntegerField(
        label=_("Số ngày hiệu lực"), min_value=1, max_value=366, required=False
    )
