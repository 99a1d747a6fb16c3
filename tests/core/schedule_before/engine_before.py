"""The critical-path engine: forward and backward passes in numpy, the way Microsoft Project does.

Microsoft Project behaviours modelled here (each checked against files Project saved, see
``tests/core/test_schedule_msproject.py``):

* Dates are counted in working minutes of the project calendar; a duration or lag of N minutes
  is N minutes of working time (a "day" is the project's minutes per day, 480 by default).
* One working-minute offset can be two wall-clock times (19:00 Monday is 09:00 Tuesday). Project
  keeps whichever its arithmetic produced: adding working time lands at the end of a period
  (19:00), subtracting lands at the start of the next (09:00), adding nothing keeps the date as it
  was. A task with a duration is then moved to start at the next working minute and its late
  finish to the end of the previous one; a milestone keeps the time it was given, so a milestone
  after a finish shows 19:00 early and may show 09:00 next morning late, with zero slack.
* Links FS, SS, FF and SF with lags and leads in working time or as a percentage of the
  predecessor's duration. When a finish requirement (FF, SF) drives a task its finish is that
  requirement as it stands (an SF finish can show 08:00 of the next working day).
* Every task starts no earlier than the project start and finishes, late, no later than the
  project finish (the latest early finish, kept as it stands).
* Constraints: start/finish no earlier than (forward), start/finish no later than (backward),
  must start/finish on (pins both passes). As-late-as-possible is scheduled as soon as possible.
* Manually scheduled tasks keep their start and finish. Going backward, Project derives their late
  finish from finish-to-start and finish-to-finish successors only, as it stands (not moved to the
  end of the previous working period), and their late start from that.
* Total slack is the smaller of start slack and finish slack, in working minutes; free slack is
  how far a task can slip before any successor moves (or the project finish, with no successors),
  never more than total slack. A task is critical when total slack is at most the critical slack
  limit (0 by default).
* Summary tasks roll up: earliest start and latest finish of the tasks under them, early and late
  alike; their slack follows from those dates. A link into a summary (FS, SS) holds back every
  task under it; a link out of one (FS, FF) waits for every task under it.
* Elapsed durations and lags (``ed``, ``eh``...) run in calendar time: such a task's dates are
  wall-clock times (a 1-elapsed-month task from 25 March 08:00 ends 24 April 08:00) and its
  slack is calendar time, as Project reports it.

Not modelled (named as known gaps in the tests where a shared file shows them): task and
resource calendars (everything runs on the project calendar), split tasks, levelling delay,
progress (actual dates), as-late-as-possible, FF/SF links into and SS/SF links out of summary
tasks (refused). A summary that ends with an elapsed task in non-working time shows the nearest
working boundary. Percentage lags are read from MSPDI as LinkLag / 10 percent.

Performance: tasks are grouped in topological levels (Kahn's algorithm, vectorised); each level is
one set of numpy operations over its links (``maximum.reduceat`` over links sorted by successor
going forward, by predecessor going back), so the Python loop runs once per level, not per task.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from openpmo.core.errors import CycleError, ScheduleError, ValidationError
from openpmo.core.schedule._calendar import EPOCH, Calendar, _Timeline
from openpmo.core.schedule._model import ConstraintType, Link, LinkType, Network, Task

__all__ = ["ScheduleResult", "TaskSchedule", "schedule"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# A date is held as one int64: 2 * working-minute offset + form, where form 1 means "the start of
# the working period that begins at this offset" and 0 "the end of the one that closes at it".
# Ordering these integers orders the wall-clock times, as Project compares them.
NEVER_BEFORE = np.int64(-(1 << 60))
NEVER_AFTER = np.int64(1 << 60)


def _shift(values: IntArray, minutes: IntArray) -> IntArray:
    """Add working minutes the way Project does: forward lands at an end, back at a start."""
    moved = 2 * ((values >> 1) + minutes) + (minutes < 0)
    return np.where(minutes == 0, values, moved)


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


@dataclass(frozen=True)
class ScheduleResult:
    """Every task's dates and slack, in the order the network listed them."""

    project_start: datetime
    project_finish: datetime
    tasks: tuple[TaskSchedule, ...]
    minutes_per_day: int = 480

    def task(self, uid: int) -> TaskSchedule:
        for entry in self.tasks:
            if entry.uid == uid:
                return entry
        raise KeyError(uid)

    def by_uid(self) -> dict[int, TaskSchedule]:
        return {entry.uid: entry for entry in self.tasks}

    @property
    def critical_path(self) -> tuple[int, ...]:
        """UIDs of the critical tasks (not summaries), in order of early start."""
        chosen = [entry for entry in self.tasks if entry.critical and not entry.summary]
        chosen.sort(key=lambda entry: (entry.early_start, entry.early_finish, entry.uid))
        return tuple(entry.uid for entry in chosen)


