"""The board pack's own sections, read from the approved reports: RAG trend, pillar summaries."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from openpmo.portfolio.models import Pillar
from openpmo.reports.sections._kit import (
    Scope,
    Section,
    _section,
    column,
    day,
    fact,
    section,
    table,
)


def _months_back(period: dt.date, count: int) -> list[dt.date]:
    months = []
    year, month = period.year, period.month
    for _ in range(count):
        months.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(months))


@section("rag_trend", "RAG trend")
def rag_trend_section(scope: Scope) -> Section:
    """Pillars by the overall RAG of their approved highlight report, month by month (12)."""
    from openpmo.reports.choices import ReportKind, ReportStatus
    from openpmo.reports.models import Report

    months = _months_back(scope.period, 12)
    pillars = Pillar.objects.filter(programme=scope.programme).count()
    counts: dict[dt.date, Counter[str]] = {m: Counter() for m in months}
    for period, rag in Report.objects.filter(
        programme=scope.programme,
        kind=ReportKind.PILLAR_HIGHLIGHT,
        status=ReportStatus.APPROVED,
        period__gte=months[0],
        period__lte=months[-1],
    ).values_list("period", "overall_rag"):
        counts[period][rag or ""] += 1
    rows = [
        [
            f"{m:%Y-%m}",
            counts[m]["green"],
            counts[m]["amber"],
            counts[m]["red"],
            pillars - sum(counts[m].values()) + counts[m][""],
        ]
        for m in months
    ]
    return _section(
        "rag_trend",
        "RAG trend",
        note="Overall RAG of each pillar as its approved highlight report states it.",
        tables=[
            table(
                "rag_trend",
                "Pillars by overall RAG status, last 12 months",
                [
                    column("Month", "month"),
                    column("Green", "int"),
                    column("Amber", "int"),
                    column("Red", "int"),
                    column("No approved report", "int"),
                ],
                rows,
            )
        ],
        charts=[
            {
                "kind": "stacked",
                "title": "RAG trend: pillars by overall RAG status each month",
                "table": "rag_trend",
                "x": 0,
                "series": [1, 2, 3, 4],
                "unit": "pillars",
            }
        ],
    )


@section("pillar_summaries", "Pillar summaries")
def pillar_summaries_section(scope: Scope) -> Section:
    """Each pillar's approved highlight report for the month: its frozen judgement and narrative."""
    from openpmo.reports.choices import ReportKind, ReportStatus
    from openpmo.reports.models import Report

    reports = {
        r.pillar_id: r
        for r in Report.objects.filter(
            programme=scope.programme, kind=ReportKind.PILLAR_HIGHLIGHT, period=scope.period
        )
    }
    rows = []
    figures = []
    text = []
    for pillar in Pillar.objects.filter(programme=scope.programme).select_related("sponsor"):
        report = reports.get(pillar.pk)
        approved = report is not None and report.status == ReportStatus.APPROVED
        if approved:
            figures.append(
                [
                    pillar.name,
                    *[_reported(report.snapshot, key, label) for key, label, _ in _REPORTED],
                ]
            )
        rows.append(
            [
                pillar.name,
                str(pillar.sponsor) if pillar.sponsor else "",
                report.get_status_display() if report else "Not started",
                report.overall_rag if approved else "",
                report.delivery_confidence.replace("_", "/").title() if approved else "",
                day(report.approved_at) if approved else None,
                report.snapshot_sha256[:12] if approved else "",
            ]
        )
        if approved:
            for label, value in (
                ("Why", report.confidence_reason),
                ("Progress this period", report.progress_this_period),
                ("Next period", report.next_period),
                ("Decisions needed", report.decisions_needed),
            ):
                if value:
                    text.append(f"{pillar.name} – {label}: {value}")
    approved_count = sum(1 for r in rows if r[5])
    return _section(
        "pillar_summaries",
        "Pillar summaries",
        note="From each pillar's approved highlight report for the month; a pillar whose report "
        "is not approved shows its state instead.",
        facts=[
            fact("Pillars", len(rows), "int"),
            fact("Approved highlight reports", approved_count, "int"),
        ],
        tables=[
            table(
                "pillar_reports",
                "Pillar highlight reports for the month",
                [
                    column("Pillar"),
                    column("Sponsor"),
                    column("Report"),
                    column("Overall RAG", "rag"),
                    column("Delivery confidence"),
                    column("Approved", "date"),
                    column("Fingerprint"),
                ],
                rows,
            ),
            table(
                "pillar_figures",
                "Figures as each pillar's approved report froze them",
                [column("Pillar"), *[column(label, kind) for _, label, kind in _REPORTED]],
                figures,
            ),
        ],
        text=text,
    )


# (section, fact label, cell type) read from a pillar report's frozen snapshot.
_REPORTED = [
    ("finance", "Budget", "money"),
    ("finance", "Spent to date", "money"),
    ("finance", "Forecast at completion", "money"),
    ("milestones", "Slipped", "int"),
    ("benefits", "Red", "int"),
    ("risks", "Outside appetite", "int"),
    ("dependencies", "Dependencies at risk", "int"),
]


def _reported(snapshot: dict[str, Any], key: str, label: str) -> Any:
    """A headline figure of a frozen report, or None when its section was not available."""
    for part in snapshot.get("sections", []):
        if part.get("key") == key:
            for item in part.get("facts", []):
                if item.get("label") == label:
                    return item.get("value")
    return None
