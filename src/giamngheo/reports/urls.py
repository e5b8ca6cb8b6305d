from django.urls import URLPattern, URLResolver, include, path, re_path

from giamngheo.reports import views

app_name = "reports"

# A form's code is never "dashboard" (the prefix of the dashboards, mounted below).
FORM = r"(?P<code>(?!dashboard$)[A-Za-z0-9][A-Za-z0-9_-]*)"

urlpatterns: list[URLPattern | URLResolver] = [
    # First: the forms' pattern below would also match "dashboard/…".
    path("dashboard/", include("giamngheo.reports.urls_dashboard")),
    path("", views.index, name="index"),
    path("refresh/", views.refresh, name="refresh"),
    re_path(rf"^{FORM}/$", views.form_page, name="form"),
    re_path(rf"^{FORM}/(?P<file_format>xlsx|pdf)/$", views.form_download, name="download"),
]
