"""A work package's and the programme's money: budget, released, spent, forecast, by year."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from openpmo.audit.selectors import as_at_copies, changes_after
from openpmo.common.db import MoneySum
from openpmo.core.money import FinancialYear
from openpmo.finance.choices import EntryKind, SpendType
from openpmo.finance.models import (
    Appraisal,
    ReserveEntry,
    WorkPackageForecast,
    WorkPackageSpend,
)
from openpmo.finance.selectors._common import ZERO, known_entries
from openpmo.portfolio.models import Programme, WorkPackage


def released_by_work_package(
    work_packages: Iterable[int] | None = None,
    *,
    as_at: dt.date | None = None,
    entries: QuerySet[ReserveEntry] | None = None,
) -> dict[int, Decimal]:
    """Money released to each work package from the reserve (or from ``entries``) by the end of
    ``as_at`` (see ``known_entries``): its drawdowns less its returns.

    A drawdown counts for a work package when its source is that work package, or a record that
    names it in a ``work_package`` attribute (a gate decision from the gates app): the service
    links it when the drawdown is recorded. One query.
    """
    entries = known_entries(
        ReserveEntry.objects.all() if entries is None else entries, as_at
    ).filter(work_package__isnull=False, kind__in=[EntryKind.DRAWDOWN, EntryKind.RETURN])
    if work_packages is not None:
        entries = entries.filter(work_package__in=list(work_packages))
    released: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for row in entries.values("work_package", "kind").annotate(total=MoneySum("amount")).order_by():
        sign = 1 if row["kind"] == EntryKind.DRAWDOWN else -1
        released[row["work_package"]] += sign * row["total"]
    return dict(released)


def work_package_released(work_package: WorkPackage) -> Decimal:
    return released_by_work_package([work_package.pk]).get(work_package.pk, ZERO)


@dataclass
class Money:
    """Money of a work package or a roll-up of them.

    A work package with no forecast recorded is "no forecast": it is counted in ``unforecast``
    and left out of the variance (never taken as £0 still to spend); ``forecasted_budget`` and
    ``forecasted_at_completion`` cover only the packages that have one. ``beyond_released`` is
    the spend of packages that spent more than was released to them, above what was released.
    """

    budget: Decimal = ZERO
    released: Decimal = ZERO
    actual: Decimal = ZERO
    forecast: Decimal = ZERO
    unbudgeted: int = 0
    unforecast: int = 0
    forecasted: int = 0
    forecasted_budget: Decimal = ZERO
    forecasted_at_completion: Decimal = ZERO
    beyond_released: Decimal = ZERO
    over_released: int = 0

    @classmethod
    def of(
        cls, *, budget: Decimal | None, released: Decimal, actual: Decimal, forecast: Decimal | None
    ) -> Money:
        """One work package's money; ``forecast`` None when it has no forecast recorded."""
        known = forecast is not None
        beyond = max(actual - released, ZERO)
        return cls(
            budget=budget or ZERO,
            released=released,
            actual=actual,
            forecast=forecast or ZERO,
            unbudgeted=0 if budget is not None else 1,
            unforecast=0 if known else 1,
            forecasted=1 if known else 0,
            forecasted_budget=(budget or ZERO) if known else ZERO,
            forecasted_at_completion=actual + (forecast or ZERO) if known else ZERO,
            beyond_released=beyond,
            over_released=1 if beyond > 0 else 0,
        )

    @property
    def has_forecast(self) -> bool:
        return self.forecasted > 0

    @property
    def forecast_at_completion(self) -> Decimal | None:
        """Spent plus still to spend, over the packages with a forecast (None: none has one)."""
        if not self.forecasted:
            return None
        return self.forecasted_at_completion

    @property
    def variance(self) -> Decimal | None:
        """Budget less forecast at completion, over the packages with a forecast: negative is an
        overspend; None when no package in it has a forecast."""
        if not self.forecasted:
            return None
        return self.forecasted_budget - self.forecasted_at_completion

    @property
    def cells(self) -> list[Decimal | None]:
        """Budget, released, actual, forecast, at completion, variance: a roll-up table's row."""
        return [
            self.budget,
            self.released,
            self.actual,
            self.forecast if self.forecasted else None,
            self.forecast_at_completion,
            self.variance,
        ]

    def add(self, other: Money) -> None:
        self.budget += other.budget
        self.released += other.released
        self.actual += other.actual
        self.forecast += other.forecast
        self.unbudgeted += other.unbudgeted
        self.unforecast += other.unforecast
        self.forecasted += other.forecasted
        self.forecasted_budget += other.forecasted_budget
        self.forecasted_at_completion += other.forecasted_at_completion
        self.beyond_released += other.beyond_released
        self.over_released += other.over_released


