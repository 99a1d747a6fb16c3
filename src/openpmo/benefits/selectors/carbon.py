"""The carbon summary: tonnes saved by benefit and financial year."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q

from openpmo.benefits.choices import NET_ZERO_YEAR, Unit
from openpmo.benefits.core_adapters import (
    PILLAR_GROUP,
    PROGRAMME_GROUP,
)
from openpmo.benefits.models import (
    Benefit,
)
from openpmo.benefits.selectors.register import register_load
from openpmo.benefits.selectors.tracker import _curve_to, default_as_of, in_year
from openpmo.core.benefits import (
    BenefitPosition,
    CurvePoint,
    Month,
)
from openpmo.core.money import FinancialYear
from openpmo.portfolio.models import Pillar, Programme


@dataclass
class CarbonItem:
    benefit: Benefit
    expected: Decimal  # net: reductions positive, increases (dis-benefits) negative
    expected_by_2030: Decimal
    realised: Decimal
    position: BenefitPosition
    work_packages: list[str]


@dataclass
class CarbonYear:
    year: FinancialYear
    by_pillar: list[tuple[Pillar, Decimal, Decimal]]  # (pillar, expected, realised)
    expected: Decimal
    realised: Decimal

    @property
    def before_net_zero(self) -> bool:
        return self.year.start_year + 1 <= NET_ZERO_YEAR


@dataclass
class CarbonSummary:
    programme: Programme
    as_of: Month
    items: list[CarbonItem]
    years: list[CarbonYear]
    pillars: list[Pillar]
    by_scope: list[tuple[str, Decimal, Decimal]]  # (scope label, expected by 2030, realised)
    expected_by_2030: Decimal
    realised: Decimal
    target: Decimal | None
    curve: list[CurvePoint]


def carbon_summary(programme: Programme, *, as_of: Month | None = None) -> CarbonSummary:
    """Each carbon benefit and dis-benefit (unit tCO2e), collated by pillar and financial year,
    against the 2030 net-zero ambition. Expected and realised are net tonnes cut: an increase
    (a dis-benefit) counts against the cuts."""
    register = register_load(programme, only=Q(unit=Unit.TONNES_CO2E))
    chosen = as_of or default_as_of(programme)
    book = register.book
    net_zero = Month(NET_ZERO_YEAR, 3)
    last = max(register.last_month or chosen, chosen)
    positions = book.positions(
        chosen, thresholds=register.thresholds, grace_months=register.grace_months
    )
    final = book.positions(max(last, net_zero))
    by_2030 = book.positions(net_zero)
    items = [
        CarbonItem(
            benefit=benefit,
            expected=end.net_planned_cumulative,
            expected_by_2030=at_2030.net_planned_cumulative,
            realised=now.net_actual_cumulative,
            position=now,
            work_packages=register.work_packages.get(benefit.pk, []),
        )
        for benefit, now, end, at_2030 in zip(
            register.benefits, positions, final, by_2030, strict=True
        )
    ]
    pillars = sorted({b.pillar for b in register.benefits}, key=lambda p: (p.order, p.name))
    pillar_years = {
        key: in_year(points, chosen)
        for (key, _unit), points in book.curves(PILLAR_GROUP, last=last).items()
    }
    programme_points = book.curves(PROGRAMME_GROUP, last=last).get(
        (str(programme.pk), Unit.TONNES_CO2E.value), []
    )
    programme_years = in_year(programme_points, chosen)
    years = [
        CarbonYear(
            year=year,
            by_pillar=[
                (p, *pillar_years.get(str(p.pk), {}).get(year, (Decimal(0), Decimal(0))))
                for p in pillars
            ],
            expected=figures[0],
            realised=figures[1],
        )
        for year, figures in programme_years.items()
    ]
    scope_of = {b.reference: b.get_carbon_scope_display() for b in register.benefits}
    scope_key: Callable[[Any], str] = lambda item: scope_of[item.reference]  # noqa: E731
    scopes_now = {r.key: r for r in book.roll_up(chosen, scope_key)}
    scopes_2030 = {r.key: r for r in book.roll_up(net_zero, scope_key)}
    by_scope = [
        (label, scopes_2030[label].planned_cumulative, scopes_now[label].actual_cumulative)
        for label in sorted(scopes_2030)
    ]
    totals_2030 = book.roll_up(net_zero, PROGRAMME_GROUP)
    totals_now = book.roll_up(chosen, PROGRAMME_GROUP)
    return CarbonSummary(
        programme=programme,
        as_of=chosen,
        items=items,
        years=years,
        pillars=pillars,
        by_scope=by_scope,
        expected_by_2030=totals_2030[0].planned_cumulative if totals_2030 else Decimal(0),
        realised=totals_now[0].actual_cumulative if totals_now else Decimal(0),
        target=register.settings.carbon_contribution_target if register.settings else None,
        curve=_curve_to(programme_points, chosen),
    )
