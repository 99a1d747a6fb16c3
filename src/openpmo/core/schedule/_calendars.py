"""Scheduling when tasks work to different calendars (``Task.calendar``).

The single-calendar engine counts every date in working minutes of one calendar, so adding a
duration or a lag is an integer addition. With several calendars a count in one calendar means
nothing in another, so this pass goes task by task in topological order and converts a date
through wall-clock time wherever a link joins two calendars:

* each task's dates are counted in working minutes of its own calendar (the schedule's calendar
  when ``Task.calendar`` is None), with the same encoding and arithmetic as ``_passes``;
* a link's lag is counted on the *successor's* calendar, as Microsoft Project does: going forward
  the predecessor's date is converted to the successor's calendar and then shifted; going back
  the successor's date is shifted on its own calendar and then converted to the predecessor's;
* a moment that is not working time on the receiving calendar becomes the next working minute
  going forward (a task never starts before what it waits for has happened) and the end of the
  previous working period going back;
* slack is in working minutes of the task's own calendar (summaries: the schedule's calendar).

It is used only when more than one calendar is present (``several``), so every single-calendar
schedule keeps the column engine's results and speed. On a single calendar it gives the column
engine's dates exactly (``tests/core/test_schedule_calendars.py`` checks both on random networks).
"""

from __future__ import annotations

import weakref
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from openpmo.core.errors import CycleError
from openpmo.core.schedule._calendar import EPOCH, Calendar, _Timeline
from openpmo.core.schedule._levels import _CycleFound, topological_levels
from openpmo.core.schedule._model import ConstraintType, LinkType, Network
from openpmo.core.schedule._outline import roll_up
from openpmo.core.schedule._passes import NEVER_AFTER, NEVER_BEFORE
from openpmo.core.schedule._result import ScheduleColumns, ScheduleResult
from openpmo.core.schedule._table import NO_TIME, NetworkArrays, table_of

if TYPE_CHECKING:
    from openpmo.core.schedule._engine import _Front

__all__ = ["schedule_on_calendars", "several"]

IntArray = npt.NDArray[np.int64]
_ONE_MINUTE = timedelta(minutes=1)
_NB = int(NEVER_BEFORE)
_NA = int(NEVER_AFTER)


_OWN_CALENDARS: dict[int, tuple[weakref.ref[Network], bool]] = {}
"""Whether any task of a network (by id, while it lives) names a calendar of its own."""


def several(network: Network, calendar: Calendar) -> bool:
    """True when some task works to a calendar other than the schedule's."""
    found = _OWN_CALENDARS.get(id(network))
    if found is None or found[0]() is not network:
        own = any(task.calendar is not None for task in network.tasks)
        found = remember_own_calendars(network, own)
    return found[1] and any(
        task.calendar is not None and task.calendar != calendar for task in network.tasks
    )


def remember_own_calendars(network: Network, own: bool) -> tuple[weakref.ref[Network], bool]:
    """Note whether any of ``network``'s (frozen) tasks names a calendar of its own, once: the
    reader of MSPDI files, whose tasks never do, says so as it makes the network."""
    key = id(network)
    found = _OWN_CALENDARS[key] = (
        weakref.ref(network, lambda _: _OWN_CALENDARS.pop(key, None)),
        own,
    )
    return found


def _shift(value: int, minutes: int) -> int:
    """``_passes._shift`` for one date: forward lands at an end, back at a start."""
    if minutes == 0:
        return value
    return 2 * ((value >> 1) + minutes) + (1 if minutes < 0 else 0)


class _Clock:
    """One calendar laid out from the project's first day, one date at a time."""

    def __init__(self, timeline: _Timeline) -> None:
        self.timeline = timeline
        # dates repeat a great deal (the ends of working days): convert each once
        self._walls: dict[int, int] = {}
        self._values: dict[tuple[int, bool], int] = {}

    def wall(self, value: int) -> int:
        found = self._walls.get(value)
        if found is None:
            found = self._walls[value] = int(self.timeline.walls_of(np.array([value], np.int64))[0])
        return found

    def value(self, wall: int, prefer_start: bool) -> int:
        key = (wall, prefer_start)
        found = self._values.get(key)
        if found is None:
            found = self._values[key] = int(
                self.timeline.values_of(np.array([wall], np.int64), prefer_start)[0]
            )
        return found

    def values(self, walls: IntArray, prefer_start: bool, default: int) -> IntArray:
        out = np.full(walls.shape[0], default, np.int64)
        present = np.flatnonzero(walls != NO_TIME)
        if present.size:
            out[present] = self.timeline.values_of(walls[present], prefer_start)
        return out


