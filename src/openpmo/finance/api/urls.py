"""API routes of the finance app, mounted under /api/ (see openpmo.api.urls)."""

urlpatterns: list = []
