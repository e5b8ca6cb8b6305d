from django.urls import URLPattern, URLResolver, include, path

app_name = "reports"

urlpatterns: list[URLPattern | URLResolver] = []
urlpatterns.append(path("dashboard/", include("giamngheo.reports.urls_dashboard")))
