"""What a simulation returns: distributions, per-task statistics, drivers and S-curves."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class FinishDistribution:
    """Finish in working days from the start: mean and percentiles (P80: 80% finish by then)."""

    mean: float
    p10: float
    p50: float
    p80: float
    p90: float


@dataclass(frozen=True, slots=True)
class CostDistribution:
    """Total cost in pounds, rounded to the penny: mean and percentiles."""

    mean: Decimal
    p10: Decimal
    p50: Decimal
    p80: Decimal
    p90: Decimal


@dataclass(frozen=True, slots=True)
class TaskStatistics:
    """One task across the iterations.

    ``criticality``: the share of iterations in which it was critical (no slack).
    ``cruciality``: the correlation between its duration (risk delays included) and the project
    finish, ``None`` when its duration never varies.
    """

    id: str
    criticality: float
    cruciality: float | None
    mean_duration: float


@dataclass(frozen=True, slots=True)
class Driver:
    """One bar of a tornado: a task's or a risk's correlation with the finish or the cost."""

    id: str
    kind: str  # "task" or "risk"
    correlation: float


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """One point of an S-curve: the value reached in ``probability`` of the iterations."""

    probability: float
    value: float | Decimal


@dataclass(frozen=True)
class SimulationResult:
    """The outcome of ``simulate``; ``seed`` and ``iterations`` reproduce it exactly."""

    iterations: int
    seed: int
    deterministic_finish: float
    deterministic_cost: Decimal
    finish: FinishDistribution
    cost: CostDistribution
    tasks: tuple[TaskStatistics, ...]
    risk_occurrence: dict[str, float]
    schedule_drivers: tuple[Driver, ...]
    cost_drivers: tuple[Driver, ...]
    finish_curve: tuple[CurvePoint, ...]
    cost_curve: tuple[CurvePoint, ...]
    finish_samples: Array = field(repr=False, compare=False)
    cost_samples: Array = field(repr=False, compare=False)

    @property
    def criticality(self) -> dict[str, float]:
        return {task.id: task.criticality for task in self.tasks}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (money as strings, to keep it exact): what ``openpmo simulate
        --json`` prints and a simulation run's stored result starts from."""

        def money(d: CostDistribution) -> dict[str, str]:
            return {k: str(getattr(d, k)) for k in ("mean", "p10", "p50", "p80", "p90")}

        finish = self.finish
        return {
            "iterations": self.iterations,
            "seed": self.seed,
            "finish_days": {
                k: round(getattr(finish, k), 4) for k in ("mean", "p10", "p50", "p80", "p90")
            },
            "cost": money(self.cost),
            "criticality": {t.id: round(t.criticality, 6) for t in self.tasks},
            "cruciality": {
                t.id: None if t.cruciality is None else round(t.cruciality, 6) for t in self.tasks
            },
            "deterministic": {
                "finish_days": round(self.deterministic_finish, 4),
                "cost": str(self.deterministic_cost),
            },
            "risk_occurrence": {k: round(v, 6) for k, v in self.risk_occurrence.items()},
            "tornado": {
                "finish": [
                    {"id": d.id, "kind": d.kind, "correlation": round(d.correlation, 6)}
                    for d in self.schedule_drivers
                ],
                "cost": [
                    {"id": d.id, "kind": d.kind, "correlation": round(d.correlation, 6)}
                    for d in self.cost_drivers
                ],
            },
            "s_curve": {
                "finish_days": [
                    [p.probability, round(float(p.value), 4)] for p in self.finish_curve
                ],
                "cost": [[p.probability, str(p.value)] for p in self.cost_curve],
            },
        }
