"""Report forms built by code rather than from the figures kept per area and year (issue 14):
the in-year monthly changes, the workforce's and training's figures, the detailed lists.

``EXTRA_FORMS`` maps a form's code to its :class:`ExtraForm`; the report index, its pages and the
``giamngheo report`` command list these beside the forms defined as data. A builder is called as
``build(viewer=..., unit=..., year=..., month=None)`` and returns the table for ``unit`` (a level
the form allows) scoped to what ``viewer`` may see; ``month`` is given to monthly forms only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from giamngheo.lib.report_table import ReportTable


@dataclass(frozen=True)
class ExtraForm:
    code: str  # e.g. "monthly-changes"
    title: Any  # Vietnamese, through gettext_lazy
    levels: tuple[str, ...]  # the unit levels it is made for: "province", "commune", "village"
    monthly: bool
    build: Callable[..., ReportTable]
    marker: str = ""  # "Biểu số TX-01", shown in the catalogue (from the form's data file)
    legal_basis: str = ""
    verified: bool = False


EXTRA_FORMS: dict[str, ExtraForm] = {}


def register(form: ExtraForm) -> ExtraForm:
    """Add ``form`` to the catalogue (called by each builder module, imported in apps.ready)."""
    EXTRA_FORMS[form.code] = form
    return form
