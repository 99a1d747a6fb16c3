"""Working calendars, and the conversion between wall-clock times and working-minute offsets.

A :class:`Calendar` says which minutes of the week are working time (per weekday, a list of
intervals such as 09:00-13:00 and 15:00-19:00) and which dates are exceptions (a bank holiday, a
Saturday worked). The engine never does date arithmetic on wall-clock times: it counts *working
minutes* from midnight of the project's first day, which makes adding a duration or a lag a plain
integer addition. :class:`_Timeline` materialises a calendar over a range of days into numpy
arrays so that whole columns of offsets convert to and from wall-clock minutes at once.

One offset can name two wall-clock times: 480 working minutes after Monday 09:00 is both Monday
19:00 (the *end* of Monday's work) and Tuesday 09:00 (the *start* of Tuesday's). Conversions
therefore take a flag saying which one is wanted; the engine keeps that flag beside each date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import numpy as np
import numpy.typing as npt

from openpmo.core.errors import ValidationError
from openpmo.core.schedule import _kernel

__all__ = ["Calendar", "CalendarException", "WorkingInterval"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

MINUTES_PER_DAY = 24 * 60
EPOCH = datetime(1970, 1, 1)
_ONE_MINUTE = timedelta(minutes=1)
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, order=True)
class WorkingInterval:
    """Working time within one day, in minutes after midnight; ``end`` may be 1440 (midnight)."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise ValidationError(
                f"a working interval must lie within one day and end after it starts, "
                f"got {self.start}-{self.end} minutes",
                where="calendar",
            )

    @classmethod
    def of(cls, start: time, end: time) -> WorkingInterval:
        """The interval from ``start`` to ``end``; an ``end`` of 00:00 means midnight at day end."""
        end_minute = end.hour * 60 + end.minute or MINUTES_PER_DAY
        return cls(start.hour * 60 + start.minute, end_minute)

    @property
    def minutes(self) -> int:
        return self.end - self.start


def _intervals(raw: Iterable[WorkingInterval]) -> tuple[WorkingInterval, ...]:
    ordered = tuple(sorted(raw))
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.start < before.end:
            raise ValidationError(
                f"working intervals overlap: {before.start}-{before.end} and "
                f"{after.start}-{after.end} minutes",
                where="calendar",
            )
    return ordered


@dataclass(frozen=True)
class CalendarException:
    """Dates from ``first`` to ``last`` (inclusive) worked with ``intervals`` (none: a day off)."""

    first: date
    last: date
    intervals: tuple[WorkingInterval, ...] = ()
    name: str = ""

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValidationError(
                f"exception {self.name or self.first.isoformat()!r} ends before it starts",
                where="calendar",
            )
        object.__setattr__(self, "intervals", _intervals(self.intervals))


