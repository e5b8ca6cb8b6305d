"""The project's URLs, plus the survey pages if the project does not route them (yet)."""

from django.urls import include, path

from giamngheo.urls import urlpatterns as project_urls

urlpatterns = list(project_urls)
if not any(getattr(p, "namespace", None) == "surveys" for p in project_urls):
    urlpatterns.append(path("surveys/", include("giamngheo.surveys.urls")))
