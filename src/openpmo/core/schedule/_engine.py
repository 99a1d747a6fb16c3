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

Task calendars (``Task.calendar``) go through ``_calendars`` when a task names one other than
the schedule's. Not modelled (named as known gaps in the tests where a shared file shows them):
resource calendars (the task's or project calendar is used), split tasks, levelling delay,
progress (actual dates), as-late-as-possible, FF/SF links into and SS/SF links out of summary
tasks (refused). A summary that ends with an elapsed task in non-working time shows the nearest
working boundary. Percentage lags are read from MSPDI as LinkLag / 10 percent.

Performance: ``schedule`` works on columns (``NetworkArrays``; a ``Network`` of objects is turned
into them in one pass per attribute), checks and converts whole columns at once, runs the passes of
``_passes`` and returns a ``ScheduleResult`` holding columns, whose task objects are made only when
asked for. A network of (frozen) objects keeps its columns, its shape (``_Structure``: leaves and
the links between them) and its topological levels while it lives, so scheduling it again starts
at the calendar; the MSPDI reader finds them as it reads (``prepare``).
"""

from __future__ import annotations

import contextlib
import gc
import weakref
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt

from openpmo.core.errors import CycleError, ValidationError
from openpmo.core.schedule import _calendars, _kernel
from openpmo.core.schedule._calendar import EPOCH, Calendar, _Timeline
from openpmo.core.schedule._levels import _CycleFound, distinct, topological_levels
from openpmo.core.schedule._model import ConstraintType, LinkType, Network
from openpmo.core.schedule._outline import expand_summary_links, parent_positions, roll_up
from openpmo.core.schedule._passes import (
    NEVER_AFTER,
    NEVER_BEFORE,
    ArrayNetwork,
    Passes,
    free_slack,
    run_passes,
    total_slack,
)
from openpmo.core.schedule._result import ScheduleColumns, ScheduleResult, TaskSchedule
from openpmo.core.schedule._table import NO_TIME, NetworkArrays, cached_table_of

__all__ = [
    "ArrayNetwork",
    "NetworkArrays",
    "ScheduleResult",
    "TaskSchedule",
    "run_passes",
    "schedule",
    "topological_levels",
]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
_ONE_MINUTE = timedelta(minutes=1)
_STRUCTURES: weakref.WeakKeyDictionary[NetworkArrays, _Structure] = weakref.WeakKeyDictionary()
"""The shape and levels of networks made of objects (``cached_table_of``), by their columns."""


def _encode(timeline: _Timeline, wall: IntArray, prefer_start: bool, default: np.int64) -> IntArray:
    """Encode wall-clock minutes as dates (``NO_TIME``: ``default``); a time in non-working
    hours takes the preferred form."""
    out = np.full(wall.shape[0], default, np.int64)
    present = np.flatnonzero(wall != NO_TIME)
    if present.size:
        out[present] = timeline.values_of(wall[present], prefer_start)
    return out


def _where(kinds: IntArray, kind: ConstraintType, minutes: IntArray) -> IntArray:
    return np.where(kinds == kind, minutes, NO_TIME)


class _Index:
    """Where each UID sits among the tasks (sorted once; UIDs 0..n-1 in order need no search)."""

    def __init__(self, uids: IntArray) -> None:
        n = uids.shape[0]
        self.uids = uids
        self.dense = bool(n and uids[0] == 0 and uids[-1] == n - 1 and (np.diff(uids) == 1).all())
        if self.dense:
            return
        self.order = np.argsort(uids, kind="stable")
        self.ranked = uids[self.order]
        if (self.ranked[1:] == self.ranked[:-1]).any():
            seen: set[int] = set()
            for uid in uids.tolist():
                if uid in seen:
                    raise ValidationError("two tasks share this UID", where=f"task {uid}")
                seen.add(uid)

    def positions(self, wanted: IntArray) -> IntArray:
        """Position of each wanted UID (-1 where no task has it)."""
        n = self.uids.shape[0]
        if self.dense:
            return np.where((wanted >= 0) & (wanted < n), wanted, -1)
        if n == 0:
            return np.full(wanted.shape[0], -1, np.int64)
        at = np.minimum(np.searchsorted(self.ranked, wanted), n - 1)
        return np.where(self.ranked[at] == wanted, self.order[at], -1)


def _link_positions(table: NetworkArrays, index: _Index) -> tuple[IntArray, IntArray]:
    pred = index.positions(np.asarray(table.predecessors, np.int64))
    succ = index.positions(np.asarray(table.successors, np.int64))
    missing = (pred < 0) | (succ < 0)
    if missing.any():
        k = int(np.flatnonzero(missing)[0])
        p, s = int(table.predecessors[k]), int(table.successors[k])
        raise ValidationError(
            f"link {p} -> {s} names task {p if pred[k] < 0 else s}, which does not exist",
            where=f"task {s}",
        )
    return pred, succ


class _Structure:
    """What a table's columns make of its shape, whatever the calendar and start: leaves only,
    links between leaves (into and out of summaries expanded), durations and lags."""

    def __init__(self, table: NetworkArrays) -> None:
        n = table.size
        uids = np.asarray(table.uids, np.int64)
        index = _Index(uids)
        self.summary = summary = table.column("summary", False, np.bool_).astype(np.bool_)
        has_parent = table.column("has_parent", False, np.bool_).astype(np.bool_)
        parents = table.column("parents", -1, np.int64).astype(np.int64)
        self.parent = np.full(n, -1, np.int64)
        if has_parent.any():
            find = index.positions(parents)
            self.parent = parent_positions(uids, parents, has_parent, summary, find)
        pred, succ = _link_positions(table, index)
        types = table.column("link_types", int(LinkType.FS), np.int64).astype(np.int64)
        if summary.any() and (summary[pred] | summary[succ]).any():
            origin, pairs = expand_summary_links(uids, summary, self.parent, pred, succ, types)
            pred, succ = pairs[:, 0], pairs[:, 1]
        else:
            origin = np.arange(pred.shape[0])
        self.origin = origin
        self.types = types[origin]
        self.leaves = leaves = np.flatnonzero(~summary)
        leaf_of = np.cumsum(~summary) - 1
        self.durations = durations = np.asarray(table.durations, np.int64)[leaves]
        lags = table.column("lags", 0, np.int64).astype(np.int64)[origin]
        percent = np.asarray(table.column("lag_percent", np.nan, np.float64), np.float64)[origin]
        self.pred, self.succ = leaf_of[pred], leaf_of[succ]
        with_percent = ~np.isnan(percent)
        if with_percent.any():
            at = np.flatnonzero(with_percent)
            lags = lags.copy()
            lags[at] = np.rint(percent[at] / 100 * durations[self.pred[at]]).astype(np.int64)
        self.lags = lags
        self.levels: IntArray | None = None  # the leaves' topological levels, once found
        for column in (self.summary, self.parent, self.origin, self.types, self.leaves):
            column.flags.writeable = False  # shared by every schedule of the network
        for column in (self.durations, self.pred, self.succ, self.lags):
            column.flags.writeable = False


class _Front:
    """A table's columns as the passes need them: leaves only, links expanded, dates encoded."""

    def __init__(
        self,
        table: NetworkArrays,
        timeline: _Timeline,
        project_start: datetime,
        structure: _Structure | None = None,
    ) -> None:
        shape = _Structure(table) if structure is None else structure
        self.summary, self.parent, self.leaves = shape.summary, shape.parent, shape.leaves
        self.pred, self.succ = shape.pred, shape.succ
        leaves, origin = shape.leaves, shape.origin
        wall = (project_start - EPOCH) // _ONE_MINUTE
        self.start_value = np.int64(timeline.values_of(np.array([wall], np.int64), True)[0] | 1)
        kinds = table.column("constraints", 0, np.int64).astype(np.int64)[leaves]
        moments = table.column("constraint_minutes", NO_TIME, np.int64).astype(np.int64)[leaves]
        manual = table.column("manual", False, np.bool_).astype(np.bool_)[leaves]
        self.constrained = bool((kinds != ConstraintType.AS_SOON_AS_POSSIBLE).any())

        def encode(kind: ConstraintType, prefer_start: bool, default: np.int64) -> IntArray:
            if not self.constrained:
                return np.full(leaves.shape[0], default, np.int64)
            return _encode(timeline, _where(kinds, kind, moments), prefer_start, default)

        def manual_dates(name: str, prefer_start: bool) -> IntArray:
            if not manual.any():
                return np.full(leaves.shape[0], NEVER_BEFORE, np.int64)
            column = table.column(name, NO_TIME, np.int64).astype(np.int64)[leaves]
            return _encode(timeline, np.where(manual, column, NO_TIME), prefer_start, NEVER_BEFORE)

        self.arrays = ArrayNetwork(
            durations=shape.durations,
            predecessors=self.pred,
            successors=self.succ,
            link_types=shape.types,
            lags=shape.lags,
            start_bound=np.maximum(
                encode(ConstraintType.START_NO_EARLIER_THAN, True, NEVER_BEFORE), self.start_value
            ),
            finish_bound=encode(ConstraintType.FINISH_NO_EARLIER_THAN, False, NEVER_BEFORE),
            late_start_bound=encode(ConstraintType.START_NO_LATER_THAN, True, NEVER_AFTER),
            late_finish_bound=encode(ConstraintType.FINISH_NO_LATER_THAN, False, NEVER_AFTER),
            manual=manual,
            manual_start=manual_dates("start_minutes", True),
            manual_finish=manual_dates("finish_minutes", False),
            pin_start=encode(ConstraintType.MUST_START_ON, True, NEVER_BEFORE),
            pin_finish=encode(ConstraintType.MUST_FINISH_ON, False, NEVER_BEFORE),
            elapsed=table.column("elapsed", False, np.bool_).astype(np.bool_)[leaves],
            elapsed_lags=table.column("lag_elapsed", False, np.bool_).astype(np.bool_)[origin],
        )


def schedule(
    network: Network | NetworkArrays,
    calendar: Calendar,
    project_start: datetime,
    *,
    minutes_per_day: int = 480,
    critical_slack_minutes: int = 0,
) -> ScheduleResult:
    """Schedule ``network`` from ``project_start`` on ``calendar``, as Microsoft Project would.

    ``network`` is a :class:`Network` of tasks and links or the same as columns
    (:class:`NetworkArrays`). Raises :class:`~openpmo.core.errors.ValidationError` for links to
    unknown or duplicate tasks and :class:`~openpmo.core.errors.CycleError` (naming the tasks)
    when the links loop.
    """
    # The passes work on whole columns and make few Python objects, so a pass of the cyclic
    # collector while they run would only go over objects made before them (the tasks of a
    # file just read: ~1 ms for the 2,441-task file). It waits until they end.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _schedule(
            network,
            calendar,
            project_start,
            minutes_per_day=minutes_per_day,
            critical_slack_minutes=critical_slack_minutes,
        )
    finally:
        if collecting:
            gc.enable()


