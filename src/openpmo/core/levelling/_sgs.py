"""Schedule generation schemes, priority rules, bounds and forward-backward improvement.

- :func:`serial` places the activities of a precedence-feasible list one by one, each at the
  earliest period where its predecessors have finished and every resource it needs has room for
  its whole duration (the serial scheme, whose schedules are "active").
- :func:`parallel` steps through time and starts, at each decision point, whatever fits in the
  order of a priority rule (the parallel scheme, whose schedules are "non-delay").
- :func:`justify` is double justification (forward-backward improvement): shift every activity
  as late as it can go, last finisher first, then as early as it can go, first starter first.
  Neither pass can lengthen the schedule, and it often shortens it.

Resource availability is a list of free units per period for each resource; placing an activity
subtracts its demand over its periods. Plain lists beat numpy here: the windows are short, and a
slice and ``min`` run in C without numpy's per-call overhead.
"""

from __future__ import annotations

import heapq
import operator
from collections.abc import Callable, Sequence

from openpmo.core.errors import ScheduleError
from openpmo.core.levelling._model import Compiled

__all__ = [
    "RULES",
    "baseline",
    "early_starts",
    "justify",
    "latest_finishes",
    "lower_bound",
    "makespan_of",
    "parallel",
    "priority_order",
    "serial",
    "total_delay",
]


def early_starts(c: Compiled) -> list[int]:
    """Earliest start of every activity ignoring resources (the critical-path forward pass)."""
    start = [0] * len(c.ids)
    for j in c.topological:
        t = c.releases[j]
        for p, lag in c.predecessors[j]:
            t = max(t, start[p] + c.durations[p] + lag)
        start[j] = max(t, 0)
    return start


def makespan_of(c: Compiled, starts: Sequence[int]) -> int:
    if len(starts) != len(c.durations):
        raise ValueError("one start per activity is needed")
    return max(map(operator.add, starts, c.durations), default=0)  # map: no Python-level loop


def latest_finishes(c: Compiled, end: int) -> list[int]:
    """Latest finish of every activity for a project ending at ``end``, ignoring resources."""
    finish = [end] * len(c.ids)
    for j in reversed(c.topological):
        for s, lag in c.successors[j]:
            finish[j] = min(finish[j], finish[s] - c.durations[s] - lag)
    return finish


