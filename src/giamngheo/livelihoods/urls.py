from django.urls import path

from giamngheo.livelihoods import views

app_name = "livelihoods"

urlpatterns = [
    path("", views.model_list, name="model_list"),
    path("models/new/", views.model_new, name="model_new"),
    path("models/<int:pk>/", views.model_detail, name="model_detail"),
    path("models/<int:pk>/participants/", views.participants, name="participants"),
    path("models/<int:pk>/participants/new/", views.participant_new, name="participant_new"),
    path("models/<int:pk>/inputs/", views.inputs, name="inputs"),
    path("models/<int:pk>/outcomes/", views.outcomes, name="outcomes"),
    path("models/<int:pk>/export.xlsx", views.model_xlsx, name="model_xlsx"),
    path("participations/<int:pk>/inputs/new/", views.input_new, name="input_new"),
    path("participations/<int:pk>/outcome/", views.outcome_edit, name="outcome_edit"),
    path("groups/", views.group_list, name="group_list"),
    path("groups/new/", views.group_new, name="group_new"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/members/new/", views.member_new, name="member_new"),
    path("groups/<int:pk>/approve/", views.group_approve, name="group_approve"),
    path("groups/<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
]
