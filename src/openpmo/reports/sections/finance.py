"""The finance sections: money, the reserve's position and drawdowns, core team cost."""

from __future__ import annotations

from typing import Any

from openpmo.finance import selectors as finance_selectors
from openpmo.finance.models import Reserve, TeamCostPlan
from openpmo.reports.sections._kit import (
    Scope,
    Section,
    _section,
    column,
    day,
    fact,
    long_date,
    money,
    number,
    section,
    table,
)

_MONEY_COLUMNS = [
    column("Budget", "money"),
    column("Released", "money"),
    column("Spent", "money"),
    column("Forecast to complete", "money"),
    column("Forecast at completion", "money"),
    column("Variance (budget less forecast)", "money"),
]


def _money_cells(m: Any) -> list[str | None]:
    """A money row; a forecast, forecast at completion or variance is empty (–) where no work
    package in the row has a forecast (they are listed under "No forecast")."""
    return [money(v) for v in m.cells]


def _money_flags(scope: Scope, money_view: Any) -> list[dict[str, Any]]:
    """The work packages in scope with no forecast, and those that spent beyond their release."""
    nodes = [
        n
        for n in money_view.packages(scope.pillar_id)
        if scope.in_scope(n.obj.pk, n.obj.strand.pillar_id)
    ]
    flags = []
    beyond = [n for n in nodes if n.money.over_released]
    if beyond:
        flags.append(
            table(
                "beyond_released",
                "Spend beyond what was released from the reserve",
                [
                    column("Work package"),
                    column("Released", "money"),
                    column("Spent", "money"),
                    column("Beyond what was released", "money"),
                ],
                [
                    [
                        n.name,
                        money(n.money.released),
                        money(n.money.actual),
                        money(n.money.beyond_released),
                    ]
                    for n in beyond
                ],
            )
        )
    unforecast = [n for n in nodes if not n.money.has_forecast]
    if unforecast:
        flags.append(
            table(
                "no_forecast",
                "No forecast (left out of the variance)",
                [column("Work package"), column("Budget", "money"), column("Spent", "money")],
                [[n.name, money(n.money.budget), money(n.money.actual)] for n in unforecast],
            )
        )
    return flags


@section("finance", "Finance")
def finance_section(scope: Scope) -> Section:
    money_view = scope.memo(
        "money",
        lambda: finance_selectors.programme_money(scope.programme, as_at=scope.as_at),
    )
    rows = []
    headline = None
    if scope.pillar_id is None:
        headline = money_view.total
        for pillar in money_view.pillars:
            rows.append([pillar.name, *_money_cells(pillar.money)])
        caption, first = "Money by pillar", "Pillar"
    else:
        caption, first = "Money by work package", "Work package"
        for pillar in money_view.pillars:
            if pillar.obj.pk != scope.pillar_id:
                continue
            headline = pillar.money
            for strand in pillar.children:
                for node in strand.children:
                    if scope.in_scope(node.obj.pk, pillar.obj.pk):
                        rows.append([node.name, *_money_cells(node.money)])
                        if scope.work_package is not None:
                            headline = node.money
    if headline is None:
        return _section("finance", "Finance", note="No money is recorded for this scope yet.")
    tables = [table("money", caption, [column(first), *_MONEY_COLUMNS], rows)]
    tables.extend(_money_flags(scope, money_view))
    split = None
    if scope.work_package is None:
        split = (
            money_view.by_year
            if scope.pillar_id is None
            else getattr(money_view, "pillar_years", {}).get(scope.pillar_id)
        )
    if split is not None and hasattr(split, "rows"):
        tables.append(
            table(
                "by_year",
                "Spent and forecast by financial year, capital and revenue apart",
                [
                    column("Financial year"),
                    column("Capital spent", "money"),
                    column("Capital forecast", "money"),
                    column("Revenue spent", "money"),
                    column("Revenue forecast", "money"),
                    column("Total", "money"),
                ],
                [
                    [
                        row["year"],
                        money(row["capital_actual"]),
                        money(row["capital_forecast"]),
                        money(row["revenue_actual"]),
                        money(row["revenue_forecast"]),
                        money(row["total"]),
                    ]
                    for row in split.rows()
                ],
            )
        )
    return _section(
        "finance",
        "Finance",
        facts=[
            fact("Budget", money(headline.budget), "money"),
            fact("Released from the reserve", money(headline.released), "money"),
            fact("Spent to date", money(headline.actual), "money"),
            fact("Spent beyond what was released", money(headline.beyond_released), "money"),
            fact("Work packages that spent beyond their release", headline.over_released, "int"),
            fact("Forecast at completion", money(headline.forecast_at_completion), "money"),
            fact("Variance (budget less forecast)", money(headline.variance), "money"),
            fact(
                "Work packages with no forecast (left out of the variance)",
                headline.unforecast,
                "int",
            ),
        ],
        tables=tables,
    )


_RESERVE_KINDS = ["drawdown", "return"]


def _balance_table(view: Any) -> dict[str, Any]:
    """Each financial year's opening, movement and closing, as money held (sign turned)."""
    return table(
        "balance_by_year",
        "Closing balance of each financial year (money held)",
        [
            column("Financial year"),
            column("Opening", "money"),
            column("Net movement", "money"),
            column("Closing", "money"),
        ],
        [
            [str(year.year), money(-year.opening), money(-year.movement), money(-year.closing)]
            for year in view.result.years
        ],
    )


