"""Reads of the RAID register and of simulation runs. Lists do a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from openpmo.audit.selectors import as_at_copies
from openpmo.common.db import filter_given, search_text
from openpmo.gates import selectors as gate_selectors
from openpmo.gates.models import Decision
from openpmo.portfolio.models import Programme, WorkPackage
from openpmo.risks import delivery_link, scoring
from openpmo.risks.choices import ActionStatus, Category, ItemKind, ItemStatus
from openpmo.risks.models import (
    RaidAction,
    RaidItem,
    RiskAppetite,
    RiskMatrix,
    SimulationRun,
)


def matrix_get(programme: Programme) -> RiskMatrix:
    """The programme's matrix, or the default one (unsaved) until the PMO sets its own."""
    return RiskMatrix.objects.filter(programme=programme).first() or RiskMatrix(programme=programme)


def appetites_of(programme: Programme) -> dict[str, RiskAppetite]:
    return {a.category: a for a in RiskAppetite.objects.filter(programme=programme)}


def raid_item_list(
    *,
    programme: Programme | int | None = None,
    kind: str = "",
    status: str = "",
    category: str = "",
    pillar: int | None = None,
    work_package: WorkPackage | int | None = None,
    owner: int | None = None,
    level: str = "",
    search: str = "",
) -> QuerySet[RaidItem]:
    """Items with their owner, level rows and count of open actions fetched up front."""
    items = RaidItem.objects.select_related(
        "owner", "pillar", "strand", "work_package", "programme"
    ).annotate(
        open_actions=Count("actions", filter=Q(actions__status=ActionStatus.OPEN), distinct=True)
    )
    items = filter_given(
        items, programme=programme, kind=kind, status=status, category=category, pillar=pillar
    )
    if work_package:
        items = items.filter(Q(work_package=work_package) | Q(hits__work_package=work_package))
        items = items.distinct()
    items = filter_given(items, owner_id=owner, level=level)
    items = search_text(items, search, ("title", "reference", "description"))
    return items.order_by("kind", "reference")


@dataclass
class Assessment:
    """An item as the register shows it: its score on the programme's matrix and appetite."""

    item: RaidItem
    score: int | None
    band: scoring.Band | None
    inherent_band: scoring.Band | None
    appetite: RiskAppetite | None
    proximity: str
    proximity_label: str

    @property
    def outside_appetite(self) -> bool:
        return (
            self.item.is_open
            and self.appetite is not None
            and self.score is not None
            and self.score > self.appetite.max_score
        )


def assess(
    items: Iterable[RaidItem],
    matrix: RiskMatrix,
    appetites: dict[str, RiskAppetite],
    *,
    today: dt.date | None = None,
) -> list[Assessment]:
    from openpmo.risks.choices import Proximity

    today = today or timezone.localdate()
    bands = matrix.score_bands
    rows = []
    for item in items:
        proximity = scoring.proximity_of(item.proximity_date, today)
        rows.append(
            Assessment(
                item=item,
                score=item.current_score,
                band=scoring.band_for(item.current_score, bands),
                inherent_band=scoring.band_for(item.inherent_score, bands),
                appetite=appetites.get(item.category),
                proximity=str(proximity),
                proximity_label=str(Proximity(proximity).label),
            )
        )
    return rows


@dataclass
class HeatCell:
    probability: int
    impact: int
    score: int
    band: scoring.Band | None
    items: list[RaidItem] = field(default_factory=list)


@dataclass
class HeatMap:
    """Open risks counted on the 5 x 5 grid, impact rows from 5 down to 1."""

    which: str
    rows: list[tuple[int, str, list[HeatCell]]]
    probability_labels: list[str]
    total: int


