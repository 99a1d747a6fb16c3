"""Scheduling the programme's work: the calendar, one work package's schedule as an engine project,
the whole programme as one network (``load`` and ``run``), and the interdependency register that
feeds it. Every date here comes from the engine (``openpmo.core.schedule``) through
``core_adapters``; pages read the stored results of ``stored_schedules``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from openpmo.core.schedule import (
    Calendar,
    ScheduleResult,
    TaskSchedule,
    schedule,
    schedule_project,
    write_mspdi,
)
from openpmo.core.schedule import (
    Project as EngineProject,
)
from openpmo.delivery import core_adapters
from openpmo.delivery.bank_holidays import england_and_wales_around
from openpmo.delivery.choices import SCHEDULED_STATUSES, TaskKind
from openpmo.delivery.core_adapters import (
    CalendarSpec,
    ProgrammeNetwork,
    Slip,
    WorkPackagePlan,
)
from openpmo.delivery.models import (
    Interdependency,
    ProgrammeCalendar,
    ScheduleLink,
    ScheduleTask,
    WorkPackageSchedule,
)
from openpmo.portfolio.choices import Stage
from openpmo.portfolio.models import Programme, WorkPackage

# -- the calendar -------------------------------------------------------------------------------


def default_calendar_spec() -> CalendarSpec:
    """A UK council week: Monday to Friday, 09:00-13:00 and 14:00-17:30, England and Wales bank
    holidays off. Used until the PMO saves the programme's own calendar."""
    defaults = ProgrammeCalendar()
    return CalendarSpec(
        name=defaults.name,
        working_days=tuple(defaults.working_days),
        periods=tuple(defaults.periods),
        exceptions=tuple(
            (name, day, day) for name, day in england_and_wales_around(timezone.localdate())
        ),
    )


def calendar_get(programme: Programme) -> ProgrammeCalendar | None:
    return (
        ProgrammeCalendar.objects.filter(programme=programme).prefetch_related("exceptions").first()
    )


def calendar_spec_for(programme: Programme | None) -> CalendarSpec:
    row = calendar_get(programme) if programme is not None else None
    if row is None:
        return default_calendar_spec()
    return core_adapters.calendar_spec(row, row.exceptions.all())


def schedule_spec(
    schedule_row: WorkPackageSchedule | None, programme_spec: CalendarSpec
) -> CalendarSpec:
    """The calendar a work package's schedule runs on: the imported file's own while it keeps
    it, else the programme's."""
    if schedule_row is not None and schedule_row.uses_own_calendar and schedule_row.own_calendar:
        return core_adapters.spec_from_json(schedule_row.own_calendar)
    return programme_spec


def _engine_calendar(spec: CalendarSpec) -> Calendar:
    return core_adapters.calendar_of(spec)


def working_days_between(spec: CalendarSpec, start: dt.datetime, end: dt.datetime) -> Decimal:
    """Working days from ``start`` to ``end`` on the calendar (negative when earlier), to one
    decimal place and without a trailing ``.0``."""
    minutes = _engine_calendar(spec).working_minutes_between(start, end)
    value = (Decimal(minutes) / Decimal(spec.minutes_per_day)).quantize(Decimal("0.1"))
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


# -- one work package ---------------------------------------------------------------------------


def schedule_get(work_package: WorkPackage) -> WorkPackageSchedule | None:
    return WorkPackageSchedule.objects.filter(work_package=work_package).first()


