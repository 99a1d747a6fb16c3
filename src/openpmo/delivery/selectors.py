"""Reads of schedules, the programme schedule, slippage impact and the interdependency register.

Dates are never stored: every read here runs the engine (``openpmo.core.schedule``) on the rows,
through ``core_adapters``. Each read does a fixed number of queries, whatever the programme's size.

Other apps read through these (keep their signatures): ``interdependency_list`` (the RAID
register's dependencies), ``schedule_get``, ``calendar_spec_for`` and ``work_package_project``
(the risks app's schedule simulations), ``slippage_impact`` and ``programme_schedule``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.apps import apps
from django.db.models import Prefetch, QuerySet

from openpmo.core.errors import OpenPMOError
from openpmo.core.schedule import (
    Calendar,
    ScheduleResult,
    TaskSchedule,
    schedule,
    write_mspdi,
)
from openpmo.core.schedule import (
    Project as EngineProject,
)
from openpmo.delivery import core_adapters
from openpmo.delivery.bank_holidays import ENGLAND_AND_WALES
from openpmo.delivery.choices import SCHEDULED_STATUSES, TaskKind
from openpmo.delivery.core_adapters import (
    CalendarSpec,
    ProgrammeNetwork,
    Slip,
    WorkPackagePlan,
)
from openpmo.delivery.models import (
    CalendarException,
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
        exceptions=tuple((name, day, day) for name, day in ENGLAND_AND_WALES),
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


def run_project(project: EngineProject) -> ScheduleResult:
    """Schedule a project on its own calendar (raises the engine's errors)."""
    return schedule(
        project.network,
        project.calendar,
        project.start,
        minutes_per_day=project.minutes_per_day,
        critical_slack_minutes=project.critical_slack_minutes,
    )


def work_package_schedule(work_package: WorkPackage) -> WorkPackageScheduleView:
    """The work package's tasks with computed dates and slack, on the programme calendar."""
    spec = calendar_spec_for(work_package.strand.pillar.programme)
    schedule_row = schedule_get(work_package)
    view = WorkPackageScheduleView(work_package=work_package, schedule=schedule_row, spec=spec)
    if schedule_row is None:
        return view
    tasks, links = _schedule_rows(schedule_row)
    view.links = links
    ordered = _tasks_in_outline_order(tasks)
    try:
        result = run_project(work_package_project(work_package, schedule_row, tasks, links, spec))
    except OpenPMOError as error:
        view.error = str(error)
        view.rows = [
            TaskRow(task=task, depth=depth, computed=None, minutes_per_day=spec.minutes_per_day)
            for task, depth in ordered
        ]
        return view
    computed = result.by_uid()
    view.rows = [
        TaskRow(
            task=task,
            depth=depth,
            computed=computed.get(task.uid),
            minutes_per_day=spec.minutes_per_day,
        )
        for task, depth in ordered
    ]
    view.start, view.finish = result.project_start, result.project_finish
    return view


def export_work_package_mspdi(work_package: WorkPackage) -> bytes:
    """Microsoft Project XML of the work package's schedule (with computed dates)."""
    spec = calendar_spec_for(work_package.strand.pillar.programme)
    schedule_row = schedule_get(work_package)
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


# -- the programme --------------------------------------------------------------------------------


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

    @property
    def critical_path(self) -> list[WorkPackageRow]:
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
class _Loaded:
    programme: Programme
    spec: CalendarSpec
    plans: list[WorkPackagePlan]
    interdependencies: list[Interdependency]
    work_packages: dict[int, WorkPackage]
    tasks: dict[int, ScheduleTask]


def _load(programme: Programme) -> _Loaded:
    """Everything the programme schedule needs, in a fixed number of queries."""
    spec = calendar_spec_for(programme)  # 2 queries
    work_packages = list(
        WorkPackage.objects.filter(strand__pillar__programme=programme)
        .select_related("strand__pillar", "owner")
        .order_by("strand__pillar__order", "reference")
    )
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
    interdependencies = list(
        interdependency_list(programme=programme).filter(status__in=SCHEDULED_STATUSES)
    )
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
                )
            )
        else:
            plans.append(
                WorkPackagePlan(
                    work_package=wp, start=_register_start(wp), finish=_register_finish(wp)
                )
            )
    return _Loaded(
        programme=programme,
        spec=spec,
        plans=plans,
        interdependencies=interdependencies,
        work_packages={wp.pk: wp for wp in work_packages},
        tasks=all_tasks,
    )


