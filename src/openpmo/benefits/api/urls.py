"""API routes of the benefits app, mounted under /api/ (see openpmo.api.urls)."""

urlpatterns: list = []
