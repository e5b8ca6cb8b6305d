from django.contrib import admin
from django.urls import include, path

from giamngheo.api import views as api_views
from giamngheo.web import views as web_views

# JSON under /api/, Django's pages elsewhere.
handler400 = api_views.bad_request
handler403 = api_views.permission_denied
handler404 = api_views.page_not_found
handler500 = api_views.server_error

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
    path("livelihoods/", include("giamngheo.livelihoods.urls")),
    path("field-collection/", include("giamngheo.fieldcollection.urls")),
    path("surveys/field/", include("giamngheo.surveys.field_urls")),
    path("surveys/", include("giamngheo.surveys.urls")),
    path("review/", include("giamngheo.review.urls")),
    path("programmes/", include("giamngheo.programmes.urls")),
    path("deliveries/", include("giamngheo.programmes.deliveries.urls")),
    path("credit/", include("giamngheo.credit.urls")),
    path("reports/", include("giamngheo.reports.urls")),
    path("api/", include("giamngheo.api.urls")),
    path("verify/", include("giamngheo.review.public_urls")),
    path("i18n/setlang/", web_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
]
