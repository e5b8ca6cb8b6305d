from django.urls import path

from giamngheo.web import area_views as views

app_name = "areas"

urlpatterns = [
    path("", views.browse, name="browse"),
    path("import-villages/", views.villages_import, name="villages_import"),
    path("<str:code>/", views.unit_detail, name="unit"),
    path("<str:code>/villages/new/", views.village_new, name="village_new"),
    path("<str:code>/area-kind/", views.area_kind_edit, name="area_kind"),
]
