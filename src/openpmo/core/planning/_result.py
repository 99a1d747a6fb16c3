"""What the optimiser returns; each result serialises itself, so the CLI and the API print one shape."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Literal

from openpmo.core.money import FinancialYear, pounds

__all__ = [
    "CapacityUse",
    "Exclusion",
    "ForceConflict",
    "PlanningResult",
    "Selection",
    "YearUse",
    "short_money",
]

Status = Literal["optimal", "feasible", "infeasible"]


def short_money(amount: Decimal, *, up: bool = False) -> str:
    """``Decimal("420000")`` -> ``"£420k"``, ``1250000`` -> ``"£1.25m"``; ``up`` rounds up."""
    rounding = ROUND_CEILING if up else ROUND_HALF_UP
    if abs(amount) >= 1_000_000:
        millions = (amount / 1_000_000).quantize(Decimal("0.01"), rounding=rounding)
        return f"£{millions.normalize():f}m"
    if abs(amount) >= 10_000:
        return f"£{(amount / 1000).quantize(Decimal(1), rounding=rounding):,}k"
    return f"£{amount.quantize(Decimal(1), rounding=rounding):,}"


@dataclass(frozen=True, slots=True)
class Selection:
    ref: str
    start: FinancialYear
    value: Decimal


@dataclass(frozen=True, slots=True)
class YearUse:
    """One budget year: the budget, what the selection spends, what is left, and whether binding.


    A year binds when some candidate left out has cost in it that no longer fits what is left.
    """

    year: FinancialYear
    budget: Decimal
    used: Decimal
    binding: bool
    #: What is left: the budget less the spend, or with a cumulative budget (a reserve) the
    #: balance left at the end of the year after everything spent so far.
    headroom: Decimal


@dataclass(frozen=True, slots=True)
class CapacityUse:
    role: str
    year: FinancialYear
    capacity: Decimal
    used: Decimal
    binding: bool


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A candidate left out and why; ``extra_budget`` is what would let it in, by year (by budget
    row: the reserve's running total for a cumulative budget), ``extra_team`` the FTE by role and
    year. ``enters``: at that budget every optimum includes it (else it only fits beside the plan).
    """

    ref: str
    why: str
    extra_budget: Mapping[FinancialYear, Decimal] = field(default_factory=dict)
    enters: bool = False
    extra_team: Mapping[tuple[str, FinancialYear], Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ForceConflict:
    """Forces that cannot all hold: the candidates, and the years (with the shortfall) they clash."""

    refs: tuple[str, ...]
    shortfall: Mapping[FinancialYear, Decimal]
    message: str


@dataclass(frozen=True, slots=True)
class PlanningResult:
    """The optimum (or the best found within ``gap``), or the conflict that prevents one."""

    status: Status
    gap: float
    value: Decimal
    selected: tuple[Selection, ...]
    years: tuple[YearUse, ...]
    capacity: tuple[CapacityUse, ...] = ()
    excluded: tuple[Exclusion, ...] = ()
    conflict: ForceConflict | None = None

    @property
    def optimal(self) -> bool:
        return self.status == "optimal"

    @property
    def feasible(self) -> bool:
        return self.status != "infeasible"

    @property
    def cost_by_year(self) -> dict[FinancialYear, Decimal]:
        return {use.year: use.used for use in self.years}

    @property
    def refs(self) -> frozenset[str]:
        return frozenset(item.ref for item in self.selected)

    def to_dict(self) -> dict[str, object]:
        """The shape ``openpmo prioritise --json`` and the API print (money as decimal strings)."""
        return {
            "optimal": self.optimal,
            "status": self.status,
            "gap": round(self.gap, 6),
            "value": float(self.value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)),
            "selected": [{"ref": item.ref, "start": str(item.start)} for item in self.selected],
            "cost_by_year": {str(use.year): str(pounds(use.used)) for use in self.years},
            "headroom_by_year": {str(use.year): str(pounds(use.headroom)) for use in self.years},
            "binding_years": [str(use.year) for use in self.years if use.binding],
            "binding_capacity": [
                {"role": use.role, "year": str(use.year)} for use in self.capacity if use.binding
            ],
            "excluded": [
                {
                    "ref": item.ref,
                    "why": item.why,
                    "extra_budget": {
                        str(year): str(pounds(amount)) for year, amount in item.extra_budget.items()
                    },
                }
                for item in self.excluded
            ],
            "conflict": None
            if self.conflict is None
            else {
                "refs": list(self.conflict.refs),
                "years": {
                    str(year): str(pounds(amount))
                    for year, amount in self.conflict.shortfall.items()
                },
                "message": self.conflict.message,
            },
        }
