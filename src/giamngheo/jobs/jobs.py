"""The jobs app's own kinds (found by ``kinds.discover`` like every app's ``jobs`` module)."""

from giamngheo.jobs import retention  # noqa: F401 (importing registers ``jobs.purge_files``)
