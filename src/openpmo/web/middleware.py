"""Request-wide middleware: a request id for the audit trail, and login for every page."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

from openpmo.audit.context import request_id_var


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
