"""Where job inputs and outputs live: ``<var>/jobs/<job id>/`` and ``<var>/jobs/uploads/``.

Never under MEDIA_ROOT: these files hold personal data and are served only through the scoped
download view. Paths stored on a job are relative to the jobs directory and checked to stay
inside it when resolved.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from giamngheo.lib.text import strip_accents

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def jobs_dir() -> Path:
    """``JOBS_DIR`` (``GIAMNGHEO_JOBS_DIR``; unset: ``<var>/jobs``): on several servers, a
    directory every app process and worker shares (docs/operations.md, "Several servers")."""
    configured = getattr(settings, "JOBS_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "jobs"


def job_dir(job_id: int) -> Path:
    path = jobs_dir() / str(job_id)
    path.mkdir(parents=True, exist_ok=True)
    return path


def safe_name(name: str, default: str = "tep") -> str:

    stem = _UNSAFE.sub("-", strip_accents(Path(name).name)).strip(".-")
    return stem[:120] or default


def relative(path: Path) -> str:
    return str(path.resolve().relative_to(jobs_dir().resolve()))


def resolve(relative_path: str) -> Path:
    """The absolute path of a stored relative path; refuses paths leaving the jobs directory."""
    root = jobs_dir().resolve()
    path = (root / relative_path).resolve()
    if root not in path.parents:
        raise ValueError(f"path outside the jobs directory: {relative_path!r}")
    return path


def save_upload(upload: UploadedFile[bytes]) -> str:
    """Store an uploaded file under ``uploads/<random>/`` and return its relative path."""
    folder = jobs_dir() / "uploads" / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / safe_name(upload.name or "tep")
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return relative(path)


def save_bytes(name: str, content: bytes) -> str:
    folder = jobs_dir() / "uploads" / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / safe_name(name)
    path.write_bytes(content)
    return relative(path)
