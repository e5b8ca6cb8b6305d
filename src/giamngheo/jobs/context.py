"""What a job body gets: :class:`JobContext` (its job row, the acting user, progress reporting,
output files) and the two ways it stops early (:class:`JobCancelledError`, :class:`JobFailure`).

Its own module so that job kinds (``kinds.py``) and the worker that runs them (``worker.py``)
both depend on it and not on each other.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from giamngheo.accounts.types import Actor
from giamngheo.jobs import files
from giamngheo.jobs.models import Job

PROGRESS_INTERVAL_SECONDS = 0.25


class JobCancelledError(Exception):
    """Raised inside a job body when its user asked to cancel it."""


class JobFailure(Exception):
    """A job stops with a message for the user (Vietnamese), without a traceback."""


class ProgressBook(Protocol):
    """Where progress goes (the worker's bookkeeping connection)."""

    def progress(self, job_id: int, done: int, total: int, message: str | None) -> bool:
        """Record progress; returns whether the job should stop."""
        ...


@dataclass
class JobContext:
    """What a job body gets: its job row, progress reporting and output files."""

    job: Job
    _book: ProgressBook
    outputs: dict[str, str] = field(default_factory=dict)
    final_message: str | None = None
    _last_write: float = 0.0
    _last_message: str | None = None

    @property
    def actor(self) -> Actor:
        return self.job.created_by

    @property
    def parameters(self) -> dict[str, Any]:
        # JSON object parameters of the job (values of any JSON type).
        return dict(self.job.parameters or {})

    def progress(self, done: int, total: int, message: str | None = None) -> None:
        """Report progress. Written at most every 0.25 s unless the message changes or the
        step is complete; raises :class:`JobCancelledError` when a cancel was requested."""
        now = time.monotonic()
        changed = message is not None and message != self._last_message
        if not changed and done < total and now - self._last_write < PROGRESS_INTERVAL_SECONDS:
            return
        self._last_write = now
        if message is not None:
            self._last_message = message
        if self._book.progress(self.job.pk, done, total, message):
            raise JobCancelledError

    def output_path(self, name: str, filename: str) -> Path:
        """A path for an output file, registered on the job under ``name``."""
        path = files.job_dir(self.job.pk) / files.safe_name(filename)
        self.outputs[name] = files.relative(path)
        return path
