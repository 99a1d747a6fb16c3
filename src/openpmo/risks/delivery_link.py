"""The one place the RAID register reads the delivery app: its schedules and its interdependency
register (the "D" of RAID). While the delivery app's tables are not there (its migrations not yet
written or applied) these answer "nothing", so the register and simulations still work, taking
each work package as a whole.
"""

from __future__ import annotations

import functools
from typing import Any

from django.apps import apps
from django.db import connection

from openpmo.portfolio.models import Programme, WorkPackage


@functools.cache
def delivery_ready() -> bool:
    """True when the delivery app's schedule and interdependency tables exist."""
    try:
        task = apps.get_model("delivery", "ScheduleTask")
        dependency = apps.get_model("delivery", "Interdependency")
    except LookupError:
        return False
    tables = set(connection.introspection.table_names())
    return task._meta.db_table in tables and dependency._meta.db_table in tables


def schedule_tasks_of(work_package: WorkPackage) -> list[tuple[int, str]]:
    """(UID, name) of the tasks and milestones of the work package's schedule, in outline order."""
    if not delivery_ready():
        return []
    task = apps.get_model("delivery", "ScheduleTask")
    rows = task.objects.filter(schedule__work_package=work_package).exclude(kind="summary")
    return [(row.uid, row.name) for row in rows.order_by("position", "uid")]


def work_package_project(work_package: WorkPackage) -> Any | None:
    """The work package's schedule as an ``openpmo.core.schedule.Project``, or ``None``."""
    if not delivery_ready():
        return None
    from openpmo.delivery import selectors

    schedule = selectors.schedule_get(work_package)
    if schedule is None:
        return None
    tasks = list(apps.get_model("delivery", "ScheduleTask").objects.filter(schedule=schedule))
    if not tasks:
        return None
    links = list(
        apps.get_model("delivery", "ScheduleLink")
        .objects.filter(schedule=schedule)
        .select_related("predecessor", "successor")
    )
    spec = selectors.calendar_spec_for(work_package.strand.pillar.programme)
    return selectors.work_package_project(work_package, schedule, tasks, links, spec)


def dependency_list(programme: Programme, *, work_package: WorkPackage | None = None) -> list[Any]:
    """The interdependency register of the delivery app for the programme (or one package)."""
    if not delivery_ready():
        return []
    from openpmo.delivery.selectors import interdependency_list

    rows = interdependency_list(programme=programme, work_package=work_package)
    return list(rows)


def open_dependency_links(programme: Programme) -> list[tuple[int, int | None, int, float]]:
    """(needed-from package id, UID of the milestone needed or ``None`` for the whole package,
    needed-by package id, lag in working days) of every dependency that still binds."""
    return [
        (
            row.from_work_package_id,
            row.from_milestone.uid if row.from_milestone_id else None,
            row.to_work_package_id,
            float(row.lag_days),
        )
        for row in dependency_list(programme)
        if row.status not in ("met", "closed")
    ]
