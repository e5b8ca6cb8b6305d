from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("giamngheo.web.urls")),
    path("accounts/", include("giamngheo.accounts.urls")),
    path("areas/", include("giamngheo.web.area_urls")),
    path("audit/", include("giamngheo.web.audit_urls")),
    path("households/io/", include("giamngheo.registry.io_urls")),
    path("households/", include("giamngheo.registry.urls")),
    path("jobs/", include("giamngheo.jobs.urls")),
    path("workforce/", include("giamngheo.workforce.urls")),
    path("training/", include("giamngheo.training.urls")),
    path("surveys/", include("giamngheo.surveys.urls")),
    path("review/", include("giamngheo.review.urls")),
    path("verify/", include("giamngheo.review.public_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
