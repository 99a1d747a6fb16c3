"""Reads of the programme's money, shaped for pages and the API. Each does a fixed number of
queries whatever the number of rows; the figures come from the engines via ``core_adapters``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from openpmo.common.db import MoneySum
from openpmo.core.finance import Discrepancy, LedgerResult, TeamCostResult, bracketed
from openpmo.core.money import FinancialYear
from openpmo.finance import core_adapters
from openpmo.finance.choices import LEDGER_LINES, EntryKind, SpendType
from openpmo.finance.models import (
    Appraisal,
    AppraisalLine,
    AppraisalOption,
    Reserve,
    ReserveEntry,
    TeamCostPlan,
    TeamRole,
    WorkPackageForecast,
    WorkPackageSpend,
)
from openpmo.portfolio.models import Programme, WorkPackage

ZERO = Decimal(0)


# --- team cost --------------------------------------------------------------------------------


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


def team_cost_view(
    plan: TeamCostPlan, *, changes: Mapping[int, Mapping[str, Any]] | None = None
) -> TeamCostView:
    """The roles x financial years table; ``changes`` flexes roles for a preview (nothing saved)."""
    changes = changes or {}
    roles = list(plan.roles.all())
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


# --- reserve ----------------------------------------------------------------------------------


def reserve_list() -> QuerySet[Reserve]:
    return Reserve.objects.select_related("programme")


def reserve_get(pk: int) -> Reserve:
    return Reserve.objects.select_related("programme").prefetch_related("stated_figures").get(pk=pk)


def reserve_default() -> Reserve | None:
    return Reserve.objects.order_by("pk").first()


@dataclass
class LedgerRow:
    label: str
    cells: list[Decimal | None]
    total: Decimal | None = None
    kind: str = "line"  # line, balance


@dataclass
class ReserveLedgerView:
    reserve: Reserve
    result: LedgerResult
    years: list[str]
    rows: list[LedgerRow]
    entries: list[ReserveEntry]
    discrepancies: list[Discrepancy] = field(default_factory=list)

    @property
    def unit_label(self) -> str:
        return "£'000" if self.reserve.reporting_unit == 1000 else "£"

    def chart(self) -> list[dict[str, Any]]:
        """Closing balance by year, as money held (the negative balance turned positive)."""
        held = [-year.closing for year in self.result.years]
        top = max([abs(h) for h in held] + [Decimal(1)])
        bars = []
        for index, (year, amount) in enumerate(zip(self.years, held, strict=True)):
            height = float(abs(amount) / top * 80)
            bars.append(
                {
                    "year": year,
                    "amount": amount,
                    "x": 50 + index * 90,
                    "y": 100 - height if amount >= 0 else 100,
                    "height": height,
                    "negative": amount < 0,
                }
            )
        return bars


def reserve_entries(
    reserve: Reserve, *, kinds: Iterable[str] | None = None
) -> QuerySet[ReserveEntry]:
    entries = reserve.entries.select_related("work_package", "recorded_by", "authorised_by")
    if kinds is not None:
        entries = entries.filter(kind__in=list(kinds))
    return entries.order_by("year", "id")


def reserve_ledger_view(
    reserve: Reserve, *, entry_kinds: Iterable[str] | None = None, with_entries: bool = True
) -> ReserveLedgerView:
    """The ledger by year as the report prints it, what does not add up, and (unless
    ``with_entries`` is false) its entries of ``entry_kinds`` (all kinds by default)."""
    result = core_adapters.reserve_result(reserve)
    years = [entry.year for entry in result.years]
    rows = [LedgerRow(reserve.opening_label, [y.opening for y in result.years], kind="balance")]
    for kind, name, _sign in LEDGER_LINES:
        rows.append(
            LedgerRow(name, [y.lines[name] for y in result.years], result.line_totals[name])
        )
        if kind == EntryKind.WITHDRAWAL:
            rows.append(
                LedgerRow(
                    reserve.subtotal_label,
                    [y.subtotals[reserve.subtotal_label] for y in result.years],
                    kind="balance",
                )
            )
    rows.append(
        LedgerRow(
            reserve.closing_label,
            [y.closing for y in result.years],
            result.years[-1].closing,
            kind="balance",
        )
    )
    entries = list(reserve_entries(reserve, kinds=entry_kinds)) if with_entries else []
    return ReserveLedgerView(
        reserve=reserve,
        result=result,
        years=[str(y) for y in years],
        rows=rows,
        entries=entries,
        discrepancies=list(result.discrepancies),
    )


def ledger_as_json(view: ReserveLedgerView) -> dict[str, Any]:
    """The ledger for the API: years with opening, lines, drawdowns and closing."""
    drawdowns: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in view.entries:
        if entry.kind == EntryKind.DRAWDOWN:
            drawdowns[entry.year].append(
                {
                    "id": entry.pk,
                    "amount": str(entry.amount),
                    "reason": entry.reason,
                    "authorised_by": entry.authorised_by_id,
                    "authority_role": entry.authority_role,
                    "authority": entry.authority,
                    "work_package": entry.work_package_id,
                    "override_reason": entry.override_reason,
                    "recorded_at": entry.recorded_at.isoformat(),
                }
            )
    subtotal = view.reserve.subtotal_label
    return {
        "reserve": {
            "id": view.reserve.pk,
            "name": view.reserve.name,
            "balance": str(view.reserve.balance),
            "balances_held_as_negatives": True,
        },
        "years": [
            {
                "year": str(year.year),
                "opening": _pence(year.opening),
                "lines": {name: _pence(amount) for name, amount in year.lines.items()},
                "balance_before_drawdowns": _pence(year.subtotals[subtotal]),
                "drawdowns": drawdowns.get(str(year.year), []),
                "closing": _pence(year.closing),
                "closing_printed": bracketed(year.closing / view.reserve.reporting_unit),
            }
            for year in view.result.years
        ],
        "line_totals": {name: _pence(total) for name, total in view.result.line_totals.items()},
        "discrepancies": [discrepancy_json(d) for d in view.discrepancies],
    }


def _pence(amount: Decimal) -> str:
    return str(amount.quantize(Decimal("0.01")))


def discrepancy_json(d: Discrepancy) -> dict[str, str]:
    return {
        "year": d.year,
        "line": d.line,
        "stated": _pence(d.stated),
        "computed": _pence(d.computed),
        "difference": _pence(d.difference),
        "kind": d.kind,
    }


# --- work package money -----------------------------------------------------------------------


def released_by_work_package(work_packages: Iterable[int] | None = None) -> dict[int, Decimal]:
    """Money released to each work package from the reserve: its drawdowns less its returns.

    A drawdown counts for a work package when its source is that work package, or a record that
    names it in a ``work_package`` attribute (a gate decision from the gates app): the service
    links it when the drawdown is recorded. One query.
    """
    entries = ReserveEntry.objects.filter(
        work_package__isnull=False, kind__in=[EntryKind.DRAWDOWN, EntryKind.RETURN]
    )
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
    """Money of a work package or a roll-up of them."""

    budget: Decimal = ZERO
    released: Decimal = ZERO
    actual: Decimal = ZERO
    forecast: Decimal = ZERO
    unbudgeted: int = 0

    @property
    def forecast_at_completion(self) -> Decimal:
        return self.actual + self.forecast

    @property
    def variance(self) -> Decimal:
        """Budget less forecast at completion: negative is an overspend."""
        return self.budget - self.forecast_at_completion

    @property
    def cells(self) -> list[Decimal]:
        """Budget, released, actual, forecast, at completion, variance: a roll-up table's row."""
        return [
            self.budget,
            self.released,
            self.actual,
            self.forecast,
            self.forecast_at_completion,
            self.variance,
        ]

    def add(self, other: Money) -> None:
        self.budget += other.budget
        self.released += other.released
        self.actual += other.actual
        self.forecast += other.forecast
        self.unbudgeted += other.unbudgeted


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


