"""Public pages of the review app (no login): the certificate check. Mounted at /verify/."""

from django.urls import path

from giamngheo.review import views

app_name = "verify"

urlpatterns = [
    path("", views.verify, name="lookup"),
    path("<str:code>/", views.verify, name="check"),
]