def _tasks_in_outline_order(tasks: Iterable[ScheduleTask]) -> list[tuple[ScheduleTask, int]]:
    """Tasks with their depth under summaries, parents before their children."""
    rows = list(tasks)
    children: dict[int | None, list[ScheduleTask]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    ordered: list[tuple[ScheduleTask, int]] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for row in sorted(children.get(parent, []), key=lambda r: (r.position, r.uid)):
            if row.pk in seen:
                continue
            seen.add(row.pk)
            ordered.append((row, depth))
            walk(row.pk, depth + 1)

    walk(None, 0)
    ordered.extend((row, 0) for row in rows if row.pk not in seen)
    return ordered


@dataclass
class TaskRow:
    task: ScheduleTask
    depth: int
    computed: TaskSchedule | None
    minutes_per_day: int = 480

    @property
    def duration_days(self) -> Decimal:
        return _days(self.task.duration_minutes, self.minutes_per_day)

    @property
    def start(self) -> dt.date | None:
        return self.computed.early_start.date() if self.computed else None

    @property
    def finish(self) -> dt.date | None:
        return self.computed.early_finish.date() if self.computed else None

    @property
    def total_slack_days(self) -> Decimal | None:
        if self.computed is None:
            return None
        return _days(self.computed.total_slack_minutes, self.computed.minutes_per_day)

    @property
    def free_slack_days(self) -> Decimal | None:
        if self.computed is None:
            return None
        return _days(self.computed.free_slack_minutes, self.computed.minutes_per_day)

    @property
    def critical(self) -> bool:
        return bool(self.computed and self.computed.critical)

    @property
    def indent(self) -> str:
        return "\u2003" * self.depth


def _days(minutes: int, per_day: int) -> Decimal:
    """Working days to two places, without trailing zeros (5, 2.5, 0.33)."""
    value = (Decimal(minutes) / Decimal(per_day)).quantize(Decimal("0.01"))
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


@dataclass
class WorkPackageScheduleView:
    work_package: WorkPackage
    schedule: WorkPackageSchedule | None
    spec: CalendarSpec
    rows: list[TaskRow] = field(default_factory=list)
    links: list[ScheduleLink] = field(default_factory=list)
    start: dt.datetime | None = None
    finish: dt.datetime | None = None
    error: str = ""
    recalculating: bool = False

    @property
    def milestones(self) -> list[TaskRow]:
        return [row for row in self.rows if row.task.kind == TaskKind.MILESTONE]

    @property
    def critical_rows(self) -> list[TaskRow]:
        chosen = [r for r in self.rows if r.critical and r.task.kind != TaskKind.SUMMARY]
        return sorted(chosen, key=lambda r: (r.computed.early_start, r.task.position))  # type: ignore[union-attr]

    @property
    def link_rows(self) -> list[tuple[ScheduleLink, Decimal]]:
        """Each link with its lag in working days."""
        return [(link, _days(link.lag_minutes, self.spec.minutes_per_day)) for link in self.links]


def _schedule_rows(
    schedule_row: WorkPackageSchedule,
) -> tuple[list[ScheduleTask], list[ScheduleLink]]:
    tasks = list(ScheduleTask.objects.filter(schedule=schedule_row))
    links = list(
        ScheduleLink.objects.filter(schedule=schedule_row).select_related(
            "predecessor", "successor"
        )
    )
    return tasks, links


def work_package_project(
    work_package: WorkPackage,
    schedule_row: WorkPackageSchedule,
    tasks: list[ScheduleTask],
    links: list[ScheduleLink],
    spec: CalendarSpec,
) -> EngineProject:
    ordered = [task for task, _depth in _tasks_in_outline_order(tasks)]
    return core_adapters.work_package_project(
        name=f"{work_package.reference} {work_package.name}",
        start=schedule_row.start,
        tasks=ordered,
        links=links,
        spec=spec,
    )


# Schedule a project on its own calendar (raises the engine's errors).
run_project = schedule_project


def export_work_package_mspdi(work_package: WorkPackage) -> bytes:
    """Microsoft Project XML of the work package's schedule (with computed dates)."""
    schedule_row = schedule_get(work_package)
    spec = schedule_spec(schedule_row, calendar_spec_for(work_package.strand.pillar.programme))
    if schedule_row is None:
        schedule_row = WorkPackageSchedule(
            work_package=work_package, start=_register_start(work_package) or dt.date.today()
        )
        tasks, links = [], []
    else:
        tasks, links = _schedule_rows(schedule_row)
    project = work_package_project(work_package, schedule_row, tasks, links, spec)
    return write_mspdi(project)


def milestones_of(work_package: WorkPackage) -> QuerySet[ScheduleTask]:
    return ScheduleTask.objects.filter(
        schedule__work_package=work_package, kind=TaskKind.MILESTONE
    ).order_by("position", "uid")


def _register_start(work_package: WorkPackage) -> dt.date | None:
    return work_package.forecast_start or work_package.baseline_start


def _register_finish(work_package: WorkPackage) -> dt.date | None:
    return work_package.forecast_end or work_package.baseline_end


# -- the programme as one network ------------------------------------------------------------------


class _LinkRow(NamedTuple):
    """What the programme network needs of a ``ScheduleLink``."""

    pk: int
    schedule_id: int
    predecessor_id: int
    successor_id: int
    type: str
    lag_minutes: int
    lag_percent: Decimal | None
    lag_elapsed: bool


@dataclass
class Register:
    """What the programme schedule is computed from, as the register holds it now, with the
    fingerprint of it all (any change to a date, task, link, interdependency or the calendar
    changes the fingerprint)."""

    programme: Programme
    spec: CalendarSpec
    work_packages: list[WorkPackage]
    interdependencies: list[Interdependency]
    fingerprint: str


def inputs_fingerprint(programme: Programme, spec: CalendarSpec) -> str:
    """A digest of everything the programme schedule (and its page) is made from, read as plain
    values in five queries: any change to a date, name, task, link, interdependency or the
    calendar changes it."""
    work_packages = list(
        WorkPackage.objects.filter(strand__pillar__programme=programme)
        .order_by("pk")
        .values_list(
            "pk",
            "reference",
            "name",
            "is_illustrative",
            "strand__pillar__order",
            "strand__pillar__name",
            "forecast_start",
            "baseline_start",
            "forecast_end",
            "baseline_end",
        )
    )
    interdependencies = list(
        Interdependency.objects.filter(
            from_work_package__strand__pillar__programme=programme,
            status__in=SCHEDULED_STATUSES,
        )
        .order_by("pk")
        .values_list(
            "pk",
            "version",
            "status",
            "type",
            "from_work_package_id",
            "to_work_package_id",
            "from_milestone_id",
            "to_task_id",
            "lag_days",
            "need_by",
        )
    )
    schedules = list(
        WorkPackageSchedule.objects.filter(work_package__strand__pillar__programme=programme)
        .order_by("pk")
        .values_list(
            "pk", "work_package_id", "version", "start", "uses_own_calendar", "own_calendar"
        )
    )
    in_programme = Q(schedule_id__in=[row[0] for row in schedules])
    tasks = ScheduleTask.objects.filter(in_programme).aggregate(n=Count("pk"), top=Max("pk"))
    links = ScheduleLink.objects.filter(in_programme).aggregate(n=Count("pk"), top=Max("pk"))
    parts = [
        programme.start_date,
        spec,
        work_packages,
        interdependencies,
        schedules,
        sorted(tasks.items()),
        sorted(links.items()),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def register_of(programme: Programme) -> Register:
    """The programme's schedule inputs and their fingerprint."""
    spec = calendar_spec_for(programme)  # 2 queries
    work_packages = list(
        WorkPackage.objects.filter(strand__pillar__programme=programme)
        .select_related("strand__pillar", "owner")
        .order_by("strand__pillar__order", "reference")
    )
    interdependencies = list(
        interdependency_list(programme=programme).filter(status__in=SCHEDULED_STATUSES)
    )
    fingerprint = inputs_fingerprint(programme, spec)
    return Register(programme, spec, work_packages, interdependencies, fingerprint)


@dataclass
class Loaded:
    register: Register
    plans: list[WorkPackagePlan]
    work_packages: dict[int, WorkPackage]
    tasks: dict[int, ScheduleTask]

    @property
    def programme(self) -> Programme:
        return self.register.programme

    @property
    def spec(self) -> CalendarSpec:
        return self.register.spec

    @property
    def interdependencies(self) -> list[Interdependency]:
        return self.register.interdependencies


def load(programme: Programme) -> Loaded:
    """Everything the programme schedule needs, in a fixed number of queries."""
    register = register_of(programme)
    work_packages = register.work_packages
    schedules = {
        s.work_package_id: s
        for s in WorkPackageSchedule.objects.filter(
            work_package__strand__pillar__programme=programme
        )
    }
    tasks_by_schedule: dict[int, list[ScheduleTask]] = {}
    all_tasks: dict[int, ScheduleTask] = {}
    for task in ScheduleTask.objects.filter(
        schedule__work_package__strand__pillar__programme=programme
    ):
        tasks_by_schedule.setdefault(task.schedule_id, []).append(task)
        all_tasks[task.pk] = task
    links_by_schedule: dict[int, list[Any]] = {}
    # Plain rows, not model instances: a large programme has thousands of links.
    for values in ScheduleLink.objects.filter(
        schedule__work_package__strand__pillar__programme=programme
    ).values_list(*_LinkRow._fields):
        link = _LinkRow(*values)
        links_by_schedule.setdefault(link.schedule_id, []).append(link)
    plans = []
    for wp in work_packages:
        schedule_row = schedules.get(wp.pk)
        if schedule_row is not None:
            ordered = [
                t for t, _ in _tasks_in_outline_order(tasks_by_schedule.get(schedule_row.pk, []))
            ]
            plans.append(
                WorkPackagePlan(
                    work_package=wp,
                    start=schedule_row.start,
                    finish=_register_finish(wp),
                    tasks=ordered,
                    links=links_by_schedule.get(schedule_row.pk, []),
                    spec=schedule_spec(schedule_row, register.spec),
                )
            )
        else:
            plans.append(
                WorkPackagePlan(
                    work_package=wp, start=_register_start(wp), finish=_register_finish(wp)
                )
            )
    return Loaded(
        register=register,
        plans=plans,
        work_packages={wp.pk: wp for wp in work_packages},
        tasks=all_tasks,
    )


def build(loaded: Loaded, slip: Slip | None = None) -> ProgrammeNetwork:
    """The programme as one engine network: what the schedule runs, and the simulation too."""
    return core_adapters.programme_network(
        loaded.plans,
        loaded.interdependencies,
        loaded.spec,
        project_start=loaded.programme.start_date,
        slip=slip,
    )


def run(loaded: Loaded, slip: Slip | None = None) -> tuple[ProgrammeNetwork, ScheduleResult]:
    built = build(loaded, slip)
    result = schedule(
        built.network,
        core_adapters.calendar_of(loaded.spec),
        built.start,
        minutes_per_day=loaded.spec.minutes_per_day,
    )
    return built, result


def _gate_names() -> list[tuple[str, str]]:
    """(stage, words that name its gate in a milestone) for every stage."""
    words = {
        Stage.DISCOVERY: ["discovery"],
        Stage.STRATEGIC_OUTLINE_CASE: ["strategic outline case", "soc"],
        Stage.OUTLINE_BUSINESS_CASE: ["outline business case", "obc"],
        Stage.FULL_BUSINESS_CASE: ["full business case", "fbc"],
        Stage.DELIVERY: ["go live", "go-live", "delivery"],
        Stage.CLOSURE: ["closure", "benefits review"],
    }
    return [(stage.value, phrase) for stage, phrases in words.items() for phrase in phrases]


_GATE_PHRASES = _gate_names()


def gate_of(task: ScheduleTask) -> str:
    """The stage gate a milestone marks: its ``gate_stage``, or a stage named in its name
    (when it also says "gate", "approval" or "decision")."""
    if task.kind != TaskKind.MILESTONE:
        return ""
    if task.gate_stage:
        return task.gate_stage
    name = task.name.lower()
    if not re.search(r"\b(gate|approv\w*|decision|sign[- ]off)\b", name):
        return ""
    for stage, phrase in _GATE_PHRASES:
        if re.search(rf"\b{re.escape(phrase)}\b", name):
            return stage
    return ""


def check_programme(programme: Programme) -> None:
    """Raise the engine's error if the programme cannot be scheduled (a cycle, say)."""
    run(load(programme))


def export_programme_mspdi(programme: Programme) -> bytes:
    """The whole programme as one Microsoft Project file: a summary task per work package."""
    loaded = load(programme)
    built, result = run(loaded)
    project = EngineProject(
        name=f"{programme.short_name} programme schedule",
        start=built.start,
        calendar=core_adapters.calendar_of(loaded.spec),
        network=built.network,
        minutes_per_day=loaded.spec.minutes_per_day,
        minutes_per_week=loaded.spec.minutes_per_week,
    )
    return write_mspdi(project, result=result)


# -- the interdependency register ----------------------------------------------------------------


def interdependency_list(
    *,
    programme: Programme | int | None = None,
    work_package: WorkPackage | int | None = None,
    pillar: int | None = None,
    status: str = "",
    type: str = "",
) -> QuerySet[Interdependency]:
    """The register, with both work packages (and their pillars), the milestone and the owner
    fetched up front. ``work_package`` matches either side. The RAID register reads this."""
    rows = Interdependency.objects.select_related(
        "from_work_package__strand__pillar",
        "to_work_package__strand__pillar",
        "from_milestone",
        "to_task",
        "owner",
    )
    if programme:
        rows = rows.filter(from_work_package__strand__pillar__programme=programme)
    if work_package:
        rows = rows.filter(Q(from_work_package=work_package) | Q(to_work_package=work_package))
    if pillar:
        rows = rows.filter(
            Q(from_work_package__strand__pillar=pillar) | Q(to_work_package__strand__pillar=pillar)
        )
    if status:
        rows = rows.filter(status=status)
    if type:
        rows = rows.filter(type=type)
    return rows.order_by("need_by", "id")
