"""API routes of the risks app, mounted under /api/ (see openpmo.api.urls)."""

from rest_framework.routers import SimpleRouter

from openpmo.risks.api.views import (
    AssumptionViewSet,
    IssueViewSet,
    RaidActionViewSet,
    RiskViewSet,
    SimulationRunViewSet,
)

router = SimpleRouter()
router.register("risks", RiskViewSet, basename="risk")
router.register("issues", IssueViewSet, basename="issue")
router.register("assumptions", AssumptionViewSet, basename="assumption")
router.register("raid-actions", RaidActionViewSet, basename="raid-action")
router.register("simulation-runs", SimulationRunViewSet, basename="simulation-run")

urlpatterns = router.urls
