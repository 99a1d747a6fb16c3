"""What a risk simulation is run on: three-point estimates, tasks, risk events, the network."""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from openpmo.core.errors import CycleError, ValidationError


class Shape(enum.StrEnum):
    """The distribution a three-point estimate is read as.

    ``triangular``: the triangle on (low, likely, high). ``pert``: the PERT-Beta, a Beta on
    (low, high) with shape parameters 1 + 4(likely - low)/(high - low) and
    1 + 4(high - likely)/(high - low), whose mean is (low + 4 likely + high) / 6.
    """

    TRIANGULAR = "triangular"
    PERT = "pert"


def _parse_shape(value: Shape | str, where: str | None) -> Shape:
    try:
        return Shape(value)
    except ValueError:
        raise ValidationError(
            f"{value!r} is not a distribution; use triangular or pert", where=where
        ) from None


@dataclass(frozen=True, slots=True)
class Estimate:
    """A three-point estimate of a duration or delay, in working days."""

    low: float
    likely: float
    high: float
    shape: Shape = Shape.TRIANGULAR

    def __post_init__(self) -> None:
        values = (self.low, self.likely, self.high)
        if not all(isinstance(v, int | float) and math.isfinite(v) for v in values):
            raise ValidationError(f"min, likely and max must be numbers, got {values}")
        if not 0 <= self.low <= self.likely <= self.high:
            raise ValidationError(
                f"need 0 <= min <= likely <= max, got {self.low}, {self.likely}, {self.high}"
            )
        object.__setattr__(self, "shape", _parse_shape(self.shape, None))

    @classmethod
    def fixed(cls, days: float) -> Estimate:
        """A duration known exactly."""
        return cls(days, days, days)

    @property
    def mean(self) -> float:
        if self.shape is Shape.PERT:
            return (self.low + 4 * self.likely + self.high) / 6
        return (self.low + self.likely + self.high) / 3


@dataclass(frozen=True, slots=True)
class CostEstimate:
    """A three-point estimate of a cost, in pounds."""

    low: Decimal
    likely: Decimal
    high: Decimal
    shape: Shape = Shape.TRIANGULAR

    def __post_init__(self) -> None:
        values = (self.low, self.likely, self.high)
        if not all(isinstance(v, Decimal) and v.is_finite() for v in values):
            raise ValidationError(f"min, likely and max must be amounts of money, got {values}")
        if not self.low <= self.likely <= self.high:
            raise ValidationError(
                f"need min <= likely <= max, got {self.low}, {self.likely}, {self.high}"
            )
        object.__setattr__(self, "shape", _parse_shape(self.shape, None))


@dataclass(frozen=True)
class SimTask:
    """A task of the simulated network.

    ``after`` lists the tasks that must finish before it starts (finish-to-start), with an
    optional lag in working days per predecessor in ``lags`` (negative for a lead). Tasks of the
    same ``strand`` move together when the network gives the strand a correlation.
    """

    id: str
    duration: Estimate
    after: tuple[str, ...] = ()
    cost: CostEstimate | None = None
    strand: str | None = None
    name: str = ""
    lags: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class RiskEvent:
    """A risk that happens with ``probability`` in an iteration.

    When it happens it adds one ``delay`` (sampled once for the iteration) to the duration of
    every task it ``hits``, and one ``cost``.
    """

    id: str
    probability: float
    hits: tuple[str, ...] = ()
    delay: Estimate | None = None
    cost: CostEstimate | None = None

    def __post_init__(self) -> None:
        p = self.probability
        if not (isinstance(p, int | float) and math.isfinite(p) and 0 <= p <= 1):
            raise ValidationError(
                f"probability must be between 0 and 1, got {p!r}", where=f"risk {self.id}"
            )
        if self.delay is not None and not self.hits:
            raise ValidationError(
                "a risk with a delay must name the tasks it hits", where=f"risk {self.id}"
            )


