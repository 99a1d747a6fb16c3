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

import functools
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
from openpmo.core.risk import _kernel
from openpmo.core.risk._model import CostEstimate, Estimate, RiskNetwork, Shape

BLOCK = 256
"""Iterations drawn from one random stream; part of what makes a seed reproducible."""

PERCENTILES = (0.10, 0.50, 0.80, 0.90)
CURVE_LEVELS = tuple(i / 20 for i in range(21))
_DEFAULT_CHUNK_BYTES = 48 * 2**20
_TILE = 64  # rows transformed at a time when drawing

Array = npt.NDArray[np.float64]


_TABLE_CELLS = 4096
"""Cells of a PERT quantile table: the inverse CDF is interpolated linearly within a cell."""
_OUTER_CELLS = 512  # finer cells across each of the two outer cells of a table
_TABLE_MIN_ROWS = 8  # a PERT shape gets a table when at least this many rows of a group share it
_TABLE_MAX_SHAPES = 64  # the most shared shapes of a group get tables (~7 ms each to build)
_SCALED_TABLES = 64  # at most this many tables scaled to an estimate per group of rows


@functools.lru_cache(maxsize=128)  # 80 KiB a shape
def _pert_table(alpha: float, beta: float) -> tuple[Array, Array, Array, Array]:
    """Quantile tables of Beta(alpha, beta): ``value[k]`` the quantile at k/N and ``slope[k]``
    the step to the next, k = 0 ... N - 1; then the same at the finer step 1/(N M) across the
    first cell (M entries) followed by the last cell (M entries), M = ``_OUTER_CELLS``.

    Sampling ``value[k] + frac * slope[k]`` for ``u = (k + frac) / N`` gives the distribution
    whose CDF is the Beta's, interpolated linearly between the quantiles: exact at every knot.
    For PERT shapes (alpha and beta at least 1) it is within 2e-5 of the Beta's everywhere
    (the worst in the second and last-but-one cells), 3.5e-6 beyond the outer 0.2% at each end
    and 5e-7 over the middle 97%; the mean is off by under 1e-6 of the width, the variance by
    under 1e-4 of itself (tests/core/test_risk_sampling.py measures all of these).
    """
    u = np.linspace(0.0, 1.0, _TABLE_CELLS + 1)
    knots = special.betaincinv(alpha, beta, u)
    fine = np.linspace(0.0, 1.0 / _TABLE_CELLS, _OUTER_CELLS + 1)
    low_knots = special.betaincinv(alpha, beta, fine)
    high_knots = special.betaincinv(alpha, beta, 1.0 - fine[::-1])
    knots[0] = low_knots[0] = 0.0
    knots[-1] = high_knots[-1] = 1.0
    low_knots[-1], high_knots[0] = knots[1], knots[-2]
    tables = (
        knots[:-1].copy(),
        np.diff(knots),
        np.concatenate([low_knots[:-1], high_knots[:-1]]),
        np.concatenate([np.diff(low_knots), np.diff(high_knots)]),
    )
    for table in tables:
        table.flags.writeable = False
    return tables


