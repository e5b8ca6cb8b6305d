"""The registry of job kinds: ``@job_kind("registry.import_households", label=…)``.

A kind is a function ``(context) -> result`` where ``context`` is a
:class:`giamngheo.jobs.context.JobContext` (progress, output files, the acting user) and the
result is a JSON-serialisable dict stored on the job.

Kinds are found per app, as Django finds ``admin.py``: every installed app may have a ``jobs``
module that declares (or imports the modules that declare) its kinds; :func:`discover` imports
them all, then the modules named in the setting ``GIAMNGHEO_JOB_MODULES`` (extra kinds, e.g. of
a test module). The registry stays at the bottom of the jobs app: it imports no app, and the
apps' job modules import it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.module_loading import autodiscover_modules

from giamngheo.jobs.context import JobContext
from giamngheo.lib.errors import DomainError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# A job's result: a JSON object (values of any JSON type) stored on the row, or None.
JobFunction = Callable[[JobContext], "dict[str, Any] | None"]


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
    """Import every app's ``jobs`` module, then the extra ``GIAMNGHEO_JOB_MODULES``."""
    autodiscover_modules("jobs")
    for module in getattr(settings, "GIAMNGHEO_JOB_MODULES", ()):
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
