"""API routes of the delivery app, mounted under /api/ (see openpmo.api.urls)."""

urlpatterns: list = []
