"""Pages mounted under /delivery/ beside the programme schedule (see openpmo.config.urls)."""

from django.urls import path

from openpmo.impact import views

app_name = "impact"
urlpatterns = [
    path("slippage/", views.slippage, name="slippage"),
]
