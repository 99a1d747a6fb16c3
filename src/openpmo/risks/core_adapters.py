"""ORM rows -> the risk engine's input (``openpmo.core.risk``), in one place.

A simulation's input is kept in the YAML/JSON form that ``openpmo simulate`` reads
(``network_from_data``): stored with the run, it is exactly what was simulated, and saved as a
file it runs again on the command line with the same seed for the same answer.

How the register becomes a network:

- A work package with a schedule in the delivery app: its tasks (``network_from_project``, each
  duration as the most likely with ``spread`` for min and max), plus a zero-length "END" task
  after the last ones that carries the work package's budget as its cost and the delays of risks
  that hit the work package as a whole.
- A work package without one: one task, its forecast (or baseline) working days as the most
  likely, with ``spread``.
- The programme: one task per work package (as above), linked by the open interdependencies of
  the delivery app (finish-to-start, with their lag), the packages of a strand correlated by
  ``correlation``.
- Costs: each work package's budget envelope as the most likely cost, with ``cost_spread``.
- Risks: every open quantified risk in scope, with its probability, three-point delay and cost,
  hitting the tasks it names (or the work package as a whole).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from openpmo.core.errors import OpenPMOError
from openpmo.core.money import pounds
from openpmo.core.risk import (
    BLOCK,
    RiskNetwork,
    SimulationResult,
    network_from_data,
    network_from_project,
)
from openpmo.core.risk import simulate as engine_simulate
from openpmo.core.schedule import (
    Calendar,
    CalendarException,
    ConstraintType,
    Link,
    LinkType,
    Network,
    Task,
)
from openpmo.portfolio.models import WorkPackage

HISTOGRAM_BINS = 20


@dataclass
class SimulationInputs:
    """What a run simulates: the network data, the day it starts, and notes on how it was built."""

    network: dict[str, Any]
    start: dt.date | None
    notes: list[str] = field(default_factory=list)
    calendar: dict[str, Any] | None = None
    """the programme calendar and start moment (working days -> dates); None: Monday-Friday"""

    def to_json(self) -> dict[str, Any]:
        data = {
            "network": self.network,
            "start": self.start.isoformat() if self.start else None,
            "notes": self.notes,
        }
        if self.calendar is not None:
            data["calendar"] = self.calendar
        return data


def working_days(start: dt.date | None, end: dt.date | None) -> int | None:
    """Working days (Monday to Friday) from ``start`` to ``end`` inclusive."""
    if start is None or end is None or end < start:
        return None
    return int(np.busday_count(start, end + dt.timedelta(days=1)))


def date_after(start: dt.date, days: float) -> dt.date:
    """The working day on which ``days`` working days from ``start`` run out."""
    whole = max(0, int(np.ceil(days)) - 1)
    return np.busday_offset(start, whole, roll="forward").astype(dt.date)  # type: ignore[no-any-return]


def _round(value: float) -> float:
    return round(value, 3)


def _spread(likely: float, spread: tuple[float, float]) -> dict[str, float]:
    return {
        "min": _round(likely * spread[0]),
        "likely": _round(likely),
        "max": _round(likely * spread[1]),
    }


def _money_spread(amount: Decimal, spread: tuple[float, float]) -> dict[str, str]:
    return {
        "min": str(pounds(amount * Decimal(str(spread[0])))),
        "likely": str(pounds(amount)),
        "max": str(pounds(amount * Decimal(str(spread[1])))),
    }


def _package_days(work_package: WorkPackage) -> tuple[int, str]:
    start = work_package.forecast_start or work_package.baseline_start
    end = work_package.forecast_end or work_package.baseline_end
    days = working_days(start, end)
    if days is None:
        return 0, f"{work_package.reference} has no dates: taken as taking no time."
    return days, ""


def risk_data(item: Any, hits: list[str]) -> dict[str, Any]:
    """One quantified risk in the engine's form (id = its reference)."""
    data: dict[str, Any] = {"id": item.reference, "probability": float(item.chance)}
    if item.delay_min is not None and hits:
        data["hits"] = hits
        data["delay"] = {
            "min": float(item.delay_min),
            "likely": float(item.delay_likely),
            "max": float(item.delay_max),
        }
    if item.cost_min is not None:
        data["cost"] = {
            "min": str(item.cost_min),
            "likely": str(item.cost_likely),
            "max": str(item.cost_max),
        }
    return data


