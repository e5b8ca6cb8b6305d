"""``/api/``: the schema, the docs page and version 1 of the resources."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from rest_framework.routers import SimpleRouter

from giamngheo.api import views
from giamngheo.api.resources.areas import AreaViewSet
from giamngheo.api.resources.households import HouseholdViewSet, MemberViewSet
from giamngheo.api.resources.surveys import SurveyViewSet

app_name = "api"

router = SimpleRouter(trailing_slash=True)
router.register("areas", AreaViewSet, basename="area")
router.register("households", HouseholdViewSet, basename="household")
router.register("members", MemberViewSet, basename="member")
router.register("surveys", SurveyViewSet, basename="survey")

# The resources and the schema authenticate themselves (token or session: 401 as JSON), so
# Django's LoginRequiredMiddleware must not redirect them to the login page.
resources = [*router.urls]
for pattern in resources:
    login_not_required(pattern.callback)

urlpatterns = [
    path("schema/", login_not_required(views.SchemaView.as_view()), name="schema"),
    path("docs/", views.DocsView.as_view(), name="docs"),
    path("v1/", include(resources)),
]