@dataclass(frozen=True)
class Calendar:
    """Working time: intervals for each weekday (Monday first) and dated exceptions."""

    week: tuple[tuple[WorkingInterval, ...], ...]
    exceptions: tuple[CalendarException, ...] = ()
    name: str = "Standard"
    _timelines: dict[int, _Timeline] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise ValidationError(
                f"a calendar needs 7 weekdays, got {len(self.week)}", where="calendar"
            )
        object.__setattr__(self, "week", tuple(_intervals(day) for day in self.week))
        if not any(self.week):
            raise ValidationError(
                f"calendar {self.name!r} has no working time on any weekday", where="calendar"
            )

    @classmethod
    def standard(
        cls,
        *,
        hours: Iterable[tuple[time, time]] = ((time(8), time(12)), (time(13), time(17))),
        working_days: Iterable[int] = (0, 1, 2, 3, 4),
        exceptions: Iterable[CalendarException] = (),
        name: str = "Standard",
    ) -> Calendar:
        """Microsoft Project's default: Monday to Friday, 08:00-12:00 and 13:00-17:00."""
        day = tuple(WorkingInterval.of(start, end) for start, end in hours)
        days = set(working_days)
        return cls(
            week=tuple(day if weekday in days else () for weekday in range(7)),
            exceptions=tuple(exceptions),
            name=name,
        )

    def intervals_on(self, day: date) -> tuple[WorkingInterval, ...]:
        """The working intervals on ``day`` (the last matching exception wins)."""
        for exception in reversed(self.exceptions):
            if exception.first <= day <= exception.last:
                return exception.intervals
        return self.week[day.weekday()]

    def is_working_day(self, day: date) -> bool:
        return bool(self.intervals_on(day))

    def describe(self) -> str:
        """One line per weekday, e.g. ``Monday 09:00-13:00, 15:00-19:00``."""
        lines = []
        for weekday, intervals in zip(_WEEKDAY_NAMES, self.week, strict=True):
            hours = ", ".join(f"{_hhmm(i.start)}-{_hhmm(i.end)}" for i in intervals)
            lines.append(f"{weekday} {hours or 'not working'}")
        return "\n".join(lines)

    # -- conversions, one value at a time (the engine uses the vectorised _Timeline) -------------

    def working_minutes_between(self, start: datetime, end: datetime) -> int:
        """Working minutes from ``start`` to ``end`` (negative when ``end`` is earlier)."""
        timeline = self.timeline(start.date())
        offsets = timeline.offsets_of(_wall_minutes([start, end]))
        return int(offsets[1] - offsets[0])

    def add_working_minutes(self, start: datetime, minutes: int) -> datetime:
        """The time ``minutes`` of working time after ``start`` (before it when negative).

        Like Microsoft Project, a result that falls on a boundary is the end of the earlier
        working period when moving forward and the start of the later one when moving back.
        """
        timeline = self.timeline(start.date())
        offset = timeline.offsets_of(_wall_minutes([start]))
        if minutes == 0:
            return start
        wall = timeline.wall_of(offset + minutes, np.array([minutes > 0]))
        return _datetimes(wall)[0]

    # -- conversions by whole columns ----------------------------------------------------------

    def offsets(self, origin: date, moments: npt.ArrayLike) -> IntArray:
        """Working minutes from midnight starting ``origin`` to each moment (``datetime64``).

        Moments in non-working time count the working time before them; moments before the
        origin give negative offsets.
        """
        wall = np.asarray(moments, dtype="datetime64[m]").astype(np.int64)
        return self.timeline(origin).offsets_of(wall.ravel()).reshape(wall.shape)

    def moments(
        self, origin: date, offsets: npt.ArrayLike, *, end_of_period: bool | npt.ArrayLike = False
    ) -> npt.NDArray[np.datetime64]:
        """The wall-clock times (``datetime64[m]``) of working-minute offsets from ``origin``.

        An offset on a boundary is the start of the next working period unless
        ``end_of_period`` (a flag, or one per offset) asks for the end of the one before.
        """
        values = np.asarray(offsets, dtype=np.int64)
        ends = np.broadcast_to(np.asarray(end_of_period, dtype=np.bool_), values.shape)
        wall = self.timeline(origin).wall_of(values.ravel(), ends.ravel())
        return wall.reshape(values.shape).astype("datetime64[m]")

    def timeline(self, origin: date) -> _Timeline:
        """The calendar materialised around ``origin`` (offset 0 is midnight starting it).

        Kept on this calendar, and shared with every equal calendar (the same weeks, exceptions
        and name): a file read again, or another project on the standard calendar, makes a new
        but equal :class:`Calendar`, whose layout need not be built again."""
        key = origin.toordinal()
        found = self._timelines.get(key)
        if found is None:
            if len(self._timelines) > 16:
                self._timelines.clear()
            found = self._timelines[key] = _shared_timeline(self, origin)
        return found


_SHARED: dict[tuple[Calendar, int], _Timeline] = {}
"""Timelines by calendar (compared by value) and origin: a few, cleared when full."""


