from django.urls import path

from giamngheo.reports import dashboard_views

urlpatterns = [
    path("", dashboard_views.dashboard_page, name="dashboard"),
    path("what-if/", dashboard_views.what_if_page, name="dashboard_what_if"),
    path("what-if/start/", dashboard_views.what_if_start, name="dashboard_what_if_start"),
    path(
        "what-if/progress/<int:pk>/",
        dashboard_views.what_if_progress,
        name="dashboard_what_if_progress",
    ),
    path(
        "numbers/<slug:slug>.csv",
        dashboard_views.dashboard_numbers,
        {"fmt": "csv"},
        name="dashboard_csv",
    ),
    path(
        "numbers/<slug:slug>.xlsx",
        dashboard_views.dashboard_numbers,
        {"fmt": "xlsx"},
        name="dashboard_xlsx",
    ),
]