def _run(loaded: _Loaded, slip: Slip | None = None) -> tuple[ProgrammeNetwork, ScheduleResult]:
    built = core_adapters.programme_network(
        loaded.plans,
        loaded.interdependencies,
        loaded.spec,
        project_start=loaded.programme.start_date,
        slip=slip,
    )
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


def _programme_schedule_from(
    loaded: _Loaded, built: ProgrammeNetwork, result: ScheduleResult
) -> ProgrammeSchedule:
    view = ProgrammeSchedule(programme=loaded.programme, spec=loaded.spec)
    view.interdependencies = loaded.interdependencies
    view.unscheduled = list(built.unscheduled)
    view.start, view.finish = result.project_start, result.project_finish
    by_uid = result.by_uid()
    milestones: dict[int, list[MilestoneRow]] = {}
    for task_pk, uid in built.task_uid.items():
        task = loaded.tasks[task_pk]
        if task.kind == TaskKind.MILESTONE:
            computed = by_uid[uid]
            milestones.setdefault(task.schedule_id, []).append(
                MilestoneRow(
                    task=task,
                    date=computed.early_finish.date(),
                    critical=computed.critical,
                    gate=gate_of(task),
                )
            )
    schedule_ids = {
        plan.work_package.pk: plan.tasks[0].schedule_id for plan in loaded.plans if plan.tasks
    }
    for plan in loaded.plans:
        wp = plan.work_package
        uid = built.summary_uid.get(wp.pk)
        if uid is None:
            continue
        summary = by_uid[uid]
        view.rows.append(
            WorkPackageRow(
                work_package=wp,
                start=summary.early_start,
                finish=summary.early_finish,
                late_start=summary.late_start,
                late_finish=summary.late_finish,
                total_slack_days=_days(summary.total_slack_minutes, loaded.spec.minutes_per_day),
                critical=summary.critical,
                stand_in=wp.pk in built.stand_ins,
                milestones=sorted(
                    milestones.get(schedule_ids.get(wp.pk, -1), []), key=lambda m: m.date
                ),
            )
        )
    view.rows.sort(key=lambda row: (row.start, row.finish, row.work_package.reference))
    owner_of_uid: dict[int, WorkPackage] = {}
    for plan in loaded.plans:
        for task in plan.tasks:
            if task.pk in built.task_uid:
                owner_of_uid[built.task_uid[task.pk]] = plan.work_package
    for wp_id, uid in built.stand_ins.items():
        owner_of_uid[uid] = loaded.work_packages[wp_id]
    for uid in result.critical_path:
        if uid in owner_of_uid:
            entry = by_uid[uid]
            view.critical_tasks.append(
                (owner_of_uid[uid], entry.name, entry.early_start, entry.early_finish)
            )
    for dependency in loaded.interdependencies:
        link = built.interdependency_links.get(dependency.pk)
        if link is None:
            continue
        ready = by_uid[link.predecessor].early_finish
        late = None
        if dependency.need_by is not None:
            need = loaded.spec.day_end(dependency.need_by)
            if ready > need:
                late = working_days_between(loaded.spec, need, ready)
        view.checks[dependency.pk] = DependencyCheck(
            ready=ready, needed_at=by_uid[link.successor].early_start, late_by_days=late
        )
    return view


