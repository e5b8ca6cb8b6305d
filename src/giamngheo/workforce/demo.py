"""The workforce of the demo province (work in progress: the signature is final)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from giamngheo.areas.models import AdministrativeUnit


@dataclass
class WorkforceDemoReport:
    workers: int = 0
    plans: int = 0
    reports: int = 0
    requests: int = 0
    deleted: dict[str, int] = field(default_factory=dict)


def load_workforce_demo(
    *, province: AdministrativeUnit, seed: int, today: dt.date | None = None
) -> WorkforceDemoReport:
    """Seed the workforce of the demo province. Call inside ``load_demo``'s transaction, after
    the households are copied and ``ensure_demo_users`` ran. Idempotent."""
    return WorkforceDemoReport()
