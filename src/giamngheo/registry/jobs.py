"""The registry's job kinds (found by ``giamngheo.jobs.kinds.discover``): the household import
and export. Their bodies and ``@job_kind`` declarations live with the code they run; importing
the modules registers them."""

from giamngheo.registry import exports, imports  # noqa: F401 (importing registers the kinds)
