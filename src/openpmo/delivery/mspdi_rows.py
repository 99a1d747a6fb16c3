"""A Microsoft Project file read by ``read_mspdi``, as field values for the delivery models
(tasks and links on the programme calendar)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpmo.core.schedule import (
    Project,
)
from openpmo.delivery.choices import Constraint, TaskKind
from openpmo.delivery.core_adapters import CONSTRAINT_CHOICES, CalendarSpec


@dataclass
class ImportedSchedule:
    start: dt.date
    tasks: list[dict[str, Any]]
    """field values per task, in file order; ``parent_uid`` names the summary"""
    links: list[dict[str, Any]]
    """field values per link; ``predecessor_uid``/``successor_uid`` name the tasks"""
    scaled: bool
    """durations were converted from the file's day length to the programme's"""


def rows_from_project(project: Project, spec: CalendarSpec) -> ImportedSchedule:
    """Field values for a file's tasks and links, on the programme calendar.

    Durations and lags in working time are kept in working *days*: a 5-day task in a file with
    8-hour days is a 5-day task on the programme's calendar. The project summary task (UID 0) is
    left out: the work package is the summary. ``As late as possible`` becomes ``as soon as
    possible`` (the engine schedules it so).
    """
    factor = Decimal(spec.minutes_per_day) / Decimal(project.minutes_per_day or 480)

    def scale(minutes: int) -> int:
        return int((Decimal(minutes) * factor).to_integral_value())

    dropped = {
        task.uid
        for task in project.network.tasks
        if task.uid == 0 and task.summary and task.parent is None
    }
    tasks = []
    for position, task in enumerate(project.network.tasks):
        if task.uid in dropped:
            continue
        kind = (
            TaskKind.SUMMARY
            if task.summary
            else TaskKind.MILESTONE
            if task.milestone
            else TaskKind.TASK
        )
        constraint = CONSTRAINT_CHOICES[task.constraint]
        tasks.append(
            {
                "uid": task.uid,
                "parent_uid": None if task.parent in dropped else task.parent,
                "position": position,
                "name": task.name[:300] or f"Task {task.uid}",
                "kind": kind,
                "duration_minutes": (
                    0
                    if task.summary
                    else task.duration_minutes
                    if task.elapsed
                    else scale(task.duration_minutes)
                ),
                "elapsed": task.elapsed,
                "manual": task.manual,
                "start": task.start.date() if task.manual and task.start else None,
                "finish": task.finish.date() if task.manual and task.finish else None,
                "constraint": constraint,
                "constraint_date": (
                    task.constraint_date.date()
                    if constraint != Constraint.AS_SOON_AS_POSSIBLE and task.constraint_date
                    else None
                ),
            }
        )
    links = [
        {
            "predecessor_uid": link.predecessor,
            "successor_uid": link.successor,
            "type": link.type.name,
            "lag_minutes": link.lag_minutes if link.lag_elapsed else scale(link.lag_minutes),
            "lag_percent": (
                Decimal(str(round(link.lag_percent, 1))) if link.lag_percent is not None else None
            ),
            "lag_elapsed": link.lag_elapsed,
        }
        for link in project.network.links
        if link.predecessor not in dropped and link.successor not in dropped
    ]
    return ImportedSchedule(
        start=project.start.date(), tasks=tasks, links=links, scaled=factor != 1
    )
