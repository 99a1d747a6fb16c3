"""API lists kept in the cache under the state of the data, so a governed write is never hidden."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.response import Response


class KeptListMixin:
    """A viewset's JSON list kept for ``kept_seconds`` under a key holding ``kept_version()``
    (the viewset sets it to the id of the latest audit record: every governed write is audited,
    so any change makes a new key in every process) and the full address asked for. Only for
    lists that read no person: everyone who may read the list shares it. Spreadsheet exports
    and errors are never kept."""

    kept_seconds = 300
    kept_version: Callable[[], object]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        renderer = getattr(request, "accepted_renderer", None)
        if getattr(renderer, "format", None) != "json":
            return super().list(request, *args, **kwargs)  # type: ignore[misc]
        address = f"{request.get_host()}{request.get_full_path()}"
        digest = hashlib.sha256(address.encode()).hexdigest()[:32]
        version = type(self).kept_version()
        key = f"api:list:{type(self).__name__}:{version}:{digest}"
        data = cache.get(key)
        if data is not None:
            return Response(data)
        response: Response = super().list(request, *args, **kwargs)  # type: ignore[misc]
        if response.status_code == 200:
            cache.set(key, response.data, self.kept_seconds)
        return response
