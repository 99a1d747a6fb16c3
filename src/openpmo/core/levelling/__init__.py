"""Resource levelling: resource-constrained scheduling of tasks or whole work packages.

``level(problem)`` returns a start period for every activity such that every link (with its lag)
is kept and no resource is used beyond its capacity in any period, minimising the makespan — or,
with ``objective="delay"``, the sum over groups (packages) of how much later each finishes than it
would with unlimited resources, then the makespan.

- The heuristic (default) is a genetic algorithm over activity lists decoded by the serial
  schedule generation scheme with double justification (see ``_search``); any size. Its budget is
  a number of schedules generated (:data:`DEFAULT_SCHEDULES`), so a seed always gives the same
  plan, whatever else the machine is doing; ``time_limit`` is only a safety cap in CPU seconds of
  this process (``time.process_time``), and ``LevellingResult.stopped_by`` says which one ended
  the search ("schedules", "time" or "bound": the plan met a lower bound, so it is optimal).
- ``exact=True`` hands the heuristic's schedule to CP-SAT (OR-Tools, optional), which improves on
  it and proves optimality on small instances within the time limit.

``optimal`` is true only when proven: the makespan equals a lower bound (critical path, or total
work over capacity) or CP-SAT proved it. Readers: PSPLIB ``.sm``/Patterson ``.rcp``
(:func:`read_problem`) and MSPDI resources and assignments (:mod:`openpmo.core.levelling.mspdi`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

import numpy as np

from openpmo.core.errors import ValidationError
from openpmo.core.levelling._exact import solve
from openpmo.core.levelling._formats import parse_rcp, parse_sm, read_problem
from openpmo.core.levelling._model import (
    Activity,
    LevellingResult,
    Precedence,
    Problem,
    Resource,
    compile_problem,
)
from openpmo.core.levelling._moves import Move, explain_moves
from openpmo.core.levelling._search import Budget, search
from openpmo.core.levelling._sgs import baseline as _baseline
from openpmo.core.levelling._sgs import early_starts, lower_bound, makespan_of, total_delay

__all__ = [
    "DEFAULT_SCHEDULES",
    "DEFAULT_TIME_LIMIT",
    "Activity",
    "LevellingResult",
    "Move",
    "Precedence",
    "Problem",
    "Resource",
    "baseline",
    "critical_path_bound",
    "explain_moves",
    "level",
    "parse_rcp",
    "parse_sm",
    "read_problem",
]

Objective = Literal["makespan", "delay"]

DEFAULT_SCHEDULES = 8_000
"""The heuristic's default budget in schedules generated (serial passes, each justification
counting two). Calibrated on PSPLIB j30 on the loaded 2-core machine: at most about 0.65 CPU s
for a 30-job instance, under the 1 s asked for (``benchmarks/bench_levelling.py`` prints the
figures; it gives 120-job instances 12,000, about 4 CPU s of the 5 s asked for)."""

DEFAULT_TIME_LIMIT = 10.0
"""The safety cap in CPU seconds when the caller gives none (the exact mode's solver time)."""


def level(
    problem: Problem,
    *,
    objective: Objective = "makespan",
    exact: bool = False,
    seed: int = 0,
    schedules: int = DEFAULT_SCHEDULES,
    time_limit: float | None = None,
    workers: int = 1,
    target: int | None = None,
    clock: Callable[[], float] = time.process_time,
) -> LevellingResult:
    """Level ``problem``; see the module docstring. ``schedules`` is the heuristic's budget;
    ``time_limit`` (seconds, :data:`DEFAULT_TIME_LIMIT` by default) caps the heuristic's CPU time
    on ``clock`` and, in the exact mode, the whole run; the heuristic also stops once its
    makespan is at most ``target`` (a finish the caller accepts).
    """
    if objective not in ("makespan", "delay"):
        raise ValidationError(f"unknown objective {objective!r}: choose makespan or delay")
    if schedules < 1:
        raise ValidationError("the schedule budget must be at least 1")
    if time_limit is not None and not time_limit > 0:
        raise ValidationError("the time limit must be a positive number of seconds")
    started = clock()
    limit = time_limit if time_limit is not None else DEFAULT_TIME_LIMIT
    c = compile_problem(problem)
    reference = early_starts(c)
    bound = lower_bound(c)
    by_delay = objective == "delay"
    heuristic_share = 0.2 if exact else 1.0
    budget = Budget(
        schedules=min(schedules, 1000) if exact else schedules,
        deadline=started + limit * heuristic_share,
        clock=clock,
        target=0 if by_delay else max(bound, target or 0),
    )
    found = search(
        c, reference=reference, by_delay=by_delay, rng=np.random.default_rng(seed), budget=budget
    )
    starts = list(found.starts)
    makespan = found.makespan
    optimal = not by_delay and makespan <= bound or by_delay and found.total_delay == 0
    method = "heuristic"
    if exact and not optimal:
        solved = solve(
            c,
            hint=starts,
            lower=bound,
            by_delay=by_delay,
            reference=reference,
            time_limit=limit - (clock() - started),
            workers=workers,
            seed=seed,
        )
        starts, optimal, bound = list(solved.starts), solved.optimal, solved.bound
        makespan = makespan_of(c, starts)
        method = "exact"
    return LevellingResult(
        starts={name: starts[j] for j, name in enumerate(c.ids)},
        makespan=makespan,
        lower_bound=makespan if optimal and not by_delay else bound,
        optimal=optimal,
        total_delay=total_delay(c, starts, reference),
        method=method,
        schedules=found.schedules,
        stopped_by=found.stopped_by,
    )


def baseline(problem: Problem) -> LevellingResult:
    """One pass of the serial scheme with the latest-finish-time rule: the textbook baseline."""
    c = compile_problem(problem)
    starts = _baseline(c)
    span = makespan_of(c, starts)
    bound = lower_bound(c)
    return LevellingResult(
        starts={name: starts[j] for j, name in enumerate(c.ids)},
        makespan=span,
        lower_bound=bound,
        optimal=span <= bound,
        total_delay=total_delay(c, starts, early_starts(c)),
        method="serial-lft",
        schedules=1,
    )


def critical_path_bound(problem: Problem) -> int:
    """The makespan with unlimited resources (no levelled schedule can be shorter)."""
    c = compile_problem(problem)
    return makespan_of(c, early_starts(c))
