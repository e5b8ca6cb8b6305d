from django.urls import path

from giamngheo.surveys import views

app_name = "surveys"

urlpatterns = [
    path("household/<int:household_pk>/", views.household_surveys, name="household_surveys"),
    path(
        "household/<int:household_pk>/new/<slug:form_code>/",
        views.survey_new,
        name="survey_new",
    ),
    path(
        "household/<int:household_pk>/preview/<slug:form_code>/",
        views.survey_preview,
        name="survey_preview",
    ),
    path("<int:pk>/", views.survey_detail, name="survey_detail"),
]
