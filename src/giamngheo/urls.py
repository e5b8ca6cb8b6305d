from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("giamngheo.web.urls")),
    path("accounts/", include("giamngheo.accounts.urls")),
    path("areas/", include("giamngheo.areas.urls")),
    path("audit/", include("giamngheo.audit.urls")),
    path("households/", include("giamngheo.registry.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
