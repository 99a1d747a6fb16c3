"""Every write to schedules, the programme calendar and the interdependency register.

Each function checks the actor's permission, validates (the engine schedules the result, so a
cycle or an impossible link is refused before anything is saved), saves and writes the audit
record in one transaction: a refusal (``PermissionDenied``, ``ValidationError``,
``ConflictError``) changes nothing. Updates take ``expected_version`` so that two people saving
the same record at once cannot silently overwrite each other.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from openpmo import limits
from openpmo.audit.services import audit_record, snapshot
from openpmo.common.services import apply_fields, lock_for_update, require, save_validated
from openpmo.core.errors import OpenPMOError
from openpmo.core.schedule import read_mspdi
from openpmo.delivery import core_adapters, own_calendars, scheduling, stored_schedules
from openpmo.delivery.bank_holidays import ENGLAND_AND_WALES
from openpmo.delivery.choices import TaskKind
from openpmo.delivery.models import (
    CalendarException,
    Interdependency,
    ProgrammeCalendar,
    ScheduleLink,
    ScheduleTask,
    WorkPackageSchedule,
)
from openpmo.portfolio.models import Programme, WorkPackage

_BOOKKEEPING = {"version", "updated_at", "created_at"}


def _substance(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in _BOOKKEEPING}


def _refuse(error: OpenPMOError, prefix: str = "") -> ValidationError:
    return ValidationError(f"{prefix}{error}")


# -- the programme calendar ------------------------------------------------------------------------


@transaction.atomic
def calendar_ensure(*, actor: Any, programme: Programme) -> ProgrammeCalendar:
    """The programme's calendar, created with the UK default (and England and Wales bank
    holidays) the first time it is needed."""
    found = ProgrammeCalendar.objects.filter(programme=programme).first()
    if found is not None:
        return found
    require(actor, "delivery.change_calendar", programme)
    calendar = save_validated(ProgrammeCalendar(programme=programme))
    CalendarException.objects.bulk_create(
        CalendarException(calendar=calendar, name=name, first=day, last=day)
        for name, day in ENGLAND_AND_WALES
    )
    after = snapshot(calendar)
    after["exceptions"] = len(ENGLAND_AND_WALES)
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
    if _substance(before) != _substance(after):
        audit_record(
            actor=actor, action="calendar.updated", obj=calendar, before=before, after=after
        )
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


def _check_programme_schedules(programme: Programme) -> None:
    """Schedule the programme once and store the result (it commits with the change); refuse
    (roll back) if it cannot be scheduled."""
    try:
        stored_schedules.refresh(programme)
    except OpenPMOError as error:
        raise _refuse(error, "The programme could not be scheduled: ") from None


# -- a work package's schedule ---------------------------------------------------------------------


def _programme_of(work_package: WorkPackage) -> Programme:
    return work_package.strand.pillar.programme


@transaction.atomic
def schedule_ensure(
    *, actor: Any, work_package: WorkPackage, start: dt.date | None = None
) -> WorkPackageSchedule:
    """The work package's schedule, created (starting at its forecast or baseline start) the
    first time a task is added or a file imported."""
    found = WorkPackageSchedule.objects.filter(work_package=work_package).first()
    if found is not None:
        return found
    require(actor, "delivery.change_schedule", work_package)
    begin = (
        start
        or work_package.forecast_start
        or work_package.baseline_start
        or _programme_of(work_package).start_date
        or dt.date.today()
    )
    schedule = save_validated(
        WorkPackageSchedule(
            work_package=work_package, start=begin, is_illustrative=work_package.is_illustrative
        )
    )
    audit_record(
        actor=actor, action="schedule.created", obj=schedule, before=None, after=snapshot(schedule)
    )
    return schedule


@transaction.atomic
def schedule_update(
    *,
    actor: Any,
    schedule: WorkPackageSchedule,
    expected_version: int | None = None,
    **data: Any,
) -> WorkPackageSchedule:
    schedule = lock_for_update(WorkPackageSchedule, schedule.pk, expected_version=expected_version)
    require(actor, "delivery.change_schedule", schedule)
    before = snapshot(schedule)
    apply_fields(schedule, data)
    save_validated(schedule)
    _verify(schedule)
    after = snapshot(schedule)
    if _substance(before) != _substance(after):
        audit_record(
            actor=actor, action="schedule.updated", obj=schedule, before=before, after=after
        )
    return schedule


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


@transaction.atomic
def schedule_task_create(*, actor: Any, work_package: WorkPackage, **data: Any) -> ScheduleTask:
    """Add a task, milestone or summary task (``uid`` and ``position`` default to the next free)."""
    require(actor, "delivery.change_schedule", work_package)
    schedule = schedule_ensure(actor=actor, work_package=work_package)
    schedule = lock_for_update(WorkPackageSchedule, schedule.pk)
    taken = ScheduleTask.objects.filter(schedule=schedule).aggregate(
        uid=Max("uid"), position=Max("position")
    )
    task = ScheduleTask(schedule=schedule)
    data.setdefault("uid", (taken["uid"] or 0) + 1)
    data.setdefault("position", (taken["position"] or 0) + 1)
    apply_fields(task, data)
    try:
        save_validated(task)
    except ValidationError as error:
        if "__all__" in getattr(error, "message_dict", {}) and "uid" in str(error).lower():
            raise ValidationError({"uid": "Another task of this schedule has this UID."}) from None
        raise
    _bump(schedule)
    _verify(schedule)
    audit_record(
        actor=actor, action="schedule_task.created", obj=task, before=None, after=snapshot(task)
    )
    return task


@transaction.atomic
def schedule_task_update(
    *, actor: Any, task: ScheduleTask, expected_version: int | None = None, **data: Any
) -> ScheduleTask:
    task = lock_for_update(ScheduleTask, task.pk, expected_version=expected_version)
    require(actor, "delivery.change_schedule", task)
    before = snapshot(task)
    apply_fields(task, data)
    if task.kind != TaskKind.MILESTONE and task.interdependencies.exists():
        raise ValidationError(
            {"kind": "An interdependency needs this milestone: it must stay a milestone."}
        )
    if task.kind != TaskKind.SUMMARY and task.children.exists():
        raise ValidationError({"kind": "Tasks sit under this one: it must stay a summary task."})
    save_validated(task)
    _bump(task.schedule)
    _verify(task.schedule)
    after = snapshot(task)
    if _substance(before) != _substance(after):
        audit_record(
            actor=actor, action="schedule_task.updated", obj=task, before=before, after=after
        )
    return task


@transaction.atomic
def schedule_task_delete(
    *, actor: Any, task: ScheduleTask, expected_version: int | None = None
) -> None:
    """Remove a task and its links. Refused while tasks sit under it or an interdependency
    needs it (change those first)."""
    task = lock_for_update(ScheduleTask, task.pk, expected_version=expected_version)
    require(actor, "delivery.change_schedule", task)
    if task.children.exists():
        raise ValidationError("Move or remove the tasks under this summary task first.")
    needed = list(task.interdependencies.all()) + list(task.needs.all())
    if needed:
        names = ", ".join(d.reference for d in needed)
        raise ValidationError(
            f"The interdependency {names} needs this milestone: change or close it first."
        )
    schedule = task.schedule
    before = snapshot(task)
    before["links"] = [
        str(link)
        for link in ScheduleLink.objects.filter(predecessor=task).select_related(
            "predecessor", "successor"
        )
    ] + [
        str(link)
        for link in ScheduleLink.objects.filter(successor=task).select_related(
            "predecessor", "successor"
        )
    ]
    audit_record(actor=actor, action="schedule_task.deleted", obj=task, before=before, after=None)
    task.delete()
    _bump(schedule)
    _verify(schedule)


@transaction.atomic
def schedule_link_create(
    *,
    actor: Any,
    predecessor: ScheduleTask,
    successor: ScheduleTask,
    **data: Any,
) -> ScheduleLink:
    """Link two tasks of one schedule; a link that closes a loop is refused, naming the loop."""
    schedule = predecessor.schedule
    require(actor, "delivery.change_schedule", schedule)
    if successor.schedule_id != schedule.pk:
        raise ValidationError(
            {"successor": "Both tasks must be in the same work package's schedule."}
        )
    if ScheduleLink.objects.filter(predecessor=predecessor, successor=successor).exists():
        raise ValidationError({"successor": "These tasks are already linked."})
    link = ScheduleLink(schedule=schedule, predecessor=predecessor, successor=successor)
    apply_fields(link, data)
    save_validated(link)
    _bump(schedule)
    _verify(schedule)
    audit_record(
        actor=actor, action="schedule_link.created", obj=link, before=None, after=snapshot(link)
    )
    return link


@transaction.atomic
def schedule_link_delete(*, actor: Any, link: ScheduleLink) -> None:
    link = lock_for_update(ScheduleLink, link.pk)
    require(actor, "delivery.change_schedule", link)
    schedule = link.schedule
    audit_record(
        actor=actor, action="schedule_link.deleted", obj=link, before=snapshot(link), after=None
    )
    link.delete()
    _bump(schedule)
    _verify(schedule)


@transaction.atomic
def schedule_import_mspdi(
    *,
    actor: Any,
    work_package: WorkPackage,
    data: bytes,
    file_name: str = "",
    expected_version: int | None = None,
) -> WorkPackageSchedule:
    """Replace the work package's schedule with a Microsoft Project XML file, all or nothing.

    The file is read with defusedxml (document type declarations, entity expansion and external
    entities refused); a malformed or hostile file, a wrong root, a task without a UID, a link to
    an unknown task, a loop or a link the engine cannot schedule is refused with the engine's
    message and nothing is saved. The schedule keeps the file's own project calendar (weekly
    hours and exceptions) and runs on it, so its dates are the file's; durations and lags are
    kept as the file gives them. Applying the programme calendar instead is a separate, explicit
    step (``schedule_calendar_apply``).
    Interdependencies that named a milestone keep it when the file has a milestone of the same
    UID; otherwise they fall back to the whole work package (and that change is audited).
    """
    require(actor, "delivery.change_schedule", work_package)
    try:
        limits.check_size(limits.SCHEDULE, file_name, len(data))
        project = read_mspdi(data)
        limits.check_task_count(file_name, len(project.network.tasks))
    except limits.UploadTooLarge as error:
        raise ValidationError({"file": str(error)}) from None
    except OpenPMOError as error:
        raise _refuse(error, "The file could not be imported: ") from None
    own = core_adapters.spec_of_calendar(project.calendar, project.minutes_per_day)
    imported = core_adapters.rows_from_project(project, own)
    schedule = schedule_ensure(actor=actor, work_package=work_package, start=imported.start)
    schedule = lock_for_update(WorkPackageSchedule, schedule.pk, expected_version=expected_version)
    before = snapshot(schedule)
    before["tasks"] = ScheduleTask.objects.filter(schedule=schedule).count()
    before["links"] = ScheduleLink.objects.filter(schedule=schedule).count()
    # Interdependencies that name a task of this schedule, by the task's UID (kept when the file
    # has a task of the same UID and kind).
    needed = [
        (d.pk, "from_milestone", d.from_milestone.uid)
        for d in Interdependency.objects.filter(from_milestone__schedule=schedule).select_related(
            "from_milestone"
        )
    ] + [
        (d.pk, "to_task", d.to_task.uid)
        for d in Interdependency.objects.filter(to_task__schedule=schedule).select_related(
            "to_task"
        )
    ]
    ScheduleLink.objects.filter(schedule=schedule).delete()
    # Children before parents, so no summary is deleted while tasks still sit under it.
    ScheduleTask.objects.filter(schedule=schedule, parent__isnull=False).update(parent=None)
    ScheduleTask.objects.filter(schedule=schedule).delete()

    by_uid: dict[int, ScheduleTask] = {}
    problems: dict[str, list[str]] = {}
    for values in imported.tasks:
        fields = {k: v for k, v in values.items() if k != "parent_uid"}
        task = ScheduleTask(schedule=schedule, is_illustrative=schedule.is_illustrative, **fields)
        try:
            task.full_clean(
                exclude=["parent", "schedule"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            problems[f"task {values['uid']}"] = error.messages
        by_uid[task.uid] = task
    if problems:
        raise ValidationError(
            "The file could not be imported: "
            + "; ".join(f"{where}: {' '.join(msgs)}" for where, msgs in problems.items())
        )
    ScheduleTask.objects.bulk_create(by_uid.values())
    by_uid = {t.uid: t for t in ScheduleTask.objects.filter(schedule=schedule)}
    parented = []
    for values in imported.tasks:
        if values["parent_uid"] is not None:
            task = by_uid[values["uid"]]
            task.parent = by_uid[values["parent_uid"]]
            parented.append(task)
    ScheduleTask.objects.bulk_update(parented, ["parent"])
    ScheduleLink.objects.bulk_create(
        ScheduleLink(
            schedule=schedule,
            predecessor=by_uid[values["predecessor_uid"]],
            successor=by_uid[values["successor_uid"]],
            type=values["type"],
            lag_minutes=values["lag_minutes"],
            lag_percent=values["lag_percent"],
            lag_elapsed=values["lag_elapsed"],
        )
        for values in _unique_links(imported.links)
    )
    for dependency_pk, side, uid in needed:
        dependency = Interdependency.objects.get(pk=dependency_pk)
        task = by_uid.get(uid)
        fits = task is not None and (
            task.kind == TaskKind.MILESTONE
            if side == "from_milestone"
            else task.kind != TaskKind.MILESTONE
        )
        if fits:
            setattr(dependency, side, task)
            dependency.save(update_fields=[side])
            continue
        dep_before = snapshot(dependency)
        setattr(dependency, side, None)
        dependency.version += 1
        dependency.save(update_fields=[side, "version"])
        audit_record(
            actor=actor,
            action="interdependency.updated",
            obj=dependency,
            before=dep_before,
            after=snapshot(dependency),
        )
    digest = hashlib.sha256(data).hexdigest()
    schedule.start = imported.start
    schedule.own_calendar = core_adapters.spec_to_json(own)
    schedule.uses_own_calendar = True
    schedule.file_durations = None
    schedule.source = (
        f"Imported from {file_name or 'a Microsoft Project file'} "
        f"({len(imported.tasks)} tasks, {len(imported.links)} links)"
    )[:300]
    save_validated(schedule)
    _verify(schedule)
    after = snapshot(schedule)
    after.update(
        tasks=len(imported.tasks),
        links=len(imported.links),
        file_name=file_name,
        sha256=digest,
        durations_rescaled=imported.scaled,
        calendar=f"the file's own ({own.name})",
    )
    audit_record(actor=actor, action="schedule.imported", obj=schedule, before=before, after=after)
    return schedule


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


@transaction.atomic
def milestone_achieve(
    *,
    actor: Any,
    task: ScheduleTask,
    achieved_on: dt.date | None,
    evidence: str,
    expected_version: int | None = None,
    recorded_at: dt.datetime | None = None,
) -> ScheduleTask:
    """Record the day a milestone was achieved and what shows it (or correct that record),
    audited. Refused for a task that is not a milestone, a day still to come, or no evidence.

    ``recorded_at`` (default: now) is when the achievement became known, for history loaded
    after the fact (the demo's past): "achieved as at a date" counts only what was recorded by
    then. It cannot be in the future, nor before the day achieved."""
    task = lock_for_update(ScheduleTask, task.pk, expected_version=expected_version)
    require(
        actor,
        "delivery.record_milestone",
        task,
        message="Only the PMO, the pillar's sponsor or the work package's manager can record "
        "that a milestone was achieved.",
    )
    errors: dict[str, str] = {}
    if task.kind != TaskKind.MILESTONE:
        errors["achieved_on"] = f"{task.name} is not a milestone: only milestones are achieved."
    elif achieved_on is None:
        errors["achieved_on"] = "Give the day the milestone was achieved."
    elif achieved_on > timezone.localdate():
        errors["achieved_on"] = "The day it was achieved cannot be in the future."
    elif recorded_at is not None and (
        recorded_at > timezone.now() or timezone.localdate(recorded_at) < achieved_on
    ):
        errors["achieved_on"] = (
            "It can be recorded only on or after the day it was achieved, and not in the future."
        )
    if not (evidence or "").strip():
        errors["achieved_evidence"] = (
            "Say what shows the milestone was achieved (a document, a decision, a sign-off)."
        )
    if errors:
        raise ValidationError(errors)
    before = snapshot(task)
    task.achieved_on, task.achieved_evidence = achieved_on, evidence.strip()
    task.achieved_recorded_by = actor if getattr(actor, "pk", None) is not None else None
    task.achieved_recorded_at = recorded_at or timezone.now()
    save_validated(task)
    action = "milestone.achievement_corrected" if before["achieved_on"] else "milestone.achieved"
    audit_record(actor=actor, action=action, obj=task, before=before, after=snapshot(task))
    return task


def _unique_links(links: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One link per pair of tasks (Project allows one; a repeated pair keeps the first)."""
    seen: set[tuple[int, int]] = set()
    kept = []
    for values in links:
        pair = (values["predecessor_uid"], values["successor_uid"])
        if pair in seen or pair[0] == pair[1]:
            continue
        seen.add(pair)
        kept.append(values)
    return kept


# -- the interdependency register ------------------------------------------------------------------


def _programme_of_dependency(dependency: Interdependency) -> Programme:
    return dependency.from_work_package.strand.pillar.programme


@transaction.atomic
def interdependency_create(*, actor: Any, **data: Any) -> Interdependency:
    """Record that one work package needs another. It feeds the programme schedule at once; one
    that would make the programme loop is refused, naming the loop."""
    dependency = Interdependency()
    apply_fields(dependency, data)
    require(
        actor,
        "delivery.change_interdependency",
        dependency,
        message="Only the PMO or the sponsor of either work package's pillar can record this.",
    )
    save_validated(dependency)
    _check_programme_schedules(_programme_of_dependency(dependency))
    audit_record(
        actor=actor,
        action="interdependency.created",
        obj=dependency,
        before=None,
        after=snapshot(dependency),
    )
    return dependency


@transaction.atomic
def interdependency_update(
    *,
    actor: Any,
    interdependency: Interdependency,
    expected_version: int | None = None,
    **data: Any,
) -> Interdependency:
    dependency = lock_for_update(
        Interdependency, interdependency.pk, expected_version=expected_version
    )
    require(actor, "delivery.change_interdependency", dependency)
    before = snapshot(dependency)
    apply_fields(dependency, data)
    require(
        actor,
        "delivery.change_interdependency",
        dependency,
        message="You cannot move this to work packages whose pillars you do not sponsor.",
    )
    save_validated(dependency)
    _check_programme_schedules(_programme_of_dependency(dependency))
    after = snapshot(dependency)
    if _substance(before) != _substance(after):
        audit_record(
            actor=actor,
            action="interdependency.updated",
            obj=dependency,
            before=before,
            after=after,
        )
    return dependency


@transaction.atomic
def interdependency_delete(
    *, actor: Any, interdependency: Interdependency, expected_version: int | None = None
) -> None:
    """Remove a record entered in error (to end one that no longer applies, close it)."""
    dependency = lock_for_update(
        Interdependency, interdependency.pk, expected_version=expected_version
    )
    require(actor, "delivery.change_interdependency", dependency)
    audit_record(
        actor=actor,
        action="interdependency.deleted",
        obj=dependency,
        before=snapshot(dependency),
        after=None,
    )
    programme = _programme_of_dependency(dependency)
    dependency.delete()
    stored_schedules.refresh_later(programme)
