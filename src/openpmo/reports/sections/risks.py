"""The top risks and issues section, from the RAID register."""

from __future__ import annotations

from typing import Any

from openpmo.reports.sections._kit import Scope, Section, _section, column, fact, section, table
from openpmo.risks import selectors as risk_selectors

TOP = 10


@section("risks", "Top risks and issues")
def risks_section(scope: Scope) -> Section:
    """The open risks and issues with the highest current scores, in this report's scope."""
    pillar_of = {wp.pk: wp.strand.pillar_id for wp in scope.work_packages()}

    def in_scope(item: Any) -> bool:
        if scope.pillar_id is None:
            return True
        if scope.work_package is not None:
            return item.work_package_id == scope.work_package.pk
        pillars = {
            item.pillar_id,
            item.strand.pillar_id if item.strand_id else None,
            pillar_of.get(item.work_package_id),
        }
        return scope.pillar_id in pillars

    assessed = [
        a
        for a in risk_selectors.top_items(scope.programme, limit=10_000, as_at=scope.as_at)
        if in_scope(a.item)
    ]
    rows = [
        [
            a.item.reference,
            a.item.title,
            a.item.get_kind_display(),
            a.item.get_category_display(),
            a.score,
            a.band.label if a.band else "",
            "Yes" if a.outside_appetite else "No",
            str(a.item.owner) if a.item.owner_id else "",
            a.item.mitigation,
            a.item.get_trend_display(),
        ]
        for a in assessed[:TOP]
    ]
    return _section(
        "risks",
        "Top risks and issues",
        note="" if rows else "No open risk or issue in this scope.",
        facts=[
            fact("Open risks and issues", len(assessed), "int"),
            fact("Outside appetite", sum(1 for a in assessed if a.outside_appetite), "int"),
        ],
        tables=[
            table(
                "risks",
                f"Top {TOP} open risks and issues by current score",
                [
                    column("Reference"),
                    column("Risk or issue"),
                    column("Kind"),
                    column("Category"),
                    column("Score", "int"),
                    column("Band"),
                    column("Outside appetite"),
                    column("Owner"),
                    column("Response plan"),
                    column("Trend"),
                ],
                rows,
            )
        ],
    )
