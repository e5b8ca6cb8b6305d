"""The programmes app's refusal (its own module so that pure code can raise it too)."""

from __future__ import annotations

from giamngheo.lib.errors import DomainError


class ProgrammeError(DomainError):
    """A refused change to programmes, lists or support records; the message is Vietnamese."""
