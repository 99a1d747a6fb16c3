"""The sections of a report, each built by one small function from the other modules' selectors.

Every builder returns a frozen, JSON-ready snapshot of one section::

    {"key": "finance", "title": "Finance", "available": True, "note": "",
     "facts": [{"label": "Budget", "value": "1200000.00", "type": "money"}],
     "tables": [{"key": ..., "caption": ..., "columns": [{"label": ..., "type": ...}],
                 "rows": [[...], ...]}],
     "charts": [{"kind": "line" | "bar" | "stacked", "title": ..., "table": <table key>,
                 "x": 0, "series": [1, 2], "unit": "£"}],
     "text": ["paragraph", ...]}

Cell types: ``text``, ``money`` (pounds as a decimal string), ``number`` (decimal string),
``int``, ``percent`` (a fraction as a decimal string: "0.125" is 12.5%), ``date`` (ISO),
``month`` ("2024-03") and ``rag``. Values are strings or ints only, so a snapshot compares and
fingerprints exactly and its money never passes through a float.

A module that does not exist yet, or lacks the selector a section reads, gives a section marked
``available: False`` with a note saying so; the report is still made. The selector is looked up
by name when the section is built (``_selector``), so a selector added later is picked up
without a change here. Each section reads inside its own savepoint, so a module whose tables are
not migrated yet cannot spoil the caller's transaction either; a selector that fails in any other
way (its arguments changed, say) also leaves the section "not available", with the error logged.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone

from openpmo.audit.selectors import as_at_copies
from openpmo.portfolio.choices import DeliveryConfidence, RagStatus, Stage
from openpmo.portfolio.models import Pillar, Programme, WorkPackage

logger = logging.getLogger(__name__)

ZERO = Decimal(0)
CENT = Decimal("0.01")

Section = dict[str, Any]
Builder = Callable[["Scope"], Section]


_SHARED: ContextVar[dict[int, dict[str, Any]] | None] = ContextVar("shared_reads", default=None)


@contextmanager
def shared_reads() -> Iterator[None]:
    """Inside this block every snapshot of a programme reuses its programme-wide reads (work
    packages, money, schedule). Only for batches in which those do not change, such as loading
    the demo's reports; a person's request never uses it."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


# The work package fields that hold only their current value, wound back to a report's date.
AS_AT_FIELDS = [
    "strand",
    "stage",
    "rag_status",
    "delivery_confidence",
    "delivery_confidence_reason",
    "baseline_start",
    "baseline_end",
    "forecast_start",
    "forecast_end",
    "budget_envelope",
]


# -- the scope a report is about -----------------------------------------------------------------


