"""Pages of the delivery app: the programme schedule (Gantt chart, table, critical path,
slippage impact), each work package's schedule, the calendar and the interdependency register.
Each write goes through ``services``; errors come back to the form (with the GOV.UK error
summary) and nothing is saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from openpmo.common.services import ConflictError
from openpmo.delivery import own_calendars, selectors, services, stored_schedules
from openpmo.delivery.charts import GanttArrow, GanttMilestone, GanttRow, gantt_svg
from openpmo.delivery.choices import TaskKind
from openpmo.delivery.forms import (
    CalendarExceptionForm,
    CalendarForm,
    ImportForm,
    InterdependencyFilterForm,
    InterdependencyForm,
    LinkForm,
    MilestoneAchievedForm,
    ScheduleStartForm,
    SlippageForm,
    TaskForm,
)
from openpmo.delivery.models import (
    WEEKDAYS,
    CalendarException,
    Interdependency,
    ProgrammeCalendar,
    ScheduleLink,
    ScheduleTask,
)
from openpmo.portfolio.models import Programme, WorkPackage
from openpmo.portfolio.selectors import programme_in_scope_or_404

FORM = "delivery/form.html"


def _save_form(
    request: HttpRequest,
    form: Any,
    save: Callable[[dict[str, Any]], models.Model],
    template: str,
    context: dict[str, Any],
    success: str,
) -> HttpResponse:
    """Run ``save`` on valid input; show the form again with every error on refusal."""
    if form.is_valid():
        try:
            obj = save(form.service_data())
        except ValidationError as error:
            _add_errors(form, error)
        except ConflictError as error:
            form.add_error(None, str(error))
        except PermissionDenied as error:
            # e.g. a sponsor naming two work packages outside their pillars: say so on the form
            form.add_error(None, str(error) or "Your role does not allow this.")
            return render(request, template, {**context, "form": form}, status=403)
        else:
            messages.success(request, success.format(obj=obj))
            return redirect(obj)
    return render(
        request, template, {**context, "form": form}, status=200 if not form.errors else 400
    )


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error)


def _programme(request: HttpRequest) -> Programme:
    return programme_in_scope_or_404(request)


def _work_package(pk: int) -> WorkPackage:
    return get_object_or_404(
        WorkPackage.objects.select_related("strand__pillar__programme", "owner"), pk=pk
    )


def _long(moment: Any) -> str:
    return f"{moment.day} {moment:%B %Y}"


# -- the programme schedule ------------------------------------------------------------------------


GANTT_PAGE_ROWS = 50
"""work packages per page of the programme schedule (the chart and table of that page)"""


@dataclass
class SummaryRow:
    """A pillar, or a strand within it: the span of its work packages' computed dates."""

    label: str
    start: dt.datetime
    finish: dt.datetime
    work_packages: int
    critical: int
    depth: int


def _summary_rows(view: selectors.ProgrammeSchedule) -> list[SummaryRow]:
    """Each pillar (in its order) followed by its strands, spanning their work packages."""
    pillars: dict[int, tuple[Any, dict[int, list[Any]]]] = {}
    for row in view.rows:
        strand = row.work_package.strand
        entry = pillars.setdefault(strand.pillar_id, (strand.pillar, {}))
        entry[1].setdefault(strand.pk, []).append(row)

    def span(label: str, rows: list[Any], depth: int) -> SummaryRow:
        return SummaryRow(
            label=label,
            start=min(r.start for r in rows),
            finish=max(r.finish for r in rows),
            work_packages=len(rows),
            critical=sum(1 for r in rows if r.critical),
            depth=depth,
        )

    summary = []
    for pillar, strands in sorted(
        pillars.values(), key=lambda item: (item[0].order, item[0].name, item[0].pk)
    ):
        summary.append(span(pillar.name, [r for rows in strands.values() for r in rows], 0))
        for rows in sorted(strands.values(), key=lambda rs: rs[0].work_package.strand.name):
            summary.append(span(rows[0].work_package.strand.name, rows, 1))
    return summary


def _summary_gantt(view: selectors.ProgrammeSchedule, summary: list[SummaryRow]) -> Any:
    pillars = sum(1 for s in summary if s.depth == 0)
    return gantt_svg(
        [
            GanttRow(
                label=s.label,
                start=s.start,
                finish=s.finish,
                critical=s.critical > 0,
                summary=s.depth == 0,
                depth=s.depth,
                detail=f"{s.work_packages} work packages, {s.critical} critical",
            )
            for s in summary
        ],
        title=f"The {view.programme.short_name} programme by pillar and strand",
        description=(
            f"{pillars} pillars and {len(summary) - pillars} strands, each bar spanning its work "
            "packages' computed dates; a bar is marked critical when one of its work packages is "
            "on the critical path. The table after the chart holds the same dates."
        ),
        chart_id="programme-summary-gantt",
    )


