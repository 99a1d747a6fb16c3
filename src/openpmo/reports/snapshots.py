"""A report's snapshot: the sections its kind carries, built from live data at one moment.

The snapshot is JSON (strings, ints, lists, dicts), so storing it, fingerprinting it and
rendering it later as a page, a PDF or a workbook all read the same frozen figures.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from openpmo.portfolio.models import Pillar, Programme, WorkPackage
from openpmo.reports.choices import ReportKind
from openpmo.reports.sections import SECTIONS, Scope, long_date, prefill

SCHEMA = 1

# The sections of each kind of report, in the order they print.
KIND_SECTIONS: dict[str, list[str]] = {
    ReportKind.PILLAR_HIGHLIGHT: [
        "status",
        "milestones",
        "finance",
        "benefits",
        "risks",
        "decisions",
        "dependencies",
    ],
    ReportKind.WORK_PACKAGE_HIGHLIGHT: [
        "status",
        "milestones",
        "finance",
        "benefits",
        "risks",
        "decisions",
        "dependencies",
    ],
    ReportKind.BOARD_PACK: [
        "programme",
        "rag_trend",
        "pillar_summaries",
        "benefits",
        "reserve",
        "finance",
        "decisions",
        "risks",
        "dependencies",
        "capacity",
        "prioritisation",
    ],
    ReportKind.CABINET_UPDATE: ["programme", "finance", "reserve", "benefits", "decisions"],
    ReportKind.TWELVE_MONTH_REVIEW: [
        "programme",
        "team_cost",
        "team",
        "finance",
        "reserve",
        "benefits",
        "risks",
    ],
    ReportKind.HALFWAY_REVIEW: [
        "programme",
        "team_cost",
        "finance",
        "reserve",
        "benefits",
        "milestones",
        "risks",
    ],
}


def default_title(
    kind: str,
    programme: Programme,
    period: dt.date,
    pillar: Pillar | None = None,
    work_package: WorkPackage | None = None,
) -> str:
    label = ReportKind(kind).label
    month = f"{period:%B %Y}"
    if work_package is not None:
        return f"{label}: {work_package.reference} {work_package.name}, {month}"
    if pillar is not None:
        return f"{label}: {pillar.name}, {month}"
    return f"{programme.short_name or programme.name} {label[0].lower()}{label[1:]}, {month}"


def build_snapshot(
    *,
    kind: str,
    programme: Programme,
    period: dt.date,
    pillar: Pillar | None = None,
    work_package: WorkPackage | None = None,
    title: str = "",
    now: dt.datetime | None = None,
    scope: Scope | None = None,
) -> dict[str, Any]:
    """Every section of ``kind`` for the scope and month, read now from the live modules."""
    scope = scope or Scope(
        programme=programme, period=period, pillar=pillar, work_package=work_package
    )
    taken = now or timezone.now()
    pillar_of = work_package.strand.pillar if work_package is not None else pillar
    return {
        "schema": SCHEMA,
        "kind": str(kind),
        "kind_label": ReportKind(kind).label,
        "title": title or default_title(kind, programme, period, pillar, work_package),
        "period": f"{period:%Y-%m}",
        "period_label": f"{period:%B %Y}",
        # Every figure is as at the end of the period, whenever the snapshot is taken.
        "as_at": scope.as_at.isoformat(),
        "as_at_label": long_date(scope.as_at),
        "taken_at": taken.isoformat(timespec="seconds"),
        "programme": {
            "id": programme.pk,
            "name": programme.name,
            "short_name": programme.short_name,
            "organisation": programme.organisation,
        },
        "pillar": None
        if pillar_of is None
        else {
            "id": pillar_of.pk,
            "name": pillar_of.name,
            "objective": pillar_of.objective,
            "sponsor": str(pillar_of.sponsor) if pillar_of.sponsor_id else "",
        },
        "work_package": None
        if work_package is None
        else {
            "id": work_package.pk,
            "reference": work_package.reference,
            "name": work_package.name,
            "owner": str(work_package.owner) if work_package.owner_id else "",
        },
        "prefill": prefill(scope)
        if kind
        in (
            ReportKind.PILLAR_HIGHLIGHT,
            ReportKind.WORK_PACKAGE_HIGHLIGHT,
        )
        else {},
        "sections": [SECTIONS[key](scope) for key in KIND_SECTIONS[kind]],
    }


def section_of(snapshot: dict[str, Any], key: str) -> dict[str, Any] | None:
    return next((s for s in snapshot.get("sections", []) if s.get("key") == key), None)


def table_of(section: dict[str, Any] | None, key: str) -> dict[str, Any] | None:
    if not section:
        return None
    return next((t for t in section.get("tables", []) if t.get("key") == key), None)
