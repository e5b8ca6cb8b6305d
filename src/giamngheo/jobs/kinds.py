"""The registry of job kinds: ``@job_kind("registry.import_households", label=…)``.

A kind is a function ``(context) -> result`` where ``context`` is a
:class:`giamngheo.jobs.worker.JobContext` (progress, output files, the acting user) and the
result is a JSON-serialisable dict stored on the job. Modules that declare kinds are imported
by :func:`discover`, from the setting ``GIAMNGHEO_JOB_MODULES`` (default below), so that a
worker knows every kind without importing the whole project at start-up.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings

from giamngheo.lib.errors import DomainError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from giamngheo.jobs.worker import JobContext

JobFunction = Callable[["JobContext"], "dict[str, Any] | None"]

DEFAULT_JOB_MODULES = (
    "giamngheo.registry.imports",
    "giamngheo.registry.exports",
    "giamngheo.jobs.retention",
)


class UnknownJobKindError(DomainError, LookupError):
    pass


@dataclass(frozen=True)
class JobKind:
    name: str
    label: StrOrPromise
    function: JobFunction
    # URL name of a page made for this kind (it takes the job's pk), e.g. the import review
    # page; the generic job page links to it.
    page: str | None = None


_KINDS: dict[str, JobKind] = {}


def job_kind(
    name: str, *, label: StrOrPromise, page: str | None = None
) -> Callable[[JobFunction], JobFunction]:
    def register(function: JobFunction) -> JobFunction:
        existing = _KINDS.get(name)
        # Reloading a module re-registers the same name: keep the newest definition, but two
        # different modules claiming one name is a programming error.
        if existing is not None and existing.function.__module__ != function.__module__:
            raise ValueError(f"job kind {name!r} is already registered")
        _KINDS[name] = JobKind(name, label, function, page)
        return function

    return register


def discover() -> None:
    for module in getattr(settings, "GIAMNGHEO_JOB_MODULES", DEFAULT_JOB_MODULES):
        importlib.import_module(module)


def get_kind(name: str) -> JobKind:
    if name not in _KINDS:
        discover()
    try:
        return _KINDS[name]
    except KeyError:
        raise UnknownJobKindError(name) from None


def all_kinds() -> dict[str, JobKind]:
    discover()
    return dict(_KINDS)
