"""The programmes app's job kinds (found by ``giamngheo.jobs.kinds.discover``, which imports
each app's ``jobs`` module): the deliveries' sheet import lives in its subpackage."""

from giamngheo.programmes.deliveries import jobs as deliveries_jobs

__all__ = ["deliveries_jobs"]
