"""API routes of the reports app, mounted under /api/ (see openpmo.api.urls)."""

urlpatterns: list = []
