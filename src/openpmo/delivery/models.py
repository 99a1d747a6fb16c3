"""Schedules of work packages, the programme calendar, and the interdependency register.

A work package's schedule is tasks, milestones and summary tasks with links between them (as in
Microsoft Project); dates are computed by the engine in ``openpmo.core.schedule`` on the
programme's calendar, never stored. An :class:`Interdependency` between two work packages (across
strands and pillars) is a governance record that also feeds the programme schedule as a link
between the two work packages. The RAID register's "dependencies" are these records.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from openpmo.common.models import Illustrative, Versioned
from openpmo.delivery.choices import (
    Constraint,
    InterdependencyStatus,
    InterdependencyType,
    LinkType,
    TaskKind,
)
from openpmo.portfolio.choices import Stage

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _weekdays_default() -> list[int]:
    return [0, 1, 2, 3, 4]


class ProgrammeCalendar(Versioned):
    """The programme's working time: weekdays, working hours (one or two periods a day) and
    dated exceptions (bank holidays, closures). Every schedule of the programme runs on it."""

    programme = models.OneToOneField(
        "portfolio.Programme", on_delete=models.CASCADE, related_name="calendar"
    )
    name = models.CharField(max_length=100, default="Council working week")
    working_days = models.JSONField(
        default=_weekdays_default, help_text="Weekdays worked, 0 = Monday … 6 = Sunday"
    )
    morning_start = models.TimeField(default=dt.time(9))
    morning_end = models.TimeField(default=dt.time(13))
    afternoon_start = models.TimeField(
        null=True, blank=True, default=dt.time(14), help_text="Leave empty for one period a day"
    )
    afternoon_end = models.TimeField(null=True, blank=True, default=dt.time(17, 30))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(morning_end__gt=F("morning_start")),
                name="calendar_morning_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.programme.short_name})"

    def get_absolute_url(self) -> str:
        return reverse("delivery:calendar")

    def clean(self) -> None:
        errors: dict[str, str] = {}
        days = self.working_days
        if (
            not isinstance(days, list)
            or not days
            or any(not isinstance(d, int) or not 0 <= d <= 6 for d in days)
        ):
            errors["working_days"] = "Choose at least one working day."
        if self.morning_end <= self.morning_start:
            errors["morning_end"] = "The morning must end after it starts."
        if (self.afternoon_start is None) != (self.afternoon_end is None):
            errors["afternoon_end"] = "Give both the start and end of the afternoon, or neither."
        elif self.afternoon_start is not None and self.afternoon_end is not None:
            if self.afternoon_start < self.morning_end:
                errors["afternoon_start"] = "The afternoon must start after the morning ends."
            elif self.afternoon_end <= self.afternoon_start:
                errors["afternoon_end"] = "The afternoon must end after it starts."
        if errors:
            raise ValidationError(errors)

    @property
    def periods(self) -> list[tuple[dt.time, dt.time]]:
        found = [(self.morning_start, self.morning_end)]
        if self.afternoon_start is not None and self.afternoon_end is not None:
            found.append((self.afternoon_start, self.afternoon_end))
        return found

    @property
    def minutes_per_day(self) -> int:
        def minutes(moment: dt.time) -> int:
            return moment.hour * 60 + moment.minute

        return sum(minutes(end) - minutes(start) for start, end in self.periods)

    @property
    def working_day_names(self) -> list[str]:
        return [WEEKDAYS[d] for d in sorted(self.working_days)]


class CalendarException(models.Model):
    """Days off (bank holidays, closures) from ``first`` to ``last`` inclusive."""

    calendar = models.ForeignKey(
        ProgrammeCalendar, on_delete=models.CASCADE, related_name="exceptions"
    )
    name = models.CharField(max_length=100)
    first = models.DateField("First day")
    last = models.DateField("Last day")

    class Meta:
        ordering = ["calendar", "first"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last__gte=F("first")), name="calendar_exception_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["calendar", "first", "name"], name="calendar_exception_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.first:%d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("delivery:calendar")


class WorkPackageSchedule(Illustrative, Versioned):
    """A work package's schedule: where it starts, and where its tasks came from."""

    work_package = models.OneToOneField(
        "portfolio.WorkPackage", on_delete=models.CASCADE, related_name="schedule"
    )
    start = models.DateField(help_text="The schedule starts on this day (its project start)")
    source = models.CharField(
        max_length=300, blank=True, help_text="e.g. imported from a Microsoft Project file"
    )
    own_calendar = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="The project calendar of the imported file (weekly hours and exceptions)",
    )
    uses_own_calendar = models.BooleanField(
        default=False,
        editable=False,
        help_text="Scheduled on the file's own calendar (otherwise on the programme calendar)",
    )
    file_durations = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="Durations and lags as the file gave them, kept while the programme calendar "
        "is applied so that going back to the file's calendar restores them exactly",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["work_package__reference"]

    def __str__(self) -> str:
        return f"Schedule of {self.work_package.reference}"

    def get_absolute_url(self) -> str:
        return reverse("delivery:work-package-schedule", args=[self.work_package_id])


