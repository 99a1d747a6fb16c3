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

Speed and memory. Iterations are vectorised: each numpy operation works on a chunk of
iterations at once, the tasks being taken level by level through the network, so memory is a few
arrays of (tasks x chunk) whatever the number of iterations (plus one number per iteration for
the finish and one for the cost, kept for the percentiles).

Reproducibility. The random numbers are drawn in blocks of ``BLOCK`` iterations, block ``k``
from its own stream ``SeedSequence(seed, spawn_key=(k,))``, always in the same order; chunks are
whole numbers of blocks and the statistics are accumulated block by block in order. So the same
seed gives the same result, to the last bit, whatever the chunk size.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import special

from openpmo.core.errors import ValidationError
from openpmo.core.money import pounds
from openpmo.core.risk._model import CostEstimate, Estimate, RiskNetwork, Shape

BLOCK = 256
"""Iterations drawn from one random stream; part of what makes a seed reproducible."""

PERCENTILES = (0.10, 0.50, 0.80, 0.90)
CURVE_LEVELS = tuple(i / 20 for i in range(21))
_DEFAULT_CHUNK_BYTES = 48 * 2**20
_TILE = 256  # rows transformed at a time when drawing

Array = npt.NDArray[np.float64]


# -- Results --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FinishDistribution:
    """Finish in working days from the start: mean and percentiles (P80: 80% finish by then)."""

    mean: float
    p10: float
    p50: float
    p80: float
    p90: float


@dataclass(frozen=True, slots=True)
class CostDistribution:
    """Total cost in pounds, rounded to the penny: mean and percentiles."""

    mean: Decimal
    p10: Decimal
    p50: Decimal
    p80: Decimal
    p90: Decimal


@dataclass(frozen=True, slots=True)
class TaskStatistics:
    """One task across the iterations.

    ``criticality``: the share of iterations in which it was critical (no slack).
    ``cruciality``: the correlation between its duration (risk delays included) and the project
    finish, ``None`` when its duration never varies.
    """

    id: str
    criticality: float
    cruciality: float | None
    mean_duration: float


@dataclass(frozen=True, slots=True)
class Driver:
    """One bar of a tornado: a task's or a risk's correlation with the finish or the cost."""

    id: str
    kind: str  # "task" or "risk"
    correlation: float


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """One point of an S-curve: the value reached in ``probability`` of the iterations."""

    probability: float
    value: float | Decimal