def _rows(rows: Sequence[int], total: int) -> slice | npt.NDArray[np.int64]:
    """``rows`` as a slice when they are consecutive (views, no copies), else as an index."""
    if not rows:
        return slice(0, 0)
    if list(rows) == list(range(rows[0], rows[0] + len(rows))):
        return slice(rows[0], rows[0] + len(rows))
    return np.array(rows, dtype=np.int64)


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

    Rows fall in three kinds, fixed by the estimates alone (never by the iterations or the chunk):

    - triangular rows (and any row whose low equals its high): a uniform through the exact
      triangular inverse CDF;
    - PERT rows whose Beta shape is shared by at least ``_TABLE_MIN_ROWS`` rows of the group: a
      uniform through the shape's quantile table (``_pert_table``), or, with ``exact``, through
      the exact inverse Beta CDF (``scipy.special.betaincinv``), from the same uniforms;
    - other PERT rows: ``Generator.beta`` (a table would cost more than it saves).

    The uniforms of the first two kinds are drawn first, as one ``(rows, columns)`` array in row
    order, then the Beta draws of the third kind.
    """

    def __init__(self, estimates: Sequence[Estimate | CostEstimate]) -> None:
        self.count = len(estimates)
        low = np.array([float(e.low) for e in estimates], dtype=np.float64)[:, None]
        likely = np.array([float(e.likely) for e in estimates], dtype=np.float64)[:, None]
        high = np.array([float(e.high) for e in estimates], dtype=np.float64)[:, None]
        self.likely = likely
        width = high - low
        pert = np.array([e.shape is Shape.PERT for e in estimates], dtype=bool) & (width[:, 0] > 0)
        alpha, beta, _ = pert_parameters(low, likely, high)
        alphas, betas = alpha[:, 0].tolist(), beta[:, 0].tolist()
        shapes: dict[tuple[float, float], list[int]] = {}
        for row in np.flatnonzero(pert).tolist():
            shapes.setdefault((alphas[row], betas[row]), []).append(row)
        tabled = sorted(
            (key for key, rows in shapes.items() if len(rows) >= _TABLE_MIN_ROWS),
            key=lambda key: (-len(shapes[key]), key),
        )[:_TABLE_MAX_SHAPES]
        table_of = {key: k for k, key in enumerate(tabled)}
        tab = [row for key in tabled for row in shapes[key]]
        drawn = sorted(set(np.flatnonzero(pert).tolist()) - set(tab))
        table_of_row = {row: table_of[key] for key in tabled for row in shapes[key]}
        if tabled:
            # fixed PERT rows (low = high) join a table with width zero: no gather, no scatter
            is_pert = pert.tolist()
            fixed = [i for i, e in enumerate(estimates) if e.shape is Shape.PERT and not is_pert[i]]
            table_of_row.update((row, 0) for row in fixed)
            tab += fixed
        tab.sort()
        tri = sorted(set(range(self.count)) - set(tab) - set(drawn))
        # rows that take a uniform, in row order; and where each kind sits among them
        self.uniform_rows = _rows(sorted(tri + tab), self.count)
        self.uniform_count = len(tri) + len(tab)
        position = {row: i for i, row in enumerate(sorted(tri + tab))}
        self.tri = _rows(tri, self.count)
        self.tri_in_u = _rows([position[r] for r in tri], self.uniform_count)
        self.tab = _rows(tab, self.count)
        self.tab_in_u = _rows([position[r] for r in tab], self.uniform_count)
        self.drawn = _rows(drawn, self.count)
        self.tri_count, self.tab_count, self.drawn_count = len(tri), len(tab), len(drawn)
        # triangular: low + sqrt(u * rise) below the mode, high - sqrt((1 - u) * fall) above it
        t = np.array(tri, dtype=np.int64)
        self.low = low[t]
        self.mode = likely[t]
        self.above = high[t] - likely[t]
        self.rise = width[t] * (likely[t] - low[t])
        self.fall = width[t] * (high[t] - likely[t])
        # tabled PERT: low + width * (value[k] + frac * slope[k]), k the cell of u in the table
        t = np.array(tab, dtype=np.int64)
        self.tab_low, self.tab_width = low[t], width[t]
        self.tab_alpha, self.tab_beta = alpha[t], beta[t]
        tables = [_pert_table(*key) for key in tabled]
        # Rows with the same estimate share a table scaled to it (saving a multiply and an add
        # per draw), when there are few such estimates; otherwise the shape's table is scaled
        # row by row.
        lows, widths = low[:, 0].tolist(), width[:, 0].tolist()
        keys = [(table_of_row[r], lows[r], widths[r]) for r in tab]
        estimates_of = dict.fromkeys(keys, 0)
        self.scaled = len(estimates_of) <= _SCALED_TABLES
        if self.scaled:
            estimates_of = {key: i for i, key in enumerate(estimates_of)}
            self.tab_offset = (
                np.array(
                    [estimates_of[key] for key in keys],
                    dtype=np.float64,
                )[:, None]
                * _TABLE_CELLS
            )
            self.values = (
                np.concatenate([lo + w * tables[k][0] for k, lo, w in estimates_of])
                if tables
                else np.zeros(1)
            )
            self.slopes = (
                np.concatenate([w * tables[k][1] for k, lo, w in estimates_of])
                if tables
                else np.zeros(1)
            )
        else:
            self.tab_offset = np.array(
                [table_of_row[r] * _TABLE_CELLS for r in tab], dtype=np.float64
            )[:, None]
            self.values = np.concatenate([t[0] for t in tables]) if tables else np.zeros(1)
            self.slopes = np.concatenate([t[1] for t in tables]) if tables else np.zeros(1)
        # NaN in the outer cells' slopes: the draws there come out NaN and are redone finer
        self.slopes[0::_TABLE_CELLS] = np.nan
        self.slopes[_TABLE_CELLS - 1 :: _TABLE_CELLS] = np.nan
        self.outer_values = np.concatenate([t[2] for t in tables]) if tables else np.zeros(1)
        self.outer_slopes = np.concatenate([t[3] for t in tables]) if tables else np.zeros(1)
        self.tab_outer = np.array([table_of_row[r] * 2 * _OUTER_CELLS for r in tab], dtype=np.intp)
        # PERT drawn with Generator.beta
        t = np.array(drawn, dtype=np.int64)
        self.drawn_low, self.drawn_width = low[t], width[t]
        self.drawn_alpha, self.drawn_beta = alpha[t], beta[t]
        self._u: Array | None = None

    def _triangular(self, u: Array, out: Array, rng: np.random.Generator | None = None) -> None:
        """The triangular inverse CDF of ``u`` (the triangular rows) into ``out``, a tile of
        rows at a time (to stay in cache): low + sqrt(u * rise) below the mode, high -
        sqrt((1 - u) * fall) above it. With ``rng``, ``u`` is drawn here, tile by tile."""
        columns = u.shape[1]
        scratch = np.empty((2, _TILE, columns), dtype=np.float64)
        for a in range(0, u.shape[0], _TILE):
            b = min(a + _TILE, u.shape[0])
            tile = u[a:b]
            if rng is not None:
                rng.random(out=tile)
            left, right = scratch[0, : b - a], scratch[1, : b - a]
            # min(low + sqrt(u rise), mode) + max(high - mode - sqrt((1 - u) fall), 0): the
            # first term is the answer below the mode (the second is then 0), the second plus
            # the mode above it; no masks, which are slow
            np.multiply(tile, self.rise[a:b], out=left)
            np.sqrt(left, out=left)
            left += self.low[a:b]
            np.minimum(left, self.mode[a:b], out=left)
            np.subtract(1.0, tile, out=right)
            right *= self.fall[a:b]
            np.sqrt(right, out=right)
            np.subtract(self.above[a:b], right, out=right)
            np.maximum(right, 0.0, out=right)
            np.add(left, right, out=out[a:b])

    def _tabled(
        self, u: Array, out: Array, exact: bool, rng: np.random.Generator | None = None
    ) -> None:
        """The PERT inverse CDF of ``u`` (the tabled rows) into ``out``, by the tables. With
        ``rng``, ``u`` is drawn here, a tile at a time while it is in cache (the same numbers
        as drawing it all at once)."""
        if rng is not None and exact:
            rng.random(out=u)
        if exact:
            x = special.betaincinv(self.tab_alpha, self.tab_beta, u)
            x *= self.tab_width
            np.add(x, self.tab_low, out=out)
            return
        columns = u.shape[1]
        if u.size >= _kernel.MIN_DRAWS and _kernel.available():
            if rng is not None:
                rng.random(out=u)
            width = self.tab_width if not self.scaled else self.tab_offset
            low = self.tab_low if not self.scaled else self.tab_offset
            _kernel.tabled(
                u,
                out,
                self.tab_offset,
                self.values,
                self.slopes,
                self.scaled,
                width,
                low,
                _TABLE_CELLS,
            )
            self._outer_cells(u, out)
            return
        scratch = np.empty((3, _TILE, columns), dtype=np.float64)
        cells = np.empty((_TILE, columns), dtype=np.intp)
        for a in range(0, u.shape[0], _TILE):
            b = min(a + _TILE, u.shape[0])
            t, k, x = scratch[0, : b - a], scratch[1, : b - a], scratch[2, : b - a]
            index = cells[: b - a]
            if rng is not None:
                rng.random(out=u[a:b])
            np.multiply(u[a:b], _TABLE_CELLS, out=t)
            np.floor(t, out=k)
            t -= k  # the fraction of the cell
            k += self.tab_offset[a:b]
            np.copyto(index, k, casting="unsafe")
            np.take(self.slopes, index, out=x, mode="clip")
            x *= t
            np.take(self.values, index, out=k, mode="clip")
            if self.scaled:
                np.add(x, k, out=out[a:b])
                continue
            x += k
            x *= self.tab_width[a:b]
            np.add(x, self.tab_low[a:b], out=out[a:b])
        self._outer_cells(u, out)

    def _outer_cells(self, u: Array, out: Array) -> None:
        """Redo the draws that fell in a table's first or last cell (one in 2,048), where the
        Beta's quantile function is too steep for one straight line, through the finer table of
        that cell. The slopes of those cells are NaN, so those draws came out NaN: a row sum
        finds the rows that have one.
        """
        rows = np.flatnonzero(np.isnan(out.sum(axis=1)))
        if not rows.size:
            return
        r, c = np.nonzero(np.isnan(out[rows]))
        at = rows[r]
        w = u[at, c]
        upper = w >= 0.5
        # position within the outer cell, in cells of the finer table; upper cells follow lower
        w *= _TABLE_CELLS
        w[upper] -= _TABLE_CELLS - 1
        w *= _OUTER_CELLS
        j = np.minimum(np.floor(w), _OUTER_CELLS - 1)
        w -= j
        k = j.astype(np.intp) + self.tab_outer[at] + upper * _OUTER_CELLS
        x = self.outer_values[k] + w * self.outer_slopes[k]
        out[at, c] = self.tab_low[at, 0] + self.tab_width[at, 0] * x

    def draw(
        self,
        rng: np.random.Generator,
        out: Array,
        uniform: Array | None = None,
        *,
        exact: bool = False,
    ) -> None:
        """Samples for every row into ``out`` (rows, columns): uniforms first, then Beta draws.

        With ``uniform`` (one per row and column, for correlated rows) nothing is drawn and the
        PERT rows not tabled go through the exact inverse Beta CDF.
        """
        columns = out.shape[1]
        if uniform is None:
            if self.uniform_count:
                if self._u is None or self._u.shape[1] != columns:
                    self._u = np.empty((self.uniform_count, columns), dtype=np.float64)
                u = self._u
                if not self.tri_count and isinstance(self.tab, slice):
                    self._tabled(u, out[self.tab], exact, rng)  # draws u as it goes
                elif not self.tab_count and isinstance(self.tri, slice):
                    self._triangular(u, out[self.tri], rng)
                else:
                    rng.random(out=u)
                    self._fill(u, out, exact)
            if self.drawn_count:
                x = rng.beta(self.drawn_alpha, self.drawn_beta, size=(self.drawn_count, columns))
                x *= self.drawn_width
                x += self.drawn_low
                out[self.drawn] = x
            return
        self._fill(uniform[self.uniform_rows], out, exact)
        if self.drawn_count:
            x = special.betaincinv(self.drawn_alpha, self.drawn_beta, uniform[self.drawn])
            x *= self.drawn_width
            x += self.drawn_low
            out[self.drawn] = x

    def _fill(self, u: Array, out: Array, exact: bool) -> None:
        """The triangular and tabled rows of ``out`` from their uniforms ``u``."""
        if self.tri_count:
            if isinstance(self.tri, slice):
                self._triangular(u[self.tri_in_u], out[self.tri])
            else:
                part = np.empty((self.tri_count, u.shape[1]), dtype=np.float64)
                self._triangular(u[self.tri_in_u], part)
                out[self.tri] = part
        if self.tab_count:
            if isinstance(self.tab, slice):
                self._tabled(u[self.tab_in_u], out[self.tab], exact)
            else:
                part = np.empty((self.tab_count, u.shape[1]), dtype=np.float64)
                self._tabled(u[self.tab_in_u], part, exact)
                out[self.tab] = part


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
        bounds = []
        first = 0
        for level in levels:
            bounds.append((first, first + len(level)))
            first += len(level)
        self.forward = [_Links(a, b, predecessors[a:b], self.n, pad=False) for a, b in bounds]
        self.backward = [
            _Links(a, b, successors[a:b], self.n, pad=True) for a, b in reversed(bounds)
        ]

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
        finish[self.n] = 0.0
        start = self._buffer("start", columns)
        for links in self.forward:
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
        for links in self.backward:
            a, b = links.first, links.end
            here = late_finish[: b - a]
            links.extreme(late_start, here, np.minimum, subtract=True)
            np.subtract(here, durations[a:b], out=late_start[a:b])
            # critical: no slack (late finish - early finish), to rounding
            here -= finish[a:b]
            critical_here = np.less_equal(here, tolerance, out=flags[: b - a])
            counts[a:b] += critical_here.view(np.uint8).sum(axis=1, dtype=np.uint32)
        return project, counts

    def _buffer(self, name: str, columns: int) -> Array:
        """A working ``(tasks + 1, columns)`` array, its memory kept between chunks."""
        size = (self.n + 1) * columns
        flat = self._buffers.get(name)
        if flat is None or flat.size < size:
            flat = self._buffers[name] = np.empty(size, dtype=np.float64)
        return flat[:size].reshape(self.n + 1, columns)  # contiguous, so gathers copy whole rows


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