class Passes(NamedTuple):
    """What the array engine returns: dates as encoded int64 values (see ``NEVER_BEFORE``)."""

    early_start: IntArray
    early_finish: IntArray
    late_start: IntArray
    late_finish: IntArray
    project_finish: np.int64
    walls: tuple[IntArray, IntArray, IntArray, IntArray] | None = None
    """Wall-clock minutes of early start/finish and late start/finish for elapsed tasks."""


@dataclass
class ArrayNetwork:
    """A network as arrays over task indices 0..n-1 (no summaries): what the passes consume.

    Link types use :class:`LinkType` codes; lags are whole working minutes.
    """

    durations: IntArray
    predecessors: IntArray
    successors: IntArray
    link_types: IntArray
    lags: IntArray
    start_bound: IntArray
    finish_bound: IntArray
    late_start_bound: IntArray
    late_finish_bound: IntArray
    manual: BoolArray
    manual_start: IntArray
    manual_finish: IntArray
    pin_start: IntArray
    pin_finish: IntArray
    elapsed: BoolArray | None = None
    elapsed_lags: BoolArray | None = None

    @classmethod
    def simple(
        cls,
        durations: IntArray,
        predecessors: IntArray,
        successors: IntArray,
        link_types: IntArray | None = None,
        lags: IntArray | None = None,
    ) -> ArrayNetwork:
        """Tasks that start no earlier than offset 0 (a start of day), no constraints."""
        n = durations.shape[0]
        e = predecessors.shape[0]
        return cls(
            durations=durations.astype(np.int64),
            predecessors=predecessors.astype(np.int64),
            successors=successors.astype(np.int64),
            link_types=(
                np.full(e, int(LinkType.FS), np.int64) if link_types is None else link_types
            ),
            lags=np.zeros(e, np.int64) if lags is None else lags.astype(np.int64),
            start_bound=np.ones(n, np.int64),
            finish_bound=np.full(n, NEVER_BEFORE, np.int64),
            late_start_bound=np.full(n, NEVER_AFTER, np.int64),
            late_finish_bound=np.full(n, NEVER_AFTER, np.int64),
            manual=np.zeros(n, np.bool_),
            manual_start=np.zeros(n, np.int64),
            manual_finish=np.zeros(n, np.int64),
            pin_start=np.full(n, NEVER_BEFORE, np.int64),
            pin_finish=np.full(n, NEVER_BEFORE, np.int64),
        )