def _shared_timeline(calendar: Calendar, origin: date) -> _Timeline:
    key = (calendar, origin.toordinal())
    try:
        found = _SHARED.get(key)
    except TypeError:  # exceptions given as a list: not hashable, so not shared
        return _Timeline(calendar, origin)
    if found is None:
        if len(_SHARED) >= 32:
            _SHARED.clear()
        found = _SHARED[key] = _Timeline(calendar, origin)
    return found


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _wall_minutes(values: Iterable[datetime]) -> IntArray:
    return np.array([(value - EPOCH) // _ONE_MINUTE for value in values], dtype=np.int64)


def _datetimes(wall: IntArray) -> list[datetime]:
    stamps = wall.astype("datetime64[m]").astype("datetime64[s]").astype(object)
    return [value for value in stamps]


@dataclass(frozen=True)
class _Span:
    """One immutable layout of a calendar over days ``first_day`` .. ``last_day - 1``."""

    first_day: int
    last_day: int
    starts: IntArray  # [day, k] start minute of interval k (1440 for padding)
    ends: IntArray
    within_start: IntArray  # [day, k] working minutes of the day before interval k
    within_end: IntArray
    cumulative: IntArray  # [i] working minutes from the origin to the midnight starting day i


_FIRST_DAY = (date(1, 1, 2) - EPOCH.date()).days
_LAST_DAY = (date(9999, 12, 30) - EPOCH.date()).days


class _Timeline:
    """A calendar laid out over a span of days as arrays; grows when asked about a later day.

    Offsets count working minutes from midnight at the start of the origin day (negative
    before it). Each growth builds a new immutable :class:`_Span` and swaps it in whole, so a
    timeline shared between threads is never seen half-built.
    """

    _PAD_DAYS = 366

    def __init__(self, calendar: Calendar, origin: date) -> None:
        self.calendar = calendar
        self.origin_day = (origin - EPOCH.date()).days
        self._span = self._build(
            self.origin_day - self._PAD_DAYS, self.origin_day + 4 * self._PAD_DAYS
        )

    def _build(self, first_day: int, last_day: int) -> _Span:
        if first_day < _FIRST_DAY or last_day > _LAST_DAY:
            raise ValidationError(
                "dates run outside the years 1 to 9999 (is a duration or lag far too long?)",
                where="calendar",
            )
        calendar = self.calendar
        days = np.arange(first_day, last_day, dtype=np.int64)
        widest = max(
            [len(day) for day in calendar.week]
            + [len(exception.intervals) for exception in calendar.exceptions]
            + [1]
        )
        pattern_start = np.full((7, widest), MINUTES_PER_DAY, dtype=np.int64)
        pattern_end = np.full((7, widest), MINUTES_PER_DAY, dtype=np.int64)
        for weekday, intervals in enumerate(calendar.week):
            for k, interval in enumerate(intervals):
                pattern_start[weekday, k] = interval.start
                pattern_end[weekday, k] = interval.end
        weekday_of = (days + 3) % 7  # 1970-01-01 was a Thursday (weekday 3)
        starts = pattern_start[weekday_of]
        ends = pattern_end[weekday_of]
        epoch = EPOCH.date()
        for exception in calendar.exceptions:
            lo = max((exception.first - epoch).days, first_day)
            hi = min((exception.last - epoch).days + 1, last_day)
            if lo >= hi:
                continue
            row_start = np.full(widest, MINUTES_PER_DAY, dtype=np.int64)
            row_end = np.full(widest, MINUTES_PER_DAY, dtype=np.int64)
            for k, interval in enumerate(exception.intervals):
                row_start[k] = interval.start
                row_end[k] = interval.end
            starts[lo - first_day : hi - first_day] = row_start
            ends[lo - first_day : hi - first_day] = row_end
        lengths = ends - starts
        cumulative = np.concatenate(([0], np.cumsum(lengths.sum(axis=1))))
        cumulative -= cumulative[self.origin_day - first_day]
        within_start = np.cumsum(lengths, axis=1) - lengths
        return _Span(
            first_day=first_day,
            last_day=last_day,
            starts=starts,
            ends=ends,
            within_start=within_start,
            within_end=within_start + lengths,
            cumulative=cumulative,
        )

    def _for_offsets(self, offsets: IntArray) -> _Span:
        span = self._span
        if offsets.size == 0:
            return span
        low, high = int(offsets.min()), int(offsets.max())
        while low <= span.cumulative[1] or high >= span.cumulative[-2]:
            width = span.last_day - span.first_day
            first = span.first_day - (width if low <= span.cumulative[1] else 0)
            last = span.last_day + (width if high >= span.cumulative[-2] else 0)
            span = self._span = self._build(max(first, _FIRST_DAY), min(last, _LAST_DAY))
            if first < _FIRST_DAY or last > _LAST_DAY:
                raise ValidationError(
                    "dates run outside the years 1 to 9999 (is a duration or lag far too long?)",
                    where="calendar",
                )
        return span

    def _for_days(self, days: IntArray) -> _Span:
        span = self._span
        if days.size == 0:
            return span
        low, high = int(days.min()), int(days.max())
        if low > span.first_day and high < span.last_day - 1:
            return span
        first = min(span.first_day, low - self._PAD_DAYS)
        last = max(span.last_day, high + self._PAD_DAYS)
        span = self._span = self._build(max(first, _FIRST_DAY), min(last, _LAST_DAY))
        return span

    def offsets_of(self, wall: IntArray) -> IntArray:
        """Working minutes from the origin to each wall-clock minute (minutes since 1970)."""
        wall = np.asarray(wall, dtype=np.int64)
        days = wall // MINUTES_PER_DAY
        span = self._for_days(days)
        row = days - span.first_day
        minute = (wall - days * MINUTES_PER_DAY)[:, None]
        worked = np.clip(minute - span.starts[row], 0, span.ends[row] - span.starts[row])
        return np.asarray(span.cumulative[row] + worked.sum(axis=1), dtype=np.int64)

    def wall_of(self, offsets: IntArray, end_form: BoolArray) -> IntArray:
        """Wall-clock minutes (since 1970) for working offsets.

        Where ``end_form`` is true the time is the end of the working period that the offset
        closes (Monday 19:00); elsewhere the start of the period it opens (Tuesday 09:00).
        """
        offsets = np.asarray(offsets, dtype=np.int64)
        end_form = np.asarray(end_form, dtype=np.bool_)
        span = self._for_offsets(offsets)
        if offsets.shape[0] >= _kernel.MIN_TASKS and _kernel.available():
            return _kernel.walls(offsets, end_form, span)
        cumulative = span.cumulative
        # start form: the last day whose midnight count is <= offset (it has work after it)
        row_start = np.searchsorted(cumulative, offsets, side="right") - 1
        # end form: the first day whose end-of-day count reaches the offset
        row_end = np.searchsorted(cumulative[1:], offsets, side="left")
        row = np.where(end_form, row_end, row_start)
        within = (offsets - cumulative[row])[:, None]
        widest = span.starts.shape[1] - 1
        k_start = np.clip((span.within_start[row] <= within).sum(axis=1) - 1, 0, widest)
        k_end = np.minimum((span.within_end[row] < within).sum(axis=1), widest)
        k = np.where(end_form, k_end, k_start)[:, None]
        minute = np.where(
            end_form[:, None],
            np.take_along_axis(span.ends[row], k, axis=1)
            - (np.take_along_axis(span.within_end[row], k, axis=1) - within),
            np.take_along_axis(span.starts[row], k, axis=1)
            + (within - np.take_along_axis(span.within_start[row], k, axis=1)),
        )[:, 0]
        return np.asarray((row + span.first_day) * MINUTES_PER_DAY + minute, dtype=np.int64)

    def is_interval_end(self, wall: IntArray) -> BoolArray:
        """True where a wall-clock minute is exactly the end of a working interval."""
        wall = np.asarray(wall, dtype=np.int64)
        days = wall // MINUTES_PER_DAY
        span = self._for_days(days)
        row = days - span.first_day
        minute = (wall - days * MINUTES_PER_DAY)[:, None]
        lengths = span.ends[row] - span.starts[row]
        hit_end = ((span.ends[row] == minute) & (lengths > 0)).any(axis=1)
        # midnight closing the previous day's last interval
        before = row - 1
        at_midnight = (minute[:, 0] == 0) & (
            (span.ends[before] == MINUTES_PER_DAY) & (span.ends[before] > span.starts[before])
        ).any(axis=1)
        return np.asarray(hit_end | at_midnight, dtype=np.bool_)

    def is_working_minute(self, wall: IntArray) -> BoolArray:
        """True where a wall-clock minute lies inside (or at the start of) working time."""
        wall = np.asarray(wall, dtype=np.int64)
        days = wall // MINUTES_PER_DAY
        span = self._for_days(days)
        row = days - span.first_day
        minute = (wall - days * MINUTES_PER_DAY)[:, None]
        inside = (span.starts[row] <= minute) & (minute < span.ends[row])
        return np.asarray(inside.any(axis=1), dtype=np.bool_)

    def values_of(self, wall: IntArray, prefer_start: bool) -> IntArray:
        """Encode wall-clock minutes as engine dates (2 * offset + form, 1 = start form).

        A time exactly at the end of a working interval is an end; inside working time, a start;
        in non-working time, whichever ``prefer_start`` says.
        """
        wall = np.asarray(wall, dtype=np.int64)
        offsets = self.offsets_of(wall)
        at_end = self.is_interval_end(wall)
        working = self.is_working_minute(wall)
        form = np.where(at_end, 0, np.where(working, 1, 1 if prefer_start else 0))
        return np.asarray(2 * offsets + form, dtype=np.int64)

    def walls_of(self, values: IntArray) -> IntArray:
        """Wall-clock minutes of engine dates."""
        values = np.asarray(values, dtype=np.int64)
        return self.wall_of(values >> 1, (values & 1) == 0)
