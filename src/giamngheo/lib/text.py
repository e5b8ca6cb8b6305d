"""Text helpers for Vietnamese: accent-free search keys."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def strip_accents(text: str) -> str:
    """ "Nguyễn Văn Đức" → "Nguyen Van Duc" (đ/Đ are letters, not accents, so map them too)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def search_key(text: str) -> str:
    """Lower-case, accent-free, single-spaced: the form stored in ``search_*`` columns."""
    return _SPACES.sub(" ", strip_accents(text).lower()).strip()
