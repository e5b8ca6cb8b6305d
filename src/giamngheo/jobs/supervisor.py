"""``giamngheo serve`` runs the job worker as a separate process and keeps it running.

The web process never runs a job body (nor carries a memory limit): it starts
``python -m giamngheo worker`` as a child, restarts it when it ends (backoff from 1 s,
doubling up to 60 s, back to 1 s once it has run a minute) and stops it when serve stops:
SIGTERM (the worker kills its current job's process and records the job failed), SIGKILL
after ``stop_timeout``. Should serve itself be killed, the worker gets SIGTERM from the kernel
(``PR_SET_PDEATHSIG``, asked for by the worker) and also checks that its parent is still the
process named in ``GIAMNGHEO_WORKER_PARENT_PID``: no orphan worker.

``GIAMNGHEO_BACKGROUND_WORKER=0`` starts no worker (deployments running ``giamngheo worker``
under their own service manager).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Sequence

from giamngheo.jobs.worker import recover_stale_jobs

logger = logging.getLogger(__name__)


def worker_command() -> list[str]:
    return [sys.executable, "-m", "giamngheo", "worker"]


class WorkerProcessSupervisor:
    def __init__(
        self,
        command: Sequence[str] | None = None,
        *,
        min_backoff: float = 1.0,
        max_backoff: float = 60.0,
        healthy_after: float = 60.0,
        stop_timeout: float = 10.0,
    ) -> None:
        self.command = list(command or worker_command())
        self.min_backoff, self.max_backoff = min_backoff, max_backoff
        self.healthy_after, self.stop_timeout = healthy_after, stop_timeout
        self.starts = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._process: subprocess.Popen[bytes] | None = None
        self._thread = threading.Thread(target=self._run, name="giamngheo-worker-supervisor")
        self._thread.daemon = True

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def start(self) -> WorkerProcessSupervisor:
        self._thread.start()
        return self

    def _spawn(self) -> subprocess.Popen[bytes] | None:
        env = dict(os.environ, GIAMNGHEO_WORKER_PARENT_PID=str(os.getpid()))
        with self._lock:
            if self._stopping.is_set():
                return None
            self._process = subprocess.Popen(self.command, env=env)  # noqa: S603 - our command
            self.starts += 1
            return self._process

    def _run(self) -> None:
        backoff = self.min_backoff
        while not self._stopping.is_set():
            started = time.monotonic()
            try:
                process = self._spawn()
            except OSError:
                logger.exception("could not start the job worker")
                process = None
                if self._stopping.wait(backoff):
                    break
                backoff = min(backoff * 2, self.max_backoff)
                continue
            if process is None:
                break
            while process.poll() is None:
                if self._stopping.wait(0.2):
                    return
            if time.monotonic() - started >= self.healthy_after:
                backoff = self.min_backoff
            logger.warning(
                "the job worker (pid %s) ended with status %s; restarting in %.0f s",
                process.pid,
                process.returncode,
                backoff,
            )
            if self._stopping.wait(backoff):
                break
            backoff = min(backoff * 2, self.max_backoff)

    def stop(self) -> None:
        """Stop the worker (and keep it stopped); jobs it left running are marked failed."""
        with self._lock:
            self._stopping.set()
            process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(self.stop_timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._thread.join(5)
        try:
            recover_stale_jobs()
        except Exception:
            logger.warning("could not check for jobs left running", exc_info=True)


def start_worker_process() -> WorkerProcessSupervisor | None:
    """Start the supervised worker process unless ``GIAMNGHEO_BACKGROUND_WORKER=0``."""
    if os.environ.get("GIAMNGHEO_BACKGROUND_WORKER", "1").strip() == "0":
        return None
    return WorkerProcessSupervisor().start()