class ScheduleTask(Illustrative, Versioned):
    """A task, milestone or summary task of one work package's schedule.

    ``uid`` identifies the task within its schedule (Microsoft Project's UID, kept on import and
    export). Durations are working minutes on the calendar the schedule runs on (the programme's,
    or an imported file's own), shown in working days.
    A manually scheduled task keeps its ``start`` and ``finish``; others are computed.
    """

    schedule = models.ForeignKey(
        WorkPackageSchedule, on_delete=models.CASCADE, related_name="tasks"
    )
    uid = models.PositiveIntegerField("UID")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        help_text="The summary task this one sits under",
    )
    position = models.PositiveIntegerField(default=0, help_text="Order in the outline")
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=TaskKind.choices, default=TaskKind.TASK)
    duration_minutes = models.PositiveIntegerField(default=0)
    elapsed = models.BooleanField(
        default=False, help_text="The duration runs in calendar time, not working time"
    )
    manual = models.BooleanField(
        "Manually scheduled", default=False, help_text="Keeps its start and finish"
    )
    start = models.DateField(null=True, blank=True)
    finish = models.DateField(null=True, blank=True)
    constraint = models.CharField(
        max_length=4, choices=Constraint.choices, default=Constraint.AS_SOON_AS_POSSIBLE
    )
    constraint_date = models.DateField(null=True, blank=True)
    gate_stage = models.CharField(
        max_length=20,
        choices=Stage.choices,
        blank=True,
        help_text="For a milestone that is a stage gate: the stage the gate closes",
    )
    baseline_date = models.DateField(
        null=True, blank=True, help_text="For a milestone: the date it was planned for"
    )
    achieved_on = models.DateField(
        "Achieved on", null=True, blank=True, help_text="For a milestone: the day it was achieved"
    )
    achieved_evidence = models.TextField(
        "Evidence", blank=True, help_text="What shows the milestone was achieved"
    )
    achieved_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    achieved_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["schedule", "position", "uid"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "uid"], name="task_uid_unique_in_schedule"),
            models.CheckConstraint(
                condition=Q(manual=False) | (Q(start__isnull=False) & Q(finish__isnull=False)),
                name="manual_task_has_dates",
            ),
            models.CheckConstraint(
                condition=Q(finish__isnull=True)
                | Q(start__isnull=True)
                | Q(finish__gte=F("start")),
                name="task_finishes_after_start",
            ),
            models.CheckConstraint(
                condition=Q(constraint=Constraint.AS_SOON_AS_POSSIBLE)
                | Q(constraint_date__isnull=False),
                name="constraint_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("delivery:work-package-schedule", args=[self.schedule.work_package_id])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.manual and (self.start is None or self.finish is None):
            errors["start"] = "A manually scheduled task needs its start and finish dates."
        if self.start and self.finish and self.finish < self.start:
            errors["finish"] = "The finish must be on or after the start."
        if self.constraint != Constraint.AS_SOON_AS_POSSIBLE and self.constraint_date is None:
            errors["constraint_date"] = "Give the date of the constraint."
        if self.kind == TaskKind.SUMMARY and self.manual:
            errors["manual"] = "A summary task takes its dates from the tasks under it."
        if self.parent_id is not None:
            if self.parent_id == self.pk:
                errors["parent"] = "A task cannot sit under itself."
            elif self.parent.schedule_id != self.schedule_id:
                errors["parent"] = "The summary task must be in the same schedule."
            elif self.parent.kind != TaskKind.SUMMARY:
                errors["parent"] = "Tasks can only sit under a summary task."
            elif self.pk is not None and self._under_itself():
                errors["parent"] = "A summary task cannot sit under a task that is under it."
        if self.gate_stage and self.kind != TaskKind.MILESTONE:
            errors["gate_stage"] = "Only a milestone marks a stage gate."
        if self.achieved_on is not None and self.kind != TaskKind.MILESTONE:
            errors["achieved_on"] = "Only a milestone is marked achieved."
        if errors:
            raise ValidationError(errors)

    def _under_itself(self) -> bool:
        """Whether following the parents up from the new parent leads back to this task."""
        seen: set[int] = set()
        node = self.parent
        while node is not None and node.pk not in seen:
            if node.pk == self.pk:
                return True
            seen.add(node.pk)
            node = node.parent
        return node is not None

    @property
    def is_milestone(self) -> bool:
        return self.kind == TaskKind.MILESTONE

    @property
    def is_summary(self) -> bool:
        return self.kind == TaskKind.SUMMARY


class ScheduleLink(models.Model):
    """``successor`` waits on ``predecessor`` (same schedule) by ``type`` plus a lag (negative: a
    lead), in working minutes, or a percentage of the predecessor's duration."""

    schedule = models.ForeignKey(
        WorkPackageSchedule, on_delete=models.CASCADE, related_name="links"
    )
    predecessor = models.ForeignKey(
        ScheduleTask, on_delete=models.CASCADE, related_name="successor_links"
    )
    successor = models.ForeignKey(
        ScheduleTask, on_delete=models.CASCADE, related_name="predecessor_links"
    )
    type = models.CharField(max_length=2, choices=LinkType.choices, default=LinkType.FS)
    lag_minutes = models.IntegerField(default=0, help_text="Working minutes; negative is a lead")
    lag_percent = models.DecimalField(
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(-10000), MaxValueValidator(10000)],
        help_text="A lag as a percentage of the predecessor's duration (instead of minutes)",
    )
    lag_elapsed = models.BooleanField(default=False, help_text="The lag runs in calendar time")

    class Meta:
        ordering = ["schedule", "successor__position", "predecessor__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="link_unique_per_pair"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")), name="link_not_to_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} {self.type} {self.successor}"

    def get_absolute_url(self) -> str:
        return reverse("delivery:work-package-schedule", args=[self.schedule.work_package_id])

    def clean(self) -> None:
        if self.predecessor_id and self.successor_id:
            if self.predecessor_id == self.successor_id:
                raise ValidationError({"successor": "A task cannot depend on itself."})
            if {self.predecessor.schedule_id, self.successor.schedule_id} != {self.schedule_id}:
                raise ValidationError(
                    {"predecessor": "Both tasks must be in this work package's schedule."}
                )