def lower_bound(c: Compiled) -> int:
    """The critical path, raised by each constant-capacity resource's total work over capacity."""
    bound = makespan_of(c, early_starts(c))
    for r, capacity in enumerate(c.constant_capacity):
        if capacity:
            work = sum(
                c.durations[j] * units
                for j, need in enumerate(c.demands)
                for rr, units in need
                if rr == r
            )
            bound = max(bound, -(-work // capacity))
    return bound


def total_delay(c: Compiled, starts: Sequence[int], reference: Sequence[int]) -> int:
    """Sum over groups (packages) of how much later each finishes than in ``reference``."""
    late = [0] * len(c.group_names)
    base = [0] * len(c.group_names)
    for j, group in enumerate(c.groups):
        late[group] = max(late[group], starts[j] + c.durations[j])
        base[group] = max(base[group], reference[j] + c.durations[j])
    return sum(max(0, a - b) for a, b in zip(late, base, strict=True))


def _fit_forward(avail: list[list[int]], need: Sequence[tuple[int, int]], t: int, d: int) -> int:
    while True:
        for r, q in need:
            row = avail[r]
            if min(row[t : t + d]) < q:
                k = t + d - 1
                while row[k] >= q:
                    k -= 1
                t = k + 1
                break
        else:
            return t


def _fit_backward(avail: list[list[int]], need: Sequence[tuple[int, int]], t: int, d: int) -> int:
    while True:
        for r, q in need:
            row = avail[r]
            if min(row[t : t + d]) < q:
                k = t
                while row[k] >= q:
                    k += 1
                t = k - d
                break
        else:
            return t


def _take(avail: list[list[int]], need: Sequence[tuple[int, int]], t: int, d: int) -> None:
    for r, q in need:
        row = avail[r]
        for k in range(t, t + d):
            row[k] -= q


def serial(c: Compiled, order: Sequence[int]) -> list[int]:
    """Starts from the serial scheme for a precedence-feasible activity list.

    Free capacity is kept packed (see ``_model._pack``): one integer per period for all
    resources, so checking and taking room costs one operation per period, not per resource.
    """
    durations, releases, predecessors = c.durations, c.releases, c.predecessors
    demands, guard = c.packed_demand, c.guard
    free = list(c.packed_rows)
    limit = c.horizon
    start = [0] * len(durations)
    finish = [0] * len(durations)
    for j in order:
        t = releases[j]
        for p, lag in predecessors[j]:
            v = finish[p] + lag
            if v > t:
                t = v
        d = durations[j]
        q = demands[j]
        if q:
            k = t + d - 1
            while k >= t:  # scan the window from its end; on a clash, restart after it
                if (free[k] - q) & guard != guard:
                    t = k + 1
                    k = t + d - 1
                    if k >= limit:
                        raise ScheduleError(
                            f"activity {c.ids[j]} cannot fit within the capacity given"
                        )
                else:
                    k -= 1
            for k in range(t, t + d):
                free[k] -= q
        start[j] = t
        finish[j] = t + d
    return start


def _backward(c: Compiled, order: Sequence[int], end: int, floor: Sequence[int]) -> list[int]:
    """Latest starts for a list in which every successor comes before its predecessors."""
    durations, successors = c.durations, c.successors
    demands, guard = c.packed_demand, c.guard
    free = list(c.packed_rows[:end])
    start = [0] * len(durations)
    for j in order:
        d = durations[j]
        latest = end
        for s, lag in successors[j]:
            v = start[s] - lag
            if v < latest:
                latest = v
        t = latest - d
        q = demands[j]
        if q:
            k = t
            while k < t + d:  # scan from the window's start; on a clash, end the window there
                if (free[k] - q) & guard != guard:
                    t = k - d
                    if t < floor[j]:  # cannot happen for a feasible input: keep its place
                        t = floor[j]
                        break
                    k = t
                else:
                    k += 1
            for k in range(t, t + d):
                free[k] -= q
        start[j] = t
    return start


def _ordered(c: Compiled, key: Sequence[int], backward: bool) -> list[int]:
    """Activities by ``key`` (ascending, or descending when ``backward``), precedence kept."""
    rank = c.rank
    if not c.negative_lags:
        n = len(key)
        if backward:
            combined = [-(value * n + r) for value, r in zip(key, rank, strict=True)]
        else:
            combined = [value * n + r for value, r in zip(key, rank, strict=True)]
        return sorted(range(n), key=combined.__getitem__)
    links = c.successors if not backward else c.predecessors
    inverse = c.predecessors if not backward else c.successors
    waiting = [len(inverse[j]) for j in range(len(key))]
    sign = -1 if backward else 1
    ready = [(sign * key[j], sign * rank[j], j) for j in range(len(key)) if not waiting[j]]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        j = heapq.heappop(ready)[2]
        order.append(j)
        for k, _ in links[j]:
            waiting[k] -= 1
            if not waiting[k]:
                heapq.heappush(ready, (sign * key[k], sign * rank[k], k))
    return order


def justify(c: Compiled, starts: Sequence[int]) -> tuple[list[int], list[int]]:
    """Double justification: right then left. Returns the new starts and their activity list."""
    end = makespan_of(c, starts)
    finishes = [s + d for s, d in zip(starts, c.durations, strict=True)]
    right = _backward(c, _ordered(c, finishes, backward=True), end, starts)
    order = _ordered(c, right, backward=False)
    left = serial(c, order)
    return left, order


Rule = Callable[[Compiled, list[int], list[int]], list[float]]


def _lft(c: Compiled, es: list[int], lf: list[int]) -> list[float]:
    return [float(v) for v in lf]


def _lst(c: Compiled, es: list[int], lf: list[int]) -> list[float]:
    return [float(f - d) for f, d in zip(lf, c.durations, strict=True)]


def _mts(c: Compiled, es: list[int], lf: list[int]) -> list[float]:
    below: list[set[int]] = [set() for _ in c.ids]
    for j in reversed(c.topological):
        for s, _ in c.successors[j]:
            below[j].add(s)
            below[j] |= below[s]
    return [-float(len(b)) for b in below]


def _grpw(c: Compiled, es: list[int], lf: list[int]) -> list[float]:
    return [
        -float(c.durations[j] + sum(c.durations[s] for s, _ in c.successors[j]))
        for j in range(len(c.ids))
    ]


RULES: dict[str, Rule] = {"lft": _lft, "lst": _lst, "mts": _mts, "grpw": _grpw}


def rule_values(c: Compiled, rule: str) -> list[float]:
    """Priority values (lower is more urgent) for a named rule."""
    es = early_starts(c)
    lf = latest_finishes(c, makespan_of(c, es))
    return RULES[rule](c, es, lf)


def priority_order(
    c: Compiled, values: Sequence[float], noise: Sequence[float] | None = None
) -> list[int]:
    """A precedence-feasible list taking, each time, the eligible activity with the lowest value.

    ``noise`` (one uniform number per activity) perturbs the values for biased random sampling.
    """
    waiting = [len(links) for links in c.predecessors]
    key = (
        list(values)
        if noise is None
        else [v * (0.5 + u) for v, u in zip(values, noise, strict=True)]
    )
    ready = [(key[j], c.rank[j], j) for j in range(len(waiting)) if not waiting[j]]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        j = heapq.heappop(ready)[2]
        order.append(j)
        for s, _ in c.successors[j]:
            waiting[s] -= 1
            if not waiting[s]:
                heapq.heappush(ready, (key[s], c.rank[s], s))
    return order


def parallel(c: Compiled, values: Sequence[float]) -> list[int]:
    """Starts from the parallel scheme: at each decision time, start what fits, most urgent first."""
    n = len(c.ids)
    avail = [list(row) for row in c.capacity_rows]
    waiting = [len(links) for links in c.predecessors]
    earliest = list(c.releases)
    start = [0] * n
    ready = {j for j in range(n) if not waiting[j]}
    finishes: list[int] = []
    t = 0
    placed = 0
    while placed < n:
        started = True
        while started:
            started = False
            for j in sorted((j for j in ready if earliest[j] <= t), key=lambda j: (values[j], j)):
                d, need = c.durations[j], c.demands[j]
                if need and any(min(avail[r][t : t + d]) < q for r, q in need):
                    continue
                _take(avail, need, t, d)
                start[j] = t
                placed += 1
                started = True
                ready.discard(j)
                heapq.heappush(finishes, t + d)
                for s, lag in c.successors[j]:
                    earliest[s] = max(earliest[s], t + d + lag)
                    waiting[s] -= 1
                    if not waiting[s]:
                        ready.add(s)
        events = [earliest[j] for j in ready if earliest[j] > t]
        while finishes and finishes[0] <= t:
            heapq.heappop(finishes)
        if finishes:
            events.append(finishes[0])
        t = min(events) if events and None not in c.constant_capacity else t + 1
        if t > c.horizon:
            raise ScheduleError("the activities cannot fit within the capacity given")
    return start


def baseline(c: Compiled) -> list[int]:
    """One pass of the serial scheme with the latest-finish-time rule (the textbook baseline)."""
    return serial(c, priority_order(c, rule_values(c, "lft")))
