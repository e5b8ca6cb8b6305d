"""``/api/``: the schema, the docs page and version 1 of the resources."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import include, path
from rest_framework.routers import SimpleRouter

from giamngheo.api import views
from giamngheo.api.resources.applications import ApplicationViewSet
from giamngheo.api.resources.areas import AreaViewSet
from giamngheo.api.resources.collaborators import (
    CollaboratorReportViewSet,
    CollaboratorViewSet,
)
from giamngheo.api.resources.households import HouseholdViewSet, MemberViewSet
from giamngheo.api.resources.programmes import ProgrammeViewSet, SupportRecordViewSet
from giamngheo.api.resources.reports import ReportFigureViewSet, ReportFormViewSet
from giamngheo.api.resources.requests import SupportRequestViewSet
from giamngheo.api.resources.review_rounds import ReviewRoundViewSet
from giamngheo.api.resources.surveys import SurveyViewSet
from giamngheo.api.resources.training_classes import TrainingClassViewSet

app_name = "api"

router = SimpleRouter(trailing_slash=True)
router.register("areas", AreaViewSet, basename="area")
router.register("households", HouseholdViewSet, basename="household")
router.register("members", MemberViewSet, basename="member")
router.register("surveys", SurveyViewSet, basename="survey")
router.register("support-requests", SupportRequestViewSet, basename="support_request")
router.register("applications", ApplicationViewSet, basename="application")
# Read-only resources of the review, workforce, training, programmes and reports apps.
router.register("review-rounds", ReviewRoundViewSet, basename="review-round")
router.register("collaborators", CollaboratorViewSet, basename="collaborator")
router.register("collaborator-reports", CollaboratorReportViewSet, basename="collaborator-report")
router.register("training-classes", TrainingClassViewSet, basename="training-class")
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("support-records", SupportRecordViewSet, basename="support-record")
router.register("report-forms", ReportFormViewSet, basename="report-form")
router.register("report-figures", ReportFigureViewSet, basename="report-figure")

# The resources and the schema authenticate themselves (token or session: 401 as JSON), so
# Django's LoginRequiredMiddleware must not redirect them to the login page (DRF's views say so
# themselves since 3.15; said here too, not to depend on it). The docs page is a page: an
# anonymous visitor goes to the login.
resources = [*router.urls]
for pattern in resources:
    login_not_required(pattern.callback)

urlpatterns = [
    path("schema/", login_not_required(views.SchemaView.as_view()), name="schema"),
    path("docs/", login_required(views.DocsView.as_view()), name="docs"),
    path("v1/", include(resources)),
]