def _programme_gantt(view: selectors.ProgrammeSchedule, rows_shown: list[Any]) -> Any:
    rows = []
    index = {}
    for position, row in enumerate(rows_shown):
        index[row.work_package.pk] = position
        rows.append(
            GanttRow(
                label=f"{row.work_package.reference} {row.work_package.name}",
                start=row.start,
                finish=row.finish,
                critical=row.critical,
                detail=f"slack {row.total_slack_days} working days",
                milestones=[
                    GanttMilestone(
                        when=view.spec.day_end(m.date), label=m.task.name, critical=m.critical
                    )
                    for m in row.milestones
                ],
            )
        )
    arrows = []
    for dependency in view.interdependencies:
        check = view.checks.get(dependency.pk)
        target = index.get(dependency.to_work_package_id)
        source = index.get(dependency.from_work_package_id)
        if check is None or target is None or source is None:
            continue
        arrows.append(
            GanttArrow(
                source=source,
                target=target,
                when_from=check.ready,
                when_to=check.needed_at,
                label=f"{dependency.reference}: {dependency.to_work_package.name} needs "
                f"{dependency.from_work_package.name}",
            )
        )
    count = len(rows)
    critical = sum(1 for r in rows_shown if r.critical)
    first, last = (rows_shown[0].start, max(r.finish for r in rows_shown)) if rows_shown else (0, 0)
    return gantt_svg(
        rows,
        title=f"Gantt chart of the {view.programme.short_name} programme"
        + (f" ({count} of {len(view.rows)} work packages)" if count < len(view.rows) else ""),
        description=(
            f"{count} work packages from {_long(first)} to {_long(last)}; "
            f"{critical} on the critical path (hatched, outlined and labelled critical). "
            "Diamonds are milestones; dashed arrows are interdependencies. "
            "The table after the chart holds the same dates."
        )
        if rows_shown
        else "No work is scheduled yet.",
        arrows=arrows,
        chart_id="programme-gantt",
    )


def _page_number(request: HttpRequest) -> int:
    wanted = str(request.GET.get("page", "") or "")
    return int(wanted) if wanted.isdigit() and 0 < int(wanted) < 10**6 else 1


def home(request: HttpRequest) -> HttpResponse:
    """The programme schedule, summary first: pillars and strands, then the work packages a page
    (``GANTT_PAGE_ROWS``) at a time, each chart with its table; the critical path; slippage.

    It reads the stored programme schedule (the engine runs when its inputs change, not on
    view). The schedule part of a page is the same for everyone until those inputs change, so
    it is kept, rendered, under the stored schedule's fingerprint and the page number."""
    programme = _programme(request)
    number = _page_number(request)
    fingerprint = stored_schedules.current_fingerprint(programme)
    key = f"delivery:programme-page:{programme.pk}:{fingerprint}:{number}"
    body = cache.get(key) if fingerprint else None
    if body is None:
        view = selectors.programme_schedule(programme)
        page = Paginator(view.rows, GANTT_PAGE_ROWS).get_page(number)
        shown = list(page.object_list)
        summary = _summary_rows(view) if not view.error else []
        on_page = {row.work_package.pk for row in shown}
        body = render_to_string(
            "delivery/_programme_schedule_body.html",
            {
                "programme": programme,
                "view": view,
                "page": page,
                "rows": shown,
                "page_query": f"programme={programme.pk}",
                "summary": summary,
                "summary_gantt": _summary_gantt(view, summary) if summary else "",
                "gantt": _programme_gantt(view, shown) if not view.error else "",
                "milestones": [(wp, m) for wp, m in view.milestones if wp.pk in on_page],
                "slippage_form": SlippageForm(programme=programme),
            },
        )
        if view.fingerprint and not view.recalculating and not view.error:
            cache.set(
                f"delivery:programme-page:{programme.pk}:{view.fingerprint}:{page.number}",
                body,
                3600,
            )
    return render(
        request,
        "delivery/programme_schedule.html",
        {
            "programme": programme,
            "body": mark_safe(body),  # noqa: S308 - rendered by our own template just above
            "can_manage_interdependencies": request.user.has_perm("delivery.add_interdependency"),
        },
    )


