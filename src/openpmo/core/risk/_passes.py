"""The network as index arrays, its random draws block by block, and the forward and backward
passes over a chunk of iterations (see ``_engine`` for the method).

The passes run compiled (``_kernel.passes``, task by task) when numba is available and the run
is big enough, else level by level in numpy (``_Links``); both give the same numbers.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import numpy as np
import numpy.typing as npt
from scipy import special

from openpmo.core.risk import _kernel
from openpmo.core.risk._model import CostEstimate, Estimate, RiskNetwork
from openpmo.core.risk._sampling import _rows, _ThreePoints

Array = npt.NDArray[np.float64]

BLOCK = 256
"""Iterations drawn from one random stream; part of what makes a seed reproducible."""


class _Plan:
    """The network turned into index arrays for the level-by-level passes."""

    def __init__(self, network: RiskNetwork) -> None:
        levels = network.levels()
        # Tasks are renumbered level by level, so that each level is a slice of the arrays, and
        # within a level by falling number of predecessors (see ``_Links``).
        degree = [len(set(t.after)) for t in network.tasks]
        self.order = [i for level in levels for i in sorted(level, key=lambda i: -degree[i])]
        tasks = [network.tasks[i] for i in self.order]
        self.n = len(tasks)
        self.ids = [t.id for t in tasks]
        index = {t.id: i for i, t in enumerate(tasks)}
        self.likely = np.array([float(t.duration.likely) for t in tasks], dtype=np.float64)
        self.costs = _ThreePoints([t.cost for t in tasks if t.cost is not None])
        self.cost_ids = [t.id for t in tasks if t.cost]
        # correlation: one shared factor per strand
        strands = sorted({t.strand for t in tasks if t.strand is not None})
        rho = {s: float(network.correlation[s]) for s in strands}
        self.strand_count = len(strands)
        self.correlated = np.array(
            [i for i, t in enumerate(tasks) if t.strand is not None and rho[t.strand] > 0],
            dtype=np.int64,
        )
        self.correlated_strand = np.array(
            [strands.index(str(tasks[i].strand)) for i in self.correlated], dtype=np.int64
        )
        self.correlated_rho = np.array(
            [rho[str(tasks[i].strand)] for i in self.correlated], dtype=np.float64
        )[:, None]
        correlated_set = set(self.correlated.tolist())
        free = [i for i in range(self.n) if i not in correlated_set]
        self.free = _rows(free, self.n)
        self.free_points = _ThreePoints([tasks[i].duration for i in free])
        self.correlated_points = _ThreePoints([tasks[i].duration for i in self.correlated])
        # risks
        risks = network.risks
        self.risk_ids = [r.id for r in risks]
        self.probability = np.array([r.probability for r in risks], dtype=np.float64)[:, None]
        zero = Estimate.fixed(0.0)
        self.risk_delay = _ThreePoints([r.delay or zero for r in risks])
        self.risk_cost = _ThreePoints(
            [r.cost or CostEstimate(Decimal(0), Decimal(0), Decimal(0)) for r in risks]
        )
        self.hits = [
            (r_index, np.array(sorted({index[h] for h in r.hits}), dtype=np.int64))
            for r_index, r in enumerate(risks)
            if r.delay is not None and r.hits
        ]
        self.likely_cost = sum((t.cost.likely for t in tasks if t.cost), Decimal(0))
        # the passes, level by level: (first row, end row, neighbours padded with n, lags)
        successors: list[list[tuple[int, float]]] = [[] for _ in tasks]
        predecessors: list[list[tuple[int, float]]] = [[] for _ in tasks]
        self.has_leads = False
        self._scratch = threading.local()  # each thread's working arrays (``_buffer``)
        for i, t in enumerate(tasks):
            for p in dict.fromkeys(t.after):
                lag = float(t.lags.get(p, 0.0))
                successors[index[p]].append((i, lag))
                predecessors[i].append((index[p], lag))
                self.has_leads |= lag < 0
        self._levels = [len(level) for level in levels]
        self._neighbours = (predecessors, successors)
        self._passes: tuple[list[_Links], list[_Links]] | None = None
        self.compiled = False  # set by ``simulate`` for big enough runs, when numba loads
        self.links = (*_compressed(predecessors), *_compressed(successors))

    def draw_block(
        self,
        seed: int,
        block: int,
        durations: Array,
        task_costs: Array,
        risk_delays: Array,
        risk_costs: Array,
        *,
        exact: bool = False,
    ) -> npt.NDArray[np.bool_]:
        """The random draws of block ``block`` into the ``(rows, BLOCK)`` arrays given (risk
        delays included in the durations; a risk's delay and cost zero when it did not happen),
        always the same numbers in the same order. Returns which risks happened."""
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block,))))
        if isinstance(self.free, slice):
            self.free_points.draw(rng, durations[self.free], exact=exact)
        elif self.free.size:
            part = np.empty((self.free.size, BLOCK), dtype=np.float64)
            self.free_points.draw(rng, part, exact=exact)
            durations[self.free] = part
        if self.correlated.size:
            factors = rng.standard_normal((self.strand_count, BLOCK))
            own = rng.standard_normal((self.correlated.size, BLOCK))
            rho = self.correlated_rho
            z = np.sqrt(rho) * factors[self.correlated_strand] + np.sqrt(1 - rho) * own
            part = np.empty((self.correlated.size, BLOCK), dtype=np.float64)
            self.correlated_points.draw(rng, part, special.ndtr(z), exact=exact)
            durations[self.correlated] = part
        self.costs.draw(rng, task_costs, exact=exact)
        fired = rng.random((len(self.risk_ids), BLOCK)) < self.probability
        self.risk_delay.draw(rng, risk_delays, exact=exact)
        risk_delays *= fired
        self.risk_cost.draw(rng, risk_costs, exact=exact)
        risk_costs *= fired
        for r_index, rows in self.hits:
            durations[rows] += risk_delays[r_index]
        return fired

    def schedule(
        self, durations: Array, *, critical: bool
    ) -> tuple[Array, npt.NDArray[np.int64] | None]:
        """Finish per column, and (if asked) how many columns each task was critical in:
        ``forward`` then ``backward``, ``durations`` left as they are."""
        project = self.forward(durations)
        if not critical:
            return project, None
        return project, self.backward(durations, project, overwrite=False)

    def forward(self, durations: Array) -> Array:
        """The forward pass: the project finish per column (each task's early finish kept for
        ``backward``). Level by level, each step a few gathers of the predecessors' rows (the
        iterations contiguous) and a running maximum; see ``_Links``."""
        columns = durations.shape[1]
        finish = self._buffer("finish", columns)
        if self.compiled:
            early = finish[: self.n]
            return _kernel.passes(durations, self.links, self.has_leads, (early, early), None)
        start = self._buffer("start", columns)
        finish[self.n] = 0.0
        forward, _ = self._level_links()
        for links in forward:
            a, b = links.first, links.end
            if links.all_sentinel:
                start[a:b] = 0.0
                np.copyto(finish[a:b], durations[a:b])
                continue
            links.extreme(finish, start[a:b], np.maximum, subtract=False)
            if self.has_leads:
                np.maximum(start[a:b], 0.0, out=start[a:b])
            np.add(start[a:b], durations[a:b], out=finish[a:b])
        project: Array = finish[: self.n].max(axis=0)
        return project

    def backward(
        self,
        durations: Array,
        project: Array,
        *,
        overwrite: bool,
        moments: tuple[Array, Array, Array, int] | None = None,
    ) -> npt.NDArray[np.int64]:
        """The backward pass after ``forward`` on the same ``durations`` gave ``project``: how
        many columns each task was critical in (no slack, to rounding). With ``overwrite``, the
        compiled pass writes each task's late starts over its durations instead of into a
        third working array (the numpy one leaves them). Level by level in numpy, each step a
        few gathers of the successors' rows and a running minimum. ``moments`` (compiled only)
        asks the compiled pass for the durations' lane sums too (``_kernel.backward``)."""
        columns = durations.shape[1]
        finish = self._buffer("finish", columns)
        counts = np.zeros(self.n, dtype=np.int64)
        if self.compiled:
            late = durations if overwrite else self._buffer("start", columns)[: self.n]
            if late is not durations:
                np.copyto(late, durations)
            _kernel.backward(late, self.links, finish[: self.n], project, counts, moments)
            return counts
        _, backward = self._level_links()
        late_start = self._buffer("start", columns)  # overwritten level by level, last first
        late_start[self.n] = project
        late_finish = self._buffer("late", columns)
        flags = np.empty(late_finish.shape, dtype=np.bool_)
        tolerance = 1e-9 * np.maximum(1.0, project)  # per iteration, so chunking cannot matter
        for links in backward:
            a, b = links.first, links.end
            here = late_finish[: b - a]
            links.extreme(late_start, here, np.minimum, subtract=True)
            np.minimum(here, project, out=here)  # a lead cannot let a task finish after the project
            np.subtract(here, durations[a:b], out=late_start[a:b])
            # critical: no slack (late finish - early finish), to rounding
            here -= finish[a:b]
            critical_here = np.less_equal(here, tolerance, out=flags[: b - a])
            counts[a:b] += critical_here.view(np.uint8).sum(axis=1, dtype=np.uint32)
        return counts

    def _level_links(self) -> tuple[list[_Links], list[_Links]]:
        """The links level by level for the numpy passes, made the first time they are used."""
        if self._passes is None:
            predecessors, successors = self._neighbours
            bounds = []
            first = 0
            for size in self._levels:
                bounds.append((first, first + size))
                first += size
            self._passes = (
                [_Links(a, b, predecessors[a:b], self.n, pad=False) for a, b in bounds],
                [_Links(a, b, successors[a:b], self.n, pad=True) for a, b in reversed(bounds)],
            )
        return self._passes

    def _buffer(self, name: str, columns: int) -> Array:
        """A working ``(tasks + 1, columns)`` array, its memory kept between chunks; each thread
        has its own (a simulation may run its chunks on several threads)."""
        size = (self.n + 1) * columns
        buffers: dict[str, Array] = self._scratch.__dict__
        flat = buffers.get(name)
        if flat is None or flat.size < size:
            flat = buffers[name] = np.empty(size, dtype=np.float64)
        return flat[:size].reshape(self.n + 1, columns)  # contiguous, so gathers copy whole rows