@dataclass
class YearSplit:
    """Actual and forecast spend by financial year, capital and revenue apart."""

    cells: dict[tuple[str, str], dict[str, Decimal]] = field(default_factory=dict)

    def add(self, year: str, spend_type: str, what: str, amount: Decimal) -> None:
        cell = self.cells.setdefault((year, spend_type), {"actual": ZERO, "forecast": ZERO})
        cell[what] += amount

    def rows(self) -> list[dict[str, Any]]:
        years = sorted({year for year, _ in self.cells})
        out = []
        for year in years:
            row: dict[str, Any] = {"year": year}
            for spend_type in (SpendType.CAPITAL, SpendType.REVENUE):
                cell = self.cells.get((year, spend_type), {"actual": ZERO, "forecast": ZERO})
                row[f"{spend_type}_actual"] = cell["actual"]
                row[f"{spend_type}_forecast"] = cell["forecast"]
                row[f"{spend_type}_total"] = cell["actual"] + cell["forecast"]
            row["total"] = row["capital_total"] + row["revenue_total"]
            out.append(row)
        return out


@dataclass
class WorkPackageMoney:
    work_package: WorkPackage
    money: Money
    by_year: YearSplit
    spend: list[WorkPackageSpend]
    forecasts: list[WorkPackageForecast]
    entries: list[ReserveEntry]
    appraisals: list[Appraisal] = field(default_factory=list)


def _spend_to(
    spend: QuerySet[WorkPackageSpend], as_at: dt.date | None
) -> QuerySet[WorkPackageSpend]:
    return spend if as_at is None else spend.filter(month__lte=as_at)


def forecasts_as_at(
    forecasts: QuerySet[WorkPackageForecast], as_at: dt.date | None
) -> list[WorkPackageForecast]:
    """The forecasts with their amounts as they stood at the end of ``as_at`` (audit trail)."""
    rows = list(forecasts)
    return rows if as_at is None else as_at_copies(rows, ["amount"], as_at)


def work_package_money(
    work_package: WorkPackage, *, as_at: dt.date | None = None
) -> WorkPackageMoney:
    """A work package's money, at the end of ``as_at`` (now when None)."""
    if as_at is not None:
        (work_package,) = as_at_copies([work_package], ["budget_envelope"], as_at)
    spend = list(_spend_to(work_package.spend.all(), as_at).order_by("month", "spend_type"))
    forecasts = forecasts_as_at(work_package.forecasts.order_by("year", "spend_type"), as_at)
    entries = list(
        known_entries(work_package.reserve_entries.all(), as_at)
        .select_related("reserve")
        .order_by("year", "id")
    )
    by_year = YearSplit()
    for row in spend:
        by_year.add(row.financial_year, row.spend_type, "actual", row.amount)
    for row in forecasts:
        by_year.add(row.year, row.spend_type, "forecast", row.amount)
    released = sum(
        (e.amount if e.kind == EntryKind.DRAWDOWN else -e.amount)
        for e in entries
        if e.kind in (EntryKind.DRAWDOWN, EntryKind.RETURN)
    )
    money = Money.of(
        budget=work_package.budget_envelope,
        released=Decimal(released),
        actual=sum((row.amount for row in spend), ZERO),
        forecast=sum((row.amount for row in forecasts), ZERO) if forecasts else None,
    )
    appraisals = list(work_package.appraisals.order_by("name"))
    return WorkPackageMoney(work_package, money, by_year, spend, forecasts, entries, appraisals)


@dataclass
class RollupNode:
    name: str
    obj: Any
    money: Money = field(default_factory=Money)
    children: list[RollupNode] = field(default_factory=list)


