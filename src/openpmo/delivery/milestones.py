"""Milestones achieved, due and slipped as at a date, for a programme, a pillar or a work package.

A milestone's *planned* date is its baseline date when one is recorded, otherwise the date the
programme schedule (as stored) gives it. As at a day D:

- **achieved**: achieved on or before D, and recorded by the end of D (``known_at``): what was
  known then, never a record made later;
- **due**: planned on or before D (whether achieved or not);
- **slipped**: due but not achieved by D;
- **achieved late**: achieved by D, after its planned date;
- **upcoming**: planned after D and not achieved by D.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from openpmo.delivery.choices import TaskKind
from openpmo.delivery.models import ScheduleTask, StoredProgrammeSchedule
from openpmo.portfolio.models import Pillar, Programme, WorkPackage


@dataclass(frozen=True)
class MilestoneState:
    task: ScheduleTask
    planned: dt.date | None
    achieved_on: dt.date | None
    """as known at the time (None when not achieved, or recorded later)"""
    state: str
    """"achieved", "achieved late", "slipped", "upcoming" or "no date\""""


@dataclass
class MilestoneCounts:
    as_at: dt.date
    total: int = 0
    achieved: int = 0
    achieved_late: int = 0
    due: int = 0
    slipped: int = 0
    upcoming: int = 0
    rows: list[MilestoneState] = field(default_factory=list)


def _scope(
    programme: Programme | None, pillar: Pillar | None, work_package: WorkPackage | None
) -> tuple[QuerySet[ScheduleTask], Programme]:
    tasks = ScheduleTask.objects.filter(kind=TaskKind.MILESTONE).select_related(
        "schedule__work_package__strand__pillar__programme"
    )
    if work_package is not None:
        return tasks.filter(
            schedule__work_package=work_package
        ), work_package.strand.pillar.programme
    if pillar is not None:
        return tasks.filter(schedule__work_package__strand__pillar=pillar), pillar.programme
    if programme is not None:
        return tasks.filter(schedule__work_package__strand__pillar__programme=programme), programme
    raise ValueError("Give a programme, a pillar or a work package.")


def _scheduled_dates(programme: Programme) -> dict[int, dt.date]:
    """Each milestone's date in the stored programme schedule (task pk -> date)."""
    summary = (
        StoredProgrammeSchedule.objects.filter(programme=programme)
        .values_list("summary", flat=True)
        .first()
    )
    if not summary:
        return {}
    return {pk: dt.date.fromisoformat(day) for pk, day, _critical in summary["milestones"]}


def milestone_counts(
    *,
    as_at: dt.date,
    programme: Programme | None = None,
    pillar: Pillar | None = None,
    work_package: WorkPackage | None = None,
    known_at: dt.datetime | None = None,
) -> MilestoneCounts:
    """Milestones achieved, due and slipped as at ``as_at`` (see the module's docstring) for the
    narrowest scope given. ``known_at`` (default: the end of ``as_at``) is the moment whose
    records count: an achievement recorded after it is not known yet. Two queries."""
    tasks, owner = _scope(programme, pillar, work_package)
    if known_at is None:
        known_at = timezone.make_aware(dt.datetime.combine(as_at, dt.time.max))
    scheduled = _scheduled_dates(owner)
    counts = MilestoneCounts(as_at=as_at)
    for task in tasks.order_by("schedule__work_package__reference", "position", "uid"):
        planned = task.baseline_date or scheduled.get(task.pk)
        achieved = (
            task.achieved_on
            if task.achieved_on is not None
            and task.achieved_on <= as_at
            and task.achieved_recorded_at is not None
            and task.achieved_recorded_at <= known_at
            else None
        )
        due = planned is not None and planned <= as_at
        if achieved is not None:
            state = "achieved late" if planned is not None and achieved > planned else "achieved"
        elif planned is None:
            state = "no date"
        else:
            state = "slipped" if due else "upcoming"
        counts.total += 1
        counts.achieved += achieved is not None
        counts.achieved_late += state == "achieved late"
        counts.due += due
        counts.slipped += state == "slipped"
        counts.upcoming += state == "upcoming"
        counts.rows.append(MilestoneState(task, planned, achieved, state))
    return counts