def _schedule(
    network: Network | NetworkArrays,
    calendar: Calendar,
    project_start: datetime,
    *,
    minutes_per_day: int,
    critical_slack_minutes: int,
) -> ScheduleResult:
    if isinstance(network, Network) and _calendars.several(network, calendar):  # task calendars
        return _calendars.schedule_on_calendars(
            network,
            calendar,
            project_start,
            minutes_per_day=minutes_per_day,
            critical_slack_minutes=critical_slack_minutes,
        )
    frozen = not isinstance(network, NetworkArrays)  # columns of frozen objects never change
    table = network if isinstance(network, NetworkArrays) else cached_table_of(network)
    timeline = calendar.timeline(project_start.date())
    structure = _structure(table) if frozen else None
    front = _Front(table, timeline, project_start, structure)
    arrays = front.arrays
    try:
        levels = _levels(structure) if structure is not None else None
        passes = run_passes(arrays, levels, timeline=timeline)
    except _CycleFound as found:
        raise CycleError([_label(table, int(front.leaves[k])) for k in found.indices]) from None
    if not front.leaves.shape[0]:  # nothing to schedule: the project finishes where it starts
        passes = passes._replace(project_finish=np.int64(front.start_value))
    total = total_slack(passes)
    free = free_slack(arrays, passes)
    if passes.walls is not None and arrays.elapsed is not None:
        _elapsed_slack(timeline, arrays, passes, total, free)
    free = np.minimum(free, total)
    return _result(
        table,
        front,
        timeline,
        passes,
        (total, free),
        project_start,
        minutes_per_day,
        critical_slack_minutes,
    )


