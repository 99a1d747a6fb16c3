"""Pages of 50 for JSON; a spreadsheet export (``?format=xlsx|csv``) holds every row."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import PageNumberPagination

from openpmo.api.renderers import SPREADSHEET_FORMATS


class RegisterPagination(PageNumberPagination):
    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        renderer = getattr(request, "accepted_renderer", None)
        if getattr(renderer, "format", None) in SPREADSHEET_FORMATS:
            return None
        return super().paginate_queryset(queryset, request, view)