def slippage(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    form = SlippageForm(request.GET or None, programme=programme)
    impact = None
    if form.is_valid():
        impact = selectors.slippage_impact(
            programme, form.cleaned_data["work_package"], form.cleaned_data["weeks"]
        )
    return render(
        request,
        "delivery/slippage.html",
        {"programme": programme, "form": form, "impact": impact},
        status=400 if form.is_bound and form.errors else 200,
    )


def _xml_download(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def programme_export(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    try:
        data = selectors.export_programme_mspdi(programme)
    except Exception as error:  # an engine refusal: say so instead of a server error
        from openpmo.core.errors import OpenPMOError

        if not isinstance(error, OpenPMOError):
            raise
        messages.error(request, f"The programme could not be exported: {error}")
        return redirect("delivery:home")
    return _xml_download(data, f"{programme.short_name}-programme-schedule.xml")


# -- the calendar ------------------------------------------------------------------------------------


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


# -- a work package's schedule -------------------------------------------------------------------


GANTT_ROWS = 300  # beyond this a chart is unreadable; the table below it lists every task


def _work_package_gantt(view: selectors.WorkPackageScheduleView) -> Any:
    rows = [
        GanttRow(
            label=row.task.name,
            start=row.computed.early_start,
            finish=row.computed.early_finish,
            critical=row.critical and row.task.kind != TaskKind.SUMMARY,
            milestone=row.task.kind == TaskKind.MILESTONE,
            summary=row.task.kind == TaskKind.SUMMARY,
            depth=min(row.depth, 4),
            detail=f"slack {row.total_slack_days} working days",
        )
        for row in view.rows
        if row.computed is not None
    ]
    shown = rows[:GANTT_ROWS] if len(rows) <= GANTT_ROWS else [r for r in rows if r.summary]
    if len(shown) > GANTT_ROWS or not shown:
        shown = rows[:GANTT_ROWS]
    wp = view.work_package
    return gantt_svg(
        shown,
        title=f"Gantt chart of {wp.reference} {wp.name}",
        description=(
            (
                f"{len(rows)} tasks and milestones"
                if len(shown) == len(rows)
                else f"{len(shown)} of {len(rows)} tasks (summary tasks only, or the first "
                f"{GANTT_ROWS}: the table lists every one, a page at a time)"
            )
            + (f" from {_long(view.start)} to {_long(view.finish)}" if view.finish else "")
            + ". Critical tasks are hatched, outlined and labelled critical; diamonds are "
            "milestones. The table after the chart holds the same dates."
        ),
        chart_id="work-package-gantt",
    )


# A schedule longer than this is shown a page at a time (the Gantt chart summarises it), so a
# 50,000-task file never becomes megabytes of HTML sent to everyone who opens the page.
ROWS_PER_PAGE = 200


def _page_query(request: HttpRequest, *, without: str) -> str:
    query = request.GET.copy()
    query.pop(without, None)
    return query.urlencode()


def work_package_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    wp = _work_package(pk)
    view = selectors.work_package_schedule(wp)
    task_page = Paginator(view.rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    link_page = Paginator(view.link_rows, ROWS_PER_PAGE).get_page(request.GET.get("links"))
    return render(
        request,
        "delivery/work_package_schedule.html",
        {
            "work_package": wp,
            "view": view,
            "task_page": task_page,
            "task_query": _page_query(request, without="page"),
            "link_page": link_page,
            "link_query": _page_query(request, without="links"),
            "gantt": _work_package_gantt(view) if view.rows and not view.error else "",
            "interdependencies": selectors.interdependency_list(work_package=wp),
            "can_edit": request.user.has_perm("delivery.change_schedule", wp),
            "can_add_interdependency": request.user.has_perm("delivery.add_interdependency"),
        },
    )


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


def _require_schedule_editor(request: HttpRequest, wp: WorkPackage) -> None:
    if not request.user.has_perm("delivery.change_schedule", wp):
        raise PermissionDenied(
            "Only the PMO, the pillar's sponsor or the work package's manager can change its "
            "schedule."
        )


def schedule_start_edit(request: HttpRequest, pk: int) -> HttpResponse:
    wp = _work_package(pk)
    _require_schedule_editor(request, wp)
    schedule = selectors.schedule_get(wp)
    form = ScheduleStartForm(request.POST or None, instance=schedule)
    context = {"title": f"When the schedule of {wp.reference} starts", "back": _wp_url(wp)}
    if request.method != "POST":
        return render(request, FORM, {**context, "form": form})

    def save(data: dict[str, Any]) -> Any:
        if schedule is None:
            return services.schedule_ensure(
                actor=request.user, work_package=wp, start=data["start"]
            )
        return services.schedule_update(
            actor=request.user,
            schedule=schedule,
            expected_version=form.cleaned_data.get("version"),
            **data,
        )

    return _save_form(request, form, save, FORM, context, "Schedule start saved")


def _wp_url(wp: WorkPackage) -> str:
    return reverse("delivery:work-package-schedule", args=[wp.pk])


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


def schedule_import(request: HttpRequest, pk: int) -> HttpResponse:
    wp = _work_package(pk)
    _require_schedule_editor(request, wp)
    schedule = selectors.schedule_get(wp)
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        initial={"version": schedule.version if schedule else None},
    )
    context = {
        "title": f"Import a Microsoft Project file into {wp.reference}",
        "back": _wp_url(wp),
        "multipart": True,
        "replaces": schedule is not None and schedule.tasks.exists(),
    }
    if request.method != "POST":
        return render(request, FORM, {**context, "form": form})

    def save(data: dict[str, Any]) -> Any:
        upload = data["file"]
        imported = services.schedule_import_mspdi(
            actor=request.user,
            work_package=wp,
            data=upload.read(),
            file_name=upload.name,
            expected_version=data.get("version"),
        )
        return imported

    form.service_data = lambda: form.cleaned_data  # type: ignore[method-assign]
    return _save_form(request, form, save, FORM, context, "{obj.source}")


def schedule_export(request: HttpRequest, pk: int) -> HttpResponse:
    wp = _work_package(pk)
    try:
        data = selectors.export_work_package_mspdi(wp)
    except Exception as error:
        from openpmo.core.errors import OpenPMOError

        if not isinstance(error, OpenPMOError):
            raise
        messages.error(request, f"The schedule could not be exported: {error}")
        return redirect(_wp_url(wp))
    return _xml_download(data, f"{wp.reference}-schedule.xml")


# -- the interdependency register ------------------------------------------------------------------


def interdependency_list(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    filters = InterdependencyFilterForm(request.GET or None)
    criteria: dict[str, Any] = {}
    if filters.is_valid():
        criteria = {k: v for k, v in filters.cleaned_data.items() if v}
    view = selectors.programme_schedule(programme)
    rows = [
        (d, view.checks.get(d.pk))
        for d in selectors.interdependency_list(programme=programme, **criteria)
    ]
    return render(
        request,
        "delivery/interdependency_list.html",
        {
            "programme": programme,
            "filters": filters,
            "rows": rows,
            "can_add": request.user.has_perm("delivery.add_interdependency"),
        },
    )


def interdependency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        dependency = selectors.interdependency_get(pk)
    except Interdependency.DoesNotExist:
        raise Http404("No such interdependency") from None
    view = selectors.programme_schedule(dependency.from_work_package.strand.pillar.programme)
    return render(
        request,
        "delivery/interdependency_detail.html",
        {
            "dependency": dependency,
            "check": view.checks.get(dependency.pk),
            "can_edit": request.user.has_perm("delivery.change_interdependency", dependency),
        },
    )


def interdependency_create(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    if not request.user.has_perm("delivery.add_interdependency"):
        raise PermissionDenied("Only the PMO and pillar sponsors record interdependencies.")
    initial = {
        name: request.GET[name]
        for name in ("from_work_package", "to_work_package")
        if request.GET.get(name, "").isdecimal()
    }
    form = InterdependencyForm(request.POST or None, programme=programme, initial=initial)
    context = {
        "title": "Record an interdependency",
        "back": reverse("delivery:interdependency-list"),
    }
    if request.method != "POST":
        return render(request, FORM, {**context, "form": form})
    return _save_form(
        request,
        form,
        lambda data: services.interdependency_create(actor=request.user, **data),
        FORM,
        context,
        "{obj} recorded",
    )


def interdependency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    dependency = get_object_or_404(
        Interdependency.objects.select_related(
            "from_work_package__strand__pillar__programme", "to_work_package__strand__pillar"
        ),
        pk=pk,
    )
    if not request.user.has_perm("delivery.change_interdependency", dependency):
        raise PermissionDenied(
            "Only the PMO or the sponsor of either work package's pillar can change this."
        )
    form = InterdependencyForm(
        request.POST or None,
        instance=dependency,
        programme=dependency.from_work_package.strand.pillar.programme,
    )
    context = {"title": f"Edit {dependency.reference}", "back": dependency.get_absolute_url()}
    if request.method != "POST":
        return render(request, FORM, {**context, "form": form})
    return _save_form(
        request,
        form,
        lambda data: services.interdependency_update(
            actor=request.user,
            interdependency=dependency,
            expected_version=form.cleaned_data.get("version"),
            **data,
        ),
        FORM,
        context,
        "{obj} saved",
    )