def _task_data(task: Any, prefix: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": f"{prefix}{task.id}",
        "min": _round(task.duration.low),
        "likely": _round(task.duration.likely),
        "max": _round(task.duration.high),
    }
    if task.name:
        data["name"] = task.name
    if task.after:
        data["after"] = [f"{prefix}{p}" for p in task.after]
    if task.lags:
        data["lags"] = {f"{prefix}{k}": _round(v) for k, v in task.lags.items()}
    return data


@dataclass
class _Package:
    """One work package's part of a network: its tasks, where it starts and where it ends."""

    tasks: list[dict[str, Any]]
    first: dict[str, Any]  # the task that waits for the package's start (and its dependencies)
    last: str  # the id whose finish is the package's finish
    ids: set[str]
    prefix: str
    start: dt.date | None


def _package(
    work_package: WorkPackage,
    project: Any | None,
    *,
    spread: tuple[float, float],
    cost_spread: tuple[float, float],
    prefix: str,
    notes: list[str],
) -> _Package:
    """The work package as tasks: its schedule's (with START and END milestones) or one task."""
    start = work_package.forecast_start or work_package.baseline_start
    tasks: list[dict[str, Any]] = []
    if project is not None:
        try:
            scheduled = network_from_project(project, spread=spread)
        except OpenPMOError as error:
            notes.append(
                f"{work_package.reference}: its schedule cannot be simulated ({error}); taken as a whole."
            )
            project = None
    if project is not None:
        begin = {"id": f"{prefix}START", "name": f"{work_package.reference} starts", "duration": 0}
        tasks.append(begin)
        for task in scheduled.tasks:
            row = _task_data(task, prefix)
            if not task.after:
                row["after"] = [begin["id"]]
            tasks.append(row)
        predecessors = {p for task in scheduled.tasks for p in task.after}
        sinks = [f"{prefix}{t.id}" for t in scheduled.tasks if t.id not in predecessors]
        end = {"id": f"{prefix}END", "name": f"{work_package.reference} complete", "duration": 0}
        end["after"] = sinks
        tasks.append(end)
        start = project.start.date() if hasattr(project.start, "date") else start
        first, last = begin, end["id"]
    else:
        days, note = _package_days(work_package)
        if note:
            notes.append(note)
        first = {"id": work_package.reference, "name": work_package.name, **_spread(days, spread)}
        tasks.append(first)
        last = first["id"]
    if work_package.budget_envelope:
        tasks[-1]["cost"] = _money_spread(work_package.budget_envelope, cost_spread)
    return _Package(tasks, first, last, {t["id"] for t in tasks}, prefix, start)


def _hits(item: Any, packages: dict[int, _Package]) -> list[str]:
    """The task ids a risk delays: named tasks of a schedule, else each package as a whole."""
    hits = set()
    for hit in item.hits.all():
        package = packages.get(hit.work_package_id)
        if package is None:
            continue
        task_id = f"{package.prefix}{hit.task_uid}" if hit.task_uid is not None else package.last
        hits.add(task_id if task_id in package.ids else package.last)
    if not hits and item.work_package_id in packages:
        hits.add(packages[item.work_package_id].last)
    return sorted(hits)


