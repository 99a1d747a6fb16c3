"""The one place the RAID register reads the delivery app: its schedules and its interdependency
register (the "D" of RAID)."""

from __future__ import annotations

from typing import Any

from openpmo.core.schedule import Project
from openpmo.delivery import core_adapters as delivery_adapters
from openpmo.delivery import scheduling
from openpmo.delivery import selectors as delivery_selectors
from openpmo.delivery.models import Interdependency, ScheduleLink, ScheduleTask
from openpmo.portfolio.models import Programme, WorkPackage
from openpmo.risks.core_adapters import ScheduleNetwork


def schedule_tasks_of(work_package: WorkPackage) -> list[tuple[int, str]]:
    """(UID, name) of the tasks and milestones of the work package's schedule, in outline order."""
    rows = ScheduleTask.objects.filter(schedule__work_package=work_package).exclude(kind="summary")
    return [(row.uid, row.name) for row in rows.order_by("position", "uid")]


def work_package_project(work_package: WorkPackage) -> Project | None:
    """The work package's schedule as an ``openpmo.core.schedule.Project``, or ``None``."""
    schedule = delivery_selectors.schedule_get(work_package)
    if schedule is None:
        return None
    tasks = list(ScheduleTask.objects.filter(schedule=schedule))
    if not tasks:
        return None
    links = list(
        ScheduleLink.objects.filter(schedule=schedule).select_related("predecessor", "successor")
    )
    spec = delivery_selectors.calendar_spec_for(work_package.strand.pillar.programme)
    return delivery_selectors.work_package_project(work_package, schedule, tasks, links, spec)


def dependency_list(
    programme: Programme, *, work_package: WorkPackage | None = None
) -> list[Interdependency]:
    """The interdependency register of the delivery app for the programme (or one package)."""
    rows = delivery_selectors.interdependency_list(programme=programme, work_package=work_package)
    return list(rows)


def programme_network(programme: Programme) -> ScheduleNetwork:
    """The network the programme schedule runs (the same adapter builds both), its tasks named
    for the simulation: ``REF`` a work package (``REF:start`` and ``REF:end``), ``REF:UID`` a task
    of its schedule, ``REF:dates`` a work package without one (its register dates)."""
    loaded = scheduling.load(programme)
    built = scheduling.build(loaded)
    spec = loaded.spec
    names: dict[int, str] = {}
    owner: dict[int, Any] = {}
    for plan in loaded.plans:
        wp = plan.work_package
        summary = built.summary_uid.get(wp.pk)
        if summary is None:
            continue
        names[summary] = wp.reference
        anchor = built.anchor_of[wp.pk]
        names[anchor] = f"{wp.reference}:may start"
        owner[summary] = owner[anchor] = wp
        for task in plan.tasks:
            uid = built.task_uid[task.pk]
            names[uid], owner[uid] = f"{wp.reference}:{task.uid}", wp
        if wp.pk in built.stand_ins:
            uid = built.stand_ins[wp.pk]
            names[uid], owner[uid] = f"{wp.reference}:dates", wp
    for task in built.network.tasks:
        names.setdefault(task.uid, f"task {task.uid}")
    return ScheduleNetwork(
        network=built.network,
        calendar=delivery_adapters.calendar_of(spec),
        start=built.start,
        minutes_per_day=spec.minutes_per_day,
        minutes_per_week=spec.minutes_per_week,
        names=names,
        work_package_of=owner,
        calendar_data={
            "start": built.start.isoformat(),
            "minutes_per_day": spec.minutes_per_day,
            "working_days": list(spec.working_days),
            "periods": [[a.isoformat(), b.isoformat()] for a, b in spec.periods],
            "exceptions": [[name, a.isoformat(), b.isoformat()] for name, a, b in spec.exceptions],
        },
    )
