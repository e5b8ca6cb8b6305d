"""The training app's refusal (its own module so that pure code can raise it too)."""

from __future__ import annotations

from giamngheo.lib.errors import DomainError


class TrainingError(DomainError):
    """A refused training change; the message is for the user (Vietnamese)."""