def work_package_inputs(
    work_package: WorkPackage,
    risks: Iterable[Any],
    *,
    spread: tuple[float, float],
    cost_spread: tuple[float, float],
    project: Any | None = None,
) -> SimulationInputs:
    """The network of one work package: its schedule's tasks if it has one, else itself whole.

    ``risks`` are quantified risk items with their ``hits`` prefetched.
    """
    notes: list[str] = []
    package = _package(
        work_package, project, spread=spread, cost_spread=cost_spread, prefix="", notes=notes
    )
    if project is not None and len(package.tasks) > 1:
        notes.append(
            f"{len(package.tasks) - 2} tasks from the schedule of {work_package.reference}; "
            "durations as most likely, calendars and date constraints not modelled."
        )
    elif not notes:
        notes.append(
            f"{work_package.reference} taken as a whole (no schedule in the delivery app)."
        )
    packages = {work_package.pk: package}
    return SimulationInputs(
        network={
            "distribution": "triangular",
            "tasks": package.tasks,
            "risks": [risk_data(item, _hits(item, packages)) for item in risks],
        },
        start=package.start,
        notes=notes,
    )


@dataclass
class ScheduleNetwork:
    """The network the programme schedule runs (``openpmo.delivery.scheduling.build``), with the
    id each of its tasks takes in the simulation and the work package it belongs to."""

    network: Network
    calendar: Calendar
    start: dt.datetime
    minutes_per_day: int
    minutes_per_week: int
    names: dict[int, str]
    """engine uid -> id in the simulation"""
    work_package_of: dict[int, Any]
    """engine uid -> the work package (every task, summary and anchor)"""
    calendar_data: dict[str, Any]
    """the calendar as stored with the run, to turn working days back into dates"""


_WEEK_MINUTES = 7 * 24 * 60


