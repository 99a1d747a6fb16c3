"""The milestones section: each work package's stage gates, from delivery's schedule."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.utils import timezone

from openpmo.delivery import selectors as delivery_selectors
from openpmo.delivery.selectors import ProgrammeSchedule
from openpmo.portfolio.choices import Stage
from openpmo.reports.sections._kit import (
    Scope,
    Section,
    _section,
    column,
    day,
    fact,
    number,
    section,
    table,
)

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


def _schedule_of(scope: Scope) -> ProgrammeSchedule:
    """The programme schedule (read once per snapshot)."""
    schedule: ProgrammeSchedule = scope.memo(
        "schedule", lambda: delivery_selectors.programme_schedule(scope.programme), dated=False
    )
    return schedule


def _schedule_milestone_rows(scope: Scope, schedule: ProgrammeSchedule) -> list[list[Any]]:
    """Each milestone of the schedule in scope: planned, forecast, state, critical."""
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
    return rows


def _finishing_late_table(scope: Scope, schedule: ProgrammeSchedule) -> dict[str, Any]:
    """The work packages in scope whose scheduled finish is after their forecast end."""
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
    return table(
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


def _schedule_table(rows: list[list[Any]]) -> dict[str, Any]:
    return table(
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


def _schedule_tables(scope: Scope, schedule: ProgrammeSchedule) -> tuple[list[dict[str, Any]], str]:
    """The schedule's tables and the section's note (why there are none, when there are none)."""
    if schedule.error:
        return [], f"The programme schedule could not be computed: {schedule.error}"
    rows = _schedule_milestone_rows(scope, schedule)
    return [_finishing_late_table(scope, schedule), _schedule_table(rows)], ""


@section("milestones", "Milestones")
def milestones_section(scope: Scope) -> Section:
    completion = _register_milestones(scope)
    tables, note = _schedule_tables(scope, _schedule_of(scope))
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