def _structure(table: NetworkArrays) -> _Structure:
    """The shape of a network made of objects, kept while its columns live: the same network
    scheduled again (another page view, another start date) reuses it and its levels."""
    found = _STRUCTURES.get(table)
    if found is None:
        found = _STRUCTURES[table] = _Structure(table)
    return found


def _levels(structure: _Structure) -> IntArray | None:
    """The topological levels of a network's leaves, found once. Networks big enough for the
    compiled kernel, which needs no levels, are left to it."""
    n = structure.durations.shape[0]
    if n >= _kernel.MIN_TASKS:
        return None
    if structure.levels is None:
        structure.levels = topological_levels(n, structure.pred, structure.succ)
    return structure.levels


def prepare(network: Network) -> None:
    """Find ``network``'s shape and levels now, for its first schedule: the reader of MSPDI
    files calls it as it reads, so that scheduling a file just read starts at the passes. A
    network that cannot be scheduled (a cycle, a link it refuses) is left for :func:`schedule`
    to report."""
    with contextlib.suppress(_CycleFound, ValidationError):
        _levels(_structure(cached_table_of(network)))


def _result(
    table: NetworkArrays,
    front: _Front,
    timeline: _Timeline,
    passes: Passes,
    slack: tuple[IntArray, IntArray],
    project_start: datetime,
    minutes_per_day: int,
    critical_slack_minutes: int,
) -> ScheduleResult:
    size, leaves, summary = table.size, front.leaves, front.summary
    values = [np.zeros(size, np.int64) for _ in range(4)]
    for column, computed in zip(values, passes[:4], strict=True):
        column[leaves] = computed
    es, ef, ls, lf = values
    total_all = np.zeros(size, np.int64)
    free_all = np.zeros(size, np.int64)
    total_all[leaves], free_all[leaves] = slack
    if summary.any():
        roll_up(front.parent, summary, (es, ef, ls, lf), front.start_value, passes.project_finish)
        at = np.flatnonzero(summary)
        total_all[at] = np.minimum((ls[at] >> 1) - (es[at] >> 1), (lf[at] >> 1) - (ef[at] >> 1))
        free_all[at] = np.minimum((passes.project_finish >> 1) - (ef[at] >> 1), total_all[at])
    stacked = np.concatenate([es, ef, ls, lf, np.array([passes.project_finish], np.int64)])
    if stacked.shape[0] >= _kernel.MIN_TASKS and _kernel.available():
        walls = timeline.wall_of(stacked >> 1, (stacked & 1) == 0)  # compiled, one at a time
    else:
        kept, inverse = distinct(stacked)  # dates repeat a great deal
        walls = timeline.wall_of(kept >> 1, (kept & 1) == 0)[inverse]
    if passes.walls is not None and front.arrays.elapsed is not None:
        chosen = np.flatnonzero(front.arrays.elapsed & ~front.arrays.manual)
        for k, wall in enumerate(passes.walls):
            walls[k * size + leaves[chosen]] = wall[chosen]
    _keep_project_start(front, timeline, project_start, (es, ef), walls[: 2 * size])
    dates = walls.astype("datetime64[m]")
    milestone = table.column("milestone", False, np.bool_).astype(np.bool_)
    manual = table.column("manual", False, np.bool_).astype(np.bool_)
    columns = ScheduleColumns(
        uids=np.asarray(table.uids, np.int64),
        names=table.names,
        early_start=dates[:size],
        early_finish=dates[size : 2 * size],
        late_start=dates[2 * size : 3 * size],
        late_finish=dates[3 * size : 4 * size],
        total_slack_minutes=total_all,
        free_slack_minutes=free_all,
        critical=total_all <= critical_slack_minutes,
        summary=summary,
        milestone=milestone,
        manual=manual,
    )
    finish = dates[-1].astype("datetime64[s]").astype(datetime)
    return ScheduleResult(
        project_start=project_start,
        project_finish=finish,
        columns=columns,
        minutes_per_day=minutes_per_day,
    )


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