@dataclass(frozen=True)
class RiskNetwork:
    """Tasks, risk events, and the correlation of each strand (0 = independent, 1 = in step)."""

    tasks: tuple[SimTask, ...]
    risks: tuple[RiskEvent, ...] = ()
    correlation: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.tasks:
            raise ValidationError("the network has no tasks", where="tasks")
        seen: set[str] = set()
        for task in self.tasks:
            if task.id in seen:
                raise ValidationError("the same id is used twice", where=f"task {task.id}")
            seen.add(task.id)
        for task in self.tasks:
            for predecessor in (*task.after, *task.lags):
                if predecessor not in seen:
                    raise ValidationError(
                        f"comes after {predecessor!r}, which is not a task", where=f"task {task.id}"
                    )
            for predecessor, lag in task.lags.items():
                if predecessor not in task.after or not math.isfinite(lag):
                    raise ValidationError(
                        f"lag on {predecessor!r} must be a number on a listed predecessor",
                        where=f"task {task.id}",
                    )
            if task.strand is not None and task.strand not in self.correlation:
                raise ValidationError(
                    f"strand {task.strand!r} has no correlation given", where=f"task {task.id}"
                )
        for strand, rho in self.correlation.items():
            if not (isinstance(rho, int | float) and math.isfinite(rho) and 0 <= rho <= 1):
                raise ValidationError(
                    f"correlation must be between 0 and 1, got {rho!r}", where=f"strand {strand}"
                )
        risk_ids: set[str] = set()
        for risk in self.risks:
            if risk.id in risk_ids or risk.id in seen:
                raise ValidationError("the same id is used twice", where=f"risk {risk.id}")
            risk_ids.add(risk.id)
            for hit in risk.hits:
                if hit not in seen:
                    raise ValidationError(
                        f"hits {hit!r}, which is not a task", where=f"risk {risk.id}"
                    )
        self.levels()  # refuses a cycle now rather than mid-simulation

    def levels(self) -> list[list[int]]:
        """Task positions grouped so that every task comes after all its predecessors' groups.

        Level 0 holds the tasks with no predecessor; each later level the tasks whose last
        predecessor is in the level before. Raises ``CycleError`` naming a cycle if there is one.
        """
        index = {task.id: i for i, task in enumerate(self.tasks)}
        level = [-1] * len(self.tasks)
        waiting = [len(set(task.after)) for task in self.tasks]
        successors: list[list[int]] = [[] for _ in self.tasks]
        for i, task in enumerate(self.tasks):
            for predecessor in set(task.after):
                successors[index[predecessor]].append(i)
        ready = [i for i, count in enumerate(waiting) if count == 0]
        for i in ready:
            level[i] = 0
        done = 0
        while ready:
            nxt: list[int] = []
            for i in ready:
                done += 1
                for s in successors[i]:
                    level[s] = max(level[s], level[i] + 1)
                    waiting[s] -= 1
                    if waiting[s] == 0:
                        nxt.append(s)
            ready = nxt
        if done < len(self.tasks):
            raise CycleError(self._find_cycle(index))
        groups: list[list[int]] = [[] for _ in range(max(level) + 1)]
        for i, value in enumerate(level):
            groups[value].append(i)
        return groups

    def _find_cycle(self, index: Mapping[str, int]) -> list[str]:
        state = [0] * len(self.tasks)  # 0 new, 1 on the path, 2 finished
        for root in range(len(self.tasks)):
            if state[root]:
                continue
            path: list[int] = []
            stack = [(root, iter(self.tasks[root].after))]
            state[root] = 1
            path.append(root)
            while stack:
                node, predecessors = stack[-1]
                nxt = next(predecessors, None)
                if nxt is None:
                    state[node] = 2
                    stack.pop()
                    path.pop()
                    continue
                j = index[nxt]
                if state[j] == 1:
                    cycle = path[path.index(j) :]
                    return [self.tasks[k].id for k in reversed(cycle)]
                if state[j] == 0:
                    state[j] = 1
                    path.append(j)
                    stack.append((j, iter(self.tasks[j].after)))
        return [self.tasks[0].id]  # pragma: no cover - only called when a cycle exists
