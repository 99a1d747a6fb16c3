"""API routes of the finance app, mounted under /api/ (see openpmo.api.urls)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from openpmo.finance.api import views

router = SimpleRouter()
router.register("reserves", views.ReserveViewSet, basename="reserve")
router.register("team-cost-plans", views.TeamCostPlanViewSet, basename="team-cost-plan")
router.register("spend", views.SpendViewSet, basename="spend")
router.register("forecasts", views.ForecastViewSet, basename="forecast")
router.register("appraisals", views.AppraisalViewSet, basename="appraisal")

urlpatterns = [
    path("reserve/ledger/", views.ReserveLedgerView.as_view(), name="reserve-ledger"),
    path(
        "finance/work-packages/<int:pk>/money/",
        views.WorkPackageMoneyView.as_view(),
        name="work-package-money",
    ),
    path("finance/money/", views.ProgrammeMoneyView.as_view(), name="programme-money"),
    path("", include(router.urls)),
]
