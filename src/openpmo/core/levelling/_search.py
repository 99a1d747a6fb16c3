"""The heuristic search: a genetic algorithm on activity lists with double justification.

Each individual is a precedence-feasible activity list, decoded by the serial scheme and then
improved by double justification (forward-backward improvement); the improved schedule's order
replaces the list (so what is learnt is inherited). The first individuals come from priority
rules (latest finish, latest start, most total successors, greatest rank positional weight) with
both schemes, the rest from random sampling biased by the latest-finish rule. Children come from
two-point crossover (which keeps lists precedence-feasible) and swaps of adjacent unrelated
activities; the best of parents and children survive.

Everything random is drawn from the ``numpy.random.Generator`` passed in, so a seed gives the
same schedule whenever the schedule budget (not the clock, a CPU-time safety cap) stops the
search.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from openpmo.core.levelling._model import Compiled
from openpmo.core.levelling._sgs import (
    RULES,
    justify,
    makespan_of,
    parallel,
    priority_order,
    rule_values,
    serial,
    total_delay,
)

__all__ = ["Budget", "Found", "search"]


@dataclass(frozen=True)
class Budget:
    """When to stop: after ``schedules`` passes, at ``deadline`` on ``clock``, or at ``target``.

    ``clock`` is the process's CPU time in :func:`level`, so other work on the machine does not
    eat the budget."""

    schedules: int
    deadline: float
    clock: Callable[[], float]
    target: int


@dataclass(frozen=True)
class Found:
    starts: tuple[int, ...]
    makespan: int
    total_delay: int
    schedules: int
    stopped_by: str


class _Search:
    def __init__(self, c: Compiled, reference: Sequence[int], by_delay: bool) -> None:
        self.c = c
        self.reference = reference
        self.by_delay = by_delay
        self.passes = 0
        self.checks = 0
        self.stopped = ""
        self.best: tuple[tuple[int, int], list[int]] | None = None
        self.predecessor_sets = [frozenset(p for p, _ in links) for links in c.predecessors]

    def key(self, starts: Sequence[int]) -> tuple[int, int]:
        span = makespan_of(self.c, starts)
        if not self.by_delay:
            return (span, 0)
        return (total_delay(self.c, starts, self.reference), span)

    def decode(
        self, order: list[int], starts: list[int] | None = None
    ) -> tuple[tuple[int, int], list[int]]:
        if starts is None:
            starts = serial(self.c, order)
            self.passes += 1
        key = self.key(starts)
        improved, improved_order = justify(self.c, starts)
        self.passes += 2
        better = self.key(improved)
        if better <= key:  # one round: a second pays less than a new child (measured on j120)
            starts, key, order = improved, better, improved_order
        if self.best is None or key < self.best[0]:
            self.best = (key, list(starts))
        return key, order

    def crossover(self, mother: list[int], father: list[int], cuts: tuple[int, int]) -> list[int]:
        first, second = cuts
        child = mother[:first]
        taken = set(child)
        for j in father:
            if len(child) == second:
                break
            if j not in taken:
                child.append(j)
                taken.add(j)
        child.extend(j for j in mother if j not in taken)
        return child

    def mutate(self, order: list[int], draws: Sequence[float], rate: float) -> None:
        for k in range(len(order) - 1):
            if draws[k] < rate and order[k] not in self.predecessor_sets[order[k + 1]]:
                order[k], order[k + 1] = order[k + 1], order[k]


def _initial(
    state: _Search, rng: np.random.Generator, size: int, budget: Budget
) -> list[tuple[tuple[int, int], list[int]]]:
    c = state.c
    population: list[tuple[tuple[int, int], list[int]]] = []
    lft = rule_values(c, "lft")
    for name in RULES:
        values = rule_values(c, name)
        population.append(state.decode(priority_order(c, values)))
        starts = parallel(c, values)
        state.passes += 1
        population.append(state.decode(_order_of(c, starts), starts))
    while len(population) < size and not _done(state, budget):
        noise = rng.random(len(c.ids)).tolist()
        population.append(state.decode(priority_order(c, lft, noise)))
    return population


def _order_of(c: Compiled, starts: Sequence[int]) -> list[int]:
    return sorted(range(len(starts)), key=lambda j: (starts[j], c.rank[j]))


def _done(state: _Search, budget: Budget) -> bool:
    if not state.stopped:  # once stopped, stay stopped (the clock is read only now and then)
        state.stopped = _reason(state, budget)
    return bool(state.stopped)


def _reason(state: _Search, budget: Budget) -> str:
    """Why the search must stop now ("bound", "schedules" or "time"), or "" to go on."""
    if state.best is not None and state.best[0][0] <= budget.target:
        return "bound"
    if state.passes >= budget.schedules:
        return "schedules"
    state.checks += 1
    if state.checks % 16 == 0 and budget.clock() >= budget.deadline:  # a system call: not always
        return "time"
    return ""


def search(
    c: Compiled,
    *,
    reference: Sequence[int],
    by_delay: bool,
    rng: np.random.Generator,
    budget: Budget,
    population: int = 40,
    mutation: float = 0.05,
) -> Found:
    """The best schedule the genetic algorithm finds within the budget."""
    state = _Search(c, reference, by_delay)
    members = _survivors(_initial(state, rng, population, budget), population)
    n = len(c.ids)
    while not _done(state, budget) and n > 1 and len(members) > 1:
        # one distinct list left (a tiny problem) breeds nothing new: the search has converged
        pairs = rng.permutation(len(members)).tolist()
        children = []
        for a, b in zip(pairs[0::2], pairs[1::2], strict=False):
            mother, father = members[a][1], members[b][1]
            for first, second in ((mother, father), (father, mother)):
                cuts = sorted(rng.integers(0, n + 1, size=2).tolist())
                child = state.crossover(first, second, (cuts[0], cuts[1]))
                state.mutate(child, rng.random(n).tolist(), mutation)
                children.append(state.decode(child))
                if _done(state, budget):
                    break
            if _done(state, budget):
                break
        members = _survivors(members + children, population)
    assert state.best is not None
    key, starts = state.best
    span = makespan_of(c, starts)
    return Found(
        starts=tuple(starts),
        makespan=span,
        total_delay=total_delay(c, starts, reference),
        schedules=state.passes,
        stopped_by=state.stopped or "converged",
    )


def _survivors(
    candidates: list[tuple[tuple[int, int], list[int]]], size: int
) -> list[tuple[tuple[int, int], list[int]]]:
    """The best ``size`` distinct lists (duplicates crowd out the diversity crossover needs)."""
    seen: set[tuple[int, ...]] = set()
    kept = []
    for member in sorted(candidates, key=lambda m: m[0]):
        signature = tuple(member[1])
        if signature in seen:
            continue
        seen.add(signature)
        kept.append(member)
        if len(kept) == size:
            break
    return kept