def _ledger_table(view: Any) -> dict[str, Any]:
    return table(
        "ledger",
        "The reserve ledger as the report prints it (negative is money held)",
        [
            column("Line"),
            *[column(y, "money") for y in view.years],
            column("Total", "money"),
        ],
        [[row.label, *[money(c) for c in row.cells], money(row.total)] for row in view.rows],
    )


def _drawdown_rows(view: Any) -> list[list[Any]]:
    return [
        [
            entry.year,
            day(entry.recorded_at),
            entry.get_kind_display(),
            money(entry.amount),
            entry.work_package.reference if entry.work_package_id else "",
            str(getattr(entry, "source_object", "") or ""),
            entry.reason,
        ]
        for entry in view.entries
        if entry.kind in _RESERVE_KINDS
    ]


def _drawdowns_table(drawdowns: list[list[Any]]) -> dict[str, Any]:
    return table(
        "drawdowns",
        "Drawdowns and returns",
        [
            column("Financial year"),
            column("Recorded", "date"),
            column("Kind"),
            column("Amount", "money"),
            column("Work package"),
            column("Released by"),
            column("Reason"),
        ],
        drawdowns,
    )


def _reserve_facts(scope: Scope, view: Any, drawdowns: int) -> list[dict[str, Any]]:
    return [
        fact(f"Money held on {long_date(scope.as_at)}", money(view.held), "money"),
        fact("Residual balance at the end", money(-view.result.years[-1].closing), "money"),
        fact("Drawdowns and returns", drawdowns, "int"),
        fact("Printed table: figures that do not add up", len(view.discrepancies), "int"),
        fact("Live ledger: checks that fail", len(view.invariants), "int"),
    ]


def _balance_chart() -> dict[str, Any]:
    return {
        "kind": "bar",
        "title": "Reserve balance at the end of each financial year",
        "table": "balance_by_year",
        "x": 0,
        "series": [3],
        "unit": "£",
    }


@section("reserve", "Reserve position and drawdowns")
def reserve_section(scope: Scope) -> Section:
    reserve = Reserve.objects.filter(programme=scope.programme).order_by("pk").first()
    if reserve is None:
        return _section(
            "reserve",
            "Reserve position and drawdowns",
            note="No reserve is recorded for this programme yet.",
        )
    view = finance_selectors.reserve_ledger_view(
        reserve, entry_kinds=list(_RESERVE_KINDS), as_at=scope.as_at
    )
    drawdowns = _drawdown_rows(view)
    return _section(
        "reserve",
        "Reserve position and drawdowns",
        note=(
            f"{reserve.name}, as the ledger stood on {long_date(scope.as_at)}. Balances are "
            "shown as money held (the ledger holds them as negatives, printed in brackets)."
        ),
        facts=_reserve_facts(scope, view, len(drawdowns)),
        text=[
            *([view.printed.knock_on] if view.printed and view.printed.knock_on else []),
            *view.invariants,
        ],
        tables=[_balance_table(view), _ledger_table(view), _drawdowns_table(drawdowns)],
        charts=[_balance_chart()],
    )


@section("team_cost", "Core team cost against Table 1")
def team_cost_section(scope: Scope) -> Section:
    plan = (
        TeamCostPlan.objects.filter(programme=scope.programme)
        .prefetch_related("inflation", "roles")
        .order_by("pk")
        .first()
    )
    if plan is None:
        return _section(
            "team_cost",
            "Core team cost against Table 1",
            note="No team cost plan is recorded yet.",
        )
    view = finance_selectors.team_cost_view(plan, as_at=scope.as_at)
    rows = [
        [row.role.name, number(row.fte), *[money(v) for v in row.by_year], money(row.total)]
        for row in view.rows
    ]
    rows.append(
        [
            "Total",
            number(view.total_fte),
            *[money(v) for v in view.totals_by_year],
            money(view.total),
        ]
    )
    years_table = table(
        "team_cost_years",
        "Core team cost by financial year",
        [column("Financial year"), column("Cost", "money")],
        [[y, money(v)] for y, v in zip(view.years, view.totals_by_year, strict=True)],
    )
    return _section(
        "team_cost",
        "Core team cost against Table 1",
        note=plan.name,
        facts=[
            fact("Team cost (whole life)", money(view.total), "money"),
            fact("Approved cap", money(view.plan.cap), "money"),
            fact("Headroom under the cap", money(view.headroom), "money"),
            fact("FTE", number(view.total_fte), "number"),
            fact(
                "FTE in posts longer than two years (redundancy exposure)",
                number(view.exposure_fte),
                "number",
            ),
        ],
        tables=[
            table(
                "team_cost",
                "Core team cost by role and financial year (Table 1)",
                [
                    column("Role"),
                    column("FTE", "number"),
                    *[column(y, "money") for y in view.years],
                    column("Total", "money"),
                ],
                rows,
            ),
            years_table,
        ],
        charts=[
            {
                "kind": "bar",
                "title": "Core team cost by financial year",
                "table": "team_cost_years",
                "x": 0,
                "series": [1],
                "unit": "£",
            }
        ],
    )