def programme_schedule(programme: Programme) -> ProgrammeSchedule:
    """Every work package of the programme scheduled together, interdependencies included."""
    loaded = _load(programme)
    try:
        built, result = _run(loaded)
    except OpenPMOError as error:
        return ProgrammeSchedule(programme=programme, spec=loaded.spec, error=str(error))
    return _programme_schedule_from(loaded, built, result)


def check_programme(programme: Programme) -> None:
    """Raise the engine's error if the programme cannot be scheduled (a cycle, say)."""
    _run(_load(programme))


def export_programme_mspdi(programme: Programme) -> bytes:
    """The whole programme as one Microsoft Project file: a summary task per work package."""
    loaded = _load(programme)
    built, result = _run(loaded)
    project = EngineProject(
        name=f"{programme.short_name} programme schedule",
        start=built.start,
        calendar=core_adapters.calendar_of(loaded.spec),
        network=built.network,
        minutes_per_day=loaded.spec.minutes_per_day,
        minutes_per_week=loaded.spec.minutes_per_week,
    )
    return write_mspdi(project, result=result)


# -- slippage impact ------------------------------------------------------------------------------


@dataclass
class Movement:
    work_package: WorkPackage
    old_start: dt.datetime
    new_start: dt.datetime
    old_finish: dt.datetime
    new_finish: dt.datetime
    working_days: Decimal
    calendar_days: int


@dataclass
class GateMovement:
    work_package: WorkPackage
    milestone: ScheduleTask
    stage_label: str
    old_date: dt.date
    new_date: dt.date
    working_days: Decimal


@dataclass
class BenefitImpact:
    benefit: Any
    work_package: WorkPackage
    profile_start: dt.date
    new_finish: dt.date
    value_at_risk: Decimal
    """planned value in the months from the old finish to the new one"""


@dataclass
class SlippageImpact:
    work_package: WorkPackage
    weeks: int
    slipped: Movement | None
    moved: list[Movement] = field(default_factory=list)
    gates: list[GateMovement] = field(default_factory=list)
    benefits: list[BenefitImpact] | None = None
    """None when the benefits app is not installed"""
    old_finish: dt.datetime | None = None
    new_finish: dt.datetime | None = None
    programme_days: Decimal = Decimal(0)
    error: str = ""


