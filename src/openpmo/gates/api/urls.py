"""API routes of the gates app, mounted under /api/ (see openpmo.api.urls)."""

urlpatterns: list = []
