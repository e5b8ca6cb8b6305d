"""Field work: blank forms to print and the survey-results import (``/surveys/field/``)."""

from django.urls import path

from giamngheo.surveys import field_views, import_views

app_name = "surveys_field"

urlpatterns = [
    path("", field_views.field_index, name="index"),
    path("forms/<slug:form_code>.pdf", field_views.blank_form, name="blank_form"),
    path(
        "forms/<slug:form_code>/household/<int:household_pk>.pdf",
        field_views.household_form,
        name="household_form",
    ),
    path("results-import/", import_views.import_start, name="import_start"),
    path("results-import/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("results-import/<int:pk>/confirm/", import_views.import_confirm, name="import_confirm"),
]
