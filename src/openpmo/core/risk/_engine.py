"""Monte Carlo simulation of a task network: finish and cost distributions, and their drivers.

How an iteration runs. Every task's duration is drawn from its three-point estimate; each risk
event happens with its probability and, when it does, adds one delay (drawn once) to every task it
hits and one cost. The network is then scheduled forward (a task starts when the last of its
predecessors finishes, plus any lag) to give the finish in working days from the start, and
backward from that finish to find the tasks with no slack: the critical ones. The cost of the
iteration is the sum of the task costs drawn plus the costs of the risks that happened.

Correlation. Tasks of a strand with correlation rho share a factor (a Gaussian copula): each
task's draw is Phi(sqrt(rho) F + sqrt(1 - rho) E), with F common to the strand in the iteration
and E its own, fed through the inverse of the task's distribution. rho = 1 moves them in step.

Sampling. Every draw starts from uniforms taken through an inverse CDF, except PERT estimates
whose Beta shape few rows share (``Generator.beta``). Triangular: the exact inverse. PERT shapes
shared by ``_TABLE_MIN_ROWS`` or more rows (in practice, a schedule given one spread): a table of
the Beta's quantiles (``_pert_table``), interpolated linearly, with a finer table across each
outer cell; the distribution drawn is within 2e-5 of the Beta's CDF everywhere and 5e-7 over its
middle 97% (tests/core/test_risk_sampling.py), and it is several times faster than
``Generator.beta``. ``simulate(..., exact_pert=True)`` takes the same uniforms through the exact
inverse (``scipy.special.betaincinv``): the same run to within those errors, much slower.

Speed and memory. Iterations are vectorised: each numpy operation works on a chunk of
iterations at once (the iteration axis contiguous), the tasks being taken level by level through
the network: a gather of the predecessors' finishes, one link column at a time, and a running
maximum (forward), then the same with successors and minima (backward). Memory is a few arrays
of (tasks x chunk), allocated once, whatever the number of iterations (plus one number per
iteration for the finish and one for the cost, kept for the percentiles). Criticality,
cruciality and the tornado are running sums, block by block; no per-iteration array is kept.

Reproducibility. The random numbers are drawn in blocks of ``BLOCK`` iterations, block ``k``
from its own stream ``SeedSequence(seed, spawn_key=(k,))``, always in the same order; chunks are
whole numbers of blocks and the statistics are accumulated block by block in order. So the same
seed gives the same result, to the last bit, whatever the chunk size.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from decimal import Decimal

import numpy as np
import numpy.typing as npt
from scipy import special

from openpmo.core.errors import ValidationError
from openpmo.core.money import pounds
from openpmo.core.risk import _kernel
from openpmo.core.risk._model import CostEstimate, Estimate, RiskNetwork
from openpmo.core.risk._results import (
    CostDistribution,
    CurvePoint,
    Driver,
    FinishDistribution,
    SimulationResult,
    TaskStatistics,
)
from openpmo.core.risk._sampling import (
    _TABLE_CELLS,
    _pert_table,
    _rows,
    _ThreePoints,
    pert_parameters,
    triangular_ppf,
)

__all__ = [
    "BLOCK",
    "CostDistribution",
    "CurvePoint",
    "Driver",
    "FinishDistribution",
    "SimulationResult",
    "TaskStatistics",
    "_TABLE_CELLS",
    "_ThreePoints",
    "_pert_table",
    "pert_parameters",
    "simulate",
    "triangular_ppf",
]

Array = npt.NDArray[np.float64]

BLOCK = 256
"""Iterations drawn from one random stream; part of what makes a seed reproducible."""

PERCENTILES = (0.10, 0.50, 0.80, 0.90)
CURVE_LEVELS = tuple(i / 20 for i in range(21))
_DEFAULT_CHUNK_BYTES = 48 * 2**20


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
        self.durations = _ThreePoints([t.duration for t in tasks])
        self.likely = self.durations.likely[:, 0].copy()
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
        self._buffers: dict[str, Array] = {}
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
        """Finish per column, and (if asked) how many columns each task was critical in.

        Level by level, each step a few gathers of the neighbours' rows (the iterations
        contiguous) and a running maximum (minimum backward); see ``_Links``.
        """
        columns = durations.shape[1]
        finish = self._buffer("finish", columns)
        start = self._buffer("start", columns)
        if self.compiled:
            counts = np.zeros(self.n, dtype=np.int64) if critical else None
            buffers = (finish[: self.n], start[: self.n])
            return _kernel.passes(durations, self.links, self.has_leads, buffers, counts), counts
        finish[self.n] = 0.0
        forward, backward = self._level_links()
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
        if not critical:
            return project, None
        counts = np.zeros(self.n, dtype=np.int64)
        late_start = start  # overwritten level by level, last level first
        late_start[self.n] = project
        late_finish = self._buffer("late", columns)
        flags = np.empty(late_finish.shape, dtype=np.bool_)
        tolerance = 1e-9 * np.maximum(1.0, project)  # per iteration, so chunking cannot matter
        for links in backward:
            a, b = links.first, links.end
            here = late_finish[: b - a]
            links.extreme(late_start, here, np.minimum, subtract=True)
            np.subtract(here, durations[a:b], out=late_start[a:b])
            # critical: no slack (late finish - early finish), to rounding
            here -= finish[a:b]
            critical_here = np.less_equal(here, tolerance, out=flags[: b - a])
            counts[a:b] += critical_here.view(np.uint8).sum(axis=1, dtype=np.uint32)
        return project, counts

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
        """A working ``(tasks + 1, columns)`` array, its memory kept between chunks."""
        size = (self.n + 1) * columns
        flat = self._buffers.get(name)
        if flat is None or flat.size < size:
            flat = self._buffers[name] = np.empty(size, dtype=np.float64)
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


class _Moments:
    """Running sums for the correlation of each row of ``x`` with ``y``, block by block."""

    def __init__(self, rows: int) -> None:
        self.sx = np.zeros(rows)
        self.sxx = np.zeros(rows)
        self.sxy = np.zeros(rows)
        self.sy = 0.0
        self.syy = 0.0
        self.count = 0

    def add(self, x: Array, y: Array) -> None:
        self.sx += x.sum(axis=1)
        self.sxx += np.einsum("ij,ij->i", x, x)
        self.sxy += np.einsum("ij,j->i", x, y)
        self.sy += float(y.sum())
        self.syy += float(np.dot(y, y))
        self.count += y.size

    def correlation(self) -> list[float | None]:
        n = self.count
        mean_y = self.sy / n
        var_y = self.syy / n - mean_y * mean_y
        mean_x = self.sx / n
        var_x = self.sxx / n - mean_x * mean_x
        cov = self.sxy / n - mean_x * mean_y
        result: list[float | None] = []
        for v, c in zip(var_x.tolist(), cov.tolist(), strict=True):
            if v <= 1e-12 or var_y <= 1e-12:
                result.append(None)
            else:
                result.append(max(-1.0, min(1.0, c / math.sqrt(v * var_y))))
        return result


def _chunk_iterations(chunk_size: int | None, tasks: int) -> int:
    if chunk_size is None:
        per_iteration = (tasks + 1) * 8 * 6
        chunk_size = _DEFAULT_CHUNK_BYTES // per_iteration
        chunk_size = min(chunk_size, 16 * BLOCK)
    if chunk_size < 1:
        raise ValidationError(f"chunk size must be at least 1, got {chunk_size}")
    return max(1, chunk_size // BLOCK) * BLOCK


def _tornado(ids: Sequence[str], kind: str, values: Sequence[float | None]) -> list[Driver]:
    return [Driver(i, kind, v) for i, v in zip(ids, values, strict=True) if v is not None]


def _top(drivers: list[Driver], top: int) -> tuple[Driver, ...]:
    return tuple(sorted(drivers, key=lambda d: (-abs(d.correlation), d.kind, d.id))[:top])


def _money(value: float) -> Decimal:
    return pounds(Decimal(float(value)))


def simulate(
    network: RiskNetwork,
    *,
    iterations: int,
    seed: int | None = None,
    rng: np.random.Generator | None = None,
    chunk_size: int | None = None,
    top: int = 20,
    progress: Callable[[int], None] | None = None,
    exact_pert: bool = False,
) -> SimulationResult:
    """Run ``iterations`` iterations of ``network`` and summarise them.

    Give either ``seed`` (a non-negative integer) or ``rng``, a numpy ``Generator`` from which one
    seed is drawn; the seed used is stored in the result, and ``simulate(..., seed=result.seed)``
    gives the same result again. ``chunk_size`` (rounded down to whole blocks of ``BLOCK``
    iterations; by default about 48 MB of working arrays) changes memory and speed, never the
    answer. ``progress`` is called with the number of iterations done after each chunk.

    PERT durations shared by several tasks are drawn through a quantile table of their Beta
    shape (``_pert_table``: the exact distribution to within about 1e-4 in probability);
    ``exact_pert=True`` takes the same uniforms through the exact inverse Beta CDF instead,
    several times slower, for checking.
    """
    if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 1:
        raise ValidationError(f"iterations must be a whole number above 0, got {iterations!r}")
    if (seed is None) == (rng is None):
        raise ValidationError("give either a seed or a random generator, not both or neither")
    if rng is not None:
        seed = int(rng.integers(0, 2**63 - 1))
    assert seed is not None
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValidationError(f"seed must be a whole number, 0 or more, got {seed!r}")
    plan = _Plan(network)
    chunk = _chunk_iterations(chunk_size, plan.n)
    blocks = -(-iterations // BLOCK)
    blocks_per_chunk = chunk // BLOCK
    columns = min(blocks, blocks_per_chunk) * BLOCK
    plan.compiled = plan.n * columns >= _kernel.MIN_CELLS and _kernel.available()

    deterministic, _ = plan.schedule(plan.likely[:, None].copy(), critical=False)
    finish_zero = float(deterministic[0])
    cost_zero = float(plan.likely_cost)
    likely = plan.likely[:, None]
    likely_costs = plan.costs.likely

    finish_all = np.empty(iterations, dtype=np.float64)
    cost_all = np.empty(iterations, dtype=np.float64)
    critical_counts = np.zeros(plan.n, dtype=np.int64)
    fired_counts = np.zeros(len(plan.risk_ids), dtype=np.int64)
    by_duration = _Moments(plan.n)
    by_delay = _Moments(len(plan.risk_ids))
    by_task_cost = _Moments(len(plan.cost_ids))
    by_risk_cost = _Moments(len(plan.risk_ids))

    # the working arrays, allocated once: whole blocks are drawn, the first ``width`` columns used
    capacity = min(blocks, blocks_per_chunk) * BLOCK
    durations_buffer = np.empty((plan.n, capacity))
    task_costs_buffer = np.empty((len(plan.cost_ids), capacity))
    risk_delays_buffer = np.empty((len(plan.risk_ids), capacity))
    risk_costs_buffer = np.empty((len(plan.risk_ids), capacity))
    shifted_buffer = np.empty((plan.n, BLOCK))
    cost_shifted_buffer = np.empty((len(plan.cost_ids), BLOCK))

    for first_block in range(0, blocks, blocks_per_chunk):
        chunk_blocks = range(first_block, min(first_block + blocks_per_chunk, blocks))
        start = first_block * BLOCK
        stop = min(iterations, chunk_blocks[-1] * BLOCK + BLOCK)
        width = stop - start
        for position, block in enumerate(chunk_blocks):
            lo = position * BLOCK
            hi = lo + BLOCK
            fired = plan.draw_block(
                seed,
                block,
                durations_buffer[:, lo:hi],
                task_costs_buffer[:, lo:hi],
                risk_delays_buffer[:, lo:hi],
                risk_costs_buffer[:, lo:hi],
                exact=exact_pert,
            )
            fired_counts += fired[:, : min(BLOCK, width - lo)].sum(axis=1)
        durations = durations_buffer[:, :width]
        task_costs = task_costs_buffer[:, :width]
        risk_delays = risk_delays_buffer[:, :width]
        risk_costs = risk_costs_buffer[:, :width]
        finish, critical = plan.schedule(durations, critical=True)
        assert critical is not None
        cost = task_costs.sum(axis=0) + risk_costs.sum(axis=0)
        finish_all[start:stop] = finish
        cost_all[start:stop] = cost
        critical_counts += critical
        for position in range(len(chunk_blocks)):
            part = slice(position * BLOCK, min(width, position * BLOCK + BLOCK))
            used = part.stop - part.start
            y_finish = finish[part] - finish_zero
            y_cost = cost[part] - cost_zero
            shifted = np.subtract(durations[:, part], likely, out=shifted_buffer[:, :used])
            by_duration.add(shifted, y_finish)
            by_delay.add(risk_delays[:, part], y_finish)
            shifted_costs = np.subtract(
                task_costs[:, part], likely_costs, out=cost_shifted_buffer[:, :used]
            )
            by_task_cost.add(shifted_costs, y_cost)
            by_risk_cost.add(risk_costs[:, part], y_cost)
        if progress is not None:
            progress(stop)

    cruciality = by_duration.correlation()
    levels = [0.0, *PERCENTILES, 1.0]
    finish_q = np.quantile(finish_all, levels).tolist()
    cost_q = np.quantile(cost_all, levels).tolist()
    mean_durations = (plan.likely + by_duration.sx / iterations).tolist()
    by_position = sorted(range(plan.n), key=plan.order.__getitem__)  # back to the input order
    tasks = tuple(
        TaskStatistics(
            id=plan.ids[i],
            criticality=int(critical_counts[i]) / iterations,
            cruciality=cruciality[i],
            mean_duration=mean_durations[i],
        )
        for i in by_position
    )
    schedule_drivers = _tornado(plan.ids, "task", cruciality) + _tornado(
        plan.risk_ids, "risk", by_delay.correlation()
    )
    cost_drivers = _tornado(plan.cost_ids, "task", by_task_cost.correlation()) + _tornado(
        plan.risk_ids, "risk", by_risk_cost.correlation()
    )
    finish_curve = np.quantile(finish_all, CURVE_LEVELS).tolist()
    cost_curve = np.quantile(cost_all, CURVE_LEVELS).tolist()
    return SimulationResult(
        iterations=iterations,
        seed=seed,
        deterministic_finish=finish_zero,
        deterministic_cost=pounds(plan.likely_cost),
        finish=FinishDistribution(float(finish_all.mean()), *finish_q[1:5]),
        cost=CostDistribution(_money(cost_all.mean()), *(_money(v) for v in cost_q[1:5])),
        tasks=tasks,
        risk_occurrence={
            risk_id: int(fired_counts[i]) / iterations for i, risk_id in enumerate(plan.risk_ids)
        },
        schedule_drivers=_top(schedule_drivers, top),
        cost_drivers=_top(cost_drivers, top),
        finish_curve=tuple(
            CurvePoint(p, v) for p, v in zip(CURVE_LEVELS, finish_curve, strict=True)
        ),
        cost_curve=tuple(
            CurvePoint(p, _money(v)) for p, v in zip(CURVE_LEVELS, cost_curve, strict=True)
        ),
        finish_samples=finish_all,
        cost_samples=cost_all,
    )
