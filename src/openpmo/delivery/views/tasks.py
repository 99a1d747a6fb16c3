"""Editing a work package's schedule: tasks, milestones (and marking them achieved) and links."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from openpmo.delivery import selectors, services
from openpmo.delivery.choices import TaskKind
from openpmo.delivery.forms import (
    LinkForm,
    MilestoneAchievedForm,
    TaskForm,
)
from openpmo.delivery.models import (
    ScheduleLink,
    ScheduleTask,
)
from openpmo.delivery.views._common import (
    FORM,
    _require_schedule_editor,
    _save_form,
    _work_package,
    _wp_url,
)


def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    wp = _work_package(pk)
    _require_schedule_editor(request, wp)
    kind = request.GET.get("kind", "task")
    schedule = selectors.schedule_get(wp)
    spec = selectors.schedule_spec(
        schedule, selectors.calendar_spec_for(wp.strand.pillar.programme)
    )
    form = TaskForm(
        request.POST or None,
        instance=ScheduleTask(schedule=schedule) if schedule else None,
        minutes_per_day=spec.minutes_per_day,
        schedule=schedule,
        initial={"kind": kind if kind in TaskKind.values else "task"},
    )
    context = {"title": f"Add a task or milestone to {wp.reference}", "back": _wp_url(wp)}
    if request.method != "POST":
        return render(request, FORM, {**context, "form": form})
    return _save_form(
        request,
        form,
        lambda data: services.schedule_task_create(actor=request.user, work_package=wp, **data),
        FORM,
        context,
        "{obj} added",
    )


def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(
        ScheduleTask.objects.select_related("schedule__work_package__strand__pillar__programme"),
        pk=pk,
    )
    wp = task.schedule.work_package
    _require_schedule_editor(request, wp)
    spec = selectors.schedule_spec(
        task.schedule, selectors.calendar_spec_for(wp.strand.pillar.programme)
    )
    form = TaskForm(
        request.POST or None,
        instance=task,
        minutes_per_day=spec.minutes_per_day,
        schedule=task.schedule,
    )
    context = {"title": f"Edit {task.name}", "back": _wp_url(wp), "delete_task": task}
    if request.method != "POST":
        return render(request, FORM, {**context, "form": form})
    return _save_form(
        request,
        form,
        lambda data: services.schedule_task_update(
            actor=request.user,
            task=task,
            expected_version=form.cleaned_data.get("version"),
            **data,
        ),
        FORM,
        context,
        "{obj} saved",
    )


def milestone_achieved(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the day a milestone was achieved, with its evidence (the service checks who may)."""
    task = get_object_or_404(
        ScheduleTask.objects.select_related("schedule__work_package__strand__pillar__programme"),
        pk=pk,
    )
    wp = task.schedule.work_package
    if not request.user.has_perm("delivery.record_milestone", task):
        raise PermissionDenied(
            "Only the PMO, the pillar's sponsor or the work package's manager can record that a "
            "milestone was achieved."
        )
    form = MilestoneAchievedForm(request.POST or None, instance=task)
    context = {"title": f"Record that {task.name} was achieved", "back": _wp_url(wp)}
    if request.method != "POST":
        return render(request, FORM, {**context, "form": form})
    return _save_form(
        request,
        form,
        lambda data: services.milestone_achieve(
            actor=request.user,
            task=task,
            expected_version=form.cleaned_data.get("version"),
            **data,
        ),
        FORM,
        context,
        "{obj}: achieved recorded",
    )


@require_POST
def task_delete(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(ScheduleTask.objects.select_related("schedule__work_package"), pk=pk)
    wp = task.schedule.work_package
    _require_schedule_editor(request, wp)
    try:
        services.schedule_task_delete(actor=request.user, task=task)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{task.name} removed")
    return redirect(_wp_url(wp))


def link_create(request: HttpRequest, pk: int) -> HttpResponse:
    wp = _work_package(pk)
    _require_schedule_editor(request, wp)
    schedule = selectors.schedule_get(wp)
    spec = selectors.schedule_spec(
        schedule, selectors.calendar_spec_for(wp.strand.pillar.programme)
    )
    form = LinkForm(
        request.POST or None,
        schedule=schedule,
        minutes_per_day=spec.minutes_per_day,
    )
    context = {"title": f"Link two tasks of {wp.reference}", "back": _wp_url(wp)}
    if request.method != "POST":
        return render(request, FORM, {**context, "form": form})
    return _save_form(
        request,
        form,
        lambda data: services.schedule_link_create(actor=request.user, **data),
        FORM,
        context,
        "Link {obj} added",
    )


@require_POST
def link_delete(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(
        ScheduleLink.objects.select_related("schedule__work_package", "predecessor", "successor"),
        pk=pk,
    )
    wp = link.schedule.work_package
    _require_schedule_editor(request, wp)
    try:
        services.schedule_link_delete(actor=request.user, link=link)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Link {link} removed")
    return redirect(_wp_url(wp))
