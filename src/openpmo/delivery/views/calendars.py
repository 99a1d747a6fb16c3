"""The programme calendar and its exceptions, and which calendar a work package runs on."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from openpmo.common.services import ConflictError
from openpmo.delivery import own_calendars, selectors, services
from openpmo.delivery.forms import (
    CalendarExceptionForm,
    CalendarForm,
)
from openpmo.delivery.models import (
    WEEKDAYS,
    CalendarException,
    ProgrammeCalendar,
)
from openpmo.delivery.views._common import (
    _add_errors,
    _programme,
    _save_form,
    _work_package,
    _wp_url,
)
from openpmo.portfolio.models import Programme


def _calendar_context(programme: Programme, **extra: Any) -> dict[str, Any]:
    spec = selectors.calendar_spec_for(programme)
    hours = ", ".join(f"{start:%H:%M}-{end:%H:%M}" for start, end in spec.periods)
    return {
        "programme": programme,
        "calendar": selectors.calendar_get(programme),
        "spec": spec,
        "spec_lines": [
            (name, hours if day in spec.working_days else "not working")
            for day, name in enumerate(WEEKDAYS)
        ],
        "exception_form": CalendarExceptionForm(),
        **extra,
    }


def calendar(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    row = selectors.calendar_get(programme)
    can_edit = request.user.has_perm("delivery.change_calendar", programme)
    form = CalendarForm(
        request.POST or None, instance=row or ProgrammeCalendar(programme=programme)
    )
    context = _calendar_context(programme, can_edit=can_edit)
    if request.method != "POST":
        return render(request, "delivery/calendar.html", {**context, "form": form})
    if not can_edit:
        raise PermissionDenied("Only the PMO can change the programme calendar.")
    return _save_form(
        request,
        form,
        lambda data: services.calendar_save(
            actor=request.user,
            programme=programme,
            expected_version=form.cleaned_data.get("version") if row else None,
            **data,
        ),
        "delivery/calendar.html",
        context,
        "Calendar saved",
    )


@require_POST
def calendar_exception_add(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    if not request.user.has_perm("delivery.change_calendar", programme):
        raise PermissionDenied("Only the PMO can change the programme calendar.")
    form = CalendarExceptionForm(request.POST)
    row = selectors.calendar_get(programme)
    context = _calendar_context(
        programme,
        can_edit=True,
        form=CalendarForm(instance=row or ProgrammeCalendar(programme=programme)),
    )
    if form.is_valid():
        try:
            added = services.calendar_exception_add(
                actor=request.user, programme=programme, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Day off {added} added")
            return redirect("delivery:calendar")
    context["exception_form"] = form
    return render(request, "delivery/calendar.html", context, status=400)


@require_POST
def calendar_exception_remove(request: HttpRequest, pk: int) -> HttpResponse:
    exception = get_object_or_404(CalendarException.objects.select_related("calendar"), pk=pk)
    if not request.user.has_perm("delivery.change_calendar", exception.calendar.programme):
        raise PermissionDenied("Only the PMO can change the programme calendar.")
    try:
        services.calendar_exception_remove(actor=request.user, exception=exception)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{exception} removed")
    return redirect("delivery:calendar")


def work_package_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """Which calendar the schedule runs on (an imported file's own, or the programme's), what
    applying the other would move, and (PMO or the package's manager) applying it."""
    wp = _work_package(pk)
    can_change = request.user.has_perm("delivery.change_schedule_calendar", wp)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied(
                "Only the PMO or this work package's manager can change its calendar."
            )
        use = request.POST.get("use", "")
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None
        try:
            services.schedule_calendar_apply(
                actor=request.user, work_package=wp, use=use, expected_version=version
            )
        except (ValidationError, ConflictError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return redirect(reverse("delivery:work-package-calendar", args=[wp.pk]))
        choice = own_calendars.choice_of(wp)
        messages.success(request, f"{wp.reference} now runs on {choice.current_name}")
        return redirect(_wp_url(wp))
    choice = own_calendars.choice_of(wp)
    return render(
        request,
        "delivery/work_package_calendar.html",
        {"work_package": wp, "choice": choice, "can_change": can_change},
    )
