"""The types of who acts and of the request that carries them, declared once.

- :data:`Actor` is what services receive as ``actor``: a signed-in
  :class:`~giamngheo.accounts.models.User`, the anonymous user of a public page
  (``request.user`` before login), or ``None`` for the system itself (a scheduled job, a
  management command, a bulk load). :func:`acting_user` is the user to store as author.
- :data:`Viewer` is what selectors and ``access`` receive as ``user``: ``request.user``.
- :class:`UserHttpRequest` is a request whose ``user`` is ours (the authentication middleware
  runs on every request); :class:`AuthenticatedHttpRequest` one behind ``login_required``.

The model classes are imported for type checking only: this module is imported by code that
may load before the app registry is ready.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.http import HttpRequest

if TYPE_CHECKING:
    # Here, not at the top: this module loads before the app registry (see the docstring).
    from django.contrib.auth.models import AnonymousUser

    from giamngheo.accounts.models import User

Viewer: TypeAlias = "User | AnonymousUser"
Actor: TypeAlias = "User | AnonymousUser | None"


def acting_user(actor: Actor) -> User | None:
    """The signed-in user behind ``actor``, to store as a row's author (None for an anonymous
    user or the system)."""
    if actor is None or not actor.is_authenticated:
        return None
    # Here, not at the top: this module loads before the app registry (see the docstring).
    from django.contrib.auth.models import AnonymousUser  # noqa: PLC0415

    # is_authenticated already excludes it; the check narrows the type for the caller.
    return None if isinstance(actor, AnonymousUser) else actor


class UserHttpRequest(HttpRequest):
    """A request as our views see it: ``user`` is a :class:`User` or anonymous."""

    user: User | AnonymousUser


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind ``login_required``: ``user`` is a signed-in :class:`User`."""

    user: User
