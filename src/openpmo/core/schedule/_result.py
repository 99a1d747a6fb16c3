"""What the engine returns: every task's dates and slack, held as columns, objects on demand.

A :class:`ScheduleResult` keeps the schedule as numpy columns (``datetime64[m]`` dates, slack in
minutes); its ``tasks`` (one :class:`TaskSchedule` each) are made the first time they are asked
for, so a caller that reads the columns, one task, or the critical path never pays for a
hundred thousand objects it does not use.

Both serialise themselves (``to_dict``): the one shape ``openpmo schedule --json`` prints and the
API gives for the same fields (times local to the minute in ISO 8601, slack in working days).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

import numpy as np
import numpy.typing as npt

__all__ = ["ScheduleColumns", "ScheduleResult", "TaskSchedule"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
DateArray = npt.NDArray[np.datetime64]


def _working_days(minutes: int, minutes_per_day: int) -> float | int:
    """Working days to four places, a whole number as an ``int`` (``2``, not ``2.0``)."""
    rounded = round(minutes / minutes_per_day, 4)
    return int(rounded) if rounded == int(rounded) else rounded


def _minutes(value: datetime) -> str:
    return value.isoformat(timespec="minutes")


@dataclass(frozen=True)
class TaskSchedule:
    """The computed schedule of one task (local wall-clock times, as Project shows them)."""

    uid: int
    name: str
    early_start: datetime
    early_finish: datetime
    late_start: datetime
    late_finish: datetime
    total_slack_minutes: int
    free_slack_minutes: int
    critical: bool
    summary: bool
    milestone: bool
    manual: bool
    minutes_per_day: int = 480

    @property
    def start(self) -> datetime:
        """Scheduled start: the early start (a manual task's early start is its own start)."""
        return self.early_start

    @property
    def finish(self) -> datetime:
        return self.early_finish

    @property
    def total_slack_days(self) -> float:
        return self.total_slack_minutes / self.minutes_per_day

    @property
    def free_slack_days(self) -> float:
        return self.free_slack_minutes / self.minutes_per_day

    def to_dict(self) -> dict[str, str | int | float | bool]:
        """The task as ``openpmo schedule --json`` prints it and the API gives it."""
        return {
            "uid": self.uid,
            "name": self.name,
            "early_start": _minutes(self.early_start),
            "early_finish": _minutes(self.early_finish),
            "late_start": _minutes(self.late_start),
            "late_finish": _minutes(self.late_finish),
            "total_slack_days": _working_days(self.total_slack_minutes, self.minutes_per_day),
            "free_slack_days": _working_days(self.free_slack_minutes, self.minutes_per_day),
            "critical": self.critical,
        }


@dataclass(frozen=True, eq=False)
class ScheduleColumns:
    """Every task's schedule as columns, in the order the network listed the tasks.

    Dates are ``datetime64[m]`` (local wall-clock minutes); slack is in minutes.
    """

    uids: IntArray
    names: tuple[str, ...] | None
    early_start: DateArray
    early_finish: DateArray
    late_start: DateArray
    late_finish: DateArray
    total_slack_minutes: IntArray
    free_slack_minutes: IntArray
    critical: BoolArray
    summary: BoolArray
    milestone: BoolArray
    manual: BoolArray

    def __len__(self) -> int:
        return int(self.uids.shape[0])


def _datetimes(values: DateArray) -> list[datetime]:
    return list(values.astype("datetime64[s]").astype(object))


@dataclass(frozen=True)
class ScheduleResult:
    """Every task's dates and slack, in the order the network listed them.

    ``columns`` holds them as arrays; ``tasks`` as :class:`TaskSchedule` objects, made when first
    asked for. Two results are equal when their project dates and every task are.
    """

    project_start: datetime
    project_finish: datetime
    columns: ScheduleColumns = field(repr=False, compare=False)
    minutes_per_day: int = 480

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ScheduleResult):
            return NotImplemented
        return (
            self.project_start == other.project_start
            and self.project_finish == other.project_finish
            and self.minutes_per_day == other.minutes_per_day
            and self.tasks == other.tasks
        )

    @cached_property
    def tasks(self) -> tuple[TaskSchedule, ...]:
        table = self.columns
        dates = [
            _datetimes(column)
            for column in (
                table.early_start,
                table.early_finish,
                table.late_start,
                table.late_finish,
            )
        ]
        names = table.names if table.names is not None else ("",) * len(table)
        return tuple(
            TaskSchedule(
                uid=uid,
                name=name,
                early_start=es,
                early_finish=ef,
                late_start=ls,
                late_finish=lf,
                total_slack_minutes=total,
                free_slack_minutes=free,
                critical=critical,
                summary=summary,
                milestone=milestone,
                manual=manual,
                minutes_per_day=self.minutes_per_day,
            )
            for uid, name, es, ef, ls, lf, total, free, critical, summary, milestone, manual in zip(
                table.uids.tolist(),
                names,
                *dates,
                table.total_slack_minutes.tolist(),
                table.free_slack_minutes.tolist(),
                table.critical.tolist(),
                table.summary.tolist(),
                table.milestone.tolist(),
                table.manual.tolist(),
                strict=True,
            )
        )

    def to_dict(self) -> dict[str, object]:
        """The project's dates and every task's :meth:`TaskSchedule.to_dict`, read from the
        columns (no task objects made: the 2,441-task file prints in a blink)."""
        table = self.columns
        dates = [
            np.datetime_as_string(column, unit="m").tolist()
            for column in (
                table.early_start,
                table.early_finish,
                table.late_start,
                table.late_finish,
            )
        ]
        day = self.minutes_per_day
        names = table.names if table.names is not None else ("",) * len(table)
        tasks = [
            {
                "uid": uid,
                "name": name,
                "early_start": es,
                "early_finish": ef,
                "late_start": ls,
                "late_finish": lf,
                "total_slack_days": _working_days(total, day),
                "free_slack_days": _working_days(free, day),
                "critical": critical,
            }
            for uid, name, es, ef, ls, lf, total, free, critical in zip(
                table.uids.tolist(),
                names,
                *dates,
                table.total_slack_minutes.tolist(),
                table.free_slack_minutes.tolist(),
                table.critical.tolist(),
                strict=True,
            )
        ]
        return {
            "project_start": _minutes(self.project_start),
            "project_finish": _minutes(self.project_finish),
            "tasks": tasks,
        }

    @cached_property
    def _positions(self) -> dict[int, int]:
        return {uid: k for k, uid in enumerate(self.columns.uids.tolist())}

    def task(self, uid: int) -> TaskSchedule:
        return self.tasks[self._positions[uid]]

    def by_uid(self) -> dict[int, TaskSchedule]:
        return {entry.uid: entry for entry in self.tasks}

    @property
    def critical_path(self) -> tuple[int, ...]:
        """UIDs of the critical tasks (not summaries), in order of early start."""
        table = self.columns
        chosen = np.flatnonzero(table.critical & ~table.summary)
        order = np.lexsort(
            (
                table.uids[chosen],
                table.early_finish[chosen].astype(np.int64),
                table.early_start[chosen].astype(np.int64),
            )
        )
        return tuple(table.uids[chosen][order].tolist())
