"""ORM rows -> ``openpmo.core.finance`` dataclasses, in one place. The engines do the arithmetic;
nothing here adds, discounts or prorates beyond gathering a reserve's entries into its lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from openpmo.common.db import MoneySum
from openpmo.core.finance import (
    Appraisal as CoreAppraisal,
)
from openpmo.core.finance import (
    AppraisalResult,
    LedgerLine,
    LedgerResult,
    Option,
    QuotedTotal,
    ReserveLedger,
    StatedFigures,
    Subtotal,
    TeamCostModel,
    TeamCostResult,
    appraise,
    compute_ledger,
    compute_team_cost,
)
from openpmo.core.finance import (
    Role as CoreRole,
)
from openpmo.core.money import FinancialYear
from openpmo.finance.choices import LEDGER_LINES, LINE_NAME, EntryKind, LineGroup, StatedFigureKind
from openpmo.finance.models import Appraisal, Reserve, ReserveEntry, TeamCostPlan, TeamRole

ZERO = Decimal(0)


# --- team cost --------------------------------------------------------------------------------


def core_role(role: TeamRole, **changes: Any) -> CoreRole:
    """One role, with ``changes`` (``fte``, ``start``, ``end``) applied, as the engine's ``Role``."""
    fields: dict[str, Any] = {
        "name": role.name,
        "fte": Decimal(role.fte),
        "start": role.start,
        "end": role.end,
        "annual_cost": role.annual_cost,
        "salary": role.salary,
        "on_cost_rate": Decimal(role.on_cost_rate or 0),
        "fixed_on_costs": Decimal(role.fixed_on_costs or 0),
    }
    fields.update({k: v for k, v in changes.items() if v is not None})
    return CoreRole(**fields)


def team_model(
    plan: TeamCostPlan,
    *,
    roles: Iterable[TeamRole] | None = None,
    changes: Mapping[int, Mapping[str, Any]] | None = None,
) -> TeamCostModel:
    """The plan as a ``TeamCostModel``; ``changes`` maps role ids to flexed fields (a preview)."""
    changes = changes or {}
    rows = list(roles) if roles is not None else list(plan.roles.all())
    return TeamCostModel(
        base_year=FinancialYear.parse(plan.base_year),
        inflation={FinancialYear.parse(r.year): Decimal(r.rate) for r in plan.inflation.all()},
        roles=tuple(core_role(role, **changes.get(role.pk, {})) for role in rows),
        cap=plan.cap,
    )


def team_cost(plan: TeamCostPlan, **kwargs: Any) -> TeamCostResult:
    return compute_team_cost(team_model(plan, **kwargs))


# --- reserve ----------------------------------------------------------------------------------


def reserve_ledger(
    reserve: Reserve,
    *,
    with_stated: bool = True,
    entries: QuerySet[ReserveEntry] | None = None,
) -> ReserveLedger:
    """The reserve's entries (or only ``entries``) gathered into the report's lines, year by
    year (two queries)."""
    years = reserve.years
    amounts: dict[str, dict[FinancialYear, Decimal]] = {kind: {} for kind, _, _ in LEDGER_LINES}
    chosen = reserve.entries.all() if entries is None else entries
    sums = chosen.values("kind", "year").annotate(total=MoneySum("ledger_amount")).order_by()
    for row in sums:
        amounts[row["kind"]][FinancialYear.parse(row["year"])] = row["total"]
    lines = tuple(LedgerLine(name, amounts[kind]) for kind, name, _ in LEDGER_LINES)
    stated = reserve_stated(reserve) if with_stated else StatedFigures()
    return ReserveLedger(
        years=tuple(years),
        opening_balance=reserve.opening_balance,
        lines=lines,
        subtotals=(Subtotal(reserve.subtotal_label, LINE_NAME[EntryKind.WITHDRAWAL]),),
        stated=stated,
        title=reserve.name,
        units="£",
        rounding_unit=reserve.reporting_unit or Decimal(1),
        balances_negative=True,
        opening_label=reserve.opening_label,
        closing_label=reserve.closing_label,
    )


def reserve_stated(reserve: Reserve) -> StatedFigures:
    opening: dict[FinancialYear, Decimal] = {}
    closing: dict[FinancialYear, Decimal] = {}
    subtotal: dict[FinancialYear, Decimal] = {}
    totals: dict[str, Decimal] = {}
    quoted: list[QuotedTotal] = []
    for figure in reserve.stated_figures.all():
        if figure.figure == StatedFigureKind.LINE_TOTAL:
            totals[LINE_NAME[EntryKind(figure.line)]] = figure.amount
        elif figure.figure == StatedFigureKind.QUOTED_TOTAL:
            quoted.append(
                QuotedTotal(
                    line=LINE_NAME[EntryKind(figure.line)],
                    amount=figure.amount,
                    source=figure.source or "the text",
                    rounding_unit=figure.rounding_unit or reserve.reporting_unit or Decimal(1),
                )
            )
        else:
            target = {
                StatedFigureKind.OPENING_BALANCE: opening,
                StatedFigureKind.CLOSING_BALANCE: closing,
                StatedFigureKind.SUBTOTAL: subtotal,
            }[StatedFigureKind(figure.figure)]
            target[FinancialYear.parse(figure.year)] = figure.amount
    return StatedFigures(
        opening_balance=opening,
        subtotals={reserve.subtotal_label: subtotal} if subtotal else {},
        closing_balance=closing,
        totals=totals,
        quoted=tuple(quoted),
    )


def reserve_result(
    reserve: Reserve, *, reconcile: bool = True, entries: QuerySet[ReserveEntry] | None = None
) -> LedgerResult:
    return compute_ledger(
        reserve_ledger(reserve, with_stated=reconcile, entries=entries), reconcile=reconcile
    )


# --- appraisal --------------------------------------------------------------------------------


def core_appraisal(appraisal: Appraisal) -> CoreAppraisal:
    """The stored appraisal as the engine's ``Appraisal`` (prefetch options__lines__amounts)."""
    options = []
    for option in appraisal.options.all():
        costs: dict[str, dict[FinancialYear, Decimal]] = {}
        benefits: dict[str, dict[FinancialYear, Decimal]] = {}
        bias: dict[str, Decimal] = {}
        for line in option.lines.all():
            target = costs if line.group == LineGroup.COST else benefits
            target[line.name] = {FinancialYear.parse(a.year): a.amount for a in line.amounts.all()}
            if line.group == LineGroup.COST and line.optimism_bias is not None:
                bias[line.name] = line.optimism_bias
        options.append(Option(option.name, costs, benefits, bias))
    deflators = {FinancialYear.parse(d.year): d.index for d in appraisal.deflators.all()}
    return CoreAppraisal(
        base_year=FinancialYear.parse(appraisal.base_year),
        options=tuple(options),
        prices="real",
        gdp_deflator=deflators or None,
    )


def appraisal_result(appraisal: Appraisal) -> AppraisalResult:
    return appraise(core_appraisal(appraisal))


def month_financial_year(month: dt.date) -> str:
    return str(FinancialYear.containing(month))
