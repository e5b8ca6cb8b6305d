"""The livelihoods app's refusal."""

from __future__ import annotations

from giamngheo.lib.errors import DomainError


class LivelihoodError(DomainError):
    """A refused change to a livelihood model or a self-managed group (Vietnamese message)."""