def _ranges(starts: IntArray, counts: IntArray) -> IntArray:
    """Concatenate arange(s, s + c) for each pair, without a Python loop."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    before = np.cumsum(counts) - counts
    return np.asarray(np.repeat(starts - before, counts) + np.arange(total), dtype=np.int64)


def topological_levels(n: int, predecessors: IntArray, successors: IntArray) -> IntArray:
    """Each task's level: 0 without predecessors, else 1 + the highest predecessor level.

    Raises ``_CycleFound`` (holding the indices of the tasks on one cycle, in link order) when
    the links form a cycle; :func:`schedule` turns that into a :class:`CycleError` with names.
    """
    indegree = np.bincount(successors, minlength=n).astype(np.int64)
    by_predecessor = np.argsort(predecessors, kind="stable")
    out_pointer = np.concatenate(([0], np.cumsum(np.bincount(predecessors, minlength=n))))
    ordered_successors = successors[by_predecessor]
    level = np.full(n, -1, np.int64)
    frontier = np.flatnonzero(indegree == 0)
    depth = 0
    while frontier.size:
        level[frontier] = depth
        starts = out_pointer[frontier]
        reached = ordered_successors[_ranges(starts, out_pointer[frontier + 1] - starts)]
        if reached.size == 0:
            break
        np.subtract.at(indegree, reached, 1)
        frontier = np.unique(reached[indegree[reached] == 0])
        depth += 1
    if (level < 0).any():
        raise _CycleFound(_find_cycle(level, predecessors, successors))
    return level


class _CycleFound(Exception):
    def __init__(self, indices: list[int]) -> None:
        self.indices = indices


def _find_cycle(level: IntArray, predecessors: IntArray, successors: IntArray) -> list[int]:
    """Walk back through unplaced tasks (each has an unplaced predecessor) until one repeats."""
    stuck = level < 0
    keep = stuck[predecessors] & stuck[successors]
    back: dict[int, int] = {}
    for pred, succ in zip(predecessors[keep].tolist(), successors[keep].tolist(), strict=True):
        back.setdefault(succ, pred)
    node = int(np.flatnonzero(stuck)[0])
    seen: dict[int, int] = {}
    path: list[int] = []
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = back[node]
    cycle = path[seen[node] :]
    cycle.reverse()  # we walked against the links; report them in link order
    return cycle


def run_passes(
    network: ArrayNetwork, levels: IntArray | None = None, timeline: _Timeline | None = None
) -> Passes:
    """Forward and backward pass over an :class:`ArrayNetwork`; dates as encoded values.

    Elapsed (calendar-time) durations and lags need ``timeline`` to convert to wall-clock time.
    Tasks are first renumbered in level order so that each level is a contiguous slice.
    """
    n = network.durations.shape[0]
    if levels is None:
        levels = topological_levels(n, network.predecessors, network.successors)
    order = np.argsort(levels, kind="stable")
    position = np.empty(n, np.int64)
    position[order] = np.arange(n)

    def nodes(values: npt.NDArray[Any] | None) -> npt.NDArray[Any] | None:
        return None if values is None else values[order]

    renumbered = ArrayNetwork(
        durations=network.durations[order],
        predecessors=position[network.predecessors],
        successors=position[network.successors],
        link_types=network.link_types,
        lags=network.lags,
        start_bound=network.start_bound[order],
        finish_bound=network.finish_bound[order],
        late_start_bound=network.late_start_bound[order],
        late_finish_bound=network.late_finish_bound[order],
        manual=network.manual[order],
        manual_start=network.manual_start[order],
        manual_finish=network.manual_finish[order],
        pin_start=network.pin_start[order],
        pin_finish=network.pin_finish[order],
        elapsed=nodes(network.elapsed),
        elapsed_lags=network.elapsed_lags,
    )
    inner = _passes_in_level_order(renumbered, levels[order], timeline)
    walls = None
    if inner.walls is not None:
        walls = tuple(w[position] for w in inner.walls)
    return Passes(
        inner.early_start[position],
        inner.early_finish[position],
        inner.late_start[position],
        inner.late_finish[position],
        inner.project_finish,
        walls,  # type: ignore[arg-type]
    )


def _passes_in_level_order(
    network: ArrayNetwork, levels: IntArray, timeline: _Timeline | None
) -> Passes:
    """The passes, for tasks numbered so that levels are consecutive (``levels`` ascending).

    Work that a network does not need (finish-side links, lags, bounds, pins, manual tasks) is
    skipped for the whole run, so the common all-FS network costs a handful of numpy calls per
    topological level.
    """
    n = network.durations.shape[0]
    pred = network.predecessors
    succ = network.successors
    elapsed = network.elapsed if timeline is not None else None
    if elapsed is not None and not elapsed.any():
        elapsed = None
    wall_es = np.zeros(n, np.int64)
    wall_ef = np.zeros(n, np.int64)
    wall_ls = np.zeros(n, np.int64)
    wall_lf = np.zeros(n, np.int64)
    durations = network.durations
    link_type = network.link_types
    lag = network.lags
    from_finish = (link_type == LinkType.FS) | (link_type == LinkType.FF)
    to_start = (link_type == LinkType.FS) | (link_type == LinkType.SS)
    manual = network.manual

    # what this network needs, decided once
    finish_links = bool((~to_start).any())  # FF or SF: finish requirements going forward
    start_sources = bool((~from_finish).any())  # SS or SF: predecessor starts matter
    any_lag = bool(lag.any())
    finish_bounds = bool((network.finish_bound > NEVER_BEFORE).any())
    late_start_bounds = bool((network.late_start_bound < NEVER_AFTER).any())
    any_pins = bool(
        (network.pin_start > NEVER_BEFORE).any() or (network.pin_finish > NEVER_BEFORE).any()
    )
    any_manual = bool(manual.any())
    elapsed_lags = None
    if timeline is not None and network.elapsed_lags is not None and network.elapsed_lags.any():
        elapsed_lags = network.elapsed_lags

    # date arithmetic by whole columns (see _shift): for a duration d > 0, forward lands at an
    # end (form 0) and back at a start (form 1); a zero duration keeps the date as it is.
    positive = (durations > 0).astype(np.int64)
    not_positive = ~positive  # -2 (clears the form bit) where d > 0, else -1 (keeps it)
    two_span = 2 * durations
    back_span = positive - two_span
    loose = manual if elapsed is None else manual | elapsed
    finish_mask = np.where((durations > 0) & ~loose, ~np.int64(1), np.int64(-1))

    depth = int(levels[-1]) + 1 if n else 0
    node_pointer = np.concatenate(([0], np.cumsum(np.bincount(levels, minlength=depth))))
    node_bounds = node_pointer.tolist()

    # forward: links sorted by successor (so by its level); one segment per successor
    forward = np.argsort(succ, kind="stable")
    f_pred, f_succ = pred[forward], succ[forward]
    f_from_finish, f_to_start, f_lag = from_finish[forward], to_start[forward], lag[forward]
    f_elapsed_lag = None if elapsed_lags is None else elapsed_lags[forward]
    f_pointer = np.searchsorted(f_succ, node_pointer)
    f_bounds = f_pointer.tolist()
    f_segments = _segments(f_succ, levels, f_pointer, depth)

    # backward: links sorted by predecessor (so by its level)
    backward = np.argsort(pred, kind="stable")
    b_pred, b_succ = pred[backward], succ[backward]
    b_from_finish, b_to_start, b_lag = from_finish[backward], to_start[backward], lag[backward]
    b_elapsed_lag = None if elapsed_lags is None else elapsed_lags[backward]
    b_pointer = np.searchsorted(b_pred, node_pointer)
    b_bounds = b_pointer.tolist()
    b_segments = _segments(b_pred, levels, b_pointer, depth)
    b_where = [
        b_pred[lo + segments] - first
        for lo, first, segments in zip(b_bounds, node_bounds, b_segments, strict=False)
    ]

    early_start = np.zeros(n, np.int64)
    early_finish = np.zeros(n, np.int64)
    for d in range(depth):
        first = node_bounds[d]
        nodes = slice(first, node_bounds[d + 1])
        start_req = network.start_bound[nodes]
        finish_req = network.finish_bound[nodes] if (finish_links or finish_bounds) else None
        lo, hi = f_bounds[d], f_bounds[d + 1]
        if hi > lo:
            p = f_pred[lo:hi]
            if start_sources:
                source = np.where(f_from_finish[lo:hi], early_finish[p], early_start[p])
            else:
                source = early_finish[p]
            candidate = _shift(source, f_lag[lo:hi]) if any_lag else source
            if f_elapsed_lag is not None:
                candidate = _elapsed_shift(
                    timeline, candidate, source, f_lag[lo:hi], f_elapsed_lag[lo:hi]
                )
            segments = f_segments[d]
            if finish_links:
                into_start = f_to_start[lo:hi]
                start_req = np.maximum(
                    start_req,
                    np.maximum.reduceat(np.where(into_start, candidate, NEVER_BEFORE), segments),
                )
                finish_req = np.maximum(
                    finish_req,  # type: ignore[arg-type]
                    np.maximum.reduceat(np.where(into_start, NEVER_BEFORE, candidate), segments),
                )
            else:
                start_req = np.maximum(start_req, np.maximum.reduceat(candidate, segments))
        start_req = start_req | positive[nodes]
        finish_from_start = (start_req & not_positive[nodes]) + two_span[nodes]
        if finish_req is not None:
            start_from_finish = (finish_req & not_positive[nodes]) + back_span[nodes]
            finish_drives = start_from_finish >= start_req
            es = np.where(finish_drives, start_from_finish, start_req)
            ef = np.where(finish_drives, finish_req, finish_from_start)
        else:
            es, ef = start_req, finish_from_start
        if any_pins:
            span = durations[nodes]
            pin_s, pin_f = network.pin_start[nodes], network.pin_finish[nodes]
            es = np.where(pin_s > NEVER_BEFORE, pin_s, es)
            ef = np.where(pin_s > NEVER_BEFORE, _shift(pin_s, span), ef)
            es = np.where(pin_f > NEVER_BEFORE, _shift(pin_f, -span), es)
            ef = np.where(pin_f > NEVER_BEFORE, pin_f, ef)
        if any_manual:
            kept = manual[nodes]
            es = np.where(kept, network.manual_start[nodes], es)
            ef = np.where(kept, network.manual_finish[nodes], ef)
        if elapsed is not None and timeline is not None and elapsed[nodes].any():
            chosen = np.flatnonzero(elapsed[nodes] & ~manual[nodes])
            at = first + chosen
            wall_es[at] = timeline.walls_of(es[chosen])
            wall_ef[at] = wall_es[at] + durations[at]
            ef = ef.copy()
            ef[chosen] = timeline.values_of(wall_ef[at], prefer_start=False)
        early_start[nodes] = es
        early_finish[nodes] = ef

    project_finish = np.int64(early_finish.max()) if n else np.int64(1)
    late_finish_bound = np.minimum(network.late_finish_bound, project_finish)
    start_side = start_sources or late_start_bounds
    late_start = np.zeros(n, np.int64)
    late_finish = np.zeros(n, np.int64)
    for d in range(depth - 1, -1, -1):
        first = node_bounds[d]
        nodes = slice(first, node_bounds[d + 1])
        lf_req = late_finish_bound[nodes]  # a view of a scratch array; each level owns its slice
        ls_req: IntArray | None = network.late_start_bound[nodes].copy() if start_side else None
        lo, hi = b_bounds[d], b_bounds[d + 1]
        if hi > lo:
            s = b_succ[lo:hi]
            source = (
                np.where(b_to_start[lo:hi], late_start[s], late_finish[s])
                if finish_links
                else late_start[s]
            )
            candidate = _shift(source, -b_lag[lo:hi]) if any_lag else source
            if b_elapsed_lag is not None:
                candidate = _elapsed_shift(
                    timeline, candidate, source, -b_lag[lo:hi], b_elapsed_lag[lo:hi]
                )
            segments = b_segments[d]
            where = b_where[d]
            if start_sources:
                into_finish = b_from_finish[lo:hi]
                lf_req[where] = np.minimum(
                    lf_req[where],
                    np.minimum.reduceat(np.where(into_finish, candidate, NEVER_AFTER), segments),
                )
                assert ls_req is not None
                ls_req[where] = np.minimum(
                    ls_req[where],
                    np.minimum.reduceat(np.where(into_finish, NEVER_AFTER, candidate), segments),
                )
            else:
                lf_req[where] = np.minimum(lf_req[where], np.minimum.reduceat(candidate, segments))
        lf_req = lf_req & finish_mask[nodes]
        start_from_finish = (lf_req & not_positive[nodes]) + back_span[nodes]
        if ls_req is not None:
            if any_manual:
                ls_req = np.where(manual[nodes], NEVER_AFTER, ls_req)
            finish_from_start = (ls_req & not_positive[nodes]) + two_span[nodes]
            start_drives = finish_from_start < lf_req
            lf = np.where(start_drives, finish_from_start, lf_req)
            ls = np.where(start_drives, ls_req, start_from_finish)
        else:
            lf, ls = lf_req, start_from_finish
        if any_pins:
            span = durations[nodes]
            pin_s, pin_f = network.pin_start[nodes], network.pin_finish[nodes]
            ls = np.where(pin_s > NEVER_BEFORE, pin_s, ls)
            lf = np.where(pin_s > NEVER_BEFORE, _shift(pin_s, span), lf)
            ls = np.where(pin_f > NEVER_BEFORE, _shift(pin_f, -span), ls)
            lf = np.where(pin_f > NEVER_BEFORE, pin_f, lf)
        if elapsed is not None and timeline is not None and elapsed[nodes].any():
            chosen = np.flatnonzero(elapsed[nodes] & ~manual[nodes])
            at = first + chosen
            wall_lf[at] = timeline.walls_of(lf[chosen])
            wall_ls[at] = wall_lf[at] - durations[at]
            ls = ls.copy()
            ls[chosen] = timeline.values_of(wall_ls[at], prefer_start=True)
        late_start[nodes] = ls
        late_finish[nodes] = lf
    walls = None
    if elapsed is not None:
        walls = (wall_es, wall_ef, wall_ls, wall_lf)
    return Passes(early_start, early_finish, late_start, late_finish, project_finish, walls)


def _segments(keys: IntArray, levels: IntArray, pointer: IntArray, depth: int) -> list[IntArray]:
    """Per level, where each run of equal ``keys`` starts, relative to the level's first link."""
    if keys.size == 0:
        return [np.zeros(0, np.int64) for _ in range(depth)]
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    level_of = levels[keys[starts]]
    relative = starts - pointer[level_of]
    cuts = np.searchsorted(level_of, np.arange(depth + 1)).tolist()
    return [relative[cuts[d] : cuts[d + 1]] for d in range(depth)]


