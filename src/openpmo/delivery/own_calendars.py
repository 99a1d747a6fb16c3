"""A work package schedule imported from a file keeps the file's own calendar; applying the
programme (council) calendar instead is an explicit choice, previewed first.

``choice_of`` says which calendar a schedule runs on and what would move if the other one were
applied: every task whose start or finish changes, old and new, computed by scheduling the whole
programme twice (interdependencies included), so the "old" dates are the ones every page shows.
``durations_for`` gives the durations and lags the schedule has on the other calendar: working
*days* are kept (a 5-day task on the file's 8-hour day is a 5-day task on the council's 7.5-hour
day), and going back restores the file's own minutes exactly (kept in ``file_durations``) unless a
task was changed meanwhile. The write is ``services.schedule_calendar_apply``.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from openpmo.core.errors import OpenPMOError
from openpmo.delivery import core_adapters
from openpmo.delivery.choices import TaskKind
from openpmo.delivery.core_adapters import CalendarSpec
from openpmo.delivery.models import ScheduleTask, WorkPackageSchedule
from openpmo.delivery.scheduling import Loaded, _tasks_in_outline_order, load, run, schedule_get
from openpmo.portfolio.models import WorkPackage

PROGRAMME = "programme"
FILE = "file"


@dataclass
class Move:
    """One task whose dates change."""

    task: ScheduleTask
    old_start: dt.datetime
    old_finish: dt.datetime
    new_start: dt.datetime
    new_finish: dt.datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "uid": self.task.uid,
            "name": self.task.name,
            "old_start": self.old_start.isoformat(),
            "old_finish": self.old_finish.isoformat(),
            "new_start": self.new_start.isoformat(),
            "new_finish": self.new_finish.isoformat(),
        }


@dataclass
class CalendarChoice:
    """Which calendar a schedule runs on, and what applying the other would move."""

    work_package: WorkPackage
    schedule: WorkPackageSchedule | None
    programme: CalendarSpec
    own: CalendarSpec | None
    uses_own: bool
    moves: list[Move] = field(default_factory=list)
    unchanged: int = 0
    old_finish: dt.datetime | None = None
    new_finish: dt.datetime | None = None
    error: str = ""

    @property
    def available(self) -> bool:
        """The schedule has a calendar of its own (it came from a file)."""
        return self.own is not None

    @property
    def target(self) -> str:
        """What the action would apply: the programme calendar, or back to the file's."""
        return PROGRAMME if self.uses_own else FILE

    @property
    def current_name(self) -> str:
        if self.uses_own and self.own is not None:
            return self.own.name
        return self.programme.name

    @property
    def target_name(self) -> str:
        if self.target == PROGRAMME or self.own is None:
            return self.programme.name
        return self.own.name


def _rounded(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def durations_for(
    schedule_row: WorkPackageSchedule,
    tasks: list[Any],
    links: list[Any],
    *,
    to_programme: bool,
    programme: CalendarSpec,
) -> tuple[dict[int, int], dict[int, int], dict[str, Any] | None]:
    """(task pk -> duration, link pk -> lag, what to keep in ``file_durations``) on the other
    calendar. Elapsed durations and lags, and percentage lags, do not change."""
    own = core_adapters.spec_from_json(schedule_row.own_calendar or {})
    factor = Decimal(programme.minutes_per_day) / Decimal(own.minutes_per_day)
    kept = schedule_row.file_durations or {"tasks": {}, "links": {}}
    task_minutes: dict[int, int] = {}
    link_minutes: dict[int, int] = {}
    keep: dict[str, dict[str, list[int]]] = {"tasks": {}, "links": {}}
    for task in tasks:
        if task.kind == TaskKind.SUMMARY or task.elapsed:
            continue
        current = task.duration_minutes
        if to_programme:
            new = _rounded(current * factor)
            keep["tasks"][str(task.pk)] = [current, new]
        else:
            entry = kept["tasks"].get(str(task.pk))
            new = entry[0] if entry and entry[1] == current else _rounded(current / factor)
        task_minutes[task.pk] = new
    for link in links:
        if link.lag_elapsed or link.lag_percent is not None:
            continue
        current = link.lag_minutes
        if to_programme:
            new = _rounded(current * factor)
            keep["links"][str(link.pk)] = [current, new]
        else:
            entry = kept["links"].get(str(link.pk))
            new = entry[0] if entry and entry[1] == current else _rounded(current / factor)
        link_minutes[link.pk] = new
    return task_minutes, link_minutes, keep if to_programme else None


def _dates(loaded: Loaded, work_package_id: int) -> dict[int, tuple[dt.datetime, dt.datetime]]:
    """Task pk -> (start, finish) of one work package's tasks, the programme scheduled."""
    built, result = run(loaded)
    by_uid = result.by_uid()
    plan = next(p for p in loaded.plans if p.work_package.pk == work_package_id)
    found = {}
    for task in plan.tasks:
        uid = built.task_uid.get(task.pk)
        if uid is not None:
            entry = by_uid[uid]
            found[task.pk] = (entry.early_start, entry.early_finish)
    return found


def choice_of(work_package: WorkPackage) -> CalendarChoice:
    """The schedule's calendar and what applying the other one would move (nothing is saved)."""
    schedule_row = schedule_get(work_package)
    loaded = load(work_package.strand.pillar.programme)
    own = None
    if schedule_row is not None and schedule_row.own_calendar:
        own = core_adapters.spec_from_json(schedule_row.own_calendar)
    choice = CalendarChoice(
        work_package=work_package,
        schedule=schedule_row,
        programme=loaded.spec,
        own=own,
        uses_own=bool(schedule_row is not None and schedule_row.uses_own_calendar and own),
    )
    if schedule_row is None or own is None:
        return choice
    index = next(
        (k for k, plan in enumerate(loaded.plans) if plan.work_package.pk == work_package.pk),
        None,
    )
    if index is None:
        return choice
    plan = loaded.plans[index]
    to_programme = choice.target == PROGRAMME
    task_minutes, link_minutes, _keep = durations_for(
        schedule_row, plan.tasks, plan.links, to_programme=to_programme, programme=loaded.spec
    )
    tasks = []
    for task in plan.tasks:
        changed = copy.copy(task)
        changed.duration_minutes = task_minutes.get(task.pk, task.duration_minutes)
        tasks.append(changed)
    links = [
        link._replace(lag_minutes=link_minutes.get(link.pk, link.lag_minutes))
        for link in plan.links
    ]
    other = replace(plan, tasks=tasks, links=links, spec=None if to_programme else own)
    plans = list(loaded.plans)
    plans[index] = other
    try:
        before = _dates(loaded, work_package.pk)
        after = _dates(replace(loaded, plans=plans), work_package.pk)
    except OpenPMOError as error:
        choice.error = str(error)
        return choice
    for task, _depth in _tasks_in_outline_order(plan.tasks):
        if task.pk not in before or task.pk not in after:
            continue
        old, new = before[task.pk], after[task.pk]
        if old == new:
            choice.unchanged += 1
            continue
        choice.moves.append(Move(task, old[0], old[1], new[0], new[1]))
    if before:
        choice.old_finish = max(finish for _start, finish in before.values())
        choice.new_finish = max(finish for _start, finish in after.values())
    return choice