class _Translation:
    """A schedule network (tasks, summaries, FS/SS/FF/SF links with lags, constraints, manual
    tasks) as the simulation's finish-to-start network in working days: with every duration at
    its most likely value, it finishes every task when the schedule engine does."""

    def __init__(self, source: ScheduleNetwork) -> None:
        self.source = source
        self.by_uid = {t.uid: t for t in source.network.tasks}
        self.after: dict[str, dict[str, float]] = {}
        self.nodes: dict[str, dict[str, Any]] = {}
        self.uid_of: dict[str, int] = {}
        self.with_start = {
            link.predecessor
            for link in source.network.links
            if link.type in (LinkType.SS, LinkType.SF) and not self.by_uid[link.predecessor].summary
        }

    def days(self, task: Task) -> float:
        source = self.source
        if task.summary or task.milestone:
            return 0.0
        if task.manual and task.start is not None and task.finish is not None:
            minutes = source.calendar.working_minutes_between(task.start, task.finish)
            return max(minutes, 0) / source.minutes_per_day
        if task.elapsed:
            return (
                task.duration_minutes
                * source.minutes_per_week
                / _WEEK_MINUTES
                / source.minutes_per_day
            )
        return task.duration_minutes / source.minutes_per_day

    def offset(self, moment: dt.datetime) -> float:
        source = self.source
        minutes = source.calendar.working_minutes_between(source.start, moment)
        return minutes / source.minutes_per_day

    def start_of(self, uid: int) -> str:
        """The node whose finish is when the task may start (its start node, or itself)."""
        name = self.source.names[uid]
        return f"{name}:start" if self.by_uid[uid].summary or uid in self.with_start else name

    def finish_of(self, uid: int) -> str:
        name = self.source.names[uid]
        return f"{name}:end" if self.by_uid[uid].summary else name

    def need(self, node: str, predecessor: str, lag: float) -> None:
        lags = self.after.setdefault(node, {})
        lags[predecessor] = max(lags.get(predecessor, lag), lag)

    def node(
        self, uid: int, node_id: str, name: str, likely: float, spread: tuple[float, float]
    ) -> None:
        data: dict[str, Any] = {"id": node_id, "name": name}
        data.update(_spread(likely, spread) if likely else {"duration": 0})
        self.nodes[node_id] = data
        self.uid_of[node_id] = uid
        self.need(node_id, "START", 0.0)

    def task(self, task: Task, spread: tuple[float, float]) -> None:
        uid, name = task.uid, self.source.names[task.uid]
        entry = self.start_of(uid)
        if task.summary:
            self.node(uid, entry, f"{task.name} starts", 0.0, spread)
            self.node(uid, self.finish_of(uid), f"{task.name} complete", 0.0, spread)
        else:
            self.node(uid, name, task.name, self.days(task), spread)
            if entry != name:
                self.node(uid, entry, f"{task.name} starts", 0.0, spread)
                self.need(name, entry, 0.0)
        if task.manual and task.start is not None:
            self.need(entry, "START", self.offset(task.start))  # keeps its own dates
        elif task.parent is not None:
            self.need(entry, self.start_of(task.parent), 0.0)
        moment, kind = task.constraint_date, task.constraint
        if moment is not None and kind in (
            ConstraintType.START_NO_EARLIER_THAN,
            ConstraintType.MUST_START_ON,
        ):
            self.need(entry, "START", self.offset(moment))
        elif moment is not None and kind in (
            ConstraintType.FINISH_NO_EARLIER_THAN,
            ConstraintType.MUST_FINISH_ON,
        ):
            self.need(entry, "START", self.offset(moment) - self.days(task))
        if task.parent is not None:
            self.need(self.finish_of(task.parent), self.finish_of(uid), 0.0)

    def link(self, link: Link) -> None:
        before, after = self.by_uid[link.predecessor], self.by_uid[link.successor]
        if after.manual and not after.summary:
            return  # a manually scheduled task keeps its dates whatever it follows
        if link.lag_percent is not None:
            lag = link.lag_percent / 100 * self.days(before)
        elif link.lag_elapsed:
            lag = link.lag_minutes * self.source.minutes_per_week / _WEEK_MINUTES
            lag /= self.source.minutes_per_day
        else:
            lag = link.lag_minutes / self.source.minutes_per_day
        own = self.days(after)
        target = self.start_of(after.uid)
        if link.type is LinkType.FS:
            self.need(target, self.finish_of(before.uid), lag)
        elif link.type is LinkType.SS:
            self.need(target, self.start_of(before.uid), lag)
        elif link.type is LinkType.FF:
            self.need(target, self.finish_of(before.uid), lag - own)
        else:
            self.need(target, self.start_of(before.uid), lag - own)

    def tasks(self, spread: tuple[float, float]) -> list[dict[str, Any]]:
        for task in self.source.network.tasks:
            self.task(task, spread)
        for link in self.source.network.links:
            self.link(link)
        found = [{"id": "START", "name": "Programme starts", "duration": 0}]
        for node_id, data in self.nodes.items():
            lags = self.after.get(node_id, {})
            data["after"] = list(lags)
            kept = {k: _round(v) for k, v in lags.items() if v}
            if kept:
                data["lags"] = kept
            found.append(data)
        return found