def _elapsed_shift(
    timeline: _Timeline | None,
    candidate: IntArray,
    source: IntArray,
    minutes: IntArray,
    elapsed: BoolArray,
) -> IntArray:
    """Where a lag is calendar time, move the wall-clock time and encode the result."""
    if timeline is None or not elapsed.any():
        return candidate
    chosen = np.flatnonzero(elapsed & (minutes != 0))
    wall = timeline.walls_of(source[chosen]) + minutes[chosen]
    candidate = candidate.copy()
    candidate[chosen] = np.where(
        minutes[chosen] > 0,
        timeline.values_of(wall, prefer_start=False),
        timeline.values_of(wall, prefer_start=True),
    )
    return candidate


def free_slack(network: ArrayNetwork, passes: Passes) -> IntArray:
    """Working minutes each task can slip before a successor (or the project finish) moves."""
    es, ef = passes.early_start, passes.early_finish
    pred, succ, types = network.predecessors, network.successors, network.link_types
    source = np.where((types == LinkType.FS) | (types == LinkType.FF), ef[pred], es[pred])
    target = np.where((types == LinkType.FS) | (types == LinkType.SS), es[succ], ef[succ])
    room = (target >> 1) - (_shift(source, network.lags) >> 1)
    slack = (passes.project_finish >> 1) - (ef >> 1)
    np.minimum.at(slack, pred, room)
    return np.asarray(slack, dtype=np.int64)