def _compressed(
    lists: list[list[tuple[int, float]]],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], Array]:
    """Each task's neighbours and lags as one pointer, index and lag array (CSR)."""
    pointer = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum([len(items) for items in lists], out=pointer[1:])
    index = np.array([j for items in lists for j, _ in items], dtype=np.int64)
    lags = np.array([lag for items in lists for _, lag in items], dtype=np.float64)
    return pointer, index, lags


class _Links:
    """The links of one level's tasks (rows ``first`` to ``end``) to their neighbours, column by
    column: column ``c`` holds each task's ``c``-th neighbour and its lag (``None`` if all are
    zero) for the first ``rows`` tasks of the level. Forward, the tasks of a level are in falling
    order of predecessors, so the tasks with a ``c``-th one come first and nothing is padded;
    backward, a task short of successors is padded with the sentinel row ``n`` (the project
    finish), which leaves the minimum unchanged. A level without links at all is
    ``all_sentinel``."""

    def __init__(
        self,
        first: int,
        end: int,
        lists: list[list[tuple[int, float]]],
        sentinel: int,
        *,
        pad: bool,
    ) -> None:
        self.first, self.end = first, end
        self.all_sentinel = not any(lists)
        lists = [items or [(sentinel, 0.0)] for items in lists]
        width = max((len(items) for items in lists), default=0)
        self.columns: list[tuple[int, npt.NDArray[np.intp], Array | None]] = []
        self.subsets: list[tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], Array | None]] = []
        for c in range(width):
            having = [row for row, items in enumerate(lists) if len(items) > c]
            if pad and c > 0 and 2 * len(having) < len(lists):
                # few tasks have a c-th neighbour: work on those rows only
                run = [lists[row][c] for row in having]
                lags = np.array([lag for _, lag in run], dtype=np.float64)[:, None]
                self.subsets.append(
                    (
                        np.array(having, dtype=np.intp),
                        np.array([j for j, _ in run], dtype=np.intp),
                        lags if lags.any() else None,
                    )
                )
                continue
            if pad:
                run = [items[c] if c < len(items) else (sentinel, 0.0) for items in lists]
            else:
                run = [items[c] for items in lists if c < len(items)]
                assert all(len(items) > c for items in lists[: len(run)])
            index = np.array([j for j, _ in run], dtype=np.intp)
            lags = np.array([lag for _, lag in run], dtype=np.float64)[:, None]
            self.columns.append((len(run), index, lags if lags.any() else None))

    def extreme(self, values: Array, out: Array, pick: np.ufunc, *, subtract: bool) -> None:
        """Into ``out`` (the level's rows), the max (or min) over each task's links of the
        neighbour's value plus (or, with ``subtract``, minus) the lag."""
        for c, (rows, index, lags) in enumerate(self.columns):
            target = out[:rows]
            if c == 0:
                np.take(values, index, axis=0, out=target, mode="clip")
                if lags is not None:
                    if subtract:
                        target -= lags
                    else:
                        target += lags
                continue
            other = values[index]
            if lags is not None:
                if subtract:
                    other -= lags
                else:
                    other += lags
            pick(target, other, out=target)
        for rows_having, index, lags in self.subsets:
            other = values[index]
            if lags is not None:
                if subtract:
                    other -= lags
                else:
                    other += lags
            current = np.take(out, rows_having, axis=0, mode="clip")
            pick(current, other, out=current)
            out[rows_having] = current
