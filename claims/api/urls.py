"""API routes under /api/: the resources, the OpenAPI schema and its interactive docs.

Anything else under /api/ is a JSON 404 (``errors.api_not_found``), never a page.
"""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from claims.api import ingest, views
from claims.api.errors import api_not_found

app_name = "api"

router = SimpleRouter(use_regex_path=False)
router.register("events", views.EventViewSet, basename="event")
router.register("events/<int:event_pk>/tolls", views.TollViewSet, basename="toll")
router.register("sources", views.SourceViewSet, basename="source")
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("attributions", views.AttributionViewSet, basename="attribution")
router.register("flags", views.FlagViewSet, basename="flag")
router.register("ingest", ingest.IngestViewSet, basename="ingest")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
    re_path(r"^", api_not_found),
]