def total_slack(passes: Passes) -> IntArray:
    start_slack = (passes.late_start >> 1) - (passes.early_start >> 1)
    finish_slack = (passes.late_finish >> 1) - (passes.early_finish >> 1)
    return np.asarray(np.minimum(start_slack, finish_slack), dtype=np.int64)


# -- from tasks to arrays and back ---------------------------------------------------------------


def _values(
    timeline: _Timeline, moments: list[datetime | None], prefer_start: bool, default: np.int64
) -> IntArray:
    """Encode wall-clock times as dates; a time in non-working hours takes the preferred form."""
    out = np.full(len(moments), default, np.int64)
    present = [i for i, moment in enumerate(moments) if moment is not None]
    if not present:
        return out
    wall = np.array(
        [(moments[i] - EPOCH) // _MINUTE for i in present],  # type: ignore[operator]
        dtype=np.int64,
    )
    out[np.array(present)] = timeline.values_of(wall, prefer_start)
    return out


def _datetimes(timeline: _Timeline, values: IntArray) -> list[datetime]:
    wall = timeline.wall_of(values >> 1, (values & 1) == 0)
    stamps = wall.astype("datetime64[m]").astype("datetime64[s]").astype(object)
    return list(stamps)


_MINUTE = np.timedelta64(1, "m").astype(object)


def _hierarchy(tasks: tuple[Task, ...], index: dict[int, int]) -> list[list[int]]:
    """For each task position, the positions of its direct children."""
    children: list[list[int]] = [[] for _ in tasks]
    for position, task in enumerate(tasks):
        if task.parent is None:
            continue
        parent = index.get(task.parent)
        if parent is None:
            raise ValidationError(
                f"parent task {task.parent} does not exist", where=f"task {task.uid}"
            )
        if not tasks[parent].summary:
            raise ValidationError(
                f"parent task {task.parent} is not a summary task", where=f"task {task.uid}"
            )
        children[parent].append(position)
    return children


def schedule(
    network: Network,
    calendar: Calendar,
    project_start: datetime,
    *,
    minutes_per_day: int = 480,
    critical_slack_minutes: int = 0,
) -> ScheduleResult:
    """Schedule ``network`` from ``project_start`` on ``calendar``, as Microsoft Project would.

    Raises :class:`~openpmo.core.errors.ValidationError` for links to unknown or duplicate tasks
    and :class:`~openpmo.core.errors.CycleError` (naming the tasks) when the links loop.
    """
    tasks = network.tasks
    index: dict[int, int] = {}
    for position, task in enumerate(tasks):
        if task.uid in index:
            raise ValidationError("two tasks share this UID", where=f"task {task.uid}")
        index[task.uid] = position
    children = _hierarchy(tasks, index)
    leaves = [position for position, task in enumerate(tasks) if not task.summary]
    leaf_of = {position: k for k, position in enumerate(leaves)}
    timeline = calendar.timeline(project_start.date())
    leaf_tasks = [tasks[position] for position in leaves]

    preds, succs, types, lags, elapsed_lags = [], [], [], [], []
    for link in _expand_summary_links(tasks, index, children, network.links):
        p = leaf_of[index[link.predecessor]]
        preds.append(p)
        succs.append(leaf_of[index[link.successor]])
        types.append(int(link.type))
        if link.lag_percent is not None:
            lags.append(round(link.lag_percent / 100 * leaf_tasks[p].duration_minutes))
        else:
            lags.append(link.lag_minutes)
        elapsed_lags.append(link.lag_elapsed)

    start_value = _values(timeline, [project_start], True, NEVER_BEFORE)[0]
    start_value = start_value | 1

    def constraint_dates(kinds: tuple[ConstraintType, ...]) -> list[datetime | None]:
        return [t.constraint_date if t.constraint in kinds else None for t in leaf_tasks]

    start_bound = np.maximum(
        _values(
            timeline,
            constraint_dates((ConstraintType.START_NO_EARLIER_THAN,)),
            True,
            NEVER_BEFORE,
        ),
        start_value,
    )
    durations = np.array([t.duration_minutes for t in leaf_tasks], np.int64)
    arrays = ArrayNetwork(
        durations=durations,
        predecessors=np.array(preds, np.int64),
        successors=np.array(succs, np.int64),
        link_types=np.array(types, np.int64),
        lags=np.array(lags, np.int64),
        start_bound=start_bound,
        finish_bound=_values(
            timeline,
            constraint_dates((ConstraintType.FINISH_NO_EARLIER_THAN,)),
            False,
            NEVER_BEFORE,
        ),
        late_start_bound=_values(
            timeline, constraint_dates((ConstraintType.START_NO_LATER_THAN,)), True, NEVER_AFTER
        ),
        late_finish_bound=_values(
            timeline,
            constraint_dates((ConstraintType.FINISH_NO_LATER_THAN,)),
            False,
            NEVER_AFTER,
        ),
        manual=np.array([t.manual for t in leaf_tasks], np.bool_),
        manual_start=_values(
            timeline, [t.start if t.manual else None for t in leaf_tasks], True, NEVER_BEFORE
        ),
        manual_finish=_values(
            timeline, [t.finish if t.manual else None for t in leaf_tasks], False, NEVER_BEFORE
        ),
        pin_start=_values(
            timeline, constraint_dates((ConstraintType.MUST_START_ON,)), True, NEVER_BEFORE
        ),
        pin_finish=_values(
            timeline, constraint_dates((ConstraintType.MUST_FINISH_ON,)), False, NEVER_BEFORE
        ),
        elapsed=np.array([t.elapsed for t in leaf_tasks], np.bool_),
        elapsed_lags=np.array(elapsed_lags, np.bool_),
    )
    try:
        passes = run_passes(arrays, timeline=timeline)
    except _CycleFound as found:
        raise CycleError([_label(leaf_tasks[k]) for k in found.indices]) from None
    if not leaves:  # nothing to schedule: the project finishes where it starts
        passes = passes._replace(project_finish=np.int64(start_value))
    total = total_slack(passes)
    free = free_slack(arrays, passes)
    if passes.walls is not None and arrays.elapsed is not None:
        _elapsed_slack(timeline, arrays, passes, total, free)
    free = np.minimum(free, total)

    # summaries: roll up from the tasks under them, deepest first
    size = len(tasks)
    es = np.full(size, NEVER_AFTER, np.int64)
    ef = np.full(size, NEVER_BEFORE, np.int64)
    ls = np.full(size, NEVER_AFTER, np.int64)
    lf = np.full(size, NEVER_BEFORE, np.int64)
    leaf_positions = np.array(leaves, np.int64)
    es[leaf_positions], ef[leaf_positions] = passes.early_start, passes.early_finish
    ls[leaf_positions], lf[leaf_positions] = passes.late_start, passes.late_finish
    overrides: dict[int, tuple[int, int, int, int]] = {}
    if passes.walls is not None and arrays.elapsed is not None:
        for k in np.flatnonzero(arrays.elapsed & ~arrays.manual).tolist():
            overrides[leaves[k]] = tuple(int(w[k]) for w in passes.walls)  # type: ignore[assignment]
    total_all = np.zeros(size, np.int64)
    free_all = np.zeros(size, np.int64)
    total_all[leaf_positions], free_all[leaf_positions] = total, free
    for position in _summaries_deepest_first(tasks, children):
        under = children[position]
        if under:
            es[position] = es[under].min()
            ef[position] = ef[under].max()
            ls[position] = ls[under].min()
            lf[position] = lf[under].max()
        else:
            es[position] = ef[position] = start_value
            ls[position] = lf[position] = passes.project_finish
        start_slack = (ls[position] >> 1) - (es[position] >> 1)
        finish_slack = (lf[position] >> 1) - (ef[position] >> 1)
        total_all[position] = min(start_slack, finish_slack)
        free_all[position] = min(
            (passes.project_finish >> 1) - (ef[position] >> 1), total_all[position]
        )

    columns = [_datetimes(timeline, values) for values in (es, ef, ls, lf)]
    for position, walls in overrides.items():
        for column, wall in zip(columns, walls, strict=True):
            column[position] = _wall_datetime(wall)
    entries = tuple(
        TaskSchedule(
            uid=task.uid,
            name=task.name,
            early_start=columns[0][k],
            early_finish=columns[1][k],
            late_start=columns[2][k],
            late_finish=columns[3][k],
            total_slack_minutes=int(total_all[k]),
            free_slack_minutes=int(free_all[k]),
            critical=bool(total_all[k] <= critical_slack_minutes),
            summary=task.summary,
            milestone=task.milestone,
            manual=task.manual,
            minutes_per_day=minutes_per_day,
        )
        for k, task in enumerate(tasks)
    )
    finish = _datetimes(timeline, np.array([passes.project_finish], np.int64))[0]
    return ScheduleResult(
        project_start=project_start,
        project_finish=finish,
        tasks=entries,
        minutes_per_day=minutes_per_day,
    )


def _wall_datetime(wall: int) -> datetime:
    return EPOCH + wall * _MINUTE  # type: ignore[no-any-return]


def _elapsed_slack(
    timeline: _Timeline, network: ArrayNetwork, passes: Passes, total: IntArray, free: IntArray
) -> None:
    """Slack of elapsed-duration tasks is calendar time, as Project reports it."""
    assert passes.walls is not None and network.elapsed is not None
    wall_es, wall_ef, wall_ls, wall_lf = passes.walls
    chosen = np.flatnonzero(network.elapsed & ~network.manual)
    total[chosen] = np.minimum(wall_ls[chosen] - wall_es[chosen], wall_lf[chosen] - wall_ef[chosen])
    finish_wall = timeline.walls_of(np.array([passes.project_finish], np.int64))[0]
    room = finish_wall - wall_ef[chosen]
    free[chosen] = room
    pred, succ, types = network.predecessors, network.successors, network.link_types
    edges = np.flatnonzero(network.elapsed[pred] & ~network.manual[pred])
    if edges.size:
        p, q, t = pred[edges], succ[edges], types[edges]
        source = np.where((t == LinkType.FS) | (t == LinkType.FF), wall_ef[p], wall_es[p])
        target_values = np.where(
            (t == LinkType.FS) | (t == LinkType.SS), passes.early_start[q], passes.early_finish[q]
        )
        gap = timeline.walls_of(target_values) - (source + network.lags[edges])
        np.minimum.at(free, p, gap)


def _expand_summary_links(
    tasks: tuple[Task, ...],
    index: dict[int, int],
    children: list[list[int]],
    links: tuple[Link, ...],
) -> list[Link]:
    """Replace links to and from summary tasks by links to and from the tasks under them.

    Exact where Project's meaning allows it: a summary can start only when every task under it
    can (so FS and SS into a summary bind each of them), and finishes when the last of them does
    (so FS and FF out of a summary wait for each). Other kinds are refused.
    """

    def leaves(position: int) -> list[int]:
        found, stack = [], [position]
        while stack:
            here = stack.pop()
            if tasks[here].summary:
                stack.extend(children[here])
            else:
                found.append(tasks[here].uid)
        return found

    expanded: list[Link] = []
    for link in links:
        for uid in (link.predecessor, link.successor):
            if uid not in index:
                raise ValidationError(
                    f"link {link.predecessor} -> {link.successor} names task {uid}, which does "
                    "not exist",
                    where=f"task {link.successor}",
                )
        before, after = tasks[index[link.predecessor]], tasks[index[link.successor]]
        if not before.summary and not after.summary:
            expanded.append(link)
            continue
        where = f"task {link.successor if after.summary else link.predecessor}"
        if before.summary and link.type not in (LinkType.FS, LinkType.FF):
            raise ScheduleError(
                f"a {link.type.name} link from summary task {before.uid} is not supported: "
                "link the task under it that it should follow",
                where=where,
            )
        if after.summary and link.type not in (LinkType.FS, LinkType.SS):
            raise ScheduleError(
                f"a {link.type.name} link into summary task {after.uid} is not supported: "
                "link the task under it that it should hold back",
                where=where,
            )
        sources = leaves(index[before.uid]) if before.summary else [before.uid]
        targets = leaves(index[after.uid]) if after.summary else [after.uid]
        if not sources or not targets:
            raise ScheduleError(
                "a link to or from a summary task with no tasks under it cannot be scheduled",
                where=where,
            )
        for source in sources:
            for target in targets:
                expanded.append(replace(link, predecessor=source, successor=target))
    return expanded


def _summaries_deepest_first(tasks: tuple[Task, ...], children: list[list[int]]) -> list[int]:
    depth = [0] * len(tasks)
    order: list[int] = []
    roots = [k for k, task in enumerate(tasks) if task.parent is None]
    stack = list(roots)
    while stack:
        position = stack.pop()
        order.append(position)
        for child in children[position]:
            depth[child] = depth[position] + 1
            stack.append(child)
    summaries = [k for k in order if tasks[k].summary]
    summaries.sort(key=lambda k: -depth[k])
    return summaries


def _label(task: Task) -> str:
    return f"{task.uid} {task.name}".strip()