def heat_map(risks: Sequence[RaidItem], matrix: RiskMatrix, *, which: str = "residual") -> HeatMap:
    """``which``: "residual" (falling back to inherent where not assessed) or "inherent"."""
    bands = matrix.score_bands
    grid = {
        (p, i): HeatCell(p, i, p * i, scoring.band_for(p * i, bands))
        for p in scoring.SCALE
        for i in scoring.SCALE
    }
    total = 0
    for item in risks:
        if item.kind != ItemKind.RISK or not item.is_open:
            continue
        if which == "inherent" or item.residual_score is None:
            p, i = item.inherent_probability, item.inherent_impact
        else:
            p, i = item.residual_probability, item.residual_impact
        if p is None or i is None:
            continue
        grid[(p, i)].items.append(item)
        total += 1
    rows = [
        (i, matrix.impact_labels[i - 1], [grid[(p, i)] for p in scoring.SCALE])
        for i in reversed(scoring.SCALE)
    ]
    return HeatMap(
        which=which, rows=rows, probability_labels=list(matrix.probability_labels), total=total
    )


def programme_heat_map(
    programme: Programme, matrix: RiskMatrix, *, which: str = "residual"
) -> HeatMap:
    """The heat map of every open risk of the programme: the register and the matrix page both
    draw this one (same scope, same count)."""
    return heat_map(list(raid_item_list(programme=programme)), matrix, which=which)


@dataclass
class AppetiteRow:
    category: str
    label: str
    appetite: RiskAppetite | None
    open_items: int
    outside: int


def appetite_summary(
    assessments: Sequence[Assessment], appetites: dict[str, RiskAppetite]
) -> list[AppetiteRow]:
    rows = []
    for value, label in Category.choices:
        mine = [a for a in assessments if a.item.category == value and a.item.is_open]
        rows.append(
            AppetiteRow(
                category=value,
                label=str(label),
                appetite=appetites.get(value),
                open_items=len(mine),
                outside=sum(1 for a in mine if a.outside_appetite),
            )
        )
    return rows


def raid_item_get(pk: int) -> RaidItem:
    return (
        RaidItem.objects.select_related(
            "owner",
            "pillar__sponsor",
            "strand",
            "work_package",
            "programme",
            "raised_from",
            "decision",
        )
        .prefetch_related(
            Prefetch("actions", queryset=RaidAction.objects.select_related("owner")),
            "escalations__escalated_by",
            "hits__work_package",
            "issues_raised",
        )
        .get(pk=pk)
    )


# What a risk's place in a report depends on, wound back to the report's date.
AS_AT_FIELDS = [
    "status",
    "closed_on",
    "category",
    "title",
    "owner",
    "mitigation",
    "trend",
    "inherent_probability",
    "inherent_impact",
    "residual_probability",
    "residual_impact",
]


def top_items(
    programme: Programme, *, limit: int = 10, as_at: dt.date | None = None
) -> list[Assessment]:
    """The open risks and issues with the highest current scores (highlight reports use this).

    With ``as_at``, as they stood at the end of that day: raised by then, open then, scored as
    they were then (the audit trail winds later changes back)."""
    if as_at is None:
        items: Iterable[RaidItem] = raid_item_list(
            programme=programme, status=ItemStatus.OPEN
        ).exclude(kind=ItemKind.ASSUMPTION)
    else:
        raised = raid_item_list(programme=programme).filter(raised_on__lte=as_at)
        items = [
            item
            for item in as_at_copies(raised.exclude(kind=ItemKind.ASSUMPTION), AS_AT_FIELDS, as_at)
            if item.status == ItemStatus.OPEN and (item.closed_on is None or item.closed_on > as_at)
        ]
    rows = assess(items, matrix_get(programme), appetites_of(programme), today=as_at)
    rows.sort(key=lambda a: (-(a.score or 0), a.item.reference))
    return rows[:limit]


def dependency_list(programme: Programme, *, work_package: WorkPackage | None = None) -> list[Any]:
    """RAID "dependencies": the delivery app's interdependency register (not a copy)."""
    return delivery_link.dependency_list(programme, work_package=work_package)


def decision_list(programme: Programme, *, limit: int = 50) -> list[tuple[Decision, str]]:
    """RAID "decisions": the gates app's decision log, each with its page's address."""
    return [
        (decision, decision.get_absolute_url())
        for decision in gate_selectors.decision_log(programme=programme)[:limit]
    ]


