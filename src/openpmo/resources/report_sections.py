"""Report sections drawn from resources: "Capacity" (board pack) and "Team" (12-month review).

Both read the resources app's selectors directly (typed imports) and return the snapshot shape
of ``reports.sections``; resources registers them in its ``AppConfig.ready()``, and the reports
list them by key (``reports.snapshots.KIND_SECTIONS``). Figures are as recorded when the report is made; the snapshot freezes them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from openpmo.finance.models import TeamCostPlan
from openpmo.reports.sections import (
    Scope,
    Section,
    _section,
    column,
    day,
    fact,
    money,
    number,
    section,
    table,
)
from openpmo.resources.selectors import capacity_grid, month_add
from openpmo.resources.team import team_position

ZERO = Decimal(0)
HORIZON_MONTHS = 12


def _fte(value: Decimal) -> str | None:
    return number(value.quantize(Decimal("0.01")))


def _capacity_by_month_table(grid: Any, months: list[dt.date]) -> dict[str, Any]:
    rows = [
        [
            month.strftime("%Y-%m"),
            _fte(sum((grid.cells[(r.pk, month)].demand for r in grid.roles), ZERO)),
            _fte(sum((grid.cells[(r.pk, month)].capacity for r in grid.roles), ZERO)),
        ]
        for month in months
    ]
    return table(
        "capacity_by_month",
        "In-house demand and capacity by month (FTE)",
        [column("Month", "month"), column("Demand", "number"), column("Capacity", "number")],
        rows,
    )


def _capacity_peaks_table(shortfalls: list[tuple[Any, dt.date, Any]]) -> dict[str, Any]:
    """The ten largest shortfalls, each with up to five of the packages making it."""
    rows = [
        [
            role.name,
            month.strftime("%Y-%m"),
            _fte(cell.gap),
            ", ".join(wp.reference for wp, _ in cell.packages[:5]),
        ]
        for role, month, cell in sorted(shortfalls, key=lambda item: -item[2].gap)[:10]
    ]
    return table(
        "capacity_peaks",
        "The largest shortfalls and the packages making them",
        [
            column("Role"),
            column("Month", "month"),
            column("Short by (FTE)", "number"),
            column("Packages"),
        ],
        rows,
    )


def _capacity_chart() -> dict[str, Any]:
    return {
        "kind": "line",
        "title": "In-house demand and capacity by month",
        "table": "capacity_by_month",
        "x": 0,
        "series": [1, 2],
        "unit": "FTE",
    }


@section("capacity", "Capacity")
def capacity_section(scope: Scope) -> Section:
    """In-house demand against capacity for the twelve months from the report's month."""
    grid = capacity_grid(scope.programme, pillar=scope.pillar)
    months = [m for m in grid.months if scope.period <= m < month_add(scope.period, HORIZON_MONTHS)]
    if not grid.roles or not months:
        return _section(
            "capacity", "Capacity", note="No demand or capacity is recorded for the months ahead."
        )
    shortfalls = [
        (role, month, grid.cells[(role.pk, month)])
        for role in grid.roles
        for month in months
        if grid.cells[(role.pk, month)].over
    ]
    return _section(
        "capacity",
        "Capacity",
        note="In-house demand by role against the people available, the next twelve months.",
        facts=[
            fact("Roles over capacity", len({role.pk for role, _, _ in shortfalls}), "int"),
            fact("Role-months over capacity", len(shortfalls), "int"),
            fact(
                "Largest shortfall (FTE)",
                _fte(max((c.gap for _, _, c in shortfalls), default=ZERO)),
                "number",
            ),
        ],
        tables=[_capacity_by_month_table(grid, months), _capacity_peaks_table(shortfalls)],
        charts=[_capacity_chart()],
    )


def _team_posts_table(position: Any) -> dict[str, Any]:
    return table(
        "team_posts",
        "Core team posts: planned and filled",
        [
            column("Post"),
            column("Planned FTE", "number"),
            column("Filled FTE", "number"),
            column("Planned start", "date"),
            column("Actual start", "date"),
        ],
        [
            [
                post.role.name,
                number(post.planned_fte),
                number(post.filled_fte),
                day(post.planned_start),
                day(post.actual_start),
            ]
            for post in position.posts
        ],
    )


def _team_years_table(position: Any) -> dict[str, Any]:
    years = [
        [year, money(planned), money(actual), money(extra)]
        for year, planned, actual, extra in zip(
            position.years,
            position.planned_by_year,
            position.actual_by_year,
            position.beyond_need_by_year,
            strict=True,
        )
    ]
    return table(
        "team_years",
        "Core team cost by financial year: Table 1 against the team in post",
        [
            column("Financial year"),
            column("Table 1", "money"),
            column("Team in post", "money"),
            column("To return", "money"),
        ],
        years,
    )


def _team_chart() -> dict[str, Any]:
    return {
        "kind": "bar",
        "title": "Table 1 against the team in post",
        "table": "team_years",
        "x": 0,
        "series": [1, 2],
        "unit": "£",
    }


@section("team", "How the delivery team is functioning")
def team_section(scope: Scope) -> Section:
    """The core team against Table 1 at the end of the report's month (§2.2, §6.1.5)."""
    plan = TeamCostPlan.objects.filter(programme=scope.programme).order_by("pk").first()
    if plan is None:
        return _section(
            "team",
            "How the delivery team is functioning",
            note="No team cost plan is recorded yet.",
        )
    position = team_position(plan, as_at=scope.month_end)
    text = []
    if position.to_return:
        text.append(
            f"£{position.to_return:,.2f} of Table 1 is beyond what the team in post needs "
            "(vacancies, later starts or a flex): flag it for return to the reserve (§6.1.5)."
        )
    return _section(
        "team",
        "How the delivery team is functioning",
        note=f"{plan.name}, as at {scope.month_end:%d %B %Y}",
        facts=[
            fact("Posts", len(position.posts), "int"),
            fact("Vacant posts", len(position.vacancies), "int"),
            fact("Posts filled late", sum(1 for p in position.posts if p.started_late), "int"),
            fact("Beyond need, to return to the reserve", money(position.to_return), "money"),
        ],
        tables=[_team_posts_table(position), _team_years_table(position)],
        charts=[_team_chart()],
        text=text,
    )
