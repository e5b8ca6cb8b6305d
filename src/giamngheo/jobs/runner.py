"""The process that runs one job body: ``python -m giamngheo.jobs.runner`` (see worker.py).

It reads its instructions (job id, the module declaring the job's kind, database, files
directory, memory limit) as JSON on stdin rather than from arguments or the environment, so
that the database password does not show in the process list. Before importing anything
large it binds its life to the worker's (``PR_SET_PDEATHSIG``) and sets its memory limit;
then it runs the job body and records the outcome on a connection of its own. If it cannot
(killed, out of memory, its write refused), the worker records a failure for it.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import traceback
from pathlib import Path
from typing import Any


def die_with_parent(parent_pid: int | None) -> None:
    """Ask Linux to kill this process when the process that started it ends (no orphan job
    keeps running once its worker is gone), then check the parent did not end already."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)


def limit_memory(megabytes: int) -> None:
    """Cap the process's data segment (heap and anonymous mappings, ``RLIMIT_DATA``).

    Not ``RLIMIT_AS``: Polars reserves large address ranges it never touches (thread stacks,
    allocator arenas), so an address-space cap would refuse ordinary work on machines with
    many cores, while the data limit counts what is really allocated. Beyond it, Python raises
    MemoryError and native code aborts: either way only this process stops."""
    if megabytes <= 0:
        return
    import resource

    limit = megabytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def _configure(payload: dict[str, Any]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "giamngheo.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.utils import translation

    # The worker's database and directories, which may not be the environment's (tests).
    # No connection is open yet, so the wrapper picks these up (it shares this dict).
    settings.DATABASES["default"].update(payload.get("database") or {})
    for name, value in (payload.get("settings") or {}).items():
        setattr(
            settings, name, Path(value) if name in {"VAR_DIR", "MEDIA_ROOT", "JOBS_DIR"} else value
        )
    translation.activate(settings.LANGUAGE_CODE)


def run(payload: dict[str, Any]) -> int:
    import importlib

    _configure(payload)
    from django.db import connections

    from giamngheo.jobs import worker
    from giamngheo.jobs.models import Job

    # The module declaring the kind registers it (it may be outside GIAMNGHEO_JOB_MODULES,
    # e.g. a test module), so the registry need not import every job module.
    importlib.import_module(str(payload["module"]))
    book = worker._Bookkeeper()
    try:
        job = Job.objects.select_related("created_by").get(pk=int(payload["job"]))
        worker.execute(book, job)
    except Exception:
        traceback.print_exc()
        return worker.RUNNER_OUTCOME_NOT_WRITTEN
    finally:
        book.close()
        connections.close_all()
    return 0


def main() -> int:
    payload = json.loads(sys.stdin.buffer.read() or b"{}")
    die_with_parent(payload.get("parent_pid"))
    limit_memory(int(payload.get("memory_limit_mb") or 0))
    return run(payload)


if __name__ == "__main__":
    sys.exit(main())
