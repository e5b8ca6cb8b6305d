"""Fixtures of the field-collection tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _own_media_root(settings: Any, tmp_path: Path) -> None:
    """Each test keeps its photos in its own media folder: the tests that check "no photo file
    left behind" compare the folder's files, and another xdist worker saving a photo into the
    shared folder at that moment made them fail."""
    settings.MEDIA_ROOT = tmp_path / "media"
