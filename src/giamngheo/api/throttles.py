"""Rate limits (DRF throttles) whose rates come from settings at each request
(``GIAMNGHEO_API_RATES``: ``{"user": "600/min", "anon": "30/min", "write": "60/min"}``), so a
deployment (or a test) changes them without code. Counts live in Django's cache: per process
with the default local-memory cache, shared when ``CACHES`` points at a shared cache."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework import throttling

if TYPE_CHECKING:  # rest_framework.views imports this module (its default throttles)
    from rest_framework.request import Request
    from rest_framework.views import APIView

DEFAULT_RATES = {"user": "600/min", "anon": "30/min", "write": "60/min"}


def rate_for(scope: str) -> str | None:
    rates = {**DEFAULT_RATES, **getattr(settings, "GIAMNGHEO_API_RATES", {})}
    return rates.get(scope)


class _FromSettings:
    scope: str

    def get_rate(self) -> str | None:
        return rate_for(self.scope)


class UserRateThrottle(_FromSettings, throttling.UserRateThrottle):
    scope = "user"

    def __init__(self) -> None:  # DRF reads THROTTLE_RATES at import; ours at each request
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)


class AnonRateThrottle(_FromSettings, throttling.AnonRateThrottle):
    scope = "anon"

    def __init__(self) -> None:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)


class WriteRateThrottle(_FromSettings, throttling.UserRateThrottle):
    """Writes (POST) of one user, counted apart from their reads."""

    scope = "write"

    def __init__(self) -> None:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def allow_request(self, request: Request, view: APIView) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return bool(super().allow_request(request, view))
