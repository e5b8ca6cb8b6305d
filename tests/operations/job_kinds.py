"""A job kind for the several-workers test, imported by the worker processes it starts
(``GIAMNGHEO_JOB_MODULES``): each run appends one line to a file in the shared jobs directory."""

from __future__ import annotations

import os
import time
from typing import Any

from giamngheo.jobs.context import JobContext
from giamngheo.jobs.files import jobs_dir
from giamngheo.jobs.kinds import job_kind


@job_kind("tests.operations.tally", label="Ghi một dòng")
def tally(context: JobContext) -> dict[str, Any]:
    time.sleep(float(context.parameters.get("seconds", 0.2)))
    line = f"{context.job.pk} {os.getppid()}\n".encode()
    descriptor = os.open(jobs_dir() / "tally.txt", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        os.write(descriptor, line)  # one write with O_APPEND: lines never interleave
    finally:
        os.close(descriptor)
    return {"worker_pid": os.getppid()}
