from django.urls import path

from giamngheo.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("<int:pk>/progress/", views.job_progress, name="progress"),
    path("<int:pk>/files/<str:name>/", views.job_download, name="download"),
    path("<int:pk>/cancel/", views.job_cancel, name="cancel"),
]
