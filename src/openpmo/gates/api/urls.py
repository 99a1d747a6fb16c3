"""API routes of the gates app, mounted under /api/ (see openpmo.api.urls)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from openpmo.gates.api import views

router = SimpleRouter()
router.register("gates", views.GateViewSet, basename="gate")
router.register("business-cases", views.BusinessCaseViewSet, basename="business-case")
router.register("gate-requests", views.GateRequestViewSet, basename="gate-request")
router.register("decisions", views.DecisionViewSet, basename="decision")
router.register(
    "equality-impact-assessments",
    views.EqualityAssessmentViewSet,
    basename="equality-impact-assessment",
)
router.register("condition-actions", views.ConditionActionViewSet, basename="condition-action")

urlpatterns = [
    path(
        "work-packages/<int:pk>/gate-requests/",
        views.WorkPackageGateRequestsView.as_view(),
        name="work-package-gate-requests",
    ),
    path(
        "work-packages/<int:pk>/business-cases/",
        views.WorkPackageBusinessCasesView.as_view(),
        name="work-package-business-cases",
    ),
    path("", include(router.urls)),
]
