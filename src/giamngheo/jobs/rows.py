"""What may be written to a job row, and the key of a running job's advisory lock: shared by
the services that enqueue and cancel jobs and by the worker that runs them (so neither imports
the other)."""

from __future__ import annotations

# Advisory lock keys of running jobs: job id + this base. hashtext() keys used elsewhere in the
# project are 32-bit, so they never collide with keys at or above 2^40.
LOCK_BASE = 1 << 40


def clean_text(value: object, limit: int | None = None) -> str:
    """Text PostgreSQL accepts: no NUL, no lone surrogates (both refused by the server or the
    driver), cut to ``limit`` characters."""
    text = str(value).replace("\x00", "")
    text = text.encode("utf-8", "replace").decode("utf-8")
    return text[:limit] if limit is not None else text


def clean_json(value: object) -> object:
    """``value`` with every string cleaned (jsonb refuses ``\\u0000`` too)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(k): clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(v) for v in value]
    return value
