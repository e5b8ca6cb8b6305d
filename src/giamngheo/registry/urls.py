from django.urls import path

from giamngheo.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.household_list, name="household_list"),
    path("<int:pk>/", views.household_detail, name="household_detail"),
]
