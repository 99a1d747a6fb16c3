"""Reads of the core team cost model (Table 1) and a flex's comparison."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from openpmo.audit.selectors import as_at_copies
from openpmo.core.finance import TeamCostResult
from openpmo.finance import core_adapters
from openpmo.finance.models import (
    TeamCostPlan,
    TeamRole,
)
from openpmo.finance.selectors._common import ZERO


def team_cost_plan_list() -> QuerySet[TeamCostPlan]:
    return TeamCostPlan.objects.select_related("programme").prefetch_related("inflation", "roles")


def team_cost_plan_get(pk: int) -> TeamCostPlan:
    return (
        TeamCostPlan.objects.select_related("programme")
        .prefetch_related(
            "inflation", Prefetch("roles", queryset=TeamRole.objects.order_by("order", "name"))
        )
        .get(pk=pk)
    )


@dataclass
class TeamCostRow:
    role: TeamRole
    fte: Decimal
    start: dt.date
    end: dt.date
    cost_per_fte: Decimal
    by_year: list[Decimal]
    total: Decimal
    changed: bool = False


@dataclass
class TeamCostView:
    plan: TeamCostPlan
    result: TeamCostResult
    years: list[str]
    rows: list[TeamCostRow]
    totals_by_year: list[Decimal]

    @property
    def total(self) -> Decimal:
        return self.result.total

    @property
    def total_fte(self) -> Decimal:
        return self.result.total_fte

    @property
    def headroom(self) -> Decimal | None:
        return self.result.headroom

    @property
    def excess(self) -> Decimal | None:
        headroom = self.result.headroom
        return None if headroom is None or headroom >= 0 else -headroom

    @property
    def exposure_fte(self) -> Decimal:
        return sum((e.fte for e in self.result.redundancy_exposure), ZERO)

    def chart(self) -> list[dict[str, Any]]:
        """Bars of the cost by year for the SVG chart (the table beside it has the figures)."""
        top = max(self.totals_by_year, default=ZERO) or Decimal(1)
        return [
            {
                "year": year,
                "amount": amount,
                "height": float(amount / top * 160),
                "x": 50 + index * 90,
                "y": 180 - float(amount / top * 160),
            }
            for index, (year, amount) in enumerate(
                zip(self.years, self.totals_by_year, strict=True)
            )
        ]


# What a team cost plan's figures depend on, wound back to a report's date.
ROLE_AS_AT_FIELDS = [
    "fte",
    "start",
    "end",
    "annual_cost",
    "salary",
    "on_cost_rate",
    "fixed_on_costs",
]


def team_cost_view(
    plan: TeamCostPlan,
    *,
    changes: Mapping[int, Mapping[str, Any]] | None = None,
    as_at: dt.date | None = None,
) -> TeamCostView:
    """The roles x financial years table; ``changes`` flexes roles for a preview (nothing saved).
    With ``as_at``, the plan's cap and roles as they stood at the end of that day."""
    changes = changes or {}
    roles = list(plan.roles.all())
    if as_at is not None:
        (plan,) = as_at_copies([plan], ["cap"], as_at)
        roles = as_at_copies(roles, ROLE_AS_AT_FIELDS, as_at)
    result = core_adapters.team_cost(plan, roles=roles, changes=changes)
    years = list(result.financial_years)
    rows = [
        TeamCostRow(
            role=role,
            fte=cost.role.fte,
            start=cost.role.start,
            end=cost.role.end,
            cost_per_fte=cost.role.cost_per_fte,
            by_year=[cost.by_year[year] for year in years],
            total=cost.total,
            changed=role.pk in changes
            and (cost.role.fte, cost.role.start, cost.role.end) != (role.fte, role.start, role.end),
        )
        for role, cost in zip(roles, result.roles, strict=True)
    ]
    return TeamCostView(
        plan=plan,
        result=result,
        years=[str(year) for year in years],
        rows=rows,
        totals_by_year=[result.totals_by_year[year] for year in years],
    )


def flex_comparison(current: TeamCostView, new: TeamCostView) -> list[dict[str, Any]]:
    """Each year's total before and after a flex, and the whole-life total last."""
    before = dict(zip(current.years, current.totals_by_year, strict=True))
    after = dict(zip(new.years, new.totals_by_year, strict=True))
    rows = [
        {
            "year": year,
            "before": before.get(year, ZERO),
            "after": after.get(year, ZERO),
            "difference": after.get(year, ZERO) - before.get(year, ZERO),
        }
        for year in sorted(set(before) | set(after))
    ]
    rows.append(
        {
            "year": "Total",
            "before": current.total,
            "after": new.total,
            "difference": new.total - current.total,
        }
    )
    return rows
