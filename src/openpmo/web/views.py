"""The home page (the programme dashboard) and the health check."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from openpmo.audit.selectors import latest_change
from openpmo.portfolio import selectors
from openpmo.portfolio.models import Programme
from openpmo.web import selectors as dashboard
from openpmo.work import selectors as work
from openpmo.work.context_processors import COUNT_SECONDS, cache_key

HEADLINE_SECONDS = 60
"""how long the dashboard's headline figures are kept (a new audited write starts afresh)"""


def _headline(programme: Programme) -> dashboard.Headline:
    """The headline figures, the same for everyone: worked out at most once a minute per
    programme and day, and again at once after any governed (audited) write."""
    today = timezone.localdate()
    key = f"web:dashboard-headline:{programme.pk}:{today}:{latest_change()}"
    figures = cache.get(key)
    if figures is None:
        figures = dashboard.headline(programme, today=today)
        cache.set(key, figures, HEADLINE_SECONDS)
    return figures


MY_WORK_SECONDS = 300
"""how long a person's "What waits for you" is kept on the dashboard (a new audited write, or a
new day, starts afresh; the My work page itself always reads afresh)"""


def _my_work(user: object) -> list[work.WorkItem]:
    """The person's waiting items, worked out again after any governed (audited) write, a new
    day, or a new sign-in; otherwise kept a few minutes (the dashboard's costliest part)."""
    signed_in = getattr(user, "last_login", None)
    stamp = signed_in.timestamp() if signed_in else 0
    key = f"web:my-work:{user.pk}:{stamp}:{dt.date.today()}:{latest_change()}"  # type: ignore[attr-defined]
    items = cache.get(key)
    if items is None:
        items = work.my_work(user)  # type: ignore[arg-type]
        cache.set(key, items, MY_WORK_SECONDS)
    return items


def home(request: HttpRequest) -> HttpResponse:
    """One programme: its dashboard (headline figures, what waits for you, the pillars).
    Several: the list to choose from."""
    programmes = list(selectors.programme_list())
    if len(programmes) != 1:
        return render(request, "web/home.html", {"programmes": programmes})
    programme = programmes[0]
    # "What waits for you" once per request: the header's count is the length of the same list
    # (it was worked out a second time for the header, the costliest part of a cold dashboard).
    waiting = _my_work(request.user)
    cache.set(cache_key(request.user), len(waiting), COUNT_SECONDS)
    return render(
        request,
        "web/dashboard.html",
        {
            "programme": programme,
            "dashboard": selectors.programme_dashboard(programme),
            "headline": _headline(programme),
            "my_work_items": waiting,
        },
    )


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers: answers without a login and without touching the database."""
    return HttpResponse("ok", content_type="text/plain")
