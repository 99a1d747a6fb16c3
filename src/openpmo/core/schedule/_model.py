"""What a schedule is made of: tasks, links between them, and a project around them."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from openpmo.core.errors import ValidationError
from openpmo.core.schedule._calendar import Calendar

__all__ = ["ConstraintType", "Link", "LinkType", "Network", "Project", "StoredDates", "Task"]


class LinkType(enum.IntEnum):
    """How a successor depends on its predecessor; the values are MSPDI's codes."""

    FF = 0  # finish to finish: the successor cannot finish before the predecessor finishes
    FS = 1  # finish to start: the successor cannot start before the predecessor finishes
    SF = 2  # start to finish: the successor cannot finish before the predecessor starts
    SS = 3  # start to start: the successor cannot start before the predecessor starts

    @classmethod
    def parse(cls, text: str) -> LinkType:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValidationError(
                f"unknown link type {text!r}: use FS, SS, FF or SF", where="link type"
            ) from None


class ConstraintType(enum.IntEnum):
    """Date constraints on a task; the values are MSPDI's codes."""

    AS_SOON_AS_POSSIBLE = 0
    AS_LATE_AS_POSSIBLE = 1
    MUST_START_ON = 2
    MUST_FINISH_ON = 3
    START_NO_EARLIER_THAN = 4
    START_NO_LATER_THAN = 5
    FINISH_NO_EARLIER_THAN = 6
    FINISH_NO_LATER_THAN = 7


@dataclass(frozen=True)
class Task:
    """A task, milestone or summary task.

    ``duration_minutes`` is working time (calendar time when ``elapsed``). A summary task takes
    its dates from the tasks under it (those whose ``parent`` chain leads to it). A manually
    scheduled task (``manual``) stays at ``start``/``finish`` whatever its links say; other
    tasks have no fixed dates (``start``/``finish`` are None; the engine computes them).
    A task with its own ``calendar`` counts its duration, and the lags into it, on that calendar.
    """

    uid: int
    name: str = ""
    duration_minutes: int = 0
    milestone: bool = False
    summary: bool = False
    parent: int | None = None
    manual: bool = False
    start: datetime | None = None
    finish: datetime | None = None
    constraint: ConstraintType = ConstraintType.AS_SOON_AS_POSSIBLE
    constraint_date: datetime | None = None
    elapsed: bool = False
    calendar: Calendar | None = None
    """the calendar the task works to (None: the schedule's); lags into it count on it"""

    def __post_init__(self) -> None:
        where = f"task {self.uid}"
        if self.duration_minutes < 0:
            raise ValidationError(
                f"duration cannot be negative ({self.duration_minutes})", where=where
            )
        needs_date = self.constraint not in (
            ConstraintType.AS_SOON_AS_POSSIBLE,
            ConstraintType.AS_LATE_AS_POSSIBLE,
        )
        if needs_date and self.constraint_date is None:
            raise ValidationError(
                f"constraint {self.constraint.name} needs a constraint date", where=where
            )
        if self.manual and (self.start is None or self.finish is None):
            raise ValidationError(
                "a manually scheduled task needs its start and finish", where=where
            )


@dataclass(frozen=True)
class Link:
    """A dependency: ``successor`` waits on ``predecessor`` by ``type`` plus a lag.

    The lag is ``lag_minutes`` of working time (calendar time when ``lag_elapsed``); a negative
    lag is a lead. When ``lag_percent`` is set, the lag is instead that percentage of the
    predecessor's duration.
    """

    predecessor: int
    successor: int
    type: LinkType = LinkType.FS
    lag_minutes: int = 0
    lag_percent: float | None = None
    lag_elapsed: bool = False


@dataclass(frozen=True)
class Network:
    """Tasks and the links between them, as given (order is kept for output)."""

    tasks: tuple[Task, ...]
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class StoredDates:
    """Dates and slack that a file carried for one task (as Microsoft Project computed them)."""

    start: datetime | None = None
    finish: datetime | None = None
    early_start: datetime | None = None
    early_finish: datetime | None = None
    late_start: datetime | None = None
    late_finish: datetime | None = None
    total_slack_minutes: int | None = None
    free_slack_minutes: int | None = None
    critical: bool | None = None


@dataclass(frozen=True)
class Project:
    """A whole schedule as read from (or written to) a Microsoft Project file."""

    name: str
    start: datetime
    calendar: Calendar
    network: Network
    minutes_per_day: int = 480
    minutes_per_week: int = 2400
    days_per_month: int = 20
    critical_slack_minutes: int = 0
    stored: Mapping[int, StoredDates] = field(default_factory=dict, compare=False)
