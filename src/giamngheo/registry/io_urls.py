from django.urls import path

from giamngheo.registry import io_views

app_name = "registry_io"

urlpatterns = [
    path("", io_views.io_index, name="index"),
    path("templates/<str:name>.<str:file_format>", io_views.template_download, name="template"),
    path("import/", io_views.import_start, name="import_start"),
    path("import/<int:pk>/", io_views.import_detail, name="import_detail"),
    path("import/<int:pk>/confirm/", io_views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/resolve/", io_views.import_resolve, name="import_resolve"),
    path("export/", io_views.export_start, name="export_start"),
]
