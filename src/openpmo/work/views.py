"""My work, notification settings, and the development mailbox."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from openpmo.work import selectors, services
from openpmo.work.context_processors import COUNT_SECONDS, cache_key
from openpmo.work.forms import NotificationSettingForm

FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


def my_work(request: HttpRequest) -> HttpResponse:
    items = selectors.my_work(request.user)
    cache.set(cache_key(request.user), len(items), COUNT_SECONDS)
    return render(
        request,
        "work/my_work.html",
        {
            "items": items,
            "overdue": sum(1 for i in items if i.overdue),
            "notifications": selectors.notifications_of(request.user, limit=20),
        },
    )


def notification_settings(request: HttpRequest) -> HttpResponse:
    current = selectors.notification_setting_for(request.user)
    form = NotificationSettingForm(request.POST or None, initial={"frequency": current})
    if request.method == "POST" and form.is_valid():
        services.notification_setting_set(
            actor=request.user, person=request.user, frequency=form.cleaned_data["frequency"]
        )
        messages.success(request, "Your notification settings are saved")
        return redirect("work:my-work")
    return render(request, "work/settings.html", {"form": form}, status=400 if form.errors else 200)


def _mailbox() -> Path:
    if settings.EMAIL_BACKEND != FILE_BACKEND:
        raise Http404("Mail is sent to a real server here, not kept in files.")
    return Path(settings.EMAIL_FILE_PATH)


def mailbox(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("work.view_mailbox"):
        raise PermissionDenied("Only the PMO can read the development mailbox.")
    folder = _mailbox()
    files = sorted(folder.glob("*.log"), reverse=True)[:100] if folder.exists() else []
    return render(request, "work/mailbox.html", {"files": [f.name for f in files]})


def mailbox_file(request: HttpRequest, name: str) -> HttpResponse:
    if not request.user.has_perm("work.view_mailbox"):
        raise PermissionDenied("Only the PMO can read the development mailbox.")
    folder = _mailbox()
    path = folder / name
    if path.parent != folder or not path.is_file() or path.suffix != ".log":
        raise Http404("No such message file.")
    return HttpResponse(path.read_bytes(), content_type="text/plain; charset=utf-8")
