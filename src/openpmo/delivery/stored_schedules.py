"""Stored programme schedules: the engine runs when the schedule's inputs change, pages read.

``refresh`` schedules the whole programme once (every work package, its tasks and the
interdependencies between them) and stores every work package's and task's dates with the
fingerprint of the inputs (``scheduling.register_of``). ``programme_schedule`` and
``work_package_schedule`` read the stored result: the Gantt page, a work package's schedule page,
the API and the reports all show the same figure for a work package. When the inputs' fingerprint
no longer matches (someone changed a date, a task, an interdependency or the calendar), the
stored result is out of date: a small programme is scheduled again there and then; a large one is
queued for the background (django-tasks) and the page says it is being recalculated.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone

from openpmo.common.tasks import task_queue_configured
from openpmo.core.errors import OpenPMOError
from openpmo.core.schedule import ScheduleResult, TaskSchedule
from openpmo.delivery.choices import TaskKind
from openpmo.delivery.core_adapters import CalendarSpec, ProgrammeNetwork
from openpmo.delivery.models import (
    Interdependency,
    ScheduleLink,
    ScheduleTask,
    StoredProgrammeSchedule,
    WorkPackageSchedule,
)
from openpmo.delivery.scheduling import (
    Loaded,
    Register,
    TaskRow,
    WorkPackageScheduleView,
    _days,
    _schedule_rows,
    _tasks_in_outline_order,
    calendar_spec_for,
    gate_of,
    inputs_fingerprint,
    load,
    register_of,
    run,
    run_project,
    schedule_get,
    schedule_spec,
    work_package_project,
    working_days_between,
)
from openpmo.portfolio.choices import Stage
from openpmo.portfolio.models import Programme, WorkPackage

BACKGROUND_FROM = 60
"""A programme with this many work packages or more is recalculated in the background."""


@dataclass
class MilestoneRow:
    task: ScheduleTask
    date: dt.date
    critical: bool
    gate: str

    @property
    def gate_label(self) -> str:
        return str(Stage(self.gate).label) if self.gate else ""


@dataclass
class WorkPackageRow:
    work_package: WorkPackage
    start: dt.datetime
    finish: dt.datetime
    late_start: dt.datetime
    late_finish: dt.datetime
    total_slack_days: Decimal
    critical: bool
    stand_in: bool
    milestones: list[MilestoneRow] = field(default_factory=list)

    @property
    def finish_beyond_forecast(self) -> bool:
        """The computed finish is after the register's forecast end (which may need updating)."""
        end = self.work_package.forecast_end
        return end is not None and self.finish.date() > end


@dataclass
class DependencyCheck:
    """Whether the providing side is forecast to be ready by the need-by date."""

    ready: dt.datetime
    """when the providing side finishes"""
    needed_at: dt.datetime
    """when the dependent side starts"""
    late_by_days: Decimal | None


@dataclass
class ProgrammeSchedule:
    programme: Programme
    spec: CalendarSpec
    rows: list[WorkPackageRow] = field(default_factory=list)
    start: dt.datetime | None = None
    finish: dt.datetime | None = None
    unscheduled: list[WorkPackage] = field(default_factory=list)
    checks: dict[int, DependencyCheck] = field(default_factory=dict)
    interdependencies: list[Interdependency] = field(default_factory=list)
    critical_tasks: list[tuple[WorkPackage, str, dt.datetime, dt.datetime]] = field(
        default_factory=list
    )
    error: str = ""
    computed_at: dt.datetime | None = None
    recalculating: bool = False
    """the inputs changed since these dates were computed: they are being computed again"""
    fingerprint: str = ""
    """of the inputs these dates were computed from (empty when there are none)"""

    @property
    def critical_path(self) -> list[WorkPackageRow]:
        """The work packages with a task on the critical path (the same computation as
        ``critical_tasks``)."""
        return [row for row in self.rows if row.critical]

    @property
    def milestones(self) -> list[tuple[WorkPackage, MilestoneRow]]:
        """Every milestone of the programme, by date (the diamonds of the Gantt chart)."""
        found = [(row.work_package, m) for row in self.rows for m in row.milestones]
        return sorted(found, key=lambda pair: (pair[1].date, pair[0].reference))

    def row_for(self, work_package_id: int) -> WorkPackageRow | None:
        for row in self.rows:
            if row.work_package.pk == work_package_id:
                return row
        return None


