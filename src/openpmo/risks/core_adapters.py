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
from collections.abc import Callable, Iterable, Sequence
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
from openpmo.portfolio.models import WorkPackage

HISTOGRAM_BINS = 20


@dataclass
class SimulationInputs:
    """What a run simulates: the network data, the day it starts, and notes on how it was built."""

    network: dict[str, Any]
    start: dt.date | None
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "network": self.network,
            "start": self.start.isoformat() if self.start else None,
            "notes": self.notes,
        }


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


def programme_inputs(
    work_packages: Sequence[WorkPackage],
    risks: Iterable[Any],
    dependencies: Iterable[tuple[int, int | None, int, float]],
    *,
    projects: dict[int, Any],
    spread: tuple[float, float],
    cost_spread: tuple[float, float],
    correlation: float,
) -> SimulationInputs:
    """The programme as one network: each work package's schedule (or the package whole), each
    held to its own start by a lag from the programme's start, and linked by the open
    interdependencies (from the milestone needed, or the whole package, to the dependent
    package's start). The tasks of a strand are correlated by ``correlation``."""
    notes: list[str] = []
    packages: dict[int, _Package] = {}
    strand_of: dict[int, str] = {}
    for wp in work_packages:
        packages[wp.pk] = _package(
            wp,
            projects.get(wp.pk),
            spread=spread,
            cost_spread=cost_spread,
            prefix=f"{wp.reference}:",
            notes=notes,
        )
        strand_of[wp.pk] = f"strand-{wp.strand_id}"
    start = min((p.start for p in packages.values() if p.start is not None), default=None)
    tasks: list[dict[str, Any]] = [{"id": "START", "name": "Programme starts", "duration": 0}]
    for package in packages.values():
        first = package.first
        first.setdefault("after", [])
        first["after"].append("START")
        offset = int(np.busday_count(start, package.start)) if start and package.start else 0
        if offset > 0:
            first.setdefault("lags", {})["START"] = float(offset)
    linked = 0
    for source, milestone, target, lag in dependencies:
        if source not in packages or target not in packages:
            continue
        giver, taker = packages[source], packages[target]
        from_id = f"{giver.prefix}{milestone}" if milestone is not None else giver.last
        if from_id not in giver.ids:
            from_id = giver.last
        if from_id in taker.first["after"]:
            continue
        taker.first["after"].append(from_id)
        if lag:
            taker.first.setdefault("lags", {})[from_id] = lag
        linked += 1
    for wp_pk, package in packages.items():
        for task in package.tasks:
            task["strand"] = strand_of[wp_pk]
        tasks.extend(package.tasks)
    scheduled = sum(1 for wp in work_packages if wp.pk in projects)
    notes.append(
        f"{len(packages)} work packages ({scheduled} with their schedule's tasks, the rest "
        f"whole), each starting no earlier than its own start; {linked} open interdependencies "
        "link them."
    )
    return SimulationInputs(
        network={
            "distribution": "triangular",
            "correlation": {s: correlation for s in sorted(set(strand_of.values()))},
            "tasks": tasks,
            "risks": [risk_data(item, _hits(item, packages)) for item in risks],
        },
        start=start,
        notes=notes,
    )


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
    data = result.to_json()
    data["histogram"] = {
        "finish_days": _histogram(result.finish_samples, money=False),
        "cost": _histogram(result.cost_samples, money=True),
    }
    data["mean_duration"] = {t.id: round(t.mean_duration, 3) for t in result.tasks}
    data["names"] = names
    return data
