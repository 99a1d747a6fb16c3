"""The forward and backward passes over a network held as arrays (no tasks, no datetimes).

Dates are encoded int64 values (see ``NEVER_BEFORE``); tasks are grouped in topological levels
(Kahn's algorithm, vectorised) and each level is one set of numpy operations over its links
(``maximum.reduceat`` over links sorted by successor going forward, by predecessor going back),
so the Python loop runs once per level, not per task. Networks deep enough that the per-level
loop would dominate go through a compiled per-task kernel instead (``_kernel``), when numba is
installed, with the very same integer arithmetic, so the dates are identical.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from openpmo.core.schedule import _kernel
from openpmo.core.schedule._calendar import _Timeline
from openpmo.core.schedule._levels import topological_levels
from openpmo.core.schedule._model import LinkType

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


def _kernel_fits(network: ArrayNetwork, timeline: _Timeline | None) -> bool:
    """True when the compiled kernel models everything this network uses."""
    if network.manual.any():
        return False
    if (network.pin_start > NEVER_BEFORE).any() or (network.pin_finish > NEVER_BEFORE).any():
        return False
    if timeline is not None:
        for flags in (network.elapsed, network.elapsed_lags):
            if flags is not None and flags.any():
                return False
    return True


def run_passes(
    network: ArrayNetwork,
    levels: IntArray | None = None,
    timeline: _Timeline | None = None,
    *,
    kernel: bool | None = None,
) -> Passes:
    """Forward and backward pass over an :class:`ArrayNetwork`; dates as encoded values.

    Elapsed (calendar-time) durations and lags need ``timeline`` to convert to wall-clock time.
    Tasks are first renumbered in level order so that each level is a contiguous slice. Big
    networks (``kernel`` None: ``_kernel.MIN_TASKS`` tasks or more; True: any) go through the
    compiled per-task kernel when numba is installed and the kernel models the network; the
    dates are the same either way.
    """
    n = network.durations.shape[0]
    wanted = n >= _kernel.MIN_TASKS if kernel is None else kernel
    if wanted and levels is None and _kernel_fits(network, timeline) and _kernel.available():
        types = network.link_types
        found = _kernel.passes(
            network.durations,
            network.predecessors,
            network.successors,
            (types == LinkType.FS) | (types == LinkType.FF),
            (types == LinkType.FS) | (types == LinkType.SS),
            network.lags,
            (
                network.start_bound,
                network.finish_bound,
                network.late_start_bound,
                np.minimum(network.late_finish_bound, NEVER_AFTER),
            ),
        )
        if found is not None:  # else a loop: the level pass finds and names it
            return Passes(*found)
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
    run = _LevelPass(network, levels, timeline)
    early_start, early_finish = run.forward()
    project_finish = np.int64(early_finish.max()) if run.n else np.int64(1)
    late_start, late_finish = run.backward(project_finish)
    walls = run.walls if run.elapsed is not None else None
    return Passes(early_start, early_finish, late_start, late_finish, project_finish, walls)


class _SortedLinks(NamedTuple):
    """The links sorted by successor (forward) or predecessor (backward), so by that task's
    level, with each level's range (``bounds``) and its runs of one task (``segments``)."""

    pred: IntArray
    succ: IntArray
    from_finish: BoolArray
    to_start: BoolArray
    lag: IntArray
    elapsed_lag: BoolArray | None
    bounds: list[int]
    segments: list[IntArray]


def _sorted_links(
    keys: IntArray,
    columns: tuple[IntArray, IntArray, BoolArray, BoolArray, IntArray, BoolArray | None],
    levels: IntArray,
    node_pointer: IntArray,
) -> _SortedLinks:
    depth = node_pointer.shape[0] - 1
    by_key = np.argsort(keys, kind="stable")
    pred, succ, from_finish, to_start, lag, elapsed_lag = columns
    key = keys[by_key]
    pointer = np.searchsorted(key, node_pointer)
    return _SortedLinks(
        pred[by_key],
        succ[by_key],
        from_finish[by_key],
        to_start[by_key],
        lag[by_key],
        None if elapsed_lag is None else elapsed_lag[by_key],
        pointer.tolist(),
        _segments(key, levels, pointer, depth),
    )


