from __future__ import annotations

from giamngheo.lib.errors import DomainError


class DeliveryError(DomainError):
    """A delivery, card or import refused; the message is for the user (Vietnamese)."""
