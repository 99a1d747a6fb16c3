"""A work package's schedule page (Gantt chart and paged task table), its start, and the
Microsoft Project import and export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from openpmo.delivery import selectors, services
from openpmo.delivery.charts import GanttRow, gantt_svg
from openpmo.delivery.choices import TaskKind
from openpmo.delivery.forms import (
    ImportForm,
    ScheduleStartForm,
)
from openpmo.delivery.views._common import (
    FORM,
    _long,
    _require_schedule_editor,
    _save_form,
    _work_package,
    _wp_url,
    _xml_download,
)

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