def slippage_impact(programme: Programme, work_package: WorkPackage, weeks: int) -> SlippageImpact:
    """If ``work_package`` slips ``weeks`` calendar weeks, what else moves?

    Computed, not entered: the programme is scheduled twice, as it stands and with
    ``work_package`` starting N weeks later than it otherwise could (so all its tasks and
    milestones move, bank holidays permitting), and the two results are compared. Every other
    work package whose start or finish changes is listed (by working days and calendar days), with
    its stage-gate milestones that move, and the benefits of the moved work packages whose
    current profiles plan value before their new finish.
    """
    impact = SlippageImpact(work_package=work_package, weeks=weeks, slipped=None)
    loaded = _load(programme)
    try:
        before_built, before = _run(loaded)
        after_built, after = _run(loaded, Slip(work_package_id=work_package.pk, weeks=weeks))
    except OpenPMOError as error:
        impact.error = str(error)
        return impact
    if work_package.pk not in before_built.summary_uid:
        impact.error = (
            f"{work_package.reference} has no schedule and no start and finish dates, so it "
            "cannot slip. Add tasks, or forecast dates in the register."
        )
        return impact
    spec = loaded.spec
    old, new = before.by_uid(), after.by_uid()
    impact.old_finish, impact.new_finish = before.project_finish, after.project_finish
    impact.programme_days = working_days_between(spec, before.project_finish, after.project_finish)
    for wp_id, uid in before_built.summary_uid.items():
        a, b = old[uid], new[after_built.summary_uid[wp_id]]
        if (a.early_start, a.early_finish) == (b.early_start, b.early_finish):
            continue
        movement = Movement(
            work_package=loaded.work_packages[wp_id],
            old_start=a.early_start,
            new_start=b.early_start,
            old_finish=a.early_finish,
            new_finish=b.early_finish,
            working_days=working_days_between(spec, a.early_finish, b.early_finish),
            calendar_days=(b.early_finish.date() - a.early_finish.date()).days,
        )
        if wp_id == work_package.pk:
            impact.slipped = movement
        else:
            impact.moved.append(movement)
    impact.moved.sort(key=lambda m: (-m.working_days, m.work_package.reference))
    moved_ids = {m.work_package.pk for m in impact.moved}
    if impact.slipped is not None:
        moved_ids.add(work_package.pk)
    for task_pk, uid in before_built.task_uid.items():
        task = loaded.tasks[task_pk]
        stage = gate_of(task)
        if not stage:
            continue
        a, b = old[uid], new[after_built.task_uid[task_pk]]
        if a.early_finish == b.early_finish:
            continue
        owner = next(
            plan.work_package
            for plan in loaded.plans
            if plan.tasks and plan.tasks[0].schedule_id == task.schedule_id
        )
        impact.gates.append(
            GateMovement(
                work_package=owner,
                milestone=task,
                stage_label=Stage(stage).label,
                old_date=a.early_finish.date(),
                new_date=b.early_finish.date(),
                working_days=working_days_between(spec, a.early_finish, b.early_finish),
            )
        )
    impact.gates.sort(key=lambda g: (g.new_date, g.work_package.reference))
    movements = ([impact.slipped] if impact.slipped else []) + impact.moved
    impact.benefits = benefits_affected(
        {m.work_package.pk: (m.old_finish.date(), m.new_finish.date()) for m in movements},
        loaded.work_packages,
    )
    return impact


def benefits_affected(
    moves: dict[int, tuple[dt.date, dt.date]], work_packages: dict[int, WorkPackage]
) -> list[BenefitImpact] | None:
    """Benefits of work packages that move whose current profile plans value before the work
    package's new finish, with the value planned between its old and new finish.

    Reads the benefits app's register if it is installed (``None`` otherwise); two queries.
    """
    try:
        benefit_model = apps.get_model("benefits", "Benefit")
        month_model = apps.get_model("benefits", "ProfileMonth")
    except LookupError:
        return None
    if not moves:
        return []
    benefits = list(
        benefit_model.objects.filter(work_packages__in=list(moves))
        .distinct()
        .prefetch_related(
            Prefetch(
                "work_packages",
                queryset=WorkPackage.objects.filter(pk__in=list(moves)).only("pk"),
                to_attr="moved_work_packages",
            )
        )
    )
    months: dict[int, list[tuple[dt.date, Decimal]]] = {}
    for benefit_id, month, value in month_model.objects.filter(
        profile__benefit__in=benefits, profile__is_current=True, value__gt=0
    ).values_list("profile__benefit_id", "month", "value"):
        months.setdefault(benefit_id, []).append((month, value))
    found = []
    for benefit in benefits:
        planned = sorted(months.get(benefit.pk, []))
        if not planned:
            continue
        for wp in benefit.moved_work_packages:
            old_finish, new_finish = moves[wp.pk]
            if planned[0][0] > new_finish:
                continue
            at_risk = sum(
                (value for month, value in planned if old_finish < month <= new_finish),
                Decimal(0),
            )
            found.append(
                BenefitImpact(
                    benefit=benefit,
                    work_package=work_packages[wp.pk],
                    profile_start=planned[0][0],
                    new_finish=new_finish,
                    value_at_risk=at_risk,
                )
            )
    found.sort(key=lambda b: (b.profile_start, b.benefit.reference))
    return found


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
    from django.db.models import Q

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


def interdependency_get(pk: int) -> Interdependency:
    return interdependency_list().get(pk=pk)


def calendar_exceptions(calendar: ProgrammeCalendar) -> QuerySet[CalendarException]:
    return calendar.exceptions.all()
