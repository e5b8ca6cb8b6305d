from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from giamngheo.accounts import throttle


class ThrottledModelBackend(ModelBackend):
    """The model backend behind the login throttle (``giamngheo.accounts.throttle``).

    Every login path calls ``authenticate``, so the web form, the admin's login page and any
    later API share one set of counters; an attempt refused by the throttle is answered exactly
    like a wrong password, without checking it."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        attempt = throttle.Attempt.of(request, str(username))
        if throttle.refused(attempt):
            return None
        if "\x00" in str(username):
            # No account name holds a NUL byte, and PostgreSQL refuses one in a query: a
            # failure like any other, not a database error (the forms refuse NUL bytes before,
            # an API calling authenticate() might not).
            throttle.failed(attempt)
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            throttle.failed(attempt)
        else:
            throttle.succeeded(attempt)
        return user
