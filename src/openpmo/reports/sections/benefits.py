"""The benefits section, from the benefits tracker."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from openpmo.benefits import selectors as benefit_selectors
from openpmo.benefits.selectors.tracker import Tracker
from openpmo.core.benefits import Month
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


def _month(scope: Scope) -> Month:
    return Month(scope.period.year, scope.period.month)


_BENEFIT_COLUMNS = [
    column("Reference"),
    column("Benefit"),
    column("Category"),
    column("Unit"),
    column("Planned to date", "number"),
    column("Realised to date", "number"),
    column("Variance", "number"),
    column("RAG", "rag"),
    column("Explanation of shortfall"),
]
_RAG = 7  # the RAG's place in a benefit row
_VARIANCE = 6


def _tracker_view(scope: Scope) -> Tracker:
    """The benefits tracker for the report's scope, as of its month and as at its month's end."""
    pillar = None
    if scope.pillar_id is not None:
        pillar = scope.pillar or scope.work_package.strand.pillar  # type: ignore[union-attr]
    return benefit_selectors.tracker(
        scope.programme,
        as_of=_month(scope),
        pillar=pillar,
        work_package=scope.work_package,
        as_at=scope.as_at,
    )


def _benefit_rows(scope: Scope, view: Any) -> list[list[Any]]:
    """One row per benefit in scope (a work package's report: the benefits it serves)."""
    lines = view.benefits
    if scope.work_package is not None:
        lines = [line for line in lines if scope.work_package.reference in line.work_packages]
    return [
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


def _benefits_table(scope: Scope, view: Any, rows: list[list[Any]]) -> dict[str, Any]:
    caption = f"Benefits planned against realised to {view.as_of}"
    if scope.pillar_id is None:
        # A programme report lists the shortfalls the board must scrutinise (§3.12): the Amber
        # and Red benefits, largest shortfall first; the roll-up below covers all of them.
        rows = sorted(
            (r for r in rows if r[_RAG] in ("amber", "red")),
            key=lambda r: (Decimal(r[_VARIANCE] or 0), r[0]),
        )[:ATTENTION]
        caption = (
            f"Benefits needing attention (Amber or Red) to {view.as_of}, largest shortfall "
            f"first (up to {ATTENTION})"
        )
    return table("benefits", caption, _BENEFIT_COLUMNS, rows)


def _roll_up_table(scope: Scope, view: Any) -> dict[str, Any]:
    """Each pillar and the programme (a programme report), or the pillar (a pillar's report)."""
    groups = view.by_pillar if scope.pillar_id is None else []
    totals = view.programme_totals if scope.pillar_id is None else view.by_pillar
    return table(
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
        [
            [
                g.label,
                g.roll_up.unit,
                number(g.roll_up.planned_cumulative),
                number(g.roll_up.actual_cumulative),
                number(g.roll_up.variance),
                g.roll_up.rag.value if g.roll_up.rag else "",
            ]
            for g in [*groups, *totals]
        ],
    )


def _curve_table(view: Any) -> dict[str, Any]:
    return table(
        "curve",
        "Cumulative cashable and financial benefits in pounds, planned and realised",
        [column("Month", "month"), column("Planned", "money"), column("Realised", "money")],
        [
            [str(p.month), money(p.planned_cumulative), money(p.actual_cumulative)]
            for p in view.curve
        ],
    )


def _curve_chart(view: Any) -> dict[str, Any]:
    return {
        "kind": "line",
        "title": "Benefits curve: cumulative planned against realised (£)",
        "table": "curve",
        "x": 0,
        "series": [1, 2],
        "unit": "£",
        "mark": str(view.as_of),
    }


def _savings_table(view: Any) -> dict[str, Any]:
    return table(
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
            [str(s.year), money(s.mtfs), money(s.planned), money(s.realised), money(s.against_mtfs)]
            for s in view.savings
        ],
    )


def _benefits_facts(scope: Scope, view: Any, rags: Counter[str]) -> list[dict[str, Any]]:
    return [
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
    ]


@section("benefits", "Benefits")
def benefits_section(scope: Scope) -> Section:
    view = _tracker_view(scope)
    rows = _benefit_rows(scope, view)
    rags = Counter(r[_RAG] for r in rows)  # every benefit in scope, before any is left out
    tables = [_benefits_table(scope, view, rows)]
    charts = []
    if scope.work_package is None:
        tables.append(_roll_up_table(scope, view))
    if view.curve and scope.work_package is None:
        tables.append(_curve_table(view))
        charts.append(_curve_chart(view))
    if view.savings and scope.pillar_id is None:
        tables.append(_savings_table(view))
    return _section(
        "benefits",
        "Benefits",
        note="" if rags else "No benefits are recorded for this scope yet.",
        facts=_benefits_facts(scope, view, rags),
        tables=tables,
        charts=charts,
    )
