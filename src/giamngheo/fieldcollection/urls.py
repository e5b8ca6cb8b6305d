"""Field collection with ODK Collect / KoboCollect (``/field-collection/``)."""

from django.urls import path

from giamngheo.fieldcollection import views

app_name = "fieldcollection"

urlpatterns = [
    path("", views.index, name="index"),
    path("package/", views.package, name="package"),
    path("imports/", views.import_start, name="import_start"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("conflicts/", views.conflicts, name="conflicts"),
    path("submissions/<int:pk>/", views.conflict_detail, name="conflict_detail"),
    path("submissions/<int:pk>/photo/", views.photo, name="photo"),
]
