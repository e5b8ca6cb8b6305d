"""The review's refusal: a ``DomainError`` whose message is for the user (Vietnamese)."""

from __future__ import annotations

from giamngheo.lib.errors import DomainError


class ReviewError(DomainError):
    """A refused review action; the message is for the user (Vietnamese)."""
