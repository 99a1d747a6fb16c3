"""Scheduling: the critical-path engine and Microsoft Project XML exchange.

``schedule(network, calendar, project_start)`` computes early and late dates, total and free
slack and the critical path the way Microsoft Project does (see ``_engine`` for the behaviours
modelled). ``read_mspdi`` and ``write_mspdi`` read and write Microsoft Project XML.
"""

from openpmo.core.schedule._calendar import Calendar, CalendarException, WorkingInterval
from openpmo.core.schedule._engine import schedule
from openpmo.core.schedule._model import (
    ConstraintType,
    Link,
    LinkType,
    Network,
    Project,
    StoredDates,
    Task,
)
from openpmo.core.schedule._mspdi import read_mspdi, write_mspdi
from openpmo.core.schedule._result import ScheduleColumns, ScheduleResult, TaskSchedule
from openpmo.core.schedule._table import NetworkArrays

__all__ = [
    "Calendar",
    "CalendarException",
    "ConstraintType",
    "Link",
    "LinkType",
    "Network",
    "NetworkArrays",
    "Project",
    "ScheduleColumns",
    "ScheduleResult",
    "StoredDates",
    "Task",
    "TaskSchedule",
    "WorkingInterval",
    "read_mspdi",
    "schedule",
    "schedule_project",
    "write_mspdi",
]


def schedule_project(project: Project) -> ScheduleResult:
    """Schedule a project read from a file, with its own calendar, start and day length."""
    return schedule(
        project.network,
        project.calendar,
        project.start,
        minutes_per_day=project.minutes_per_day,
        critical_slack_minutes=project.critical_slack_minutes,
    )
