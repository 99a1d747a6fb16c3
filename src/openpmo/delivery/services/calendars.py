"""The programme calendar and its exceptions, and which calendar a work package's schedule runs
on (an imported file's own, or the programme's)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from openpmo.audit.services import audit_change, audit_record, snapshot
from openpmo.common.services import apply_fields, lock_for_update, require, save_validated
from openpmo.delivery import own_calendars, scheduling
from openpmo.delivery.bank_holidays import england_and_wales_around
from openpmo.delivery.models import (
    CalendarException,
    ProgrammeCalendar,
    ScheduleLink,
    ScheduleTask,
    WorkPackageSchedule,
)
from openpmo.delivery.services._common import (
    _check_programme_schedules,
    _programme_of,
    _verify,
)
from openpmo.portfolio.models import Programme, WorkPackage


@transaction.atomic
def calendar_ensure(*, actor: Any, programme: Programme) -> ProgrammeCalendar:
    """The programme's calendar, created with the UK default (and England and Wales bank
    holidays) the first time it is needed."""
    found = ProgrammeCalendar.objects.filter(programme=programme).first()
    if found is not None:
        return found
    require(actor, "delivery.change_calendar", programme)
    calendar = save_validated(ProgrammeCalendar(programme=programme))
    bank_holidays = england_and_wales_around(timezone.localdate())
    CalendarException.objects.bulk_create(
        CalendarException(calendar=calendar, name=name, first=day, last=day)
        for name, day in bank_holidays
    )
    after = snapshot(calendar)
    after["exceptions"] = len(bank_holidays)
    audit_record(actor=actor, action="calendar.created", obj=calendar, before=None, after=after)
    return calendar


@transaction.atomic
def calendar_update(
    *, actor: Any, calendar: ProgrammeCalendar, expected_version: int | None = None, **data: Any
) -> ProgrammeCalendar:
    calendar = lock_for_update(ProgrammeCalendar, calendar.pk, expected_version=expected_version)
    require(actor, "delivery.change_calendar", calendar.programme)
    before = snapshot(calendar)
    apply_fields(calendar, data)
    save_validated(calendar)
    _check_programme_schedules(calendar.programme)
    after = snapshot(calendar)
    audit_change(actor=actor, action="calendar.updated", obj=calendar, before=before, after=after)
    return calendar


@transaction.atomic
def calendar_save(
    *, actor: Any, programme: Programme, expected_version: int | None = None, **data: Any
) -> ProgrammeCalendar:
    """Create the programme's calendar if need be and change it, in one transaction."""
    require(actor, "delivery.change_calendar", programme)
    calendar = calendar_ensure(actor=actor, programme=programme)
    return calendar_update(
        actor=actor, calendar=calendar, expected_version=expected_version, **data
    )


@transaction.atomic
def calendar_exception_add(
    *, actor: Any, programme: Programme, name: str, first: dt.date, last: dt.date
) -> CalendarException:
    """Add days off (a closure, a bank holiday) to the programme calendar."""
    require(actor, "delivery.change_calendar", programme)
    calendar = calendar_ensure(actor=actor, programme=programme)
    exception = save_validated(
        CalendarException(calendar=calendar, name=name, first=first, last=last)
    )
    _check_programme_schedules(programme)
    audit_record(
        actor=actor,
        action="calendar.exception_added",
        obj=calendar,
        before=None,
        after=snapshot(exception),
    )
    return exception


@transaction.atomic
def calendar_exception_remove(*, actor: Any, exception: CalendarException) -> None:
    exception = lock_for_update(CalendarException, exception.pk)
    calendar = exception.calendar
    require(actor, "delivery.change_calendar", calendar.programme)
    before = snapshot(exception)
    exception.delete()
    _check_programme_schedules(calendar.programme)
    audit_record(
        actor=actor, action="calendar.exception_removed", obj=calendar, before=before, after=None
    )


@transaction.atomic
def schedule_calendar_apply(
    *,
    actor: Any,
    work_package: WorkPackage,
    use: str,
    expected_version: int | None = None,
) -> own_calendars.CalendarChoice:
    """Schedule an imported work package on the programme calendar (``use="programme"``) or back
    on its file's own calendar (``use="file"``), in one transaction, audited with every task that
    moved (old and new dates). Working days are kept (see ``own_calendars``). Only the PMO or the
    work package's manager may; refused (nothing changed) for a schedule with no calendar of its
    own, or one already on the calendar asked for. Returns what moved."""
    require(
        actor,
        "delivery.change_schedule_calendar",
        work_package,
        message="Only the PMO or this work package's manager can change its calendar.",
    )
    if use not in (own_calendars.PROGRAMME, own_calendars.FILE):
        raise ValidationError(
            {"use": f"Choose {own_calendars.PROGRAMME!r} or {own_calendars.FILE!r}, not {use!r}."}
        )
    found = WorkPackageSchedule.objects.filter(work_package=work_package).first()
    if found is None or not found.own_calendar:
        raise ValidationError(
            "This schedule has no calendar of its own (it was not imported from a Microsoft "
            "Project file): it runs on the programme calendar already."
        )
    schedule = lock_for_update(WorkPackageSchedule, found.pk, expected_version=expected_version)
    to_programme = use == own_calendars.PROGRAMME
    if schedule.uses_own_calendar != to_programme:
        where = "the programme calendar" if to_programme else "its file's own calendar"
        raise ValidationError({"use": f"This schedule already runs on {where}."})
    choice = own_calendars.choice_of(work_package)
    if choice.error:
        raise ValidationError(f"The programme could not be scheduled: {choice.error}")
    programme_spec = scheduling.calendar_spec_for(_programme_of(work_package))
    tasks = list(ScheduleTask.objects.filter(schedule=schedule))
    links = list(ScheduleLink.objects.filter(schedule=schedule))
    task_minutes, link_minutes, keep = own_calendars.durations_for(
        schedule, tasks, links, to_programme=to_programme, programme=programme_spec
    )
    before = snapshot(schedule)
    for task in tasks:
        task.duration_minutes = task_minutes.get(task.pk, task.duration_minutes)
    for link in links:
        link.lag_minutes = link_minutes.get(link.pk, link.lag_minutes)
    ScheduleTask.objects.bulk_update(tasks, ["duration_minutes"])
    ScheduleLink.objects.bulk_update(links, ["lag_minutes"])
    schedule.uses_own_calendar = not to_programme
    schedule.file_durations = keep
    save_validated(schedule)
    _verify(schedule)
    after = snapshot(schedule)
    after.update(
        calendar=choice.target_name,
        previous_calendar=choice.current_name,
        moved=[move.as_json() for move in choice.moves],
        unchanged=choice.unchanged,
    )
    action = (
        "schedule.programme_calendar_applied" if to_programme else "schedule.own_calendar_restored"
    )
    audit_record(actor=actor, action=action, obj=schedule, before=before, after=after)
    return choice