def schedule_tasks(
    source: ScheduleNetwork, spread: tuple[float, float]
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The simulation's tasks for a schedule network (see ``_Translation``), and the engine uid
    each came from."""
    translation = _Translation(source)
    return translation.tasks(spread), translation.uid_of


def programme_inputs(
    source: ScheduleNetwork,
    risks: Iterable[Any],
    *,
    spread: tuple[float, float],
    cost_spread: tuple[float, float],
    correlation: float,
) -> SimulationInputs:
    """The programme as the schedule runs it: the same network (each work package's tasks, held
    to its start, linked by the open interdependencies to the tasks they name), durations in
    working days on the programme calendar with ``spread``, each work package's budget as the
    cost of its completion, the tasks of a strand correlated by ``correlation``. With every
    duration at its most likely value the plan finishes on the schedule's dates."""
    tasks, uid_of = schedule_tasks(source, spread)
    packages = {wp.pk: wp for wp in source.work_package_of.values()}
    strand_of = {
        node_id: f"strand-{source.work_package_of[uid].strand_id}"
        for node_id, uid in uid_of.items()
        if uid in source.work_package_of
    }
    by_id = {task["id"]: task for task in tasks}
    for wp in packages.values():
        end = by_id.get(f"{wp.reference}:end")
        if end is not None and wp.budget_envelope:
            end["cost"] = _money_spread(wp.budget_envelope, cost_spread)
    for task in tasks:
        if task["id"] in strand_of:
            task["strand"] = strand_of[task["id"]]
    wholes = {
        wp.pk: _Package([], {}, f"{wp.reference}:end", set(by_id), f"{wp.reference}:", None)
        for wp in packages.values()
    }
    notes = [
        f"The programme schedule's network: {len(packages)} work packages, "
        f"{len(source.network.tasks)} tasks and milestones, {len(source.network.links)} links "
        "(interdependencies included), durations in working days on the programme calendar; "
        "with most likely durations and no risks it finishes when the schedule does."
    ]
    return SimulationInputs(
        network={
            "distribution": "triangular",
            "correlation": {s: correlation for s in sorted(set(strand_of.values()))},
            "tasks": tasks,
            "risks": [risk_data(item, _hits(item, wholes)) for item in risks],
        },
        start=source.start.date(),
        notes=notes,
        calendar=source.calendar_data,
    )


def calendar_date(calendar_data: dict[str, Any], days: float) -> dt.date:
    """The date ``days`` working days after the run's start, on the calendar stored with it."""
    calendar = Calendar.standard(
        hours=[
            (dt.time.fromisoformat(a), dt.time.fromisoformat(b))
            for a, b in calendar_data["periods"]
        ],
        working_days=calendar_data["working_days"],
        exceptions=[
            CalendarException(
                first=dt.date.fromisoformat(first), last=dt.date.fromisoformat(last), name=name
            )
            for name, first, last in calendar_data["exceptions"]
        ],
    )
    start = dt.datetime.fromisoformat(calendar_data["start"])
    minutes = round(days * calendar_data["minutes_per_day"])
    return calendar.add_working_minutes(start, minutes).date()


def network_of(inputs: dict[str, Any]) -> RiskNetwork:
    """The engine's network from stored inputs (raises the engine's ``ValidationError``)."""
    return network_from_data(inputs["network"])


def simulate(
    network: RiskNetwork,
    *,
    iterations: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
) -> SimulationResult:
    """The engine's run, in about 20 chunks (never under 1,024 iterations) so that progress is
    reported as it goes; the chunk size changes memory and speed, never the answer."""
    chunk = max(4 * BLOCK, (iterations // 20) // BLOCK * BLOCK)
    return engine_simulate(
        network, iterations=iterations, seed=seed, chunk_size=chunk, progress=progress
    )


def _histogram(samples: np.ndarray, money: bool) -> list[dict[str, Any]]:
    counts, edges = np.histogram(samples, bins=HISTOGRAM_BINS)
    rows = []
    for i, count in enumerate(counts.tolist()):
        low, high = float(edges[i]), float(edges[i + 1])
        rows.append(
            {
                "low": str(pounds(Decimal(low))) if money else round(low, 2),
                "high": str(pounds(Decimal(high))) if money else round(high, 2),
                "count": int(count),
            }
        )
    return rows


def result_json(result: SimulationResult, names: dict[str, str]) -> dict[str, Any]:
    """The engine's summary plus what the pages draw: histograms and the tasks' names."""
    data = result.to_dict()
    data["histogram"] = {
        "finish_days": _histogram(result.finish_samples, money=False),
        "cost": _histogram(result.cost_samples, money=True),
    }
    data["mean_duration"] = {t.id: round(t.mean_duration, 3) for t in result.tasks}
    data["names"] = names
    return data
