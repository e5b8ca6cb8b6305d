from django.urls import path

from giamngheo.web import audit_views as views

app_name = "audit"

urlpatterns = [
    path("", views.global_log, name="global"),
    path("<str:object_type>/<str:object_id>/", views.object_log, name="object"),
]
