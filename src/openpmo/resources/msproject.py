"""Demand from the resource assignments of a Microsoft Project file (MSPDI).

The file is scheduled with the project's own calendar (``openpmo.core.schedule``); each
assignment's work is spread evenly over the working days (Monday to Friday) of its task, and the
work falling in a month, over that month's working time, is the FTE for the month. Resources are
matched to the programme's roles by name; an unknown name refuses the whole file.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from openpmo.core.errors import InputError
from openpmo.core.levelling.mspdi import read_resources
from openpmo.core.schedule import read_mspdi, schedule_project
from openpmo.portfolio.models import WorkPackage
from openpmo.resources import services
from openpmo.resources.choices import DemandSource
from openpmo.resources.models import ResourceRole
from openpmo.resources.selectors import month_add, month_end, weekdays

PLACES = Decimal("0.01")


def demand_from_mspdi(data: bytes) -> dict[str, dict[dt.date, Decimal]]:
    """FTE by resource name and month from the file's assignments."""
    project = read_mspdi(data)
    resources, assignments = read_resources(data)
    names = {resource.uid: resource.name for resource in resources}
    tasks = {entry.uid: entry for entry in schedule_project(project).tasks if not entry.summary}
    minutes_per_day = project.minutes_per_day
    work: dict[str, dict[dt.date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for assignment in assignments:
        task = tasks.get(assignment.task_uid)
        if task is None or not assignment.work_minutes:
            continue
        first, last = task.start.date(), max(task.early_finish.date(), task.start.date())
        days = max(weekdays(first, last), 1)
        per_day = Decimal(assignment.work_minutes) / days
        month = first.replace(day=1)
        while month <= last:
            inside = weekdays(max(first, month), min(last, month_end(month)))
            work[names[assignment.resource_uid]][month] += per_day * inside
            month = month_add(month, 1)
    return {
        name: {
            month: (minutes / (weekdays(month, month_end(month)) * minutes_per_day)).quantize(
                PLACES
            )
            for month, minutes in sorted(months.items())
            if minutes
        }
        for name, months in work.items()
    }


def import_mspdi_demand(*, actor: Any, work_package: WorkPackage, data: bytes) -> int:
    """Replace the package's demand with the file's assignments; all or nothing."""
    try:
        by_resource = demand_from_mspdi(data)
    except InputError as error:
        raise ValidationError(f"The Microsoft Project file could not be read: {error}") from None
    programme_id = work_package.strand.pillar.programme_id
    roles = {r.name.casefold(): r for r in ResourceRole.objects.filter(programme_id=programme_id)}
    unknown = sorted(name for name in by_resource if name.casefold() not in roles)
    if unknown:
        raise ValidationError(
            "These resources are not roles of the programme: " + ", ".join(unknown) + "."
        )
    rows = [
        (roles[name.casefold()], month, fte)
        for name, months in by_resource.items()
        for month, fte in months.items()
        if fte > 0
    ]
    services.demand_set(
        actor=actor,
        work_package=work_package,
        rows=rows,
        source=DemandSource.MS_PROJECT,
        replace=True,
    )
    return len(rows)
