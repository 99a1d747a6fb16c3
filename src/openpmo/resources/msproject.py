"""Demand from the resource assignments of a Microsoft Project file (MSPDI).

The file is scheduled with the project's own calendar (``openpmo.core.schedule``); each
assignment's work is spread evenly over the working days (Monday to Friday) of its task, and the
work falling in a month, over that month's working time, is the FTE for the month. Resources are
matched to the programme's roles by name; an unknown name refuses the whole file.

:func:`demand_to_mspdi` writes a package's demand back as such a file (a resource per role, a
task per role and month) with the core writers, so the round trip gives the same FTE.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from openpmo.common.engine_errors import as_validation_error
from openpmo.core.errors import InputError
from openpmo.core.levelling.mspdi import (
    MspdiAssignment,
    MspdiResource,
    add_resources,
    read_resources,
)
from openpmo.core.schedule import (
    Calendar,
    ConstraintType,
    Network,
    Project,
    Task,
    read_mspdi,
    schedule_project,
    write_mspdi,
)
from openpmo.portfolio.models import WorkPackage
from openpmo.resources import services
from openpmo.resources.choices import DemandSource
from openpmo.resources.models import Demand, ResourceRole
from openpmo.resources.selectors import month_add, month_end, weekdays

PLACES = Decimal("0.01")
MINUTES_PER_DAY = 480


def work_from_mspdi(data: bytes) -> tuple[dict[str, dict[dt.date, Decimal]], int]:
    """Minutes of work by resource name and month from the file's assignments, and the
    file's minutes in a working day."""
    project = read_mspdi(data)
    resources, assignments = read_resources(data)
    names = {resource.uid: resource.name for resource in resources}
    tasks = {entry.uid: entry for entry in schedule_project(project).tasks if not entry.summary}
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
    found = {
        name: {month: minutes for month, minutes in sorted(months.items()) if minutes}
        for name, months in work.items()
    }
    return found, project.minutes_per_day


def demand_from_mspdi(data: bytes) -> dict[str, dict[dt.date, Decimal]]:
    """FTE by resource name and month from the file's assignments."""
    work, minutes_per_day = work_from_mspdi(data)
    return {
        name: {
            month: (minutes / (weekdays(month, month_end(month)) * minutes_per_day)).quantize(
                PLACES
            )
            for month, minutes in months.items()
        }
        for name, months in work.items()
    }


def import_mspdi_demand(*, actor: Any, work_package: WorkPackage, data: bytes) -> int:
    """Replace the package's demand with the file's assignments; all or nothing."""
    try:
        by_resource = demand_from_mspdi(data)
    except InputError as error:
        raise as_validation_error(
            error, prefix="The Microsoft Project file could not be read: "
        ) from None
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


def demand_to_mspdi(work_package: WorkPackage) -> bytes:
    """The package's demand as a Microsoft Project file: a resource per role, and per role a
    summary task with a task for each month of demand (its working days, Monday to Friday),
    assigned to the role at the month's FTE (units) for the month's work (FTE x working days x
    8 h). Reading the file back (:func:`demand_from_mspdi`) gives the same FTE by role and month.
    """
    rows = list(
        Demand.objects.filter(work_package=work_package)
        .select_related("role")
        .order_by("role__name", "month")
    )
    by_role: dict[ResourceRole, list[Demand]] = defaultdict(list)
    for row in rows:
        by_role[row.role].append(row)
    first = min((row.month for row in rows), default=work_package.forecast_start)
    start = _first_weekday(first or dt.date.today().replace(day=1))
    tasks: list[Task] = []
    resources: list[MspdiResource] = []
    assignments: list[MspdiAssignment] = []
    uid = 0
    for number, (role, months) in enumerate(sorted(by_role.items(), key=lambda i: i[0].name), 1):
        resources.append(
            MspdiResource(number, role.name, max_units=float(max(r.fte for r in months)))
        )
        uid += 1
        summary = uid
        tasks.append(Task(uid=summary, name=role.name, summary=True))
        for row in months:
            uid += 1
            days = weekdays(row.month, month_end(row.month))
            begin = _first_weekday(row.month)
            tasks.append(
                Task(
                    uid=uid,
                    name=f"{role.name}, {row.month:%B %Y}",
                    duration_minutes=days * MINUTES_PER_DAY,
                    parent=summary,
                    constraint=ConstraintType.START_NO_EARLIER_THAN,
                    constraint_date=dt.datetime.combine(begin, dt.time(8)),
                )
            )
            assignments.append(
                MspdiAssignment(
                    uid=len(assignments) + 1,
                    task_uid=uid,
                    resource_uid=number,
                    units=float(row.fte),
                    work_minutes=round(row.fte * days * MINUTES_PER_DAY),
                )
            )
    project = Project(
        name=f"{work_package.reference} {work_package.name}: demand",
        start=dt.datetime.combine(start, dt.time(8)),
        calendar=Calendar.standard(),
        network=Network(tasks=tuple(tasks)),
        minutes_per_day=MINUTES_PER_DAY,
    )
    return add_resources(write_mspdi(project), resources, assignments)


def _first_weekday(month: dt.date) -> dt.date:
    day = month.replace(day=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day
