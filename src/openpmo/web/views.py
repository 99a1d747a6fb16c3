"""The home page (the programme dashboard) and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from openpmo.portfolio import selectors


def home(request: HttpRequest) -> HttpResponse:
    """One programme: its dashboard. Several: the list to choose from."""
    programmes = list(selectors.programme_list())
    if len(programmes) == 1:
        return redirect("portfolio:programme-detail", pk=programmes[0].pk)
    return render(request, "web/home.html", {"programmes": programmes})


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers: answers without a login and without touching the database."""
    return HttpResponse("ok", content_type="text/plain")
