"""API routes of the slippage impact, mounted under /api/ (see openpmo.api.urls)."""

from django.urls import path

from openpmo.impact.api import views

urlpatterns = [
    path("slippage-impact/", views.SlippageImpactView.as_view(), name="slippage-impact"),
]
