"""API routes of the risks app, mounted under /api/ (see openpmo.api.urls)."""

urlpatterns: list = []