class _LevelPass:
    """One network's passes level by level, with what it needs decided once."""

    def __init__(self, network: ArrayNetwork, levels: IntArray, timeline: _Timeline | None):
        self.network = network
        self.timeline = timeline
        self.n = n = network.durations.shape[0]
        elapsed = network.elapsed if timeline is not None else None
        self.elapsed = None if elapsed is not None and not elapsed.any() else elapsed
        self.walls = (np.zeros(n, np.int64), np.zeros(n, np.int64)) + (
            np.zeros(n, np.int64),
            np.zeros(n, np.int64),
        )
        link_type, lag, durations = network.link_types, network.lags, network.durations
        from_finish = (link_type == LinkType.FS) | (link_type == LinkType.FF)
        to_start = (link_type == LinkType.FS) | (link_type == LinkType.SS)
        # what this network needs, decided once
        self.finish_links = bool((~to_start).any())  # FF or SF: finish requirements forward
        self.start_sources = bool((~from_finish).any())  # SS or SF: predecessor starts matter
        self.any_lag = bool(lag.any())
        self.finish_bounds = bool((network.finish_bound > NEVER_BEFORE).any())
        self.late_start_bounds = bool((network.late_start_bound < NEVER_AFTER).any())
        self.any_pins = bool(
            (network.pin_start > NEVER_BEFORE).any() or (network.pin_finish > NEVER_BEFORE).any()
        )
        self.any_manual = bool(network.manual.any())
        elapsed_lags = None
        if timeline is not None and network.elapsed_lags is not None and network.elapsed_lags.any():
            elapsed_lags = network.elapsed_lags
        # date arithmetic by whole columns (see _shift): for a duration d > 0, forward lands at
        # an end (form 0) and back at a start (form 1); a zero duration keeps the date as it is.
        self.positive = (durations > 0).astype(np.int64)
        self.not_positive = ~self.positive  # -2 (clears the form bit) where d > 0, else -1
        self.two_span = 2 * durations
        self.back_span = self.positive - self.two_span
        loose = network.manual if self.elapsed is None else network.manual | self.elapsed
        self.finish_mask = np.where((durations > 0) & ~loose, ~np.int64(1), np.int64(-1))
        self.depth = depth = int(levels[-1]) + 1 if n else 0
        node_pointer = np.concatenate(([0], np.cumsum(np.bincount(levels, minlength=depth))))
        self.node_bounds = node_pointer.tolist()
        columns = (network.predecessors, network.successors, from_finish, to_start, lag)
        self.ahead = _sorted_links(
            network.successors, (*columns, elapsed_lags), levels, node_pointer
        )
        self.behind = _sorted_links(
            network.predecessors, (*columns, elapsed_lags), levels, node_pointer
        )
        self.behind_where = [
            self.behind.pred[lo + segments] - first
            for lo, first, segments in zip(
                self.behind.bounds, self.node_bounds, self.behind.segments, strict=False
            )
        ]

    def forward(self) -> tuple[IntArray, IntArray]:
        """Early start and finish, level by level."""
        early_start = np.zeros(self.n, np.int64)
        early_finish = np.zeros(self.n, np.int64)
        for d in range(self.depth):
            nodes = slice(self.node_bounds[d], self.node_bounds[d + 1])
            start_req, finish_req = self._forward_requirements(d, nodes, early_start, early_finish)
            es, ef = self._early_dates(nodes, start_req, finish_req)
            early_start[nodes] = es
            early_finish[nodes] = ef
        return early_start, early_finish

    def _forward_requirements(
        self, d: int, nodes: slice, early_start: IntArray, early_finish: IntArray
    ) -> tuple[IntArray, IntArray | None]:
        """What level ``d``'s tasks must start (and finish) after: bounds and predecessors."""
        network, links = self.network, self.ahead
        start_req = network.start_bound[nodes]
        finish_req = (
            network.finish_bound[nodes] if (self.finish_links or self.finish_bounds) else None
        )
        lo, hi = links.bounds[d], links.bounds[d + 1]
        if hi <= lo:
            return start_req, finish_req
        p = links.pred[lo:hi]
        if self.start_sources:
            source = np.where(links.from_finish[lo:hi], early_finish[p], early_start[p])
        else:
            source = early_finish[p]
        candidate = _shift(source, links.lag[lo:hi]) if self.any_lag else source
        if links.elapsed_lag is not None:
            candidate = _elapsed_shift(
                self.timeline, candidate, source, links.lag[lo:hi], links.elapsed_lag[lo:hi]
            )
        segments = links.segments[d]
        if self.finish_links:
            into_start = links.to_start[lo:hi]
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
        return start_req, finish_req

    def _early_dates(
        self, nodes: slice, start_req: IntArray, finish_req: IntArray | None
    ) -> tuple[IntArray, IntArray]:
        """Early start and finish of one level's tasks from what they must follow."""
        network = self.network
        start_req = start_req | self.positive[nodes]
        finish_from_start = (start_req & self.not_positive[nodes]) + self.two_span[nodes]
        if finish_req is not None:
            start_from_finish = (finish_req & self.not_positive[nodes]) + self.back_span[nodes]
            finish_drives = start_from_finish >= start_req
            es = np.where(finish_drives, start_from_finish, start_req)
            ef = np.where(finish_drives, finish_req, finish_from_start)
        else:
            es, ef = start_req, finish_from_start
        if self.any_pins:
            es, ef = _pinned(network, nodes, es, ef)
        if self.any_manual:
            kept = network.manual[nodes]
            es = np.where(kept, network.manual_start[nodes], es)
            ef = np.where(kept, network.manual_finish[nodes], ef)
        elapsed, timeline = self.elapsed, self.timeline
        if elapsed is not None and timeline is not None and elapsed[nodes].any():
            chosen = np.flatnonzero(elapsed[nodes] & ~network.manual[nodes])
            at = nodes.start + chosen
            wall_es, wall_ef = self.walls[0], self.walls[1]
            wall_es[at] = timeline.walls_of(es[chosen])
            wall_ef[at] = wall_es[at] + network.durations[at]
            ef = ef.copy()
            ef[chosen] = timeline.values_of(wall_ef[at], prefer_start=False)
        return es, ef

    def backward(self, project_finish: np.int64) -> tuple[IntArray, IntArray]:
        """Late start and finish, level by level from the last."""
        network = self.network
        late_finish_bound = np.minimum(network.late_finish_bound, project_finish)
        late_start = np.zeros(self.n, np.int64)
        late_finish = np.zeros(self.n, np.int64)
        for d in range(self.depth - 1, -1, -1):
            nodes = slice(self.node_bounds[d], self.node_bounds[d + 1])
            lf_req = late_finish_bound[nodes]  # a view of a scratch array; each level its own
            ls_req: IntArray | None = (
                network.late_start_bound[nodes].copy()
                if self.start_sources or self.late_start_bounds
                else None
            )
            self._backward_requirements(d, lf_req, ls_req, late_start, late_finish)
            ls, lf = self._late_dates(nodes, lf_req, ls_req)
            late_start[nodes] = ls
            late_finish[nodes] = lf
        return late_start, late_finish

    def _backward_requirements(
        self,
        d: int,
        lf_req: IntArray,
        ls_req: IntArray | None,
        late_start: IntArray,
        late_finish: IntArray,
    ) -> None:
        """Lower level ``d``'s late finish (and start) requirements, in place, by successors."""
        links = self.behind
        lo, hi = links.bounds[d], links.bounds[d + 1]
        if hi <= lo:
            return
        s = links.succ[lo:hi]
        source = (
            np.where(links.to_start[lo:hi], late_start[s], late_finish[s])
            if self.finish_links
            else late_start[s]
        )
        candidate = _shift(source, -links.lag[lo:hi]) if self.any_lag else source
        if links.elapsed_lag is not None:
            candidate = _elapsed_shift(
                self.timeline, candidate, source, -links.lag[lo:hi], links.elapsed_lag[lo:hi]
            )
        segments = links.segments[d]
        where = self.behind_where[d]
        if self.start_sources:
            into_finish = links.from_finish[lo:hi]
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

    def _late_dates(
        self, nodes: slice, lf_req: IntArray, ls_req: IntArray | None
    ) -> tuple[IntArray, IntArray]:
        """Late start and finish of one level's tasks from what they must precede."""
        network = self.network
        lf_req = lf_req & self.finish_mask[nodes]
        start_from_finish = (lf_req & self.not_positive[nodes]) + self.back_span[nodes]
        if ls_req is not None:
            if self.any_manual:
                ls_req = np.where(network.manual[nodes], NEVER_AFTER, ls_req)
            finish_from_start = (ls_req & self.not_positive[nodes]) + self.two_span[nodes]
            start_drives = finish_from_start < lf_req
            lf = np.where(start_drives, finish_from_start, lf_req)
            ls = np.where(start_drives, ls_req, start_from_finish)
        else:
            lf, ls = lf_req, start_from_finish
        if self.any_pins:
            ls, lf = _pinned(network, nodes, ls, lf)
        elapsed, timeline = self.elapsed, self.timeline
        if elapsed is not None and timeline is not None and elapsed[nodes].any():
            chosen = np.flatnonzero(elapsed[nodes] & ~network.manual[nodes])
            at = nodes.start + chosen
            wall_ls, wall_lf = self.walls[2], self.walls[3]
            wall_lf[at] = timeline.walls_of(lf[chosen])
            wall_ls[at] = wall_lf[at] - network.durations[at]
            ls = ls.copy()
            ls[chosen] = timeline.values_of(wall_ls[at], prefer_start=True)
        return ls, lf


def _pinned(
    network: ArrayNetwork, nodes: slice, start: IntArray, finish: IntArray
) -> tuple[IntArray, IntArray]:
    """Must-start-on and must-finish-on tasks keep their date, early and late alike."""
    span = network.durations[nodes]
    pin_s, pin_f = network.pin_start[nodes], network.pin_finish[nodes]
    start = np.where(pin_s > NEVER_BEFORE, pin_s, start)
    finish = np.where(pin_s > NEVER_BEFORE, _shift(pin_s, span), finish)
    start = np.where(pin_f > NEVER_BEFORE, _shift(pin_f, -span), start)
    finish = np.where(pin_f > NEVER_BEFORE, pin_f, finish)
    return start, finish


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
