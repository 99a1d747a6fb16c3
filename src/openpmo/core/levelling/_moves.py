"""What moved when a plan was levelled, and why: the explanation shown beside the two plans."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from openpmo.core.levelling._model import Problem, compile_problem
from openpmo.core.levelling._sgs import early_starts

__all__ = ["Move", "explain_moves"]


@dataclass(frozen=True)
class Move:
    """One activity that starts later once levelled: by how much, and what held it back."""

    activity: str
    unlevelled_start: int
    levelled_start: int
    shift: int
    waits_for: tuple[str, ...]
    resources: tuple[str, ...]

    @property
    def reason(self) -> str:
        parts = []
        if self.resources:
            parts.append(
                "no room on " + ", ".join(self.resources) + f" in period {self.levelled_start - 1}"
            )
        if self.waits_for:
            parts.append("waits for " + ", ".join(self.waits_for) + ", which moved")
        return "; ".join(parts) or "moved to keep the plan compact"


def explain_moves(problem: Problem, starts: Mapping[str, int]) -> list[Move]:
    """Every activity starting later than its unlevelled (critical-path) start, latest first."""
    c = compile_problem(problem)
    early = early_starts(c)
    index = {name: j for j, name in enumerate(c.ids)}
    levelled = [starts[name] for name in c.ids]
    usage = [[0] * (c.horizon + 1) for _ in c.capacity_rows]
    for j, need in enumerate(c.demands):
        for r, units in need:
            for t in range(levelled[j], levelled[j] + c.durations[j]):
                usage[r][t] += units
    names = [resource.id for resource in problem.resources]
    moves = []
    for j, name in enumerate(c.ids):
        s = levelled[j]
        if s <= early[j]:
            continue
        waits = tuple(
            c.ids[p]
            for p, lag in c.predecessors[j]
            if levelled[p] + c.durations[p] + lag == s and levelled[p] > early[p]
        )
        full = tuple(
            names[r]
            for r, units in c.demands[j]
            if usage[r][s - 1] + units > c.capacity_rows[r][s - 1]
        )
        moves.append(Move(name, early[j], s, s - early[j], waits, full))
    moves.sort(key=lambda move: (-move.shift, index[move.activity]))
    return moves