@dataclass
class ProgrammeMoney:
    programme: Programme
    total: Money
    pillars: list[RollupNode]
    by_year: YearSplit
    pillar_years: dict[int, YearSplit]

    def packages(self, pillar: int | None = None) -> list[RollupNode]:
        """Every work package's node (of one pillar when ``pillar`` is given)."""
        return [
            node
            for p in self.pillars
            if pillar is None or p.obj.pk == pillar
            for strand in p.children
            for node in strand.children
        ]

    @property
    def without_forecast(self) -> list[RollupNode]:
        """Work packages with no forecast: listed, and left out of the variance."""
        return [node for node in self.packages() if not node.money.has_forecast]

    @property
    def spent_beyond_released(self) -> list[RollupNode]:
        """Work packages that have spent more than the reserve released to them."""
        return [node for node in self.packages() if node.money.over_released]


def programme_money(programme: Programme, *, as_at: dt.date | None = None) -> ProgrammeMoney:
    """Budget, released, actual, forecast and variance by work package, rolled up to strand,
    pillar and programme; actual and forecast by financial year, capital and revenue apart.
    With ``as_at``, as they stood at the end of that day: spend of months to then, releases known
    by then, budgets and forecasts wound back through the audit trail. A fixed number of queries
    whatever the size of the programme."""
    packages = list(
        WorkPackage.objects.filter(strand__pillar__programme=programme)
        .select_related("strand__pillar")
        .order_by("strand__pillar__order", "strand__pillar__name", "strand__name", "reference")
    )
    if as_at is not None:
        packages = as_at_copies(packages, ["budget_envelope"], as_at)
    ids = [wp.pk for wp in packages]
    released = released_by_work_package(ids, as_at=as_at)
    actual: dict[int, Decimal] = defaultdict(lambda: ZERO)
    forecast: dict[int, Decimal] = {}
    by_year = YearSplit()
    pillar_years: dict[int, YearSplit] = defaultdict(YearSplit)
    pillar_of = {wp.pk: wp.strand.pillar_id for wp in packages}
    spend_rows = (
        _spend_to(WorkPackageSpend.objects.filter(work_package__in=ids), as_at)
        .values("work_package", "month", "spend_type")
        .annotate(total=MoneySum("amount"))
        .order_by()
    )
    for row in spend_rows:
        actual[row["work_package"]] += row["total"]
        year = str(FinancialYear.containing(row["month"]))
        by_year.add(year, row["spend_type"], "actual", row["total"])
        pillar_years[pillar_of[row["work_package"]]].add(
            year, row["spend_type"], "actual", row["total"]
        )
    rows = list(
        WorkPackageForecast.objects.filter(work_package__in=ids).values_list(
            "pk", "work_package", "year", "spend_type", "amount"
        )
    )
    wound_back = (
        changes_after(WorkPackageForecast, ["amount"], as_at, [row[0] for row in rows])
        if as_at is not None
        else {}
    )
    for pk, wp_id, year, spend_type, amount in rows:
        if "amount" in wound_back.get(str(pk), {}):
            amount = Decimal(str(wound_back[str(pk)]["amount"]))
        forecast[wp_id] = forecast.get(wp_id, ZERO) + amount
        by_year.add(year, spend_type, "forecast", amount)
        pillar_years[pillar_of[wp_id]].add(year, spend_type, "forecast", amount)
    total = Money()
    pillars: dict[int, RollupNode] = {}
    strands: dict[int, RollupNode] = {}
    for wp in packages:
        money = Money.of(
            budget=wp.budget_envelope,
            released=released.get(wp.pk, ZERO),
            actual=actual[wp.pk],
            forecast=forecast.get(wp.pk),
        )
        pillar = wp.strand.pillar
        if pillar.pk not in pillars:
            pillars[pillar.pk] = RollupNode(pillar.name, pillar)
        if wp.strand_id not in strands:
            strands[wp.strand_id] = RollupNode(wp.strand.name, wp.strand)
            pillars[pillar.pk].children.append(strands[wp.strand_id])
        strands[wp.strand_id].children.append(RollupNode(str(wp), wp, money))
        strands[wp.strand_id].money.add(money)
        pillars[pillar.pk].money.add(money)
        total.add(money)
    return ProgrammeMoney(programme, total, list(pillars.values()), by_year, dict(pillar_years))
