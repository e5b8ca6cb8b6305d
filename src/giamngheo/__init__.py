"""giamngheo: software for Vietnam's poverty-reduction work (registry, standards, review)."""

__version__ = "0.1.0"
