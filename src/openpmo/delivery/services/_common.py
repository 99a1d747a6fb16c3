"""What the delivery services share: the substance of a change, engine refusals as form errors,
and the checks and version bump every change to a schedule runs."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q

from openpmo.common.engine_errors import as_validation_error
from openpmo.core.errors import OpenPMOError
from openpmo.delivery import scheduling, stored_schedules
from openpmo.delivery.models import (
    Interdependency,
    ScheduleLink,
    ScheduleTask,
    WorkPackageSchedule,
)
from openpmo.portfolio.models import Programme, WorkPackage


def _refuse(error: OpenPMOError, prefix: str = "") -> ValidationError:
    return as_validation_error(error, prefix=prefix)


def _check_programme_schedules(programme: Programme) -> None:
    """Schedule the programme once and store the result (it commits with the change); refuse
    (roll back) if it cannot be scheduled."""
    try:
        stored_schedules.refresh(programme)
    except OpenPMOError as error:
        raise _refuse(error, "The programme could not be scheduled: ") from None


def _programme_of(work_package: WorkPackage) -> Programme:
    return work_package.strand.pillar.programme


def _verify(schedule: WorkPackageSchedule) -> None:
    """Schedule the programme with the work package's new schedule, once, and store it; refuse
    (roll back) if it cannot be scheduled, with the engine's message on the work package's own
    schedule when that is what fails. A large programme whose work package no interdependency
    ties to others checks the work package alone and is recalculated in the background."""
    work_package = schedule.work_package
    programme = _programme_of(work_package)
    tied = Interdependency.objects.filter(
        Q(from_work_package=work_package) | Q(to_work_package=work_package)
    ).exists()
    if not tied and stored_schedules.runs_in_background(scheduling.register_of(programme)):
        _verify_alone(schedule)
        stored_schedules.refresh_later(programme)
        return
    try:
        stored_schedules.refresh(programme)
    except OpenPMOError as error:
        _verify_alone(schedule)
        raise _refuse(error, "The programme could not be scheduled: ") from None


def _verify_alone(schedule: WorkPackageSchedule) -> None:
    work_package = schedule.work_package
    spec = scheduling.schedule_spec(
        schedule, scheduling.calendar_spec_for(_programme_of(work_package))
    )
    tasks = list(ScheduleTask.objects.filter(schedule=schedule))
    links = list(ScheduleLink.objects.filter(schedule=schedule))
    try:
        scheduling.run_project(
            scheduling.work_package_project(work_package, schedule, tasks, links, spec)
        )
    except OpenPMOError as error:
        raise _refuse(error, "The schedule could not be computed: ") from None


def _bump(schedule: WorkPackageSchedule) -> None:
    WorkPackageSchedule.objects.filter(pk=schedule.pk).update(version=schedule.version + 1)
    schedule.version += 1
