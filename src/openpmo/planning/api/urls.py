"""API routes of portfolio planning, mounted under /api/ (see openpmo.api.urls)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from openpmo.planning.api import views

router = SimpleRouter()
router.register("portfolio/scenarios", views.ScenarioViewSet, basename="scenario")

urlpatterns = [path("", include(router.urls))]