# -- storing a run ---------------------------------------------------------------------------------


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def owners_of(loaded: Loaded, built: ProgrammeNetwork) -> dict[int, int]:
    """Engine uid -> the id of the work package the task belongs to."""
    owner: dict[int, int] = {}
    for plan in loaded.plans:
        for task in plan.tasks:
            if task.pk in built.task_uid:
                owner[built.task_uid[task.pk]] = plan.work_package.pk
    for wp_id, uid in built.stand_ins.items():
        owner[uid] = wp_id
    return owner


def stored_from_run(
    loaded: Loaded, built: ProgrammeNetwork, result: ScheduleResult
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(summary, tasks) as stored: what the programme pages and each work package's page show."""
    by_uid = result.by_uid()
    owner = owners_of(loaded, built)
    critical_tasks = [
        [
            owner[uid],
            by_uid[uid].name,
            _iso(by_uid[uid].early_start),
            _iso(by_uid[uid].early_finish),
        ]
        for uid in result.critical_path
        if uid in owner
    ]
    critical_packages = {row[0] for row in critical_tasks}
    packages = []
    for plan in loaded.plans:
        uid = built.summary_uid.get(plan.work_package.pk)
        if uid is None:
            continue
        s = by_uid[uid]
        packages.append(
            [
                plan.work_package.pk,
                _iso(s.early_start),
                _iso(s.early_finish),
                _iso(s.late_start),
                _iso(s.late_finish),
                s.total_slack_minutes,
                plan.work_package.pk in critical_packages,
                plan.work_package.pk in built.stand_ins,
            ]
        )
    tasks: dict[str, dict[str, list[Any]]] = {}
    milestones = []
    for task_pk, uid in built.task_uid.items():
        entry = by_uid[uid]
        tasks.setdefault(str(owner[uid]), {})[str(task_pk)] = [
            _iso(entry.early_start),
            _iso(entry.early_finish),
            _iso(entry.late_start),
            _iso(entry.late_finish),
            entry.total_slack_minutes,
            entry.free_slack_minutes,
            entry.critical,
        ]
        if loaded.tasks[task_pk].kind == TaskKind.MILESTONE:
            milestones.append([task_pk, entry.early_finish.date().isoformat(), entry.critical])
    checks = []
    for dependency in loaded.interdependencies:
        link = built.interdependency_links.get(dependency.pk)
        if link is None:
            continue
        ready = by_uid[link.predecessor].early_finish
        late = None
        if dependency.need_by is not None:
            need = loaded.spec.day_end(dependency.need_by)
            if ready > need:
                late = str(working_days_between(loaded.spec, need, ready))
        checks.append([dependency.pk, _iso(ready), _iso(by_uid[link.successor].early_start), late])
    summary = {
        "start": _iso(result.project_start),
        "finish": _iso(result.project_finish),
        "packages": packages,
        "milestones": milestones,
        "critical_tasks": critical_tasks,
        "checks": checks,
        "unscheduled": [wp.pk for wp in built.unscheduled],
    }
    return summary, tasks


schedule_stored = Signal()
"""Sent (with ``programme``) once a refreshed schedule has committed, when it was refreshed
because its inputs changed (an edit, an upload, the background), not by a page about to show
it: the Gantt page renders itself ahead then, so the first view after a change reads it."""


def refresh(programme: Programme, *, announce: bool = True) -> StoredProgrammeSchedule:
    """Schedule the programme (one engine run) and store the result with its inputs'
    fingerprint. Raises the engine's error (a cycle, say) and stores nothing then. With
    ``announce``, ``schedule_stored`` is sent once the transaction commits."""
    loaded = load(programme)
    built, result = run(loaded)
    summary, tasks = stored_from_run(loaded, built, result)
    stored = _store(programme, loaded.register.fingerprint, summary, tasks)
    if announce:
        # robust: a receiver's failure is logged, never turned into the change's failure
        transaction.on_commit(
            lambda: schedule_stored.send(sender=StoredProgrammeSchedule, programme=programme),
            robust=True,
        )
    return stored


def _store(
    programme: Programme, fingerprint: str, summary: dict[str, Any], tasks: dict[str, Any]
) -> StoredProgrammeSchedule:
    values = {
        "fingerprint": fingerprint,
        "computed_at": timezone.now(),
        "summary": summary,
        "tasks": tasks,
    }
    try:
        with transaction.atomic():
            stored, _ = StoredProgrammeSchedule.objects.update_or_create(
                programme=programme, defaults=values
            )
    except IntegrityError:  # someone else stored it at the same moment: theirs is as good
        stored = StoredProgrammeSchedule.objects.get(programme=programme)
    return stored


def runs_in_background(register: Register) -> bool:
    return len(register.work_packages) >= BACKGROUND_FROM and task_queue_configured()


def refresh_later(programme: Programme) -> None:
    """Recalculate the programme's stored schedule in the background once the current
    transaction commits (at once, here, when no task queue is configured)."""
    if not task_queue_configured():
        transaction.on_commit(lambda: _refresh_quietly(programme))
        return
    from openpmo.delivery.tasks import refresh_programme_schedule

    transaction.on_commit(lambda: refresh_programme_schedule.enqueue(programme.pk))


def _refresh_quietly(programme: Programme) -> None:
    # On the engine's error the pages schedule it again and show the engine's message.
    with contextlib.suppress(OpenPMOError):
        refresh(programme)


def _current(register: Register) -> tuple[StoredProgrammeSchedule | None, str, bool]:
    """(the stored result to show, the engine's error if it cannot be scheduled, whether it is
    out of date and being recalculated)."""
    programme = register.programme
    stored = StoredProgrammeSchedule.objects.filter(programme=programme).defer("tasks").first()
    if stored is not None and stored.fingerprint == register.fingerprint:
        return stored, "", False
    if runs_in_background(register):
        refresh_later(programme)
        return stored, "", True
    try:
        return refresh(programme, announce=False), "", False  # the page shows it now
    except OpenPMOError as error:
        return None, str(error), False


# -- reading ---------------------------------------------------------------------------------------


def current_fingerprint(programme: Programme) -> str | None:
    """The fingerprint of the stored schedule when it is current (``None`` when it is out of
    date or missing): what a page rendered from it may be cached under."""
    stored = (
        StoredProgrammeSchedule.objects.filter(programme=programme)
        .values_list("fingerprint", flat=True)
        .first()
    )
    if stored is None:
        return None
    current = inputs_fingerprint(programme, calendar_spec_for(programme))
    return stored if stored == current else None


def programme_schedule(programme: Programme) -> ProgrammeSchedule:
    """Every work package of the programme scheduled together, interdependencies included, as
    stored (recomputed first when its inputs changed, unless that happens in the background)."""
    register = register_of(programme)
    stored, error, stale = _current(register)
    view = ProgrammeSchedule(
        programme=programme,
        spec=register.spec,
        interdependencies=register.interdependencies,
        error=error,
        recalculating=stale,
    )
    if stored is None:
        return view
    summary = stored.summary
    view.computed_at = stored.computed_at
    view.fingerprint = stored.fingerprint
    view.start = _when(summary["start"]) if summary["start"] else None
    view.finish = _when(summary["finish"]) if summary["finish"] else None
    work_packages = {wp.pk: wp for wp in register.work_packages}
    view.unscheduled = [work_packages[pk] for pk in summary["unscheduled"] if pk in work_packages]
    milestones = _milestone_rows(programme, summary["milestones"])
    per_day = register.spec.minutes_per_day
    for wp_id, start, finish, late_start, late_finish, slack, critical, stand_in in summary[
        "packages"
    ]:
        wp = work_packages.get(wp_id)
        if wp is None:
            continue
        view.rows.append(
            WorkPackageRow(
                work_package=wp,
                start=_when(start),
                finish=_when(finish),
                late_start=_when(late_start),
                late_finish=_when(late_finish),
                total_slack_days=_days(slack, per_day),
                critical=critical,
                stand_in=stand_in,
                milestones=sorted(milestones.get(wp_id, []), key=lambda m: m.date),
            )
        )
    view.rows.sort(key=lambda row: (row.start, row.finish, row.work_package.reference))
    view.critical_tasks = [
        (work_packages[wp_id], name, _when(start), _when(finish))
        for wp_id, name, start, finish in summary["critical_tasks"]
        if wp_id in work_packages
    ]
    for dependency_pk, ready, needed_at, late in summary["checks"]:
        view.checks[dependency_pk] = DependencyCheck(
            ready=_when(ready),
            needed_at=_when(needed_at),
            late_by_days=Decimal(late) if late is not None else None,
        )
    return view


def _milestone_rows(programme: Programme, stored: list[list[Any]]) -> dict[int, list[MilestoneRow]]:
    """The programme's milestones (one query) with their stored dates, by work package id."""
    dates = {task_pk: (dt.date.fromisoformat(day), critical) for task_pk, day, critical in stored}
    rows: dict[int, list[MilestoneRow]] = {}
    for task in ScheduleTask.objects.filter(
        pk__in=list(dates), schedule__work_package__strand__pillar__programme=programme
    ).select_related("schedule"):
        day, critical = dates[task.pk]
        rows.setdefault(task.schedule.work_package_id, []).append(
            MilestoneRow(task=task, date=day, critical=critical, gate=gate_of(task))
        )
    return rows


def stored_task_dates(
    programme: Programme, work_package_id: int
) -> tuple[dict[int, list[Any]] | None, bool, str]:
    """The stored dates of one work package's tasks (task pk -> dates), whether they are out of
    date, and the engine's error if the programme cannot be scheduled."""
    register = register_of(programme)
    stored, error, stale = _current(register)
    if stored is None:
        return None, stale, error
    tasks = (
        StoredProgrammeSchedule.objects.filter(pk=stored.pk).values_list("tasks", flat=True).get()
    )
    found = tasks.get(str(work_package_id), {})
    return {int(pk): dates for pk, dates in found.items()}, stale, error


def _task_schedule(task: ScheduleTask, dates: list[Any], per_day: int) -> TaskSchedule:
    early_start, early_finish, late_start, late_finish, total, free, critical = dates
    return TaskSchedule(
        uid=task.uid,
        name=task.name,
        early_start=_when(early_start),
        early_finish=_when(early_finish),
        late_start=_when(late_start),
        late_finish=_when(late_finish),
        total_slack_minutes=total,
        free_slack_minutes=free,
        critical=critical,
        summary=task.kind == TaskKind.SUMMARY,
        milestone=task.kind == TaskKind.MILESTONE,
        manual=task.manual,
        minutes_per_day=per_day,
    )


def work_package_schedule(work_package: WorkPackage) -> WorkPackageScheduleView:
    """The work package's tasks with their dates and slack as the programme schedule stores
    them (so its finish is the one the Gantt chart, the reports and the API show)."""
    programme = work_package.strand.pillar.programme
    schedule_row = schedule_get(work_package)
    spec = schedule_spec(schedule_row, calendar_spec_for(programme))
    view = WorkPackageScheduleView(work_package=work_package, schedule=schedule_row, spec=spec)
    if schedule_row is None:
        return view
    tasks, links = _schedule_rows(schedule_row)
    view.links = links
    ordered = _tasks_in_outline_order(tasks)
    per_day = spec.minutes_per_day
    stored, stale, error = stored_task_dates(programme, work_package.pk)
    view.recalculating = stale
    if stored is None:
        view.error = error or _own_error(work_package, schedule_row, tasks, links, spec)
        view.rows = [
            TaskRow(task=task, depth=depth, computed=None, minutes_per_day=per_day)
            for task, depth in ordered
        ]
        return view
    computed = {
        task.pk: _task_schedule(task, stored[task.pk], per_day)
        for task in tasks
        if task.pk in stored
    }
    view.rows = [
        TaskRow(task=task, depth=depth, computed=computed.get(task.pk), minutes_per_day=per_day)
        for task, depth in ordered
    ]
    dated = list(computed.values())
    if dated:
        view.start = min(c.early_start for c in dated)
        view.finish = max(c.early_finish for c in dated)
    return view


def _own_error(
    work_package: WorkPackage,
    schedule_row: WorkPackageSchedule,
    tasks: list[ScheduleTask],
    links: list[ScheduleLink],
    spec: CalendarSpec,
) -> str:
    """The engine's message on the work package's own schedule, if that is what fails."""
    try:
        run_project(work_package_project(work_package, schedule_row, tasks, links, spec))
    except OpenPMOError as error:
        return str(error)
    return ""
