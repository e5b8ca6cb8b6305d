from django.urls import path  # noqa: F401  (filled as the views land)

app_name = "review"

urlpatterns: list = []
