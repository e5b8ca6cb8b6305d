from django.urls import path

from giamngheo.registry import life_event_views, views

app_name = "registry"

urlpatterns = [
    path("", views.household_list, name="household_list"),
    path("new/", views.household_new, name="household_new"),
    path("pick/", views.household_pick, name="household_pick"),
    path("duplicates/", views.duplicate_list, name="duplicates"),
    path("<int:pk>/", views.household_detail, name="household_detail"),
    path("<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("<int:pk>/members/new/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:person_id>/edit/", views.member_edit, name="member_edit"),
    path("<int:pk>/members/<int:person_id>/move/", views.member_move, name="member_move"),
    path(
        "<int:pk>/members/<int:person_id>/",
        life_event_views.person_detail,
        name="person_detail",
    ),
    path("<int:pk>/events/<slug:kind>/", life_event_views.life_event_new, name="life_event_new"),
]
