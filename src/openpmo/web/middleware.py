"""Request-wide middleware: a request id for the audit trail, and login for every page."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.db import DataError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render

from openpmo.audit.context import request_id_var
from openpmo.common.busy import BUSY, RETRY_AFTER_SECONDS, is_busy


class RequestIdMiddleware:
    """Give every request an id (or keep the proxy's ``X-Request-ID``) for audit records."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page needs a signed-in user, except views marked ``@login_not_required``.

    API views are left to Django REST framework, which authenticates tokens as well as sessions
    and answers 401/403 in JSON instead of redirecting to the sign-in page.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):  # type: ignore[no-untyped-def]
        if getattr(view_func, "cls", None) is not None and hasattr(
            view_func.cls, "permission_classes"
        ):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class RefuseNulCharactersMiddleware:
    """Answer 400 to a query parameter holding a NUL character (``?status=%00``).

    No field of OpenPMO can hold one, PostgreSQL refuses it in any text, and a filter reading
    the parameter would fail deep inside the database driver. Form and API fields refuse NULs
    in their own validation; this covers the query string that filters read directly."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bad = sorted(
            {
                name
                for name, values in request.GET.lists()
                if "\x00" in name or any("\x00" in value for value in values)
            }
        )
        if bad:
            names = ", ".join(name.replace("\x00", "\\0")[:40] for name in bad)
            message = f"The parameter {names} holds a character that is not allowed (NUL)."
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {name.replace("\x00", ""): [message] for name in bad}, status=400
                )
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


BIGGEST_ID = 2**63 - 1
"""the largest number a database id column holds (a signed 64-bit integer)"""


def huge_numbers(request: HttpRequest) -> list[str]:
    """The names of the parameters (query, form or address) holding a whole number no id reaches."""

    def huge(value: object) -> bool:
        text = str(value).strip()
        digits = text.removeprefix("-")
        return text.isascii() and digits.isdigit() and abs(int(text)) > BIGGEST_ID

    names = {name for name, values in request.GET.lists() if any(huge(v) for v in values)}
    if request.method == "POST" and not request.content_type.startswith("multipart/"):
        names |= {name for name, values in request.POST.lists() if any(huge(v) for v in values)}
    match = request.resolver_match
    if match is not None:
        names |= {name for name, value in match.kwargs.items() if huge(value)}
    return sorted(names)


class HugeNumberMiddleware:
    """Answer 400, naming the parameter, when a number beyond any id reached the database.

    ``?pillar=99999999999999999999999`` makes the driver refuse the query (SQLite: OverflowError,
    PostgreSQL: a DataError, out of range); the page would answer 500. The API answers its own
    400 in JSON (openpmo.api.exceptions); this does the same for pages. Nothing is saved: every
    write runs in a service's transaction, which the exception has already rolled back on its
    way here (requests are not wrapped in one transaction, ATOMIC_REQUESTS is off)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OverflowError | DataError):
            return None
        names = huge_numbers(request)
        if not names:
            return None  # another fault: left to the 500 page and the error log
        if request.path.startswith("/api/"):
            return JsonResponse({name: ["is beyond any id or count"] for name in names}, status=400)
        return render(request, "web/400.html", {"parameters": names}, status=400)


class BusyDatabaseMiddleware:
    """A page whose change met a busy database (locked, lock timeout, serialization failure) is a
    503 "busy, try again" page, not a server error; the change was rolled back. The API answers
    the same in JSON from its exception handler (``openpmo.api.exceptions``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_busy(exception):
            return None
        response = render(request, "web/503.html", {"message": BUSY}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
