from django.urls import path

from giamngheo.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.global_log, name="global"),
    path("<str:object_type>/<str:object_id>/", views.object_log, name="object"),
]