def simulation_run_list(
    *, programme: Programme | int | None = None, work_package: WorkPackage | int | None = None
) -> QuerySet[SimulationRun]:
    runs = SimulationRun.objects.select_related("work_package", "requested_by", "programme").defer(
        "inputs", "result"
    )
    if programme:
        runs = runs.filter(programme=programme)
    if work_package:
        runs = runs.filter(work_package=work_package)
    return runs


def simulation_run_get(pk: int) -> SimulationRun:
    return SimulationRun.objects.select_related("work_package", "requested_by", "programme").get(
        pk=pk
    )


def quantified_risks(programme: Programme) -> QuerySet[RaidItem]:
    return (
        RaidItem.objects.filter(programme=programme, kind=ItemKind.RISK, chance__isnull=False)
        .select_related("work_package", "owner")
        .prefetch_related("hits__work_package")
        .order_by("reference")
    )


@dataclass
class SimulationReport:
    """A finished run, shaped for its page: every chart's data as rows."""

    run: SimulationRun
    start: dt.date | None
    percentiles: list[tuple[str, float, dt.date | None, str]]
    deterministic: tuple[float, dt.date | None, str]
    finish_histogram: list[dict[str, Any]]
    cost_histogram: list[dict[str, Any]]
    finish_curve: list[tuple[float, float, dt.date | None]]
    cost_curve: list[tuple[float, str]]
    finish_drivers: list[tuple[str, str, str, float]]
    cost_drivers: list[tuple[str, str, str, float]]
    criticality: list[tuple[str, str, float, float | None, float]]
    risks: list[tuple[str, str, float]]


def simulation_report(run: SimulationRun) -> SimulationReport | None:
    """The stored result as tables (``None`` until the run has finished)."""
    from openpmo.risks.core_adapters import calendar_date, date_after

    data = run.result
    if not data:
        return None
    start = dt.date.fromisoformat(run.inputs["start"]) if run.inputs.get("start") else None
    names: dict[str, str] = data.get("names", {})
    titles = dict(
        RaidItem.objects.filter(
            programme=run.programme_id, reference__in=list(data["risk_occurrence"])
        ).values_list("reference", "title")
    )

    calendar = run.inputs.get("calendar")

    def when(days: float) -> dt.date | None:
        if calendar:  # the programme calendar the schedule runs on (bank holidays and all)
            return calendar_date(calendar, days)
        return date_after(start, days) if start else None

    def label(kind: str, key: str) -> str:
        return titles.get(key, key) if kind == "risk" else names.get(key, key)

    finish, cost = data["finish_days"], data["cost"]
    percentiles = [
        (name, finish[key], when(finish[key]), cost[key])
        for name, key in (
            ("P10", "p10"),
            ("P50", "p50"),
            ("P80", "p80"),
            ("P90", "p90"),
            ("Mean", "mean"),
        )
    ]
    det = data["deterministic"]
    criticality = sorted(
        (
            (
                task_id,
                names.get(task_id, ""),
                value,
                data["cruciality"].get(task_id),
                data.get("mean_duration", {}).get(task_id, 0.0),
            )
            for task_id, value in data["criticality"].items()
        ),
        key=lambda row: (-row[2], row[0]),
    )[:25]
    return SimulationReport(
        run=run,
        start=start,
        percentiles=percentiles,
        deterministic=(det["finish_days"], when(det["finish_days"]), det["cost"]),
        finish_histogram=data["histogram"]["finish_days"],
        cost_histogram=data["histogram"]["cost"],
        finish_curve=[(p, v, when(v)) for p, v in data["s_curve"]["finish_days"]],
        cost_curve=[(p, v) for p, v in data["s_curve"]["cost"]],
        finish_drivers=[
            (d["id"], d["kind"], label(d["kind"], d["id"]), d["correlation"])
            for d in data["tornado"]["finish"][:12]
        ],
        cost_drivers=[
            (d["id"], d["kind"], label(d["kind"], d["id"]), d["correlation"])
            for d in data["tornado"]["cost"][:12]
        ],
        criticality=criticality,
        risks=sorted(
            ((ref, titles.get(ref, ""), share) for ref, share in data["risk_occurrence"].items()),
            key=lambda row: row[0],
        ),
    )
