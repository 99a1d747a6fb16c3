"""The programme schedule: its summary Gantt chart and table, critical path, the slippage form
(its page, with the benefits at risk, is ``openpmo.impact``'s) and the programme's Microsoft
Project export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from openpmo.delivery import selectors, stored_schedules
from openpmo.delivery.charts import GanttArrow, GanttMilestone, GanttRow, gantt_svg
from openpmo.delivery.forms import (
    SlippageForm,
)
from openpmo.delivery.views._common import (
    _long,
    _programme,
    _xml_download,
)

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


def _page_key(programme_pk: int, fingerprint: str, number: int) -> str:
    return f"delivery:programme-page:{programme_pk}:{fingerprint}:{number}"


def _schedule_body(programme: Any, number: int) -> str:
    """The schedule part of the page ``number`` (the same for everyone), rendered from the
    stored schedule and kept under its fingerprint when that is current."""
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
        cache.set(_page_key(programme.pk, view.fingerprint, page.number), body, 3600)
    return body


def render_ahead(sender: Any, programme: Any, **kwargs: Any) -> None:
    """On ``stored_schedules.schedule_stored``: render the first page of the programme's
    schedule into the cache, so the first view after a change reads it rather than renders."""
    _schedule_body(programme, 1)


def home(request: HttpRequest) -> HttpResponse:
    """The programme schedule, summary first: pillars and strands, then the work packages a page
    (``GANTT_PAGE_ROWS``) at a time, each chart with its table; the critical path; slippage.

    It reads the stored programme schedule (the engine runs when its inputs change, not on
    view). The schedule part of a page is the same for everyone until those inputs change, so
    it is kept, rendered, under the stored schedule's fingerprint and the page number; the
    first page is rendered ahead when a change stores a new schedule (``render_ahead``)."""
    programme = _programme(request)
    number = _page_number(request)
    fingerprint = stored_schedules.current_fingerprint(programme)
    body = cache.get(_page_key(programme.pk, fingerprint, number)) if fingerprint else None
    if body is None:
        body = _schedule_body(programme, number)
    return render(
        request,
        "delivery/programme_schedule.html",
        {
            "programme": programme,
            "body": mark_safe(body),  # noqa: S308 - rendered by our own template just above
            "can_manage_interdependencies": request.user.has_perm("delivery.add_interdependency"),
        },
    )


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
