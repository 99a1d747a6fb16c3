from __future__ import annotations

import datetime as dt

import factory

from openpmo.delivery.models import (
    Interdependency,
    ScheduleLink,
    ScheduleTask,
    WorkPackageSchedule,
)
from openpmo.portfolio.tests.factories import WorkPackageFactory

DAY = 450  # working minutes a day on the default calendar (09:00-13:00, 14:00-17:30)


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkPackageSchedule

    work_package = factory.SubFactory(WorkPackageFactory)
    start = dt.date(2024, 4, 8)  # a Monday (1 April 2024 was Easter Monday)


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScheduleTask

    schedule = factory.SubFactory(ScheduleFactory)
    uid = factory.Sequence(lambda n: n + 1)
    position = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Task {n}")
    duration_minutes = 5 * DAY


class LinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScheduleLink

    predecessor = factory.SubFactory(TaskFactory)
    successor = factory.SubFactory(
        TaskFactory, schedule=factory.SelfAttribute("..predecessor.schedule")
    )
    schedule = factory.SelfAttribute("predecessor.schedule")


class InterdependencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interdependency

    from_work_package = factory.SubFactory(WorkPackageFactory)
    to_work_package = factory.SubFactory(
        WorkPackageFactory, strand=factory.SelfAttribute("..from_work_package.strand")
    )


def chain(work_package, *durations_days, start=dt.date(2024, 4, 8), names=None):
    """A schedule of tasks linked finish to start, straight into the database."""
    schedule = ScheduleFactory(work_package=work_package, start=start)
    tasks = []
    for index, days in enumerate(durations_days):
        tasks.append(
            TaskFactory(
                schedule=schedule,
                uid=index + 1,
                position=index + 1,
                name=names[index] if names else f"{work_package.reference} step {index + 1}",
                duration_minutes=int(days * DAY),
                kind="milestone" if days == 0 else "task",
            )
        )
    for before, after in zip(tasks, tasks[1:], strict=False):
        LinkFactory(schedule=schedule, predecessor=before, successor=after)
    return schedule, tasks
