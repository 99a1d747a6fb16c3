"""The programme's levelled plan: work packages as activities, roles as resources, by month.

Each package runs from its first to its last month of in-house demand and needs, every month,
its peak FTE of each role (in hundredths, so 0.5 FTE is 50 units); each role's capacity is the
pool's FTE month by month (the last month's level afterwards). The engine in
``openpmo.core.levelling`` moves packages so no role is over capacity, minimising the packages'
delays; :class:`LevelledPlan` shows both plans and what moved, and why.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from openpmo.core.errors import InputError
from openpmo.core.levelling import Activity, Move, Problem, Resource, explain_moves, level
from openpmo.portfolio.models import Programme, WorkPackage
from openpmo.resources.selectors import Grid, capacity_grid, month_add

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class PlannedPackage:
    work_package: WorkPackage
    unlevelled_start: dt.date
    levelled_start: dt.date
    months: int
    shift: int
    reason: str

    @property
    def unlevelled_finish(self) -> dt.date:
        return month_add(self.unlevelled_start, self.months - 1)

    @property
    def levelled_finish(self) -> dt.date:
        return month_add(self.levelled_start, self.months - 1)


@dataclass(frozen=True)
class LevelledPlan:
    packages: list[PlannedPackage]
    makespan_months: int
    total_delay_months: int
    error: str = ""

    @property
    def moved(self) -> list[PlannedPackage]:
        return [p for p in self.packages if p.shift]


def _problem(grid: Grid) -> tuple[Problem, dict[str, WorkPackage], dt.date]:
    first = grid.months[0]
    index = {month: k for k, month in enumerate(grid.months)}
    peaks: dict[WorkPackage, dict[str, Decimal]] = defaultdict(dict)
    spans: dict[WorkPackage, list[int]] = {}
    for role in grid.roles:
        for month in grid.months:
            for package, fte in grid.cells[(role.pk, month)].packages:
                peak = peaks[package]
                peak[role.name] = max(peak.get(role.name, Decimal(0)), fte)
                span = spans.setdefault(package, [index[month], index[month]])
                span[0], span[1] = min(span[0], index[month]), max(span[1], index[month])
    packages = {package.reference: package for package in spans}
    activities = tuple(
        Activity(
            id=package.reference,
            duration=span[1] - span[0] + 1,
            demand={
                role: int((fte * HUNDRED).to_integral_value(ROUND_CEILING))
                for role, fte in peaks[package].items()
            },
            release=span[0],
            group=package.reference,
        )
        for package, span in sorted(spans.items(), key=lambda item: item[0].reference)
    )
    resources = tuple(
        Resource(
            id=role.name,
            capacity=int((grid.row(role)[-1].capacity * HUNDRED).to_integral_value(ROUND_FLOOR)),
            profile=tuple(
                int((cell.capacity * HUNDRED).to_integral_value(ROUND_FLOOR))
                for cell in grid.row(role)
            ),
        )
        for role in grid.roles
    )
    return Problem(activities=activities, resources=resources), packages, first


def levelled_plan(programme: Programme, *, seed: int = 0) -> LevelledPlan:
    """The unlevelled plan beside the levelled one, with what moved and why."""
    grid = capacity_grid(programme)
    if not grid.cells or not any(cell.packages for cell in grid.cells.values()):
        return LevelledPlan([], 0, 0, error="No in-house demand has been entered yet.")
    problem, packages, first = _problem(grid)
    try:
        result = level(problem, objective="delay", seed=seed, schedules=400, time_limit=2)
        moves = {move.activity: move for move in explain_moves(problem, result.starts)}
    except InputError as error:
        return LevelledPlan([], 0, 0, error=str(error))
    planned = []
    for activity in problem.activities:
        start = result.starts[activity.id]
        move: Move | None = moves.get(activity.id)
        planned.append(
            PlannedPackage(
                work_package=packages[activity.id],
                unlevelled_start=month_add(first, activity.release),
                levelled_start=month_add(first, start),
                months=activity.duration,
                shift=start - activity.release,
                reason=_reason(move, first),
            )
        )
    return LevelledPlan(planned, result.makespan, result.total_delay)


def _reason(move: Move | None, first: dt.date) -> str:
    if move is None:
        return ""
    parts = []
    if move.resources:
        month = month_add(first, move.levelled_start - 1)
        parts.append(f"no room on {', '.join(move.resources)} in {month:%B %Y}")
    if move.waits_for:
        parts.append("waits for " + ", ".join(move.waits_for))
    return "; ".join(parts) or "moved to keep the plan compact"