def work_package_money(work_package: WorkPackage) -> WorkPackageMoney:
    spend = list(work_package.spend.order_by("month", "spend_type"))
    forecasts = list(work_package.forecasts.order_by("year", "spend_type"))
    entries = list(work_package.reserve_entries.select_related("reserve").order_by("year", "id"))
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
    money = Money(
        budget=work_package.budget_envelope or ZERO,
        released=Decimal(released),
        actual=sum((row.amount for row in spend), ZERO),
        forecast=sum((row.amount for row in forecasts), ZERO),
        unbudgeted=0 if work_package.budget_envelope is not None else 1,
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


def programme_money(programme: Programme) -> ProgrammeMoney:
    """Budget, released, actual, forecast and variance by work package, rolled up to strand,
    pillar and programme; actual and forecast by financial year, capital and revenue apart.
    Four queries whatever the size of the programme."""
    packages = list(
        WorkPackage.objects.filter(strand__pillar__programme=programme)
        .select_related("strand__pillar")
        .order_by("strand__pillar__order", "strand__pillar__name", "strand__name", "reference")
    )
    ids = [wp.pk for wp in packages]
    released = released_by_work_package(ids)
    actual: dict[int, Decimal] = defaultdict(lambda: ZERO)
    forecast: dict[int, Decimal] = defaultdict(lambda: ZERO)
    by_year = YearSplit()
    pillar_years: dict[int, YearSplit] = defaultdict(YearSplit)
    pillar_of = {wp.pk: wp.strand.pillar_id for wp in packages}
    spend_rows = (
        WorkPackageSpend.objects.filter(work_package__in=ids)
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
    forecast_rows = (
        WorkPackageForecast.objects.filter(work_package__in=ids)
        .values("work_package", "year", "spend_type")
        .annotate(total=MoneySum("amount"))
        .order_by()
    )
    for row in forecast_rows:
        forecast[row["work_package"]] += row["total"]
        by_year.add(row["year"], row["spend_type"], "forecast", row["total"])
        pillar_years[pillar_of[row["work_package"]]].add(
            row["year"], row["spend_type"], "forecast", row["total"]
        )
    total = Money()
    pillars: dict[int, RollupNode] = {}
    strands: dict[int, RollupNode] = {}
    for wp in packages:
        money = Money(
            budget=wp.budget_envelope or ZERO,
            released=released.get(wp.pk, ZERO),
            actual=actual[wp.pk],
            forecast=forecast[wp.pk],
            unbudgeted=0 if wp.budget_envelope is not None else 1,
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


# --- appraisal --------------------------------------------------------------------------------


def appraisal_list() -> QuerySet[Appraisal]:
    return Appraisal.objects.select_related("programme", "work_package", "created_by")


def appraisal_get(pk: int) -> Appraisal:
    return (
        Appraisal.objects.select_related("programme", "work_package", "created_by")
        .prefetch_related(
            "deflators",
            Prefetch(
                "options",
                queryset=AppraisalOption.objects.prefetch_related(
                    Prefetch("lines", queryset=AppraisalLine.objects.prefetch_related("amounts"))
                ),
            ),
        )
        .get(pk=pk)
    )


def appraisal_result_json(result: Any) -> dict[str, Any]:
    """The shape ``openpmo appraise --json`` prints."""

    def money(value: Decimal | None) -> str | None:
        return None if value is None else _pence(value)

    return {
        "base_year": str(result.base_year),
        "options": [
            {
                "name": option.name,
                "tco_real": money(option.tco_real),
                "tco_nominal": money(option.tco_nominal),
                "pv_costs": money(option.pv_costs),
                "pv_benefits": money(option.pv_benefits),
                "npsv": money(option.npsv),
                "bcr": None if option.bcr is None else str(option.bcr.quantize(Decimal("0.01"))),
                "discounted_payback_year": None
                if option.discounted_payback_year is None
                else str(option.discounted_payback_year),
            }
            for option in result.options
        ],
        "preferred": result.preferred,
    }
