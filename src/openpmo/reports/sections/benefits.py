"""The benefits section, from the benefits tracker."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from openpmo.reports.sections._kit import (
    Scope,
    Section,
    _section,
    column,
    fact,
    money,
    number,
    section,
    table,
)

ATTENTION = 25


def _month(scope: Scope) -> Any:
    from openpmo.core.benefits import Month

    return Month(scope.period.year, scope.period.month)


@section("benefits", "Benefits", ("benefits", "tracker"))
def benefits_section(scope: Scope, tracker: Callable[..., Any]) -> Section:
    pillar = None
    if scope.pillar_id is not None:
        pillar = scope.pillar or scope.work_package.strand.pillar  # type: ignore[union-attr]
    view = tracker(
        scope.programme,
        as_of=_month(scope),
        pillar=pillar,
        work_package=scope.work_package,
        as_at=scope.as_at,
    )
    lines = view.benefits
    if scope.work_package is not None:
        lines = [line for line in lines if scope.work_package.reference in line.work_packages]
    benefit_rows = [
        [
            line.benefit.reference,
            line.benefit.title,
            line.benefit.get_category_display(),
            line.benefit.unit,
            number(line.position.planned_cumulative),
            number(line.position.actual_cumulative),
            number(line.position.variance),
            line.position.rag.value if line.position.rag else "",
            line.explanation.explanation if line.explanation else "",
        ]
        for line in lines
    ]
    rags = Counter(r[7] for r in benefit_rows)
    caption = f"Benefits planned against realised to {view.as_of}"
    if scope.pillar_id is None:
        # A programme report lists the shortfalls the board must scrutinise (§3.12): the Amber
        # and Red benefits, largest shortfall first; the roll-up below covers all of them.
        benefit_rows = sorted(
            (r for r in benefit_rows if r[7] in ("amber", "red")),
            key=lambda r: (Decimal(r[6] or 0), r[0]),
        )[:ATTENTION]
        caption = (
            f"Benefits needing attention (Amber or Red) to {view.as_of}, largest shortfall "
            f"first (up to {ATTENTION})"
        )
    tables = [
        table(
            "benefits",
            caption,
            [
                column("Reference"),
                column("Benefit"),
                column("Category"),
                column("Unit"),
                column("Planned to date", "number"),
                column("Realised to date", "number"),
                column("Variance", "number"),
                column("RAG", "rag"),
                column("Explanation of shortfall"),
            ],
            benefit_rows,
        )
    ]
    groups = view.by_pillar if scope.pillar_id is None else []
    totals = view.programme_totals if scope.pillar_id is None else view.by_pillar
    group_rows = [
        [
            g.label,
            g.roll_up.unit,
            number(g.roll_up.planned_cumulative),
            number(g.roll_up.actual_cumulative),
            number(g.roll_up.variance),
            g.roll_up.rag.value if g.roll_up.rag else "",
        ]
        for g in [*groups, *totals]
    ]
    if scope.work_package is None:
        tables.append(
            table(
                "roll_up",
                "Planned against realised by pillar and for the programme (net of dis-benefits)",
                [
                    column("Pillar or programme"),
                    column("Unit"),
                    column("Planned to date", "number"),
                    column("Realised to date", "number"),
                    column("Variance", "number"),
                    column("RAG", "rag"),
                ],
                group_rows,
            )
        )
    charts = []
    if view.curve and scope.work_package is None:
        tables.append(
            table(
                "curve",
                "Cumulative cashable and financial benefits in pounds, planned and realised",
                [column("Month", "month"), column("Planned", "money"), column("Realised", "money")],
                [
                    [str(p.month), money(p.planned_cumulative), money(p.actual_cumulative)]
                    for p in view.curve
                ],
            )
        )
        charts.append(
            {
                "kind": "line",
                "title": "Benefits curve: cumulative planned against realised (£)",
                "table": "curve",
                "x": 0,
                "series": [1, 2],
                "unit": "£",
                "mark": str(view.as_of),
            }
        )
    if view.savings and scope.pillar_id is None:
        tables.append(
            table(
                "savings",
                "Cashable savings by financial year against the MTFS savings line",
                [
                    column("Financial year"),
                    column("MTFS line", "money"),
                    column("Planned", "money"),
                    column("Realised", "money"),
                    column("Realised less MTFS", "money"),
                ],
                [
                    [
                        str(s.year),
                        money(s.mtfs),
                        money(s.planned),
                        money(s.realised),
                        money(s.against_mtfs),
                    ]
                    for s in view.savings
                ],
            )
        )
    return _section(
        "benefits",
        "Benefits",
        note="" if rags else "No benefits are recorded for this scope yet.",
        facts=[
            fact("As of", str(view.as_of), "month"),
            fact("Benefits", sum(rags.values()), "int"),
            fact("Green", rags["green"], "int"),
            fact("Amber", rags["amber"], "int"),
            fact("Red", rags["red"], "int"),
            fact("Cashable savings realised to date", money(view.cashable_realised), "money"),
            *(
                [fact("Return on the money drawn", number(view.roi), "percent")]
                if view.roi is not None and scope.pillar_id is None
                else []
            ),
        ],
        tables=tables,
        charts=charts,
    )