def schedule_on_calendars(
    network: Network,
    calendar: Calendar,
    project_start: datetime,
    *,
    minutes_per_day: int = 480,
    critical_slack_minutes: int = 0,
) -> ScheduleResult:
    """Schedule ``network`` with each task on its own calendar (see the module docstring)."""
    from openpmo.core.schedule._engine import _Front, _label

    table = table_of(network)
    origin = project_start.date()
    base = calendar.timeline(origin)
    front = _Front(table, base, project_start)
    leaves = front.leaves
    n = leaves.shape[0]
    clocks: dict[Calendar, _Clock] = {calendar: _Clock(base)}
    clock_of: list[_Clock] = []
    for k in leaves.tolist():
        own = network.tasks[k].calendar or calendar
        if own not in clocks:
            clocks[own] = _Clock(own.timeline(origin))
        clock_of.append(clocks[own])
    try:
        levels = topological_levels(n, front.pred, front.succ)
    except _CycleFound as found:
        raise CycleError([_label(table, int(leaves[k])) for k in found.indices]) from None
    dates = _Dates(table, front, clock_of, project_start)
    order = np.argsort(levels, kind="stable").tolist()
    dates.forward(order)
    dates.backward(order[::-1])
    return dates.result(base, project_start, minutes_per_day, critical_slack_minutes)


