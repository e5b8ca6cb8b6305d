"""Public pages of the review app (no login): the certificate check."""

from django.urls import path  # noqa: F401  (filled as the views land)

app_name = "verify"

urlpatterns: list = []
