"""Where giamngheo keeps its files (database, uploads, job outputs).

A source checkout keeps them in ``<checkout>/var``; an installed package in
``$XDG_DATA_HOME/giamngheo``. ``GIAMNGHEO_VAR_DIR`` overrides both.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def checkout_root() -> Path | None:
    """The source checkout this package runs from, if any (src layout: <root>/src/giamngheo)."""
    root = PACKAGE_DIR.parent.parent
    return root if (root / "pyproject.toml").is_file() else None


def var_dir() -> Path:
    configured = os.environ.get("GIAMNGHEO_VAR_DIR")
    if configured:
        return Path(configured).expanduser().resolve()
    root = checkout_root()
    if root is not None:
        return root / "var"
    data_home = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return data_home / "giamngheo"
