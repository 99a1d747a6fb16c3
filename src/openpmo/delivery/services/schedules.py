"""A work package's schedule: its start, tasks, links and milestones achieved."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from openpmo.audit.services import audit_change, audit_record, snapshot
from openpmo.common.services import apply_fields, lock_for_update, require, save_validated
from openpmo.delivery.choices import TaskKind
from openpmo.delivery.models import (
    ScheduleLink,
    ScheduleTask,
    WorkPackageSchedule,
)
from openpmo.delivery.services._common import (
    _bump,
    _programme_of,
    _verify,
)
from openpmo.portfolio.models import WorkPackage


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
    audit_change(actor=actor, action="schedule.updated", obj=schedule, before=before, after=after)
    return schedule


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
    audit_change(actor=actor, action="schedule_task.updated", obj=task, before=before, after=after)
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