def _keep_project_start(
    front: _Front,
    timeline: _Timeline,
    project_start: datetime,
    early: tuple[IntArray, IntArray],
    walls: IntArray,
) -> None:
    """Like Microsoft Project, a task with no predecessors that the project start holds shows
    the project start itself when that is outside working time (a Sunday, or 08:00 when the
    day starts at 09:00), not the next working minute; so does a milestone's finish, and a
    summary over such a task. Only what is displayed moves: offsets, later tasks and slack
    are those of the next working minute (in place, on the early start and finish walls)."""
    wall = np.array([(project_start - EPOCH) // _ONE_MINUTE], np.int64)
    if timeline.is_working_minute(wall)[0]:
        return
    es, ef = early
    size = es.shape[0]
    arrays = front.arrays
    held = np.zeros(size, np.bool_)
    free = np.ones(front.leaves.shape[0], np.bool_)
    free[arrays.successors] = False
    free &= ~arrays.manual
    if arrays.elapsed is not None:
        free &= ~arrays.elapsed
    free &= arrays.pin_start == NEVER_BEFORE
    free &= arrays.pin_finish == NEVER_BEFORE
    held[front.leaves[free]] = True
    held &= es == front.start_value
    if not held.any():
        return
    held |= front.summary & (es == front.start_value)
    walls[:size][held] = wall[0]
    walls[size:][held & (ef == front.start_value)] = wall[0]


def _label(table: NetworkArrays, position: int) -> str:
    name = table.names[position] if table.names is not None else ""
    return f"{int(table.uids[position])} {name}".strip()
