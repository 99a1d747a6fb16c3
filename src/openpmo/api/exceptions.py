"""Map the services' refusals to HTTP: validation 400 with field messages (an engine's refusal
too), forbidden 403, conflicts 409, a busy database 503 "try again". Nothing is saved in any of these cases (the service's transaction rolled back)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from openpmo.common.busy import BUSY, RETRY_AFTER_SECONDS, is_busy
from openpmo.common.engine_errors import as_api_error
from openpmo.common.services import ConflictError
from openpmo.core.errors import OpenPMOError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if is_busy(exc):
        set_rollback()
        return Response(
            {"detail": BUSY},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, OverflowError | DataError):
        # A number in the query beyond any id (?work_package=15540174938994173028597760): the
        # database driver refuses it (SQLite: OverflowError; PostgreSQL: out of range).
        set_rollback()
        bad = _huge_numbers(context)
        return Response(
            {name: ["is beyond any id or count"] for name in bad}
            or {"detail": "A number in the request is beyond any id or count."},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, ValueError | TypeError):
        # An id in the address that is not a number ("/decisions/null,null/correction/") makes
        # the database lookup raise: say which part of the address is wrong instead of a 500.
        bad = _non_numeric_ids(context.get("kwargs") or {})
        if bad:
            return Response(
                {name: ["must be a whole number"] for name in bad},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return None
    if isinstance(exc, OpenPMOError):
        exc = as_api_error(exc)  # an engine's refusal that a view let through
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = ValidationError(detail=detail)
    if isinstance(exc, DjangoPermissionDenied) and str(exc):
        exc = PermissionDenied(detail=str(exc))  # the service's reason, not a generic refusal
    if isinstance(exc, ConflictError):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)


def _huge_numbers(context: dict[str, Any]) -> list[str]:
    request = context.get("request")
    params = getattr(request, "query_params", None) or {}
    return sorted(
        name
        for name, value in params.items()
        if value.isascii() and value.lstrip("-").isdigit() and abs(int(value)) >= 2**63
    )


def _non_numeric_ids(kwargs: dict[str, Any]) -> list[str]:
    return [
        name
        for name, value in kwargs.items()
        if (name == "pk" or name.endswith("_pk") or name.endswith("_id") or name == "id")
        and not str(value).isdigit()
    ]
