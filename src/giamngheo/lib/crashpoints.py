"""A test hook that kills the current process at a named point (crash-safety tests).

``GIAMNGHEO_CRASH_AT=import.write:2`` makes the process SIGKILL itself the second time it
reaches ``crash_point("import.write")``: no ``finally``, no rollback message, no atexit, as a
power cut or the kernel's OOM killer would end it. Several points: comma-separated
(``decision.entries,status_bulk.update:2``); without ``:N`` the first time counts.

Inert unless that variable is set, which nothing but the crash tests does
(``tests/operations/test_crash_safety.py``); a point costs one dictionary lookup. The points
sit inside the transactions of the operations that must be all-or-nothing (the household
import, the bulk status change, the recognition decision, the province consolidation).
"""

from __future__ import annotations

import os
import signal

ENVIRONMENT_VARIABLE = "GIAMNGHEO_CRASH_AT"

_reached: dict[str, int] = {}


def _targets(spec: str) -> dict[str, int]:
    targets: dict[str, int] = {}
    for item in spec.split(","):
        name, _sep, count = item.strip().partition(":")
        if name:
            targets[name] = int(count) if count.strip().isdigit() else 1
    return targets


def crash_point(name: str) -> None:
    """Kill this process with SIGKILL if ``GIAMNGHEO_CRASH_AT`` names this point (and this is
    the N-th time it is reached). Does nothing otherwise."""
    spec = os.environ.get(ENVIRONMENT_VARIABLE)
    if not spec:
        return
    wanted = _targets(spec).get(name)
    if wanted is None:
        return
    _reached[name] = _reached.get(name, 0) + 1
    if _reached[name] >= wanted:
        os.kill(os.getpid(), signal.SIGKILL)
