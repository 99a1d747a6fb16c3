"""Reads of the programme's money, shaped for pages and the API. Each does a fixed number of
queries whatever the number of rows; the figures come from the engines via ``core_adapters``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Max, Prefetch, Q, QuerySet

from openpmo.audit.models import AuditRecord
from openpmo.audit.selectors import as_at_copies, changes_after, end_of_day
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
    ReserveStatedFigure,
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
class PrintedTableCheck:
    """The decision's printed table (the stated figures, with the ledger's lines as they stood
    when the table was recorded) re-added as a document: its own arithmetic, which later
    entries in the ledger do not change."""

    recorded_at: dt.datetime | None
    discrepancies: list[Discrepancy]
    stated_residual: Decimal | None
    readded_residual: Decimal
    knock_on: str


@dataclass
class ReserveLedgerView:
    reserve: Reserve
    result: LedgerResult
    years: list[str]
    rows: list[LedgerRow]
    entries: list[ReserveEntry]
    discrepancies: list[Discrepancy] = field(default_factory=list)
    as_at: dt.date | None = None
    printed: PrintedTableCheck | None = None
    invariants: list[str] = field(default_factory=list)

    @property
    def unit_label(self) -> str:
        return "£'000" if self.reserve.reporting_unit == 1000 else "£"

    @property
    def held(self) -> Decimal:
        """Money held at ``as_at`` (today when none): the balance at the end of the financial
        year it falls in, from the entries known by then (a positive sum is money held)."""
        return -balance_at(self.result, self.as_at or dt.date.today())

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


def known_entries(entries: QuerySet[ReserveEntry], as_at: dt.date | None) -> QuerySet[ReserveEntry]:
    """The entries known at the end of ``as_at``: those recorded by then, and those of a financial
    year that had closed before ``as_at``'s year began (a closed year's accounts, loaded later).
    Every entry when ``as_at`` is None."""
    if as_at is None:
        return entries
    year = str(FinancialYear.containing(as_at))
    return entries.filter(Q(recorded_at__lt=end_of_day(as_at)) | Q(year__lt=year))


def balance_at(result: LedgerResult, day: dt.date) -> Decimal:
    """The ledger's balance on ``day``: the closing balance of the financial year it falls in
    (the opening balance before the first year, the last closing balance after the last)."""
    year = FinancialYear.containing(day)
    for ledger_year in result.years:
        if ledger_year.year == year:
            return ledger_year.closing
    if result.years and year < result.years[0].year:
        return result.years[0].opening
    return result.years[-1].closing if result.years else result.ledger.opening_balance


def reserve_entries(
    reserve: Reserve, *, kinds: Iterable[str] | None = None, as_at: dt.date | None = None
) -> QuerySet[ReserveEntry]:
    entries = known_entries(reserve.entries.all(), as_at).select_related(
        "work_package", "recorded_by", "authorised_by"
    )
    if kinds is not None:
        entries = entries.filter(kind__in=list(kinds))
    return entries.order_by("year", "id")


def reserve_ledger_view(
    reserve: Reserve,
    *,
    entry_kinds: Iterable[str] | None = None,
    with_entries: bool = True,
    as_at: dt.date | None = None,
) -> ReserveLedgerView:
    """The ledger by year as it stood at the end of ``as_at`` (every entry when None), and
    (unless ``with_entries`` is false) its entries of ``entry_kinds`` (all kinds by default).

    Two checks are kept apart: the decision's printed table re-added as a document
    (``printed``; its discrepancies are ``discrepancies``), and the live ledger's invariants."""
    known = known_entries(reserve.entries.all(), as_at)
    result = core_adapters.reserve_result(reserve, reconcile=False, entries=known)
    printed = printed_table_check(reserve)
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
    entries = list(reserve_entries(reserve, kinds=entry_kinds, as_at=as_at)) if with_entries else []
    return ReserveLedgerView(
        reserve=reserve,
        result=result,
        years=[str(y) for y in years],
        rows=rows,
        entries=entries,
        discrepancies=printed.discrepancies if printed else [],
        as_at=as_at,
        printed=printed,
        invariants=ledger_invariants(reserve, result, known),
    )


