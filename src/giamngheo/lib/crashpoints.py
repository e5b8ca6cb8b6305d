"""A test hook that kills the current process at a named point (crash-safety tests).

``GIAMNGHEO_CRASH_AT=import.write:2`` makes the process SIGKILL itself the second time it
reaches ``crash_point("import.write")``: no ``finally``, no rollback message, no atexit, as a
power cut or the kernel's OOM killer would end it. Several points: comma-separated
(``decision.entries,status_bulk.update:2``); without ``:N`` the first time counts.

``name:N:hold`` instead stops there: it creates the file ``<name>.reached`` in the directory
``GIAMNGHEO_CRASH_DIR`` and sleeps, so that a test can kill *another* process (the job worker
whose runner is inside the transaction) at a known point.

Inert unless that variable is set, which nothing but the crash tests does
(``tests/operations/test_crash_safety.py``); a point costs one dictionary lookup. The points
sit inside the transactions of the operations that must be all-or-nothing (the household
import, the bulk status change, the recognition decision, the province consolidation).
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

ENVIRONMENT_VARIABLE = "GIAMNGHEO_CRASH_AT"
DIRECTORY_VARIABLE = "GIAMNGHEO_CRASH_DIR"
HOLD_SECONDS = 600

_reached: dict[str, int] = {}


def _targets(spec: str) -> dict[str, tuple[int, bool]]:
    targets: dict[str, tuple[int, bool]] = {}
    for item in spec.split(","):
        name, *rest = item.strip().split(":")
        count = int(rest[0]) if rest and rest[0].strip().isdigit() else 1
        if name:
            targets[name] = (count, "hold" in rest[1:])
    return targets


def crash_point(name: str) -> None:
    """Kill this process with SIGKILL (or hold it, see the module doc) if ``GIAMNGHEO_CRASH_AT``
    names this point and this is the N-th time it is reached. Does nothing otherwise."""
    spec = os.environ.get(ENVIRONMENT_VARIABLE)
    if not spec:
        return
    target = _targets(spec).get(name)
    if target is None:
        return
    wanted, hold = target
    _reached[name] = _reached.get(name, 0) + 1
    if _reached[name] < wanted:
        return
    if hold:
        folder = Path(os.environ.get(DIRECTORY_VARIABLE) or ".")
        (folder / f"{name}.reached").write_text(str(os.getpid()))
        time.sleep(HOLD_SECONDS)
        return
    os.kill(os.getpid(), signal.SIGKILL)