class _Dates:
    """The passes, one task at a time, each on its own clock."""

    def __init__(
        self, table: NetworkArrays, front: _Front, clock_of: list[_Clock], project_start: datetime
    ) -> None:
        self.table = table
        self.front = front
        self.clock_of = clock_of
        arrays = front.arrays
        leaves = front.leaves
        n = leaves.shape[0]
        self.n = n
        self.durations = arrays.durations.tolist()
        self.manual = arrays.manual.tolist()
        elapsed = arrays.elapsed if arrays.elapsed is not None else np.zeros(n, np.bool_)
        self.elapsed = elapsed.tolist()
        lag_elapsed = arrays.elapsed_lags
        if lag_elapsed is None:
            lag_elapsed = np.zeros(arrays.lags.shape[0], np.bool_)
        self.start_wall = (project_start - EPOCH) // _ONE_MINUTE
        self.groups, self.bounds = self._bounds(table, clock_of)
        self.links, self.incoming, self.outgoing = self._links(lag_elapsed)
        self.es = [0] * n
        self.ef = [0] * n
        self.ls = [0] * n
        self.lf = [0] * n
        self.wall_es = [0] * n
        self.wall_ef = [0] * n
        self.wall_ls = [0] * n
        self.wall_lf = [0] * n
        self.finish_wall = self.start_wall
        self.finish_value = 1
        self.finish_clock: _Clock | None = None

    def _bounds(
        self, table: NetworkArrays, clock_of: list[_Clock]
    ) -> tuple[list[tuple[_Clock, IntArray]], dict[str, list[int]]]:
        """Each task's bounds from its constraint and manual dates, on its own clock (one
        conversion a clock); and the tasks grouped by clock."""
        arrays = self.front.arrays
        leaves = self.front.leaves
        n = self.n
        kinds = table.column("constraints", 0, np.int64).astype(np.int64)[leaves]
        moments = table.column("constraint_minutes", NO_TIME, np.int64).astype(np.int64)[leaves]
        manual = arrays.manual
        starts = table.column("start_minutes", NO_TIME, np.int64).astype(np.int64)[leaves]
        finishes = table.column("finish_minutes", NO_TIME, np.int64).astype(np.int64)[leaves]
        columns: dict[str, list[int]] = {
            name: [0] * n
            for name in (
                "start_bound",
                "finish_bound",
                "late_start_bound",
                "late_finish_bound",
                "pin_start",
                "pin_finish",
                "manual_start",
                "manual_finish",
                "start_value",
            )
        }
        groups: dict[int, tuple[_Clock, list[int]]] = {}
        for k, clock in enumerate(clock_of):
            groups.setdefault(id(clock), (clock, []))[1].append(k)
        for clock, members in groups.values():
            at = np.array(members, np.int64)

            def where(kind: ConstraintType, at: IntArray = at) -> IntArray:
                return np.where(kinds[at] == kind, moments[at], NO_TIME)

            start_value = clock.value(self.start_wall, True) | 1
            found = {
                "start_bound": np.maximum(
                    clock.values(where(ConstraintType.START_NO_EARLIER_THAN), True, _NB),
                    start_value,
                ),
                "finish_bound": clock.values(
                    where(ConstraintType.FINISH_NO_EARLIER_THAN), False, _NB
                ),
                "late_start_bound": clock.values(
                    where(ConstraintType.START_NO_LATER_THAN), True, _NA
                ),
                "late_finish_bound": clock.values(
                    where(ConstraintType.FINISH_NO_LATER_THAN), False, _NA
                ),
                "pin_start": clock.values(where(ConstraintType.MUST_START_ON), True, _NB),
                "pin_finish": clock.values(where(ConstraintType.MUST_FINISH_ON), False, _NB),
                "manual_start": clock.values(np.where(manual[at], starts[at], NO_TIME), True, _NB),
                "manual_finish": clock.values(
                    np.where(manual[at], finishes[at], NO_TIME), False, _NB
                ),
                "start_value": np.full(at.shape[0], start_value, np.int64),
            }
            for name, values in found.items():
                column = columns[name]
                for k, value in zip(members, values.tolist(), strict=True):
                    column[k] = value
        return [(clock, np.array(members, np.int64)) for clock, members in groups.values()], columns

    def _links(
        self, lag_elapsed: npt.NDArray[np.bool_]
    ) -> tuple[list[tuple[int, int, int, int, bool]], list[list[int]], list[list[int]]]:
        """The links as tuples, and each task's incoming and outgoing link numbers."""
        arrays = self.front.arrays
        n = self.n
        types = arrays.link_types.tolist()
        lags = arrays.lags.tolist()
        pred, succ = arrays.predecessors.tolist(), arrays.successors.tolist()
        links = list(zip(pred, succ, types, lags, lag_elapsed.tolist(), strict=True))
        incoming: list[list[int]] = [[] for _ in range(n)]
        outgoing: list[list[int]] = [[] for _ in range(n)]
        for e, (p, s, *_rest) in enumerate(links):
            incoming[s].append(e)
            outgoing[p].append(e)
        return links, incoming, outgoing

    # -- conversions between clocks -------------------------------------------------------------

    def walls(self, values: list[int]) -> IntArray:
        """Wall-clock minutes of every task's date, each on its own clock (one call a clock)."""
        out = np.zeros(self.n, np.int64)
        column = np.asarray(values, np.int64)
        for clock, members in self.groups:
            out[members] = clock.timeline.walls_of(column[members])
        return out

    @staticmethod
    def _convert(value: int, source: _Clock, target: _Clock, prefer_start: bool) -> int:
        if source is target or value in (_NB, _NA):
            return value
        return target.value(source.wall(value), prefer_start)

    def _lagged(self, value: int, clock: _Clock, lag: int, elapsed: bool) -> int:
        if lag == 0:
            return value
        if elapsed:
            return clock.value(clock.wall(value) + lag, lag < 0)
        return _shift(value, lag)

    # -- forward ---------------------------------------------------------------------------------

    def forward(self, order: list[int]) -> None:
        bounds = self.bounds
        for k in order:
            clock = self.clock_of[k]
            d = self.durations[k]
            start_req = bounds["start_bound"][k]
            finish_req = bounds["finish_bound"][k]
            for e in self.incoming[k]:
                p, _s, kind, lag, lag_elapsed = self.links[e]
                from_finish = kind in (LinkType.FS, LinkType.FF)
                source = self.ef[p] if from_finish else self.es[p]
                source = self._convert(source, self.clock_of[p], clock, True)
                candidate = self._lagged(source, clock, lag, lag_elapsed)
                if kind in (LinkType.FS, LinkType.SS):
                    start_req = max(start_req, candidate)
                else:
                    finish_req = max(finish_req, candidate)
            if d > 0:
                start_req |= 1
                finish_from_start = (start_req & ~1) + 2 * d
                start_from_finish = (finish_req & ~1) - 2 * d + 1
            else:
                finish_from_start = start_req
                start_from_finish = finish_req
            if start_from_finish >= start_req:
                es, ef = start_from_finish, finish_req
            else:
                es, ef = start_req, finish_from_start
            pin_s, pin_f = bounds["pin_start"][k], bounds["pin_finish"][k]
            if pin_s > _NB:
                es, ef = pin_s, _shift(pin_s, d)
            if pin_f > _NB:
                es, ef = _shift(pin_f, -d), pin_f
            if self.manual[k]:
                es, ef = bounds["manual_start"][k], bounds["manual_finish"][k]
            elif self.elapsed[k]:
                self.wall_es[k] = clock.wall(es)
                self.wall_ef[k] = self.wall_es[k] + d
                ef = clock.value(self.wall_ef[k], False)
            self.es[k], self.ef[k] = es, ef
        if self.n:
            walls = self.walls(self.ef).tolist()
            last = max(range(self.n), key=lambda k: (walls[k], self.ef[k]))
            self.finish_wall = walls[last]
            self.finish_value = self.ef[last]
            self.finish_clock = self.clock_of[last]

    # -- backward --------------------------------------------------------------------------------

    def backward(self, order: list[int]) -> None:
        bounds = self.bounds
        for k in order:
            clock = self.clock_of[k]
            d = self.durations[k]
            if self.finish_clock is None:
                finish = self.finish_value
            else:
                finish = self._convert(self.finish_value, self.finish_clock, clock, False)
            lf_req = min(bounds["late_finish_bound"][k], finish)
            ls_req = bounds["late_start_bound"][k]
            for e in self.outgoing[k]:
                _p, s, kind, lag, lag_elapsed = self.links[e]
                successor_clock = self.clock_of[s]
                source = self.ls[s] if kind in (LinkType.FS, LinkType.SS) else self.lf[s]
                candidate = self._lagged(source, successor_clock, -lag, lag_elapsed)
                candidate = self._convert(candidate, successor_clock, clock, False)
                if kind in (LinkType.FS, LinkType.FF):
                    lf_req = min(lf_req, candidate)
                else:
                    ls_req = min(ls_req, candidate)
            loose = self.manual[k] or self.elapsed[k]
            if d > 0 and not loose:
                lf_req &= ~1
            start_from_finish = (lf_req & ~1) - 2 * d + 1 if d > 0 else lf_req
            if self.manual[k]:
                ls_req = _NA
            finish_from_start = (ls_req & ~1) + 2 * d if d > 0 else ls_req
            if finish_from_start < lf_req:
                lf, ls = finish_from_start, ls_req
            else:
                lf, ls = lf_req, start_from_finish
            pin_s, pin_f = bounds["pin_start"][k], bounds["pin_finish"][k]
            if pin_s > _NB:
                ls, lf = pin_s, _shift(pin_s, d)
            if pin_f > _NB:
                ls, lf = _shift(pin_f, -d), pin_f
            if self.elapsed[k] and not self.manual[k]:
                self.wall_lf[k] = clock.wall(lf)
                self.wall_ls[k] = self.wall_lf[k] - d
                ls = clock.value(self.wall_ls[k], True)
            self.ls[k], self.lf[k] = ls, lf

    # -- slack and the result --------------------------------------------------------------------

    def _slack(self) -> tuple[list[int], list[int]]:
        total = [
            min((self.ls[k] >> 1) - (self.es[k] >> 1), (self.lf[k] >> 1) - (self.ef[k] >> 1))
            for k in range(self.n)
        ]
        free = []
        for k in range(self.n):
            clock = self.clock_of[k]
            if self.finish_clock is None:
                finish = self.finish_value
            else:
                finish = self._convert(self.finish_value, self.finish_clock, clock, False)
            free.append((finish >> 1) - (self.ef[k] >> 1))
        for p, s, kind, lag, _lag_elapsed in self.links:
            clock = self.clock_of[s]
            source = self.ef[p] if kind in (LinkType.FS, LinkType.FF) else self.es[p]
            source = self._convert(source, self.clock_of[p], clock, True)
            target = self.es[s] if kind in (LinkType.FS, LinkType.SS) else self.ef[s]
            free[p] = min(free[p], (target >> 1) - (_shift(source, lag) >> 1))
        for k in range(self.n):
            if not self.elapsed[k] or self.manual[k]:
                continue
            total[k] = min(self.wall_ls[k] - self.wall_es[k], self.wall_lf[k] - self.wall_ef[k])
            free[k] = self.finish_wall - self.wall_ef[k]
        for p, s, kind, lag, _lag_elapsed in self.links:
            if not self.elapsed[p] or self.manual[p]:
                continue
            source_wall = self.wall_ef[p] if kind in (LinkType.FS, LinkType.FF) else self.wall_es[p]
            target = self.es[s] if kind in (LinkType.FS, LinkType.SS) else self.ef[s]
            free[p] = min(free[p], self.clock_of[s].wall(target) - (source_wall + lag))
        return total, [min(f, t) for f, t in zip(free, total, strict=True)]

    def result(
        self,
        base: _Timeline,
        project_start: datetime,
        minutes_per_day: int,
        critical_slack_minutes: int,
    ) -> ScheduleResult:
        table, front = self.table, self.front
        size, leaves, summary = table.size, front.leaves, front.summary
        total, free = self._slack()
        walls = [np.zeros(size, np.int64) for _ in range(4)]
        for column, values in zip(walls, (self.es, self.ef, self.ls, self.lf), strict=True):
            column[leaves] = self.walls(values)
        held = self._held()
        es_wall, ef_wall, ls_wall, lf_wall = walls
        total_all = np.zeros(size, np.int64)
        free_all = np.zeros(size, np.int64)
        total_all[leaves], free_all[leaves] = total, free
        start_wall = int(base.walls_of(np.array([front.start_value], np.int64))[0])
        finish_wall = self.finish_wall if self.n else start_wall
        if summary.any():
            roll_up(
                front.parent,
                summary,
                (es_wall, ef_wall, ls_wall, lf_wall),
                np.int64(start_wall),
                np.int64(finish_wall),
            )
            at = np.flatnonzero(summary)
            offsets = [base.offsets_of(column[at]) for column in walls]
            es_o, ef_o, ls_o, lf_o = offsets
            finish_offset = base.offsets_of(np.array([finish_wall], np.int64))[0]
            total_all[at] = np.minimum(ls_o - es_o, lf_o - ef_o)
            free_all[at] = np.minimum(finish_offset - ef_o, total_all[at])
        for k in range(self.n):
            if self.elapsed[k] and not self.manual[k]:
                at_k = int(leaves[k])
                es_wall[at_k], ef_wall[at_k] = self.wall_es[k], self.wall_ef[k]
                ls_wall[at_k], lf_wall[at_k] = self.wall_ls[k], self.wall_lf[k]
        if held:
            moved = {int(es_wall[int(leaves[k])]) for k in held}
            for k in held:
                at_k = int(leaves[k])
                if self.ef[k] == self.bounds["start_value"][k]:
                    ef_wall[at_k] = self.start_wall
                es_wall[at_k] = self.start_wall
            for at_k in np.flatnonzero(summary).tolist():
                if int(es_wall[at_k]) in moved:
                    if ef_wall[at_k] == es_wall[at_k]:
                        ef_wall[at_k] = self.start_wall
                    es_wall[at_k] = self.start_wall
        dates = [column.astype("datetime64[m]") for column in walls]
        milestone = table.column("milestone", False, np.bool_).astype(np.bool_)
        manual = table.column("manual", False, np.bool_).astype(np.bool_)
        columns = ScheduleColumns(
            uids=np.asarray(table.uids, np.int64),
            names=table.names,
            early_start=dates[0],
            early_finish=dates[1],
            late_start=dates[2],
            late_finish=dates[3],
            total_slack_minutes=total_all,
            free_slack_minutes=free_all,
            critical=total_all <= critical_slack_minutes,
            summary=summary,
            milestone=milestone,
            manual=manual,
        )
        finish = np.array([finish_wall], np.int64).astype("datetime64[m]")[0]
        return ScheduleResult(
            project_start=project_start,
            project_finish=finish.astype("datetime64[s]").astype(datetime),
            columns=columns,
            minutes_per_day=minutes_per_day,
        )

    def _held(self) -> list[int]:
        """Tasks showing the project start itself although it is outside their working time
        (``_engine._keep_project_start``, on each task's own calendar)."""
        wall = np.array([self.start_wall], np.int64)
        held = []
        bounds = self.bounds
        for k in range(self.n):
            if self.incoming[k] or self.manual[k] or self.elapsed[k]:
                continue
            if bounds["pin_start"][k] != _NB or bounds["pin_finish"][k] != _NB:
                continue
            if self.es[k] != bounds["start_value"][k]:
                continue
            if self.clock_of[k].timeline.is_working_minute(wall)[0]:
                continue
            held.append(k)
        return held
