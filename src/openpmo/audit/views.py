from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from openpmo.audit import selectors, words


def audit_log(request: HttpRequest) -> HttpResponse:
    """The whole trail, newest first, filterable by action code."""
    action = request.GET.get("action", "").strip()
    page = Paginator(selectors.audit_list(action_prefix=action), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "audit/log.html", {"page": page, "action": action})


def object_history(request: HttpRequest, app_label: str, model: str, pk: str) -> HttpResponse:
    """The history page of one object: every change with its before and after values."""
    try:
        obj = selectors.audited_object(app_label, model, pk)
    except (ObjectDoesNotExist, ContentType.DoesNotExist, ValueError):
        raise Http404("No such object") from None
    page = Paginator(selectors.audit_history_for(obj).select_related("content_type"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "audit/history.html",
        {"object": obj, "page": page, "entries": words.describe(page.object_list)},
    )
