"""The English catalogue is complete: every Vietnamese message has an English translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

import giamngheo

CATALOGUE = Path(giamngheo.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated_and_none_is_fuzzy() -> None:
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    untranslated = [m.id for m in catalogue if m.id and not m.string]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []
    assert len(catalogue) > 200
