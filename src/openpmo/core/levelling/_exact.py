"""Exact levelling with CP-SAT (Google OR-Tools), an optional dependency.

Each activity is a fixed-size interval; each resource a cumulative constraint (a capacity that
varies by period is modelled as the largest capacity less fixed "blocked" intervals); links are
``start(after) >= finish(before) + lag``. The heuristic's schedule is the hint and its makespan
the horizon, so the solver only ever improves on it. ``optimal`` is CP-SAT's proof.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpmo.core.errors import InputError
from openpmo.core.levelling._model import Compiled
from openpmo.core.levelling._sgs import early_starts, latest_finishes, makespan_of

__all__ = ["Solved", "solve"]


@dataclass(frozen=True)
class Solved:
    starts: tuple[int, ...]
    optimal: bool
    bound: int


def _solver_module() -> Any:
    try:
        from ortools.sat.python import cp_model  # noqa: PLC0415 - optional dependency
    except ImportError:
        raise InputError(
            "exact levelling needs OR-Tools: pip install 'openpmo[levelling]'"
        ) from None
    return cp_model


def _blocked_runs(row: Sequence[int], top: int, end: int) -> list[tuple[int, int, int]]:
    """(start, length, units) runs where the capacity is below its top value before ``end``."""
    runs: list[tuple[int, int, int]] = []
    t = 0
    while t < end:
        gap = top - row[t]
        u = t
        while u < end and top - row[u] == gap:
            u += 1
        if gap > 0:
            runs.append((t, u - t, gap))
        t = u
    return runs


def solve(
    c: Compiled,
    *,
    hint: Sequence[int],
    lower: int,
    by_delay: bool,
    reference: Sequence[int],
    time_limit: float,
    workers: int,
    seed: int,
) -> Solved:
    """Improve on ``hint`` with CP-SAT within ``time_limit`` seconds; say whether it is proven."""
    cp_model = _solver_module()
    model = cp_model.CpModel()
    horizon = makespan_of(c, hint)
    earliest = early_starts(c)
    latest = latest_finishes(c, horizon)  # the links' latest finishes: narrower domains
    starts = []
    intervals = []
    for j, name in enumerate(c.ids):
        d = c.durations[j]
        start = model.new_int_var(earliest[j], max(earliest[j], latest[j] - d), f"s{name}")
        starts.append(start)
        intervals.append(model.new_fixed_size_interval_var(start, d, f"i{name}"))
        model.add_hint(start, hint[j])
    for j, links in enumerate(c.successors):
        for s, lag in links:
            model.add(starts[s] >= starts[j] + c.durations[j] + lag)
    for r, row in enumerate(c.capacity_rows):
        users = [
            (intervals[j], units)
            for j, need in enumerate(c.demands)
            for rr, units in need
            if rr == r
        ]
        if not users:
            continue
        top = max(row[:horizon]) if horizon else row[0]
        blocked = [
            (model.new_fixed_size_interval_var(t, length, f"b{r}_{t}"), units)
            for t, length, units in _blocked_runs(row, top, horizon)
        ]
        model.add_cumulative([i for i, _ in users + blocked], [u for _, u in users + blocked], top)
    makespan = model.new_int_var(lower, max(lower, horizon), "makespan")
    for j in range(len(c.ids)):
        model.add(makespan >= starts[j] + c.durations[j])
    if by_delay:
        finishes = _group_finishes(model, c, starts, horizon)
        model.minimize(sum(finishes) * (horizon + 1) + makespan)
    else:
        model.minimize(makespan)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit, 0.01)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Solved(starts=tuple(hint), optimal=False, bound=lower)
    found = tuple(int(solver.value(start)) for start in starts)
    bound = lower if by_delay else max(lower, int(solver.best_objective_bound))
    return Solved(starts=found, optimal=status == cp_model.OPTIMAL, bound=bound)


def _group_finishes(model: Any, c: Compiled, starts: list[Any], horizon: int) -> list[Any]:
    finishes = [model.new_int_var(0, horizon, f"g{g}") for g in range(len(c.group_names))]
    for j, group in enumerate(c.groups):
        model.add(finishes[group] >= starts[j] + c.durations[j])
    return finishes
