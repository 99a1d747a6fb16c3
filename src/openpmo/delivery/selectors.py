"""Reads of schedules, the programme schedule, slippage impact and the interdependency register.

The reads live by topic: ``scheduling`` (the calendar, one work package's schedule, the programme
as one network, the interdependency register), ``stored_schedules`` (the programme schedule as
stored, which every page reads), ``slippage`` (what moves if a work package slips) and
``milestones`` (milestones achieved, due and slipped as at a date). This module names them all,
so other apps import them from one place (keep these names): ``interdependency_list`` (the RAID
register's dependencies), ``schedule_get``, ``calendar_spec_for`` and ``work_package_project``
(the risks app's schedule simulations), ``slippage_impact`` (and ``openpmo.impact``, which adds
the benefits at risk), ``programme_schedule`` and ``milestone_counts``.
"""

from __future__ import annotations

from django.db.models import QuerySet

from openpmo.delivery.milestones import MilestoneCounts, MilestoneState, milestone_counts
from openpmo.delivery.models import CalendarException, Interdependency, ProgrammeCalendar
from openpmo.delivery.scheduling import (
    TaskRow,
    WorkPackageScheduleView,
    calendar_get,
    calendar_spec_for,
    check_programme,
    default_calendar_spec,
    export_programme_mspdi,
    export_work_package_mspdi,
    gate_of,
    interdependency_list,
    milestones_of,
    run_project,
    schedule_get,
    schedule_spec,
    work_package_project,
    working_days_between,
)
from openpmo.delivery.slippage import (
    GateMovement,
    Movement,
    SlippageImpact,
    slippage_impact,
)
from openpmo.delivery.stored_schedules import (
    DependencyCheck,
    MilestoneRow,
    ProgrammeSchedule,
    WorkPackageRow,
    programme_schedule,
    work_package_schedule,
)

__all__ = [
    "DependencyCheck",
    "GateMovement",
    "MilestoneCounts",
    "MilestoneRow",
    "MilestoneState",
    "Movement",
    "ProgrammeSchedule",
    "SlippageImpact",
    "TaskRow",
    "WorkPackageRow",
    "WorkPackageScheduleView",
    "calendar_exceptions",
    "calendar_get",
    "calendar_spec_for",
    "schedule_spec",
    "check_programme",
    "default_calendar_spec",
    "export_programme_mspdi",
    "export_work_package_mspdi",
    "gate_of",
    "interdependency_get",
    "interdependency_list",
    "milestone_counts",
    "milestones_of",
    "programme_schedule",
    "run_project",
    "schedule_get",
    "slippage_impact",
    "work_package_project",
    "work_package_schedule",
    "working_days_between",
]


def interdependency_get(pk: int) -> Interdependency:
    return interdependency_list().get(pk=pk)


def calendar_exceptions(calendar: ProgrammeCalendar) -> QuerySet[CalendarException]:
    return calendar.exceptions.all()
