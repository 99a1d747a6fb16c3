"""API routes of the reports app, mounted under /api/ (see openpmo.api.urls)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from openpmo.reports.api import views

router = SimpleRouter()
router.register("reports/pdfs", views.ReportPdfViewSet, basename="report-pdf")
router.register("reports", views.ReportViewSet, basename="report")

urlpatterns = [
    path("reports/board-pack/", views.BoardPackView.as_view(), name="report-board-pack"),
    path("", include(router.urls)),
]