def printed_table_check(reserve: Reserve) -> PrintedTableCheck | None:
    """The printed table as a document: its stated figures re-added from the ledger's lines as
    they stood when the figures were recorded (the audit trail dates them), so a drawdown made
    since does not make the table "not add up". None when no printed figure is recorded."""
    figures = list(reserve.stated_figures.values_list("pk", flat=True))
    if not figures:
        return None
    recorded = AuditRecord.objects.filter(
        content_type__app_label="finance",
        content_type__model="reservestatedfigure",
        object_id__in=[str(pk) for pk in figures],
    ).aggregate(last=Max("at"))["last"]
    entries = reserve.entries.all()
    if recorded is not None:
        entries = entries.filter(recorded_at__lte=recorded)
    result = core_adapters.reserve_result(reserve, entries=entries)
    stated = ReserveStatedFigure.objects.filter(
        reserve=reserve, figure="closing_balance", year=reserve.last_year
    ).first()
    readded = result.years[-1].closing if result.years else reserve.opening_balance
    return PrintedTableCheck(
        recorded_at=recorded,
        discrepancies=list(result.discrepancies),
        stated_residual=stated.amount if stated else None,
        readded_residual=readded,
        knock_on=_knock_on(reserve, result, stated.amount if stated else None),
    )


def _knock_on(reserve: Reserve, result: LedgerResult, stated_residual: Decimal | None) -> str:
    """The first arithmetic error in a printed balance, and what it does to the residual, in
    words a councillor reads ("" when the printed balances add up but for rounding)."""
    balances = {reserve.opening_label, reserve.subtotal_label, reserve.closing_label}
    error = next(
        (d for d in result.discrepancies if d.kind == "error" and d.line in balances), None
    )
    if error is None or stated_residual is None:
        return ""
    unit = reserve.reporting_unit or Decimal(1)
    readded = result.years[-1].closing
    held_stated, held_readded = -stated_residual, -readded
    gap = held_stated - held_readded
    millions = (abs(gap) / Decimal(1_000_000)).quantize(Decimal("0.1"))
    return (
        f"In {error.year} the table prints the “{error.line}” as "
        f"{bracketed(error.stated / unit)} but its own figures add up to "
        f"{bracketed(error.computed / unit)}. Each later year starts from the printed figure, so "
        f"the error is carried to the end: the report's residual balance of "
        f"{bracketed(stated_residual / unit)} re-adds to {bracketed(readded / unit)} "
        f"({'£000' if unit == 1000 else '£'}), about £{millions}m "
        f"{'less' if gap > 0 else 'more'} left in the reserve than the report says."
    )


def ledger_invariants(
    reserve: Reserve, result: LedgerResult, entries: QuerySet[ReserveEntry]
) -> list[str]:
    """What must hold of the live ledger, each broken rule in words (empty when all hold): the
    balance kept with the reserve is the opening balance plus every entry, no year ends past
    zero, and no work package has returned more than was released to it."""
    problems = []
    total = entries.aggregate(total=MoneySum("ledger_amount"))["total"] or ZERO
    if entries.count() == reserve.entries.count() and reserve.balance != (
        reserve.opening_balance + total
    ):
        problems.append(
            f"The balance kept with the reserve ({bracketed(reserve.balance)}) is not the opening "
            f"balance plus its entries ({bracketed(reserve.opening_balance + total)})."
        )
    for year in result.years:
        if year.closing > 0:
            problems.append(f"{year.year} ends {year.closing:,.2f} past zero.")
    for work_package, released in released_by_work_package(entries=entries).items():
        if released < 0:
            reference = WorkPackage.objects.filter(pk=work_package).values_list(
                "reference", flat=True
            )
            problems.append(
                f"{reference.first()} has returned {-released:,.2f} more than was released to it."
            )
    return problems


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
