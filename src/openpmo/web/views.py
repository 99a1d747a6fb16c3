"""The home page (the programme dashboard) and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from openpmo.portfolio import selectors
from openpmo.web import selectors as dashboard


def home(request: HttpRequest) -> HttpResponse:
    """One programme: its dashboard (headline figures, what waits for you, the pillars).
    Several: the list to choose from."""
    programmes = list(selectors.programme_list())
    if len(programmes) != 1:
        return render(request, "web/home.html", {"programmes": programmes})
    programme = programmes[0]
    return render(
        request,
        "web/dashboard.html",
        {
            "programme": programme,
            "dashboard": selectors.programme_dashboard(programme),
            "headline": dashboard.headline(programme),
        },
    )


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers: answers without a login and without touching the database."""
    return HttpResponse("ok", content_type="text/plain")