class Interdependency(Illustrative, Versioned):
    """One work package needs another (across strands and pillars): a governance record with an
    owner, a need-by date and a status, and a link in the programme schedule while it is not
    closed. The RAID register's "dependencies" point here."""

    type = models.CharField(
        max_length=20,
        choices=InterdependencyType.choices,
        default=InterdependencyType.FINISH_TO_START,
    )
    from_work_package = models.ForeignKey(
        "portfolio.WorkPackage",
        on_delete=models.PROTECT,
        related_name="interdependencies_out",
        verbose_name="Needed from",
        help_text="The work package that provides",
    )
    from_milestone = models.ForeignKey(
        ScheduleTask,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interdependencies",
        help_text="The milestone (output) of that work package that is needed; empty means all of it",
    )
    to_work_package = models.ForeignKey(
        "portfolio.WorkPackage",
        on_delete=models.PROTECT,
        related_name="interdependencies_in",
        verbose_name="Needed by",
        help_text="The work package that depends on it",
    )
    to_task = models.ForeignKey(
        ScheduleTask,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
        verbose_name="Needed for",
        help_text="The task of the dependent work package that waits; empty means all of it",
    )
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_interdependencies",
    )
    need_by = models.DateField("Needed by date", null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=InterdependencyStatus.choices, default=InterdependencyStatus.OPEN
    )
    lag_days = models.IntegerField(
        default=0,
        validators=[MinValueValidator(-1000), MaxValueValidator(1000)],
        help_text="Working days between the output and the start of the dependent work (negative: overlap)",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["need_by", "id"]
        verbose_name_plural = "interdependencies"
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_work_package=F("to_work_package")),
                name="interdependency_between_two_work_packages",
            ),
        ]

    def __str__(self) -> str:
        return f"DEP-{self.pk or 0:03d} {self.to_work_package.name} needs {self.from_work_package.name}"

    def get_absolute_url(self) -> str:
        return reverse("delivery:interdependency-detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"DEP-{self.pk or 0:03d}"

    def clean(self) -> None:
        if self.from_work_package_id and self.from_work_package_id == self.to_work_package_id:
            raise ValidationError({"to_work_package": "A work package cannot depend on itself."})
        if self.from_milestone_id is not None:
            schedule = self.from_milestone.schedule
            if schedule.work_package_id != self.from_work_package_id:
                raise ValidationError(
                    {"from_milestone": "Choose a milestone of the work package that provides."}
                )
        if self.from_work_package_id and self.to_work_package_id:
            twins = Interdependency.objects.filter(
                from_work_package_id=self.from_work_package_id,
                to_work_package_id=self.to_work_package_id,
                from_milestone_id=self.from_milestone_id,
            ).exclude(pk=self.pk)
            if twins.exists():
                raise ValidationError(
                    {"to_work_package": "This interdependency is already in the register."}
                )
        if (
            self.to_task_id is not None
            and self.to_task.schedule.work_package_id != self.to_work_package_id
        ):
            raise ValidationError(
                {"to_task": "Choose a task of the work package that depends on it."}
            )
        if (
            self.from_work_package_id
            and self.to_work_package_id
            and self.from_work_package.strand.pillar.programme_id
            != self.to_work_package.strand.pillar.programme_id
        ):
            raise ValidationError(
                {"to_work_package": "Both work packages must be in the same programme."}
            )


class StoredProgrammeSchedule(models.Model):
    """The programme schedule as the engine last computed it (every work package's and task's
    dates), with the fingerprint of the inputs it was computed from. Pages read this; when the
    inputs' fingerprint no longer matches, it is out of date and is recalculated (never shown
    as current)."""

    programme = models.OneToOneField(
        "portfolio.Programme", on_delete=models.CASCADE, related_name="stored_schedule"
    )
    fingerprint = models.CharField(max_length=64)
    computed_at = models.DateTimeField()
    error = models.TextField(blank=True)
    summary = models.JSONField(default=dict, help_text="Work packages, milestones, critical path")
    tasks = models.JSONField(default=dict, help_text="Each work package's tasks' dates")

    def __str__(self) -> str:
        return f"Stored schedule of {self.programme}"
