"""What the deliveries add to lower apps when Django is ready (called from the programmes
AppConfig.ready): the household page's "support received" panel (``registry.panels``)."""

from __future__ import annotations

from giamngheo.programmes.deliveries.panels import household_supports
from giamngheo.registry import panels


def register() -> None:
    panels.register_household_context("deliveries.supports", household_supports)
