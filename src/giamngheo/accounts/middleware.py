from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from giamngheo.accounts import throttle

LOGGED_IN_ATTRIBUTE = "_giamngheo_logged_in_username"


class KnownDeviceMiddleware:
    """Sets the known-device cookie on the response of a successful login (any login view:
    the ``user_logged_in`` signal marks the request, see ``AccountsConfig.ready``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        username = getattr(request, LOGGED_IN_ATTRIBUTE, None)
        if username:
            throttle.remember_device(request, response, username)
        return response
