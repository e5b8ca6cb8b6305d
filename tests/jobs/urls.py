"""The project's URLs plus the jobs and household import/export pages, for tests run before
(or after) giamngheo/urls.py includes them."""

from django.urls import URLPattern, URLResolver, include, path

from giamngheo.urls import urlpatterns as project

_present = {getattr(pattern, "namespace", None) for pattern in project}
_extra: list[URLPattern | URLResolver] = []
if "jobs" not in _present:
    _extra.append(path("jobs/", include("giamngheo.jobs.urls")))
if "registry_io" not in _present:
    _extra.append(path("households/io/", include("giamngheo.registry.io_urls")))

urlpatterns = [*_extra, *project]
