"""Helpers for the API tests: tokens for the personas (made by the real service) and a client
that sends them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from giamngheo.accounts import services
from giamngheo.accounts.models import User
from tests.workforce.conftest import staff  # noqa: F401  (the roster: support requests need owners)


def token_for(user: User, **kwargs: Any) -> str:
    return services.api_token_create(actor=None, owner=user, **kwargs).token


class Api:
    """A test client that sends ``Authorization: Bearer TOKEN`` and JSON."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, data: Any, *, raw: bool = False) -> Any:
        body = data if raw else json.dumps(data)
        return self.client.post(path, body, content_type="application/json", headers=self.headers)


@pytest.fixture
def api_as(world: Any) -> Any:
    """``api_as("xa_a")``: a client with a fresh token of that persona."""

    def make(username: str) -> Api:
        return Api(token_for(User.objects.get(username=username)))

    return make


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> None:
    # DRF's throttles count in Django's cache (local memory, per process): each test starts
    # from zero.
    cache.clear()
