"""Importing a Microsoft Project (MSPDI) file into a work package's schedule."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from openpmo import limits
from openpmo.audit.services import audit_record, snapshot
from openpmo.common.services import lock_for_update, require, save_validated
from openpmo.core.errors import OpenPMOError
from openpmo.core.schedule import Project, read_mspdi
from openpmo.delivery import core_adapters, mspdi_rows
from openpmo.delivery.choices import TaskKind
from openpmo.delivery.models import (
    Interdependency,
    ScheduleLink,
    ScheduleTask,
    WorkPackageSchedule,
)
from openpmo.delivery.services._common import (
    _refuse,
    _verify,
)
from openpmo.delivery.services.schedules import schedule_ensure
from openpmo.portfolio.models import WorkPackage


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
    project = _project_read(data, file_name)
    own = core_adapters.spec_of_calendar(project.calendar, project.minutes_per_day)
    imported = mspdi_rows.rows_from_project(project, own)
    schedule = schedule_ensure(actor=actor, work_package=work_package, start=imported.start)
    schedule = lock_for_update(WorkPackageSchedule, schedule.pk, expected_version=expected_version)
    before = snapshot(schedule)
    before["tasks"] = ScheduleTask.objects.filter(schedule=schedule).count()
    before["links"] = ScheduleLink.objects.filter(schedule=schedule).count()
    needed = _dependencies_on_tasks(schedule)
    _schedule_empty(schedule)
    by_uid = _tasks_create(schedule, imported)
    _links_create(schedule, imported, by_uid)
    _dependencies_reattach(actor, needed, by_uid)
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


def _project_read(data: bytes, file_name: str) -> Project:
    """The file as the engine's project, within the size and task limits; else refused."""
    try:
        limits.check_size(limits.SCHEDULE, file_name, len(data))
        project = read_mspdi(data)
        limits.check_task_count(file_name, len(project.network.tasks))
    except limits.UploadTooLarge as error:
        raise ValidationError({"file": str(error)}) from None
    except OpenPMOError as error:
        raise _refuse(error, "The file could not be imported: ") from None
    return project


def _dependencies_on_tasks(schedule: WorkPackageSchedule) -> list[tuple[int, str, int]]:
    """Interdependencies that name a task of this schedule, as (pk, side, the task's UID)."""
    return [
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


def _schedule_empty(schedule: WorkPackageSchedule) -> None:
    """Delete the schedule's links and tasks."""
    ScheduleLink.objects.filter(schedule=schedule).delete()
    # Children before parents, so no summary is deleted while tasks still sit under it.
    ScheduleTask.objects.filter(schedule=schedule, parent__isnull=False).update(parent=None)
    ScheduleTask.objects.filter(schedule=schedule).delete()


def _tasks_create(
    schedule: WorkPackageSchedule, imported: mspdi_rows.ImportedSchedule
) -> dict[int, ScheduleTask]:
    """Save the file's tasks, each checked first (all problems refused together), then their
    parents; the saved tasks by UID."""
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
    return by_uid


def _links_create(
    schedule: WorkPackageSchedule,
    imported: mspdi_rows.ImportedSchedule,
    by_uid: dict[int, ScheduleTask],
) -> None:
    """Save the file's links between the saved tasks."""
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


def _dependencies_reattach(
    actor: Any, needed: list[tuple[int, str, int]], by_uid: dict[int, ScheduleTask]
) -> None:
    """Each interdependency keeps its task when the file has one of the same UID and kind;
    otherwise it falls back to the whole work package, and that change is audited."""
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