@dataclass(frozen=True)
class SimulationResult:
    """The outcome of ``simulate``; ``seed`` and ``iterations`` reproduce it exactly."""

    iterations: int
    seed: int
    deterministic_finish: float
    deterministic_cost: Decimal
    finish: FinishDistribution
    cost: CostDistribution
    tasks: tuple[TaskStatistics, ...]
    risk_occurrence: dict[str, float]
    schedule_drivers: tuple[Driver, ...]
    cost_drivers: tuple[Driver, ...]
    finish_curve: tuple[CurvePoint, ...]
    cost_curve: tuple[CurvePoint, ...]
    finish_samples: Array = field(repr=False, compare=False)
    cost_samples: Array = field(repr=False, compare=False)

    @property
    def criticality(self) -> dict[str, float]:
        return {task.id: task.criticality for task in self.tasks}

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready summary (money as strings, to keep it exact)."""

        def money(d: CostDistribution) -> dict[str, str]:
            return {k: str(getattr(d, k)) for k in ("mean", "p10", "p50", "p80", "p90")}

        finish = self.finish
        return {
            "iterations": self.iterations,
            "seed": self.seed,
            "finish_days": {
                k: round(getattr(finish, k), 4) for k in ("mean", "p10", "p50", "p80", "p90")
            },
            "cost": money(self.cost),
            "criticality": {t.id: round(t.criticality, 6) for t in self.tasks},
            "cruciality": {
                t.id: None if t.cruciality is None else round(t.cruciality, 6) for t in self.tasks
            },
            "deterministic": {
                "finish_days": round(self.deterministic_finish, 4),
                "cost": str(self.deterministic_cost),
            },
            "risk_occurrence": {k: round(v, 6) for k, v in self.risk_occurrence.items()},
            "tornado": {
                "finish": [
                    {"id": d.id, "kind": d.kind, "correlation": round(d.correlation, 6)}
                    for d in self.schedule_drivers
                ],
                "cost": [
                    {"id": d.id, "kind": d.kind, "correlation": round(d.correlation, 6)}
                    for d in self.cost_drivers
                ],
            },
            "s_curve": {
                "finish_days": [
                    [p.probability, round(float(p.value), 4)] for p in self.finish_curve
                ],
                "cost": [[p.probability, str(p.value)] for p in self.cost_curve],
            },
        }


# -- Sampling -------------------------------------------------------------------------------------


def triangular_ppf(u: Array, low: Array, likely: Array, high: Array) -> Array:
    """The inverse CDF of the triangular distribution (arrays broadcast)."""
    width = high - low
    with np.errstate(divide="ignore", invalid="ignore"):
        split = np.where(width > 0, (likely - low) / np.where(width > 0, width, 1.0), 0.0)
    left = low + np.sqrt(u * width * (likely - low))
    right = high - np.sqrt((1.0 - u) * width * (high - likely))
    result: Array = np.where(u < split, left, right)
    return result


def pert_parameters(low: Array, likely: Array, high: Array) -> tuple[Array, Array, Array]:
    """Beta shape parameters (alpha, beta) and the width of PERT-Beta estimates."""
    width = high - low
    safe = np.where(width > 0, width, 1.0)
    alpha = np.where(width > 0, 1 + 4 * (likely - low) / safe, 1.0)
    beta = np.where(width > 0, 1 + 4 * (high - likely) / safe, 1.0)
    return alpha, beta, width


class _ThreePoints:
    """The estimates of several rows, ready to draw ``(rows, columns)`` samples at once.

    Triangular rows are drawn as uniforms through the inverse CDF; PERT rows with
    ``Generator.beta``, or through the exact inverse Beta CDF when the uniforms are given
    (correlated rows: exact but much slower).
    """

    def __init__(self, estimates: Sequence[Estimate | CostEstimate]) -> None:
        self.count = len(estimates)
        low = np.array([float(e.low) for e in estimates], dtype=np.float64)[:, None]
        likely = np.array([float(e.likely) for e in estimates], dtype=np.float64)[:, None]
        high = np.array([float(e.high) for e in estimates], dtype=np.float64)[:, None]
        self.likely = likely
        pert = np.array([e.shape is Shape.PERT for e in estimates], dtype=bool)
        self.pert_rows = np.flatnonzero(pert)
        self.triangular_rows = np.flatnonzero(~pert)
        tri = self.triangular_rows
        width = high[tri] - low[tri]
        self.low = low[tri]
        self.high = high[tri]
        self.split = np.where(
            width > 0, (likely[tri] - low[tri]) / np.where(width > 0, width, 1), 0
        )
        self.rise = width * (likely[tri] - low[tri])
        self.fall = width * (high[tri] - likely[tri])
        self.pert_low = low[self.pert_rows]
        self.alpha, self.beta, self.width = pert_parameters(
            self.pert_low, likely[self.pert_rows], high[self.pert_rows]
        )

    def _triangular(self, u: Array, out: Array) -> None:
        """The triangular inverse CDF into ``out``, a tile of rows at a time (to stay in
        cache): low + sqrt(u * rise) below the mode, high - sqrt((1 - u) * fall) above it."""
        for a in range(0, u.shape[0], _TILE):
            b = a + _TILE
            tile = u[a:b]
            left = tile * self.rise[a:b]
            np.sqrt(left, out=left)
            left += self.low[a:b]
            right = out[a:b]
            np.subtract(1.0, tile, out=right)
            right *= self.fall[a:b]
            np.sqrt(right, out=right)
            np.subtract(self.high[a:b], right, out=right)
            np.copyto(right, left, where=tile < self.split[a:b])

    def draw(self, rng: np.random.Generator, columns: int, uniform: Array | None = None) -> Array:
        """Samples for every row, drawn in a fixed order (triangular rows, then PERT rows)."""
        tri, pert = self.triangular_rows, self.pert_rows
        if not pert.size:
            u = rng.random((self.count, columns)) if uniform is None else uniform
            out = np.empty_like(u)
            self._triangular(u, out)
            return out
        out = np.empty((self.count, columns), dtype=np.float64)
        if tri.size:
            u = rng.random((tri.size, columns)) if uniform is None else uniform[tri]
            part = np.empty_like(u)
            self._triangular(u, part)
            out[tri] = part
        if uniform is None:
            x = rng.beta(self.alpha, self.beta, size=(pert.size, columns))
        else:
            x = special.betaincinv(self.alpha, self.beta, uniform[pert])
        x *= self.width
        x += self.pert_low
        if tri.size:
            out[pert] = x
            return out
        return x


@dataclass
class _Block:
    durations: Array  # (tasks, B), risk delays included
    task_costs: Array  # (costed tasks, B)
    fired: npt.NDArray[np.bool_]  # (risks, B)
    risk_delays: Array  # (risks, B), zero when the risk did not happen
    risk_costs: Array  # (risks, B), zero when the risk did not happen


class _Plan:
    """The network turned into index arrays for the level-by-level passes."""

    def __init__(self, network: RiskNetwork) -> None:
        levels = network.levels()
        # Tasks are renumbered level by level, so that each level is a slice of the arrays.
        self.order = [i for level in levels for i in level]
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
        self.free = np.array([i for i in range(self.n) if i not in correlated_set], dtype=np.int64)
        self.free_points = _ThreePoints([tasks[i].duration for i in self.free])
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
        for i, t in enumerate(tasks):
            for p in dict.fromkeys(t.after):
                lag = float(t.lags.get(p, 0.0))
                successors[index[p]].append((i, lag))
                predecessors[i].append((index[p], lag))
                self.has_leads |= lag < 0
        bounds = []
        first = 0
        for level in levels:
            bounds.append((first, first + len(level)))
            first += len(level)
        self.forward = [(a, b, *_pad(predecessors[a:b], self.n)) for a, b in bounds]
        self.backward = [(a, b, *_pad(successors[a:b], self.n)) for a, b in reversed(bounds)]

    def draw_block(self, seed: int, block: int) -> _Block:
        """The random draws of block ``block``: always the same numbers in the same order."""
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block,))))
        durations = np.empty((self.n, BLOCK), dtype=np.float64)
        durations[self.free] = self.free_points.draw(rng, BLOCK)
        if self.correlated.size:
            factors = rng.standard_normal((self.strand_count, BLOCK))
            own = rng.standard_normal((self.correlated.size, BLOCK))
            rho = self.correlated_rho
            z = np.sqrt(rho) * factors[self.correlated_strand] + np.sqrt(1 - rho) * own
            durations[self.correlated] = self.correlated_points.draw(rng, BLOCK, special.ndtr(z))
        task_costs = self.costs.draw(rng, BLOCK)
        fired = rng.random((len(self.risk_ids), BLOCK)) < self.probability
        risk_delays = self.risk_delay.draw(rng, BLOCK) * fired
        risk_costs = self.risk_cost.draw(rng, BLOCK) * fired
        for r_index, rows in self.hits:
            durations[rows] += risk_delays[r_index]
        return _Block(durations, task_costs, fired, risk_delays, risk_costs)

    def schedule(
        self, durations: Array, *, critical: bool
    ) -> tuple[Array, npt.NDArray[np.int64] | None]:
        """Finish per column, and (if asked) how many columns each task was critical in."""
        columns = durations.shape[1]
        finish = np.zeros((self.n + 1, columns), dtype=np.float64)
        for a, b, preds, lags in self.forward:
            if preds.shape[1] == 0:
                finish[a:b] = durations[a:b]
                continue
            start = _extreme(finish, preds, lags, np.maximum)
            if self.has_leads:
                np.maximum(start, 0.0, out=start)
            np.add(start, durations[a:b], out=finish[a:b])
        project: Array = finish[: self.n].max(axis=0)
        if not critical:
            return project, None
        late_start = np.empty((self.n + 1, columns), dtype=np.float64)
        late_start[self.n] = project
        for a, b, succs, lags in self.backward:
            late_finish = _extreme(late_start, succs, lags, np.minimum, subtract=True)
            np.subtract(late_finish, durations[a:b], out=late_start[a:b])
        # slack = late start - early start, computed in place
        early_start = finish[: self.n]
        early_start -= durations
        slack = late_start[: self.n]
        slack -= early_start
        tolerance = 1e-9 * np.maximum(1.0, project)  # per iteration, so chunking cannot matter
        return project, np.count_nonzero(slack <= tolerance, axis=1).astype(np.int64)


def _pad(
    lists: list[list[tuple[int, float]]], sentinel: int
) -> tuple[npt.NDArray[np.int64], Array | None]:
    width = max((len(x) for x in lists), default=0)
    index = np.full((len(lists), width), sentinel, dtype=np.int64)
    lags = np.zeros((len(lists), width), dtype=np.float64)
    for row, items in enumerate(lists):
        for col, (j, lag) in enumerate(items):
            index[row, col] = j
            lags[row, col] = lag
    return index, (lags if lags.any() else None)


def _extreme(
    values: Array,
    index: npt.NDArray[np.int64],
    lags: Array | None,
    pick: Callable[..., Array],
    *,
    subtract: bool = False,
) -> Array:
    """Row-wise max (or min) over the padded neighbour columns of ``index``, lags applied."""
    if index.shape[1] == 0:
        # no neighbours at all: the sentinel row answers (zero forward, the finish backward)
        return np.repeat(values[-1:], index.shape[0], axis=0)
    out = values[index[:, 0]]
    if lags is not None:
        out = out - lags[:, :1] if subtract else out + lags[:, :1]
    for col in range(1, index.shape[1]):
        other = values[index[:, col]]
        if lags is not None:
            other = other - lags[:, col : col + 1] if subtract else other + lags[:, col : col + 1]
        pick(out, other, out=out)
    return out


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
) -> SimulationResult:
    """Run ``iterations`` iterations of ``network`` and summarise them.

    Give either ``seed`` (a non-negative integer) or ``rng``, a numpy ``Generator`` from which one
    seed is drawn; the seed used is stored in the result, and ``simulate(..., seed=result.seed)``
    gives the same result again. ``chunk_size`` (rounded down to whole blocks of ``BLOCK``
    iterations; by default about 48 MB of working arrays) changes memory and speed, never the
    answer. ``progress`` is called with the number of iterations done after each chunk.
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

    deterministic, _ = plan.schedule(plan.likely[:, None].copy(), critical=False)
    finish_zero = float(deterministic[0])
    cost_zero = float(plan.likely_cost)
    likely = plan.likely[:, None]
    likely_costs = plan.costs.likely

    finish_all = np.empty(iterations, dtype=np.float64)
    cost_all = np.empty(iterations, dtype=np.float64)
    critical_counts = np.zeros(plan.n, dtype=np.int64)
    fired_counts = np.zeros(len(plan.risk_ids), dtype=np.int64)
    duration_sums = np.zeros(plan.n, dtype=np.float64)
    by_duration = _Moments(plan.n)
    by_delay = _Moments(len(plan.risk_ids))
    by_task_cost = _Moments(len(plan.cost_ids))
    by_risk_cost = _Moments(len(plan.risk_ids))

    for first_block in range(0, blocks, blocks_per_chunk):
        chunk_blocks = range(first_block, min(first_block + blocks_per_chunk, blocks))
        start = first_block * BLOCK
        stop = min(iterations, chunk_blocks[-1] * BLOCK + BLOCK)
        width = stop - start
        durations = np.empty((plan.n, width))
        task_costs = np.empty((len(plan.cost_ids), width))
        risk_delays = np.empty((len(plan.risk_ids), width))
        risk_costs = np.empty((len(plan.risk_ids), width))
        for position, block in enumerate(chunk_blocks):
            drawn = plan.draw_block(seed, block)
            lo = position * BLOCK
            hi = min(width, lo + BLOCK)
            used = hi - lo
            durations[:, lo:hi] = drawn.durations[:, :used]
            task_costs[:, lo:hi] = drawn.task_costs[:, :used]
            risk_delays[:, lo:hi] = drawn.risk_delays[:, :used]
            risk_costs[:, lo:hi] = drawn.risk_costs[:, :used]
            fired_counts += drawn.fired[:, :used].sum(axis=1)
        finish, critical = plan.schedule(durations, critical=True)
        assert critical is not None
        cost = task_costs.sum(axis=0) + risk_costs.sum(axis=0)
        finish_all[start:stop] = finish
        cost_all[start:stop] = cost
        critical_counts += critical
        for position in range(len(chunk_blocks)):
            part = slice(position * BLOCK, min(width, position * BLOCK + BLOCK))
            y_finish = finish[part] - finish_zero
            y_cost = cost[part] - cost_zero
            shifted = durations[:, part] - likely
            duration_sums += shifted.sum(axis=1)
            by_duration.add(shifted, y_finish)
            by_delay.add(risk_delays[:, part], y_finish)
            by_task_cost.add(task_costs[:, part] - likely_costs, y_cost)
            by_risk_cost.add(risk_costs[:, part], y_cost)
        if progress is not None:
            progress(stop)

    cruciality = by_duration.correlation()
    levels = [0.0, *PERCENTILES, 1.0]
    finish_q = np.quantile(finish_all, levels).tolist()
    cost_q = np.quantile(cost_all, levels).tolist()
    mean_durations = (plan.likely + duration_sums / iterations).tolist()
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