@dataclass
class Scope:
    """What a report covers (a programme, one pillar or one work package) and for which month.

    Every figure is as at ``as_at``, the end of the month: dated entries up to that day, and
    fields that keep only their current value wound back through the audit trail.

    ``cache`` holds programme-wide reads (money, schedule, tracker) so that sections sharing one
    read it once per snapshot, whatever the number of work packages.
    """

    programme: Programme
    period: dt.date  # the first day of the month
    pillar: Pillar | None = None
    work_package: WorkPackage | None = None
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def month_end(self) -> dt.date:
        following = (self.period.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return following - dt.timedelta(days=1)

    @property
    def as_at(self) -> dt.date:
        """The day the report's figures are as at: the last day of its month."""
        return self.month_end

    @property
    def pillar_id(self) -> int | None:
        if self.work_package is not None:
            return self.work_package.strand.pillar_id
        return self.pillar.pk if self.pillar is not None else None

    def memo(self, key: str, read: Callable[[], Any], *, dated: bool = True) -> Any:
        """``read()`` once per programme (and per month's end, unless ``dated`` is false: a read
        that does not depend on the report's date, such as the schedule)."""
        shared = _SHARED.get()
        cache = self.cache if shared is None else shared.setdefault(self.programme.pk, {})
        if dated:  # reads as at one month's end differ from those as at another
            key = f"{key}@{self.as_at.isoformat()}"
        if key not in cache:
            cache[key] = read()
        return cache[key]

    def work_packages(self) -> list[WorkPackage]:
        """The work packages in scope as they stood at ``as_at`` (stage, RAG, confidence, dates,
        budget and strand wound back through the audit trail), read once (two queries)."""

        def read() -> list[WorkPackage]:
            packages = WorkPackage.objects.filter(
                strand__pillar__programme=self.programme
            ).select_related("strand__pillar", "owner")
            ordered = list(packages.order_by("strand__pillar__order", "reference"))
            return as_at_copies(ordered, AS_AT_FIELDS, self.as_at)

        everything = self.memo("work_packages", read)
        if self.work_package is not None:
            return [wp for wp in everything if wp.pk == self.work_package.pk]
        if self.pillar is not None:
            return [wp for wp in everything if wp.strand.pillar_id == self.pillar.pk]
        return everything

    def in_scope(self, work_package_id: int | None, pillar_id: int | None = None) -> bool:
        if self.work_package is not None:
            return work_package_id == self.work_package.pk
        if self.pillar is not None:
            if pillar_id is not None:
                return pillar_id == self.pillar.pk
            return work_package_id in {wp.pk for wp in self.work_packages()}
        return True


# -- values as the snapshot holds them ----------------------------------------------------------


def money(value: Decimal | int | None) -> str | None:
    return None if value is None else str(Decimal(value).quantize(CENT))


def number(value: Decimal | int | float | None) -> str | None:
    return None if value is None else str(Decimal(str(value)))


def day(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    return (value.date() if isinstance(value, dt.datetime) else value).isoformat()


def long_date(value: dt.date) -> str:
    """31 October 2023: how a report names the day its figures are as at."""
    return f"{value.day} {value:%B %Y}"


def column(label: str, type: str = "text") -> dict[str, str]:  # noqa: A002 (the cell type)
    return {"label": label, "type": type}


def table(
    key: str, caption: str, columns: list[dict[str, str]], rows: Iterable[list[Any]]
) -> dict[str, Any]:
    return {"key": key, "caption": caption, "columns": columns, "rows": [list(r) for r in rows]}


def fact(label: str, value: Any, type: str = "text") -> dict[str, Any]:  # noqa: A002
    return {"label": label, "value": value, "type": type}


def unavailable(key: str, title: str, note: str) -> Section:
    return {
        "key": key,
        "title": title,
        "available": False,
        "note": note,
        "facts": [],
        "tables": [],
        "charts": [],
        "text": [],
    }


def _section(key: str, title: str, **parts: Any) -> Section:
    return {
        "key": key,
        "title": title,
        "available": True,
        "note": parts.pop("note", ""),
        "facts": parts.pop("facts", []),
        "tables": parts.pop("tables", []),
        "charts": parts.pop("charts", []),
        "text": parts.pop("text", []),
    }


# -- finding the other modules' selectors ---------------------------------------------------------


def _selector(app: str, name: str) -> Callable[..., Any] | None:
    """``openpmo.<app>.selectors.<name>``, or None when the module or the name is not there."""
    try:
        module = importlib.import_module(f"openpmo.{app}.selectors")
    except ImportError:
        return None
    found = getattr(module, name, None)
    return found if callable(found) else None


SECTIONS: dict[str, Builder] = {}


def section(key: str, title: str, *needs: tuple[str, str]) -> Callable[..., Builder]:
    """Register a section builder that reads the named selectors (``(app, name)`` pairs).

    The builder is called with the scope and each selector as a keyword argument; when one is
    missing the section is "not yet available", and a database error (a module whose tables do
    not exist yet) makes it "not available", inside a savepoint so nothing else is disturbed.
    """

    def wrap(build: Callable[..., Section]) -> Builder:
        @functools.wraps(build)
        def run(scope: Scope) -> Section:
            found: dict[str, Callable[..., Any]] = {}
            for app, name in needs:
                selector = _selector(app, name)
                if selector is None:
                    return unavailable(
                        key,
                        title,
                        f"Section not yet available: the {app} module has no “{name}” "
                        "selector yet.",
                    )
                found[name] = selector
            try:
                with transaction.atomic():
                    return build(scope, **found)
            except DatabaseError as error:
                apps = ", ".join(sorted({app for app, _ in needs})) or "register"
                return unavailable(
                    key,
                    title,
                    f"Section not available: the {apps} data could not be read "
                    f"({error.__class__.__name__}).",
                )
            except Exception as error:
                # Another module's selector changed under us (a renamed argument, say): the
                # report is still made, the section says so, and the error is logged in full.
                logger.exception("Report section %s failed", key)
                apps = ", ".join(sorted({app for app, _ in needs})) or "reports"
                return unavailable(
                    key,
                    title,
                    f"Section not available: reading the {apps} module failed "
                    f"({error.__class__.__name__}); the error is in the server log.",
                )

        SECTIONS[key] = run
        return run

    return wrap


# -- overall status (the programme register) ------------------------------------------------------

_RAG_SCORE = {RagStatus.GREEN: 0, RagStatus.AMBER: 1, RagStatus.RED: 2}
_CONFIDENCE_ORDER = list(DeliveryConfidence)


def _weighted(packages: list[WorkPackage], attribute: str, scale: list[str]) -> str:
    """The budget-weighted average of ``attribute`` on ``scale`` (first is best), rounded."""
    weight = total = ZERO
    for wp in packages:
        value = getattr(wp, attribute)
        if not value:
            continue
        w = wp.budget_envelope or Decimal(1)
        weight += w
        total += w * scale.index(value)
    if not weight:
        return ""
    return scale[int((total / weight).to_integral_value())]


def prefill(scope: Scope) -> dict[str, str]:
    """The author's starting point: RAG, delivery confidence and why, from the register now."""
    packages = scope.work_packages()
    if scope.work_package is not None and packages:
        wp = packages[0]
        return {
            "overall_rag": wp.rag_status,
            "delivery_confidence": wp.delivery_confidence,
            "confidence_reason": wp.delivery_confidence_reason,
        }
    rag = _weighted(packages, "rag_status", [r.value for r in RagStatus])
    confidence = _weighted(packages, "delivery_confidence", [c.value for c in DeliveryConfidence])
    mix = Counter(wp.rag_status or "not set" for wp in packages)
    counts = ", ".join(f"{mix[k]} {k}" for k in ("green", "amber", "red", "not set") if mix[k])
    return {
        "overall_rag": rag,
        "delivery_confidence": confidence,
        "confidence_reason": (
            f"Pre-filled from the register: the budget-weighted RAG and confidence of "
            f"{len(packages)} work packages ({counts or 'none'}). Replace with your assessment."
        ),
    }


@section("status", "Overall status")
def status_section(scope: Scope) -> Section:
    packages = scope.work_packages()
    mix = Counter(wp.rag_status or "" for wp in packages)
    rows = [
        [
            wp.reference,
            wp.name,
            wp.strand.pillar.name,
            wp.get_stage_display(),
            wp.rag_status,
            wp.get_delivery_confidence_display() if wp.delivery_confidence else "",
            wp.delivery_confidence_reason,
            day(wp.baseline_end),
            day(wp.forecast_end),
        ]
        for wp in packages
    ]
    return _section(
        "status",
        "Overall status",
        facts=[
            fact("Work packages", len(packages), "int"),
            fact("Green", mix[RagStatus.GREEN], "int"),
            fact("Amber", mix[RagStatus.AMBER], "int"),
            fact("Red", mix[RagStatus.RED], "int"),
            fact("RAG not set", mix[""], "int"),
        ],
        tables=[
            table(
                "work_packages",
                "Work packages: RAG status and delivery confidence",
                [
                    column("Reference"),
                    column("Work package"),
                    column("Pillar"),
                    column("Stage"),
                    column("RAG", "rag"),
                    column("Delivery confidence"),
                    column("Reason"),
                    column("Baseline end", "date"),
                    column("Forecast end", "date"),
                ],
                rows,
            )
        ],
    )


@section("programme", "Programme summary")
def programme_section(scope: Scope) -> Section:
    """Pillars with their sponsors and the RAG mix of their work packages."""
    packages = scope.work_packages()
    pillars = list(
        Pillar.objects.filter(programme=scope.programme)
        .select_related("sponsor")
        .order_by("order", "name")
    )
    mix: dict[int, Counter[str]] = {p.pk: Counter() for p in pillars}
    budget: dict[int, Decimal] = {p.pk: ZERO for p in pillars}
    for wp in packages:
        mix[wp.strand.pillar_id][wp.rag_status or ""] += 1
        budget[wp.strand.pillar_id] += wp.budget_envelope or ZERO
    rows = [
        [
            p.name,
            str(p.sponsor) if p.sponsor else "",
            sum(mix[p.pk].values()),
            mix[p.pk]["green"],
            mix[p.pk]["amber"],
            mix[p.pk]["red"],
            mix[p.pk][""],
            money(budget[p.pk]),
        ]
        for p in pillars
    ]
    total = Counter(wp.rag_status or "" for wp in packages)
    rows.append(
        [
            "Programme",
            "",
            len(packages),
            total["green"],
            total["amber"],
            total["red"],
            total[""],
            money(sum(budget.values(), ZERO)),
        ]
    )
    return _section(
        "programme",
        "Programme summary",
        facts=[
            fact("Pillars", len(pillars), "int"),
            fact("Work packages", len(packages), "int"),
            fact("Budget envelopes", money(sum(budget.values(), ZERO)), "money"),
        ],
        tables=[
            table(
                "pillars",
                "Pillars and the RAG status of their work packages",
                [
                    column("Pillar"),
                    column("Sponsor"),
                    column("Work packages", "int"),
                    column("Green", "int"),
                    column("Amber", "int"),
                    column("Red", "int"),
                    column("Not set", "int"),
                    column("Budget envelopes", "money"),
                ],
                rows,
            )
        ],
        text=[scope.programme.description] if scope.programme.description else [],
    )


# -- milestones (delivery) ------------------------------------------------------------------------


_STAGES = [stage.value for stage in Stage]


def _register_milestones(scope: Scope) -> dict[str, Any]:
    """Each work package's end as a milestone, from the register's baseline and forecast."""
    rows = []
    for wp in scope.work_packages():
        planned, forecast = wp.baseline_end, wp.forecast_end or wp.baseline_end
        if planned is None:
            continue
        rows.append(
            [
                wp.reference,
                f"{wp.name}: completion",
                day(planned),
                day(forecast),
                _milestone_state(scope, planned, forecast, wp.stage == "closure"),
            ]
        )
    return table(
        "completion",
        "Work package completion dates (register baseline and forecast)",
        [
            column("Reference"),
            column("Milestone"),
            column("Baseline", "date"),
            column("Forecast", "date"),
            column("State"),
        ],
        rows,
    )


def _milestone_state(
    scope: Scope, planned: dt.date, forecast: dt.date | None, done: bool = False
) -> str:
    if done:
        return "Achieved"
    if forecast is not None and forecast > planned:
        return "Slipped"
    if scope.period <= planned <= scope.month_end:
        return "Due this period"
    if planned < scope.period:
        return "Past its date (not recorded as achieved)"
    return "Upcoming"


def _achieved_as_at(task: Any, as_at: dt.date) -> Any:
    """When the milestone was achieved, as known at the end of ``as_at``: its recorded
    achievement (day and evidence) if recorded by then, else the plan's actual finish if by
    then; None when neither was so (finished, or recorded, after the report's date)."""
    achieved_on = getattr(task, "achieved_on", None)
    recorded_at = getattr(task, "achieved_recorded_at", None)
    known = recorded_at is not None and timezone.localtime(recorded_at).date() <= as_at
    if achieved_on is not None and achieved_on <= as_at and known:
        return achieved_on
    actual = getattr(task, "actual_finish", None)
    if actual is not None and day(actual) > as_at.isoformat():
        return None
    return actual


@section("milestones", "Milestones")
def milestones_section(scope: Scope) -> Section:
    completion = _register_milestones(scope)
    tables = []
    note = ""
    build = _selector("delivery", "programme_schedule")
    schedule = None
    if build is not None:
        schedule = scope.memo("schedule", lambda: build(scope.programme), dated=False)
    if schedule is not None and not getattr(schedule, "error", ""):
        rows = []
        stage_then = {wp.pk: wp.stage for wp in scope.work_packages()}
        for row in schedule.rows:
            wp = row.work_package
            if not scope.in_scope(wp.pk, wp.strand.pillar_id):
                continue
            for milestone in row.milestones:
                task = milestone.task
                planned = task.finish or task.constraint_date or milestone.date
                actual = _achieved_as_at(task, scope.as_at)
                forecast = actual or milestone.date
                # A gate milestone is achieved once the work package has moved past that gate's
                # stage (the gates app moves it when the decision is recorded).
                gate = getattr(milestone, "gate", "")
                stage = stage_then.get(wp.pk, wp.stage)
                passed = gate in _STAGES and _STAGES.index(stage) > _STAGES.index(gate)
                rows.append(
                    [
                        wp.reference,
                        task.name,
                        day(planned),
                        day(forecast),
                        _milestone_state(scope, planned, forecast, actual is not None or passed),
                        "Yes" if milestone.critical else "No",
                    ]
                )
        late_rows = [
            [
                row.work_package.reference,
                row.work_package.name,
                day(row.work_package.forecast_end),
                day(row.finish),
                number(row.total_slack_days),
                "Yes" if row.critical else "No",
            ]
            for row in schedule.rows
            if getattr(row, "finish_beyond_forecast", False)
            and scope.in_scope(row.work_package.pk, row.work_package.strand.pillar_id)
        ]
        tables.append(
            table(
                "finishing_late",
                "Work packages the schedule finishes after their forecast end",
                [
                    column("Reference"),
                    column("Work package"),
                    column("Forecast end", "date"),
                    column("Scheduled finish", "date"),
                    column("Total slack (working days)", "number"),
                    column("On the critical path"),
                ],
                late_rows,
            )
        )
        tables.append(
            table(
                "schedule",
                "Schedule milestones (planned date, forecast from the programme schedule)",
                [
                    column("Reference"),
                    column("Milestone"),
                    column("Planned", "date"),
                    column("Forecast", "date"),
                    column("State"),
                    column("On the critical path"),
                ],
                rows,
            )
        )
    elif schedule is not None:
        note = f"The programme schedule could not be computed: {schedule.error}"
    else:
        note = (
            "Schedule milestones not yet available (no delivery schedule selector); "
            "work package completion dates from the register are shown."
        )
    tables.append(completion)
    states = Counter(
        r[4] for t in tables if t["key"] in ("schedule", "completion") for r in t["rows"]
    )
    return _section(
        "milestones",
        "Milestones",
        note=note,
        facts=[
            fact("Due this period", states["Due this period"], "int"),
            fact("Achieved", states["Achieved"], "int"),
            fact("Slipped", states["Slipped"], "int"),
        ],
        tables=tables,
    )


# -- finance ---------------------------------------------------------------------------------------

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


@section("finance", "Finance", ("finance", "programme_money"))
def finance_section(scope: Scope, programme_money: Callable[..., Any]) -> Section:
    money_view = scope.memo("money", lambda: programme_money(scope.programme, as_at=scope.as_at))
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


@section("reserve", "Reserve position and drawdowns", ("finance", "reserve_ledger_view"))
def reserve_section(scope: Scope, reserve_ledger_view: Callable[..., Any]) -> Section:
    from openpmo.finance.models import Reserve

    reserve = Reserve.objects.filter(programme=scope.programme).order_by("pk").first()
    if reserve is None:
        return _section(
            "reserve",
            "Reserve position and drawdowns",
            note="No reserve is recorded for this programme yet.",
        )
    kinds = ["drawdown", "return"]
    view = reserve_ledger_view(reserve, entry_kinds=kinds, as_at=scope.as_at)
    balances = [
        [str(year.year), money(-year.opening), money(-year.movement), money(-year.closing)]
        for year in view.result.years
    ]
    ledger_rows = [
        [row.label, *[money(c) for c in row.cells], money(row.total)] for row in view.rows
    ]
    drawdowns = [
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
        if entry.kind in kinds
    ]
    return _section(
        "reserve",
        "Reserve position and drawdowns",
        note=(
            f"{reserve.name}, as the ledger stood on {long_date(scope.as_at)}. Balances are "
            "shown as money held (the ledger holds them as negatives, printed in brackets)."
        ),
        facts=[
            fact(f"Money held on {long_date(scope.as_at)}", money(view.held), "money"),
            fact("Residual balance at the end", money(-view.result.years[-1].closing), "money"),
            fact("Drawdowns and returns", len(drawdowns), "int"),
            fact("Printed table: figures that do not add up", len(view.discrepancies), "int"),
            fact("Live ledger: checks that fail", len(view.invariants), "int"),
        ],
        text=[
            *([view.printed.knock_on] if view.printed and view.printed.knock_on else []),
            *view.invariants,
        ],
        tables=[
            table(
                "balance_by_year",
                "Closing balance of each financial year (money held)",
                [
                    column("Financial year"),
                    column("Opening", "money"),
                    column("Net movement", "money"),
                    column("Closing", "money"),
                ],
                balances,
            ),
            table(
                "ledger",
                "The reserve ledger as the report prints it (negative is money held)",
                [
                    column("Line"),
                    *[column(y, "money") for y in view.years],
                    column("Total", "money"),
                ],
                ledger_rows,
            ),
            table(
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
            ),
        ],
        charts=[
            {
                "kind": "bar",
                "title": "Reserve balance at the end of each financial year",
                "table": "balance_by_year",
                "x": 0,
                "series": [3],
                "unit": "£",
            }
        ],
    )


@section("team_cost", "Core team cost against Table 1", ("finance", "team_cost_view"))
def team_cost_section(scope: Scope, team_cost_view: Callable[..., Any]) -> Section:
    from openpmo.finance.models import TeamCostPlan

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
    view = team_cost_view(plan, as_at=scope.as_at)
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


# -- benefits --------------------------------------------------------------------------------------


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


# -- gates and decisions ---------------------------------------------------------------------------


@section(
    "decisions", "Gate pipeline and decisions", ("gates", "pipeline"), ("gates", "decision_log")
)
def decisions_section(
    scope: Scope, pipeline: Callable[..., Any], decision_log: Callable[..., Any]
) -> Section:
    queue = pipeline(scope.programme, as_at=scope.as_at)
    waiting = []
    by_gate = []
    for gate_queue in queue.queues:
        requests = [
            r
            for r in gate_queue.requests
            if scope.in_scope(r.work_package_id, r.work_package.strand.pillar_id)
        ]
        by_gate.append(
            [
                gate_queue.gate.name,
                len(requests),
                money(sum((r.requested_total for r in requests), ZERO)),
                sum(1 for r in requests if r.status == "submitted"),
                sum(1 for r in requests if r.status == "forwarded"),
            ]
        )
        for r in requests:
            waiting.append(
                [
                    r.work_package.reference,
                    gate_queue.gate.name,
                    r.get_status_display(),
                    day(r.submitted_at),
                    money(r.requested_total),
                ]
            )
    decided = [
        d
        for d in decision_log(programme=scope.programme).filter(
            decided_on__gte=scope.period, decided_on__lte=scope.month_end
        )
        if scope.pillar_id is None or scope.in_scope(d.work_package_id, None)
    ]
    readiness_rows = []
    readiness = _selector("gates", "gate_readiness")
    if readiness is not None and scope.pillar_id is not None:
        for ready in readiness(scope.programme, as_at=scope.as_at):
            wp = ready.work_package
            if not scope.in_scope(wp.pk, wp.strand.pillar_id):
                continue
            readiness_rows.append(
                [
                    wp.reference,
                    wp.name,
                    wp.get_stage_display(),
                    ready.next_gate.name if ready.next_gate else "All gates passed",
                    ready.open_request.get_status_display() if ready.open_request else "",
                ]
            )
    decision_rows = [
        [
            day(d.decided_on),
            d.work_package.reference if d.work_package_id else "",
            d.gate.name if d.gate_id else "",
            d.subject,
            d.get_outcome_display(),
            d.decision_maker_title or (str(d.decided_by) if d.decided_by_id else ""),
            money(d.released_total),
        ]
        for d in decided
    ]
    return _section(
        "decisions",
        "Gate pipeline and decisions",
        facts=[
            fact("Requests waiting for a decision", len(waiting), "int"),
            fact("Money requested", money(sum((Decimal(r[4]) for r in waiting), ZERO)), "money"),
            fact("Decisions this period", len(decision_rows), "int"),
        ],
        tables=[
            table(
                "pipeline",
                "Gate pipeline: requests waiting at each gate",
                [
                    column("Gate"),
                    column("Requests", "int"),
                    column("Requested", "money"),
                    column("Awaiting PMO quality assurance", "int"),
                    column("Awaiting decision", "int"),
                ],
                by_gate,
            ),
            table(
                "decisions_needed",
                "Decisions needed: requests waiting",
                [
                    column("Work package"),
                    column("Gate"),
                    column("Status"),
                    column("Submitted", "date"),
                    column("Requested", "money"),
                ],
                waiting,
            ),
            table(
                "decisions",
                "Decisions recorded this period",
                [
                    column("Decided", "date"),
                    column("Work package"),
                    column("Gate"),
                    column("Subject"),
                    column("Outcome"),
                    column("Decision maker"),
                    column("Released", "money"),
                ],
                decision_rows,
            ),
            *(
                [
                    table(
                        "next_gates",
                        "Each work package's next gate and any request waiting at it",
                        [
                            column("Reference"),
                            column("Work package"),
                            column("Stage"),
                            column("Next gate"),
                            column("Request"),
                        ],
                        readiness_rows,
                    )
                ]
                if readiness_rows
                else []
            ),
        ],
    )


# -- risks and issues ------------------------------------------------------------------------------


TOP = 10


@section("risks", "Top risks and issues", ("risks", "top_items"))
def risks_section(scope: Scope, top_items: Callable[..., Any]) -> Section:
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
        a for a in top_items(scope.programme, limit=10_000, as_at=scope.as_at) if in_scope(a.item)
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


# -- interdependencies -----------------------------------------------------------------------------


@section("dependencies", "Dependencies at risk", ("delivery", "interdependency_list"))
def dependencies_section(scope: Scope, interdependency_list: Callable[..., Any]) -> Section:
    kwargs: dict[str, Any] = {"programme": scope.programme}
    if scope.work_package is not None:
        kwargs["work_package"] = scope.work_package
    elif scope.pillar is not None:
        kwargs["pillar"] = scope.pillar.pk
    checks: dict[int, Any] = {}
    build = _selector("delivery", "programme_schedule")
    if build is not None:
        schedule = scope.memo("schedule", lambda: build(scope.programme), dated=False)
        checks = getattr(schedule, "checks", {}) or {}
    rows = []
    # Its status, need-by date and owner as they stood at the report's date (audit trail).
    dependencies = as_at_copies(
        interdependency_list(**kwargs), ["status", "need_by", "description", "owner"], scope.as_at
    )
    for dependency in dependencies:
        check = checks.get(dependency.pk)
        late = getattr(check, "late_by_days", None)
        at_risk = (
            dependency.status == "at_risk"
            or (late is not None and late > 0)
            or (
                dependency.status == "open"
                and dependency.need_by is not None
                and dependency.need_by < scope.period
            )
        )
        if not at_risk:
            continue
        rows.append(
            [
                dependency.from_work_package.reference,
                dependency.to_work_package.reference,
                dependency.get_type_display(),
                dependency.description,
                day(dependency.need_by),
                day(getattr(check, "ready", None)),
                number(late),
                dependency.get_status_display(),
                str(dependency.owner) if dependency.owner_id else "",
            ]
        )
    return _section(
        "dependencies",
        "Dependencies at risk",
        note="" if rows else "No interdependency is at risk.",
        facts=[fact("Dependencies at risk", len(rows), "int")],
        tables=[
            table(
                "dependencies",
                "Interdependencies at risk (late against the need-by date, or flagged)",
                [
                    column("Provider"),
                    column("Dependant"),
                    column("Type"),
                    column("What is needed"),
                    column("Needed by", "date"),
                    column("Forecast ready", "date"),
                    column("Late by (working days)", "number"),
                    column("Status"),
                    column("Owner"),
                ],
                rows,
            )
        ],
    )


# -- from the approved reports themselves (board pack) ----------------------------------------------


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


# Sections that live in their own modules register themselves on import (after the helpers above).
from openpmo.reports import planning_section  # noqa: E402, F401
