"""ORM rows <-> ``openpmo.core.schedule`` dataclasses, in one place.

* ``calendar_of`` turns the programme calendar into the engine's :class:`Calendar`.
* ``work_package_project`` builds one work package's schedule as an engine :class:`Project`
  (UIDs as stored, so export and import keep them).
* ``programme_network`` builds the whole programme as one network: each work package is a
  summary task over its own tasks, held back by a start milestone at its schedule start, and each
  interdependency that is not closed is a finish-to-start link into the dependent work package's
  summary (the engine binds every task under it), or into the one task it names. A work package with no tasks stands in as one
  task spanning its register dates. ``slip`` makes one work package start N calendar weeks later
  than it otherwise could (an elapsed lag on its start milestone and on every interdependency
  into it), so all of it, its milestones included, slips: the slippage impact compares this with
  the programme as it stands.
* ``mspdi_rows.rows_from_project`` turns a file read by ``read_mspdi`` into field values for the
  models.

No scheduling arithmetic happens here: dates come from the engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from openpmo.core.schedule import (
    Calendar,
    CalendarException,
    ConstraintType,
    Link,
    LinkType,
    Network,
    Project,
    Task,
    WorkingInterval,
)
from openpmo.delivery.choices import FINISH_CONSTRAINTS, Constraint, TaskKind
from openpmo.delivery.choices import LinkType as LinkChoice

CONSTRAINTS = {
    Constraint.AS_SOON_AS_POSSIBLE: ConstraintType.AS_SOON_AS_POSSIBLE,
    Constraint.START_NO_EARLIER_THAN: ConstraintType.START_NO_EARLIER_THAN,
    Constraint.START_NO_LATER_THAN: ConstraintType.START_NO_LATER_THAN,
    Constraint.FINISH_NO_EARLIER_THAN: ConstraintType.FINISH_NO_EARLIER_THAN,
    Constraint.FINISH_NO_LATER_THAN: ConstraintType.FINISH_NO_LATER_THAN,
    Constraint.MUST_START_ON: ConstraintType.MUST_START_ON,
    Constraint.MUST_FINISH_ON: ConstraintType.MUST_FINISH_ON,
}
# As late as possible is scheduled as soon as possible by the engine (see its docstring).
CONSTRAINT_CHOICES = {v: k for k, v in CONSTRAINTS.items()} | {
    ConstraintType.AS_LATE_AS_POSSIBLE: Constraint.AS_SOON_AS_POSSIBLE
}
LINK_TYPES = {choice.value: LinkType[choice.value] for choice in LinkChoice}

WEEK_MINUTES = 7 * 24 * 60


def _minute(moment: dt.time) -> int:
    return moment.hour * 60 + moment.minute


Periods = tuple[tuple[dt.time, dt.time], ...]


@dataclass(frozen=True)
class CalendarSpec:
    """What the programme calendar row holds (so a default works with no row saved yet), or a
    schedule's own calendar as an imported file gave it.

    A file's calendar may have different hours on each weekday (``week``, Monday first) and
    exceptions that are worked (``worked``: name, first and last day, periods; none is a day
    off, in the file's order, the last matching one winning); ``day_minutes`` is then the
    file's day length. The programme calendar leaves these empty.
    """

    name: str
    working_days: tuple[int, ...]
    periods: Periods
    exceptions: tuple[tuple[str, dt.date, dt.date], ...] = ()
    week: tuple[Periods, ...] = ()
    worked: tuple[tuple[str, dt.date, dt.date, Periods], ...] = ()
    day_minutes: int = 0

    @property
    def minutes_per_day(self) -> int:
        if self.day_minutes:
            return self.day_minutes
        return sum(_minute(end) - _minute(start) for start, end in self.periods)

    @property
    def minutes_per_week(self) -> int:
        return self.minutes_per_day * len(self.working_days)

    def _periods_on(self, day: dt.date) -> Periods:
        if self.week and self.week[day.weekday()]:
            return self.week[day.weekday()]
        return self.periods

    def day_start(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, self._periods_on(day)[0][0])

    def day_end(self, day: dt.date) -> dt.datetime:
        end = self._periods_on(day)[-1][1]
        if end == dt.time(0):  # a period to midnight ends at the start of the next day
            return dt.datetime.combine(day + dt.timedelta(days=1), end)
        return dt.datetime.combine(day, end)

    def describe(self) -> list[str]:
        """One line per weekday and one per exception, as a person reads them."""
        return _describe(self)


def calendar_spec(row: Any, exceptions: Iterable[Any] = ()) -> CalendarSpec:
    """The spec of a ``ProgrammeCalendar`` row and its ``CalendarException`` rows."""
    return CalendarSpec(
        name=row.name,
        working_days=tuple(sorted(row.working_days)),
        periods=tuple(row.periods),
        exceptions=tuple((e.name, e.first, e.last) for e in exceptions),
    )


def calendar_of(spec: CalendarSpec) -> Calendar:
    if spec.week:
        return Calendar(
            week=tuple(_intervals(day) for day in spec.week),
            exceptions=tuple(
                CalendarException(first=first, last=last, intervals=_intervals(periods), name=name)
                for name, first, last, periods in spec.worked
            ),
            name=spec.name,
        )
    return Calendar.standard(
        hours=spec.periods,
        working_days=spec.working_days,
        exceptions=[
            CalendarException(first=first, last=last, name=name)
            for name, first, last in spec.exceptions
        ],
        name=spec.name,
    )


def _intervals(periods: Periods) -> tuple[WorkingInterval, ...]:
    return tuple(WorkingInterval.of(start, end) for start, end in periods)


def _hhmm(moment: dt.time) -> str:
    return moment.strftime("%H:%M")


def _periods_text(periods: Periods) -> str:
    return ", ".join(f"{_hhmm(a)}-{'24:00' if b == dt.time(0) else _hhmm(b)}" for a, b in periods)


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _describe(spec: CalendarSpec) -> list[str]:
    week = spec.week or tuple(spec.periods if day in spec.working_days else () for day in range(7))
    lines = [
        f"{name}: {_periods_text(p) or 'not worked'}"
        for name, p in zip(_WEEKDAYS, week, strict=True)
    ]
    exceptions = [(n, a, b, ()) for n, a, b in spec.exceptions] + list(spec.worked)
    for name, first, last, periods in exceptions:
        when = f"{first:%-d %b %Y}" if first == last else f"{first:%-d %b %Y} to {last:%-d %b %Y}"
        hours = _periods_text(periods) if periods else "not worked"
        lines.append(f"{when}{f' ({name})' if name else ''}: {hours}")
    return lines


def _time_of(minute: int) -> dt.time:
    return dt.time(0) if minute >= 24 * 60 else dt.time(minute // 60, minute % 60)


def spec_of_calendar(calendar: Calendar, minutes_per_day: int) -> CalendarSpec:
    """The spec of a calendar read from a file, with the file's day length."""
    week = tuple(tuple((_time_of(i.start), _time_of(i.end)) for i in day) for day in calendar.week)
    first_working = next(day for day in week if day)
    return CalendarSpec(
        name=calendar.name[:100] or "Project calendar",
        working_days=tuple(k for k, day in enumerate(week) if day),
        periods=first_working,
        week=week,
        worked=tuple(
            (
                e.name[:100],
                e.first,
                e.last,
                tuple((_time_of(i.start), _time_of(i.end)) for i in e.intervals),
            )
            for e in calendar.exceptions
        ),
        day_minutes=minutes_per_day,
    )


def spec_to_json(spec: CalendarSpec) -> dict[str, Any]:
    """A schedule's own calendar as stored (``WorkPackageSchedule.own_calendar``)."""

    def periods(value: Periods) -> list[list[str]]:
        return [[_hhmm(a), _hhmm(b)] for a, b in value]

    return {
        "name": spec.name,
        "minutes_per_day": spec.minutes_per_day,
        "week": [periods(day) for day in (spec.week or ())],
        "exceptions": [
            [name, first.isoformat(), last.isoformat(), periods(p)]
            for name, first, last, p in spec.worked
        ],
    }


def spec_from_json(data: dict[str, Any]) -> CalendarSpec:
    """The spec of a stored own calendar (see ``spec_to_json``)."""

    def periods(value: list[list[str]]) -> Periods:
        return tuple((dt.time.fromisoformat(a), dt.time.fromisoformat(b)) for a, b in value)

    week = tuple(periods(day) for day in data["week"])
    return CalendarSpec(
        name=data["name"],
        working_days=tuple(k for k, day in enumerate(week) if day),
        periods=next(day for day in week if day),
        week=week,
        worked=tuple(
            (name, dt.date.fromisoformat(first), dt.date.fromisoformat(last), periods(p))
            for name, first, last, p in data["exceptions"]
        ),
        day_minutes=int(data["minutes_per_day"]),
    )


def _same_time(one: Calendar, other: Calendar) -> bool:
    """The two calendars work the same hours on the same days (names apart)."""

    def days_off(calendar: Calendar) -> list[tuple[Any, ...]]:
        return [(e.first, e.last, e.intervals) for e in calendar.exceptions]

    return one.week == other.week and days_off(one) == days_off(other)


def _constraint_moment(spec: CalendarSpec, row: Any) -> dt.datetime | None:
    if row.constraint == Constraint.AS_SOON_AS_POSSIBLE or row.constraint_date is None:
        return None
    if row.constraint in FINISH_CONSTRAINTS:
        return spec.day_end(row.constraint_date)
    return spec.day_start(row.constraint_date)


def task_of(
    row: Any,
    spec: CalendarSpec,
    *,
    uid: int,
    parent: int | None,
    calendar: Calendar | None = None,
) -> Task:
    """The engine's task for a ``ScheduleTask`` row (``uid``/``parent`` as the network numbers
    them); ``calendar``, when given, is the task's own (its schedule's, not the programme's)."""
    manual = bool(row.manual) and row.kind != TaskKind.SUMMARY
    return Task(
        uid=uid,
        name=row.name,
        duration_minutes=0 if row.kind == TaskKind.SUMMARY else row.duration_minutes,
        milestone=row.kind == TaskKind.MILESTONE,
        summary=row.kind == TaskKind.SUMMARY,
        parent=parent,
        manual=manual,
        start=spec.day_start(row.start) if manual else None,
        finish=(
            spec.day_start(row.finish)
            if manual and row.kind == TaskKind.MILESTONE
            else spec.day_end(row.finish)
            if manual
            else None
        ),
        constraint=CONSTRAINTS[Constraint(row.constraint)],
        constraint_date=_constraint_moment(spec, row),
        elapsed=bool(row.elapsed),
        calendar=calendar,
    )


def link_of(row: Any, *, predecessor: int, successor: int) -> Link:
    return Link(
        predecessor=predecessor,
        successor=successor,
        type=LINK_TYPES[row.type],
        lag_minutes=row.lag_minutes,
        lag_percent=float(row.lag_percent) if row.lag_percent is not None else None,
        lag_elapsed=bool(row.lag_elapsed),
    )


def _network_of(tasks: Sequence[Any], links: Sequence[Any], spec: CalendarSpec) -> Network:
    uid_of = {row.pk: row.uid for row in tasks}
    return Network(
        tasks=tuple(
            task_of(
                row, spec, uid=row.uid, parent=uid_of.get(row.parent_id) if row.parent_id else None
            )
            for row in tasks
        ),
        links=tuple(
            link_of(
                row,
                predecessor=uid_of[row.predecessor_id],
                successor=uid_of[row.successor_id],
            )
            for row in links
        ),
    )


def work_package_project(
    *,
    name: str,
    start: dt.date,
    tasks: Sequence[Any],
    links: Sequence[Any],
    spec: CalendarSpec,
) -> Project:
    """One work package's schedule as an engine project (tasks in outline order)."""
    minutes_per_day = spec.minutes_per_day
    return Project(
        name=name,
        start=spec.day_start(start),
        calendar=calendar_of(spec),
        network=_network_of(tasks, links, spec),
        minutes_per_day=minutes_per_day,
        minutes_per_week=spec.minutes_per_week,
    )


# -- the programme as one network ----------------------------------------------------------------


@dataclass
class Slip:
    """``work_package_id`` starts ``weeks`` calendar weeks later than it otherwise could."""

    work_package_id: int
    weeks: int


@dataclass
class WorkPackagePlan:
    """What the programme network needs of one work package."""

    work_package: Any
    start: dt.date | None
    finish: dt.date | None = None
    tasks: list[Any] = field(default_factory=list)
    links: list[Any] = field(default_factory=list)
    spec: CalendarSpec | None = None
    """the calendar its schedule runs on, when not the programme's (a file's own)"""


@dataclass
class ProgrammeNetwork:
    network: Network
    start: dt.datetime
    summary_uid: dict[int, int]
    """work package id -> the uid of its summary task"""
    task_uid: dict[int, int]
    """ScheduleTask pk -> uid"""
    anchors: set[int]
    stand_ins: dict[int, int]
    """work package id -> uid of the task standing in for a work package with no tasks"""
    interdependency_links: dict[int, Link]
    unscheduled: list[Any]
    """work packages with neither tasks nor register dates: left out"""
    skipped_interdependencies: list[Any]
    anchor_of: dict[int, int] = field(default_factory=dict)
    """work package id -> uid of the milestone that holds it to its start"""


@dataclass
class _NetworkBuild:
    """The programme network as it is put together; uids are handed out in order."""

    spec: CalendarSpec
    calendar: Calendar
    slip: Slip | None
    delay: int
    """minutes the slipped work package waits (calendar time)"""
    next_uid: int = 1
    tasks: list[Task] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    summary_uid: dict[int, int] = field(default_factory=dict)
    task_uid: dict[int, int] = field(default_factory=dict)
    anchors: set[int] = field(default_factory=set)
    anchor_of: dict[int, int] = field(default_factory=dict)
    stand_ins: dict[int, int] = field(default_factory=dict)
    unscheduled: list[Any] = field(default_factory=list)
    own_calendars: dict[CalendarSpec, Calendar | None] = field(default_factory=dict)
    day_of: dict[int, int] = field(default_factory=dict)
    """work package id -> minutes in a working day of the calendar its schedule runs on"""
    interdependency_links: dict[int, Link] = field(default_factory=dict)
    skipped: list[Any] = field(default_factory=list)

    def uid(self) -> int:
        uid = self.next_uid
        self.next_uid += 1
        return uid

    def own_calendar(self, plan_spec: CalendarSpec) -> Calendar | None:
        """The calendar a work package on ``plan_spec`` runs on; None for the programme's."""
        if plan_spec == self.spec:
            return None
        if plan_spec not in self.own_calendars:
            found = calendar_of(plan_spec)
            # a file's calendar with the programme's working time (the names of its days
            # off aside) is the programme's: the programme keeps one calendar (and the
            # engine its fast single-calendar path)
            self.own_calendars[plan_spec] = None if _same_time(found, self.calendar) else found
        return self.own_calendars[plan_spec]


def _network_start(
    plans: Sequence[WorkPackagePlan], spec: CalendarSpec, project_start: dt.date | None
) -> dt.datetime:
    # each work package's day starts on its own calendar (an imported file's may start earlier)
    starts = [(plan.spec or spec).day_start(plan.start) for plan in plans if plan.start is not None]
    if project_start is not None:
        starts.append(spec.day_start(project_start))
    return min(starts) if starts else spec.day_start(dt.date.today())


def _plan_add(build: _NetworkBuild, plan: WorkPackagePlan) -> None:
    """A work package as a start milestone and a summary over its tasks (or over one task
    standing in for its register dates); left out if it has neither."""
    wp = plan.work_package
    plan_spec = plan.spec or build.spec
    build.day_of[wp.pk] = plan_spec.minutes_per_day
    own = build.own_calendar(plan_spec)
    has_work = any(row.kind != TaskKind.SUMMARY for row in plan.tasks)
    if plan.start is None or (not has_work and plan.finish is None):
        build.unscheduled.append(wp)
        return
    anchor = build.uid()
    summary = build.uid()
    build.anchors.add(anchor)
    build.anchor_of[wp.pk] = anchor
    build.summary_uid[wp.pk] = summary
    build.tasks.append(
        Task(
            uid=anchor,
            name=f"{wp.reference} may start",
            milestone=True,
            constraint=ConstraintType.START_NO_EARLIER_THAN,
            constraint_date=plan_spec.day_start(plan.start),
            calendar=own,
        )
    )
    build.tasks.append(Task(uid=summary, name=f"{wp.reference} {wp.name}", summary=True))
    if build.slip is not None and build.slip.work_package_id == wp.pk:
        build.links.append(
            Link(predecessor=anchor, successor=summary, lag_minutes=build.delay, lag_elapsed=True)
        )
    else:
        build.links.append(Link(predecessor=anchor, successor=summary))
    if has_work:
        _plan_tasks_add(build, plan, plan_spec, summary, own)
    else:
        _stand_in_add(build, plan, summary)


def _plan_tasks_add(
    build: _NetworkBuild,
    plan: WorkPackagePlan,
    plan_spec: CalendarSpec,
    summary: int,
    own: Calendar | None,
) -> None:
    """The work package's own tasks under its summary, and their links."""
    for row in plan.tasks:
        build.task_uid[row.pk] = build.uid()
    for row in plan.tasks:
        uid = build.task_uid[row.pk]
        parent = build.task_uid[row.parent_id] if row.parent_id else summary
        build.tasks.append(task_of(row, plan_spec, uid=uid, parent=parent, calendar=own))
    build.links.extend(
        link_of(
            row,
            predecessor=build.task_uid[row.predecessor_id],
            successor=build.task_uid[row.successor_id],
        )
        for row in plan.links
    )


def _stand_in_add(build: _NetworkBuild, plan: WorkPackagePlan, summary: int) -> None:
    """One task for the working time between a work package's register dates."""
    assert plan.start is not None and plan.finish is not None
    spec = build.spec
    minutes = max(
        build.calendar.working_minutes_between(
            spec.day_start(plan.start), spec.day_end(plan.finish)
        ),
        0,
    )
    uid = build.uid()
    build.stand_ins[plan.work_package.pk] = uid
    build.tasks.append(
        Task(
            uid=uid,
            name=f"{plan.work_package.reference} (register dates, no detailed schedule)",
            duration_minutes=minutes,
            parent=summary,
        )
    )


def _interdependency_add(build: _NetworkBuild, dependency: Any) -> None:
    """A finish-to-start link from what is needed to what needs it (skipped when either end
    is not in the network)."""
    if dependency.to_task_id is not None:
        target = build.task_uid.get(dependency.to_task_id)
    else:
        target = build.summary_uid.get(dependency.to_work_package_id)
    if dependency.from_milestone_id is not None:
        source = build.task_uid.get(dependency.from_milestone_id)
    else:
        source = build.summary_uid.get(dependency.from_work_package_id)
    if source is None or target is None:
        build.skipped.append(dependency)
        return
    link = Link(
        predecessor=source,
        successor=target,
        type=LinkType.FS,
        # a lag counts on the successor's calendar (its working day)
        lag_minutes=dependency.lag_days
        * build.day_of.get(dependency.to_work_package_id, build.spec.minutes_per_day),
    )
    build.interdependency_links[dependency.pk] = link
    slip = build.slip
    if slip is not None and slip.work_package_id == dependency.to_work_package_id and build.delay:
        # The slipped work package waits N more calendar weeks for what it needs: through a
        # milestone, as one link cannot carry a working-time and a calendar-time lag at once.
        via = build.uid()
        build.tasks.append(Task(uid=via, name=f"DEP-{dependency.pk:03d} ready", milestone=True))
        build.links.append(replace(link, successor=via))
        build.links.append(
            Link(predecessor=via, successor=target, lag_minutes=build.delay, lag_elapsed=True)
        )
    else:
        build.links.append(link)


def programme_network(
    plans: Sequence[WorkPackagePlan],
    interdependencies: Sequence[Any],
    spec: CalendarSpec,
    *,
    project_start: dt.date | None = None,
    slip: Slip | None = None,
) -> ProgrammeNetwork:
    build = _NetworkBuild(
        spec=spec,
        calendar=calendar_of(spec),
        slip=slip,
        delay=slip.weeks * WEEK_MINUTES if slip is not None else 0,
    )
    for plan in plans:
        _plan_add(build, plan)
    for dependency in interdependencies:
        _interdependency_add(build, dependency)
    return ProgrammeNetwork(
        network=Network(tasks=tuple(build.tasks), links=tuple(build.links)),
        start=_network_start(plans, spec, project_start),
        summary_uid=build.summary_uid,
        task_uid=build.task_uid,
        anchors=build.anchors,
        stand_ins=build.stand_ins,
        interdependency_links=build.interdependency_links,
        unscheduled=build.unscheduled,
        skipped_interdependencies=build.skipped,
        anchor_of=build.anchor_of,
    )
