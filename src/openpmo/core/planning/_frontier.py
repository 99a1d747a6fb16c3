"""The efficient frontier: the best value at each total budget, every year scaled alike."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from openpmo.core.planning._model import ZERO, PlanningProblem
from openpmo.core.planning._optimise import optimise

__all__ = ["Frontier", "FrontierPoint", "frontier"]


@dataclass(frozen=True, slots=True)
class FrontierPoint:
    """One budget level: ``scale`` times every year's budget; value ``None`` if forces don't fit."""

    scale: Decimal
    total_budget: Decimal
    value: Decimal | None
    selected: int
    current: bool


@dataclass(frozen=True, slots=True)
class Frontier:
    points: tuple[FrontierPoint, ...]

    def as_json(self) -> list[dict[str, object]]:
        return [
            {
                "scale": str(point.scale),
                "total_budget": str(point.total_budget.quantize(Decimal("0.01"))),
                "value": None
                if point.value is None
                else float(point.value.quantize(Decimal("0.0001"))),
                "selected": point.selected,
                "current": point.current,
            }
            for point in self.points
        ]


def frontier(problem: PlanningProblem, *, levels: int = 21, gap: float = 0.0) -> Frontier:
    """Solve at ``levels`` budget levels from nothing to enough for everything (and today's).

    Each year's budget is scaled by the same factor, so the profile of the money stays as given.
    """
    levels = max(levels, 2)
    asked: dict[object, Decimal] = {}
    for candidate in problem.candidates:
        for year, amount in candidate.cost.items():
            asked[year] = asked.get(year, ZERO) + amount
    ratios = [asked.get(year, ZERO) / amount for year, amount in problem.budget.items() if amount]
    top = max([Decimal(1), *ratios])
    scales = sorted(
        {(top * step / (levels - 1)).quantize(Decimal("0.0001")) for step in range(levels)}
        | {Decimal(1)}
    )
    total = sum(problem.budget.values(), ZERO)
    points = []
    for scale in scales:
        result = optimise(problem, gap=gap, explain=False, budget_scale=float(scale))
        points.append(
            FrontierPoint(
                scale=scale,
                total_budget=total * scale,
                value=result.value if result.feasible else None,
                selected=len(result.selected),
                current=scale == 1,
            )
        )
    return Frontier(tuple(points))
