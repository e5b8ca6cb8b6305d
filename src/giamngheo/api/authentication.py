"""Who calls the API: a bearer token (``Authorization: Bearer gn_…``, ``accounts.tokens``) or,
for the docs page and a logged-in browser, the session (with Django's CSRF check on writes)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from giamngheo.accounts import tokens
from giamngheo.accounts.models import ApiToken, User

KEYWORD = "Bearer"


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer TOKEN``. A missing header lets the next class try (the session);
    a malformed, unknown, expired or revoked token is a 401 with a Vietnamese message."""

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        keyword, _sep, token = header.strip().partition(" ")
        if keyword.lower() != KEYWORD.lower():
            return None
        token = token.strip()
        if not token or " " in token:
            raise exceptions.AuthenticationFailed(_("Tiêu đề Authorization phải là: Bearer MÃ."))
        try:
            return tokens.authenticate(token)
        except tokens.TokenRefused as refused:
            raise exceptions.AuthenticationFailed(refused.reason) from None

    def authenticate_header(self, request: Request) -> str:
        return f'{KEYWORD} realm="api"'
