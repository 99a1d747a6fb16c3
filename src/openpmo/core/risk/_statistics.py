"""A simulation run chunk by chunk, and its summary: percentiles, S-curves, criticality, and
the running moments behind cruciality and the tornado, accumulated block by block in order."""

from __future__ import annotations

import itertools
import math
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from openpmo.core.money import pounds
from openpmo.core.risk import _kernel
from openpmo.core.risk._passes import BLOCK, _Plan
from openpmo.core.risk._results import (
    CostDistribution,
    CurvePoint,
    Driver,
    FinishDistribution,
    SimulationResult,
    TaskStatistics,
)

Array = npt.NDArray[np.float64]

PERCENTILES = (0.10, 0.50, 0.80, 0.90)
CURVE_LEVELS = tuple(i / 20 for i in range(21))


class _Moments:
    """Running sums for the correlation of each row of ``x`` with ``y``, block by block."""

    def __init__(self, rows: int) -> None:
        self.sx = np.zeros(rows)
        self.sxx = np.zeros(rows)
        self.sxy = np.zeros(rows)
        self.sy = 0.0
        self.syy = 0.0
        self.count = 0

    def add(self, x: Array, shift: Array, y: Array) -> None:
        """Add the columns of ``x - shift`` (``shift`` one number per row)."""
        if not x.shape[0]:
            return  # nothing to correlate (no costs or no risks): no work per block
        self.add_sums(_kernel.lane_sums(x, shift, y), y)

    def add_sums(self, sums: tuple[Array, Array, Array] | Array, y: Array) -> None:
        """Add the lane sums ``sums`` (``_kernel.lane_sums``) of columns whose ``y`` is given."""
        sx, sxx, sxy = sums
        self.sx += sx
        self.sxx += sxx
        self.sxy += sxy
        self.sy += float(y.sum())
        self.syy += float(np.dot(y, y))
        self.count += y.size

    def correlation(self) -> list[float | None]:
        if not self.sx.size:
            return []
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


@dataclass
class _Work:
    """One worker's arrays for a chunk's draws, ``capacity`` iterations wide (whole blocks are
    drawn into them, the first ``width`` columns used)."""

    durations: Array
    task_costs: Array
    risk_delays: Array
    risk_costs: Array

    @classmethod
    def sized(cls, plan: _Plan, capacity: int) -> _Work:
        tasks, costs, risks = plan.n, len(plan.cost_ids), len(plan.risk_ids)
        return cls(
            np.empty((tasks, capacity)),
            np.empty((costs, capacity)),
            np.empty((risks, capacity)),
            np.empty((risks, capacity)),
        )


@dataclass
class _Chunk:
    """A chunk of iterations drawn and scheduled, waiting to be added to the run in order."""

    blocks: range
    start: int
    stop: int
    work: _Work
    fired: npt.NDArray[np.int64]
    finish: Array
    cost: Array
    critical: npt.NDArray[np.int64]
    sums: Array | None  # the durations' lane sums per block, when the backward pass took them


class _Run:
    """What a simulation keeps between chunks: the finish and cost of every iteration, the
    counts of critical tasks and risks fired, and the running moments of the tornado.

    A chunk is computed (``compute``: drawn and scheduled, into a worker's own arrays) and then
    added (``add``), chunks strictly in order; computing may run on several threads at once
    (``chunks``), and the answer is the same to the last bit whatever the number of threads."""

    def __init__(self, plan: _Plan, iterations: int, seed: int, capacity: int, exact: bool) -> None:
        self.plan, self.iterations, self.seed, self.exact = plan, iterations, seed, exact
        self.capacity = capacity
        deterministic, _ = plan.schedule(plan.likely[:, None].copy(), critical=False)
        self.finish_zero = float(deterministic[0])
        self.cost_zero = float(plan.likely_cost)
        self.finish_all = np.empty(iterations, dtype=np.float64)
        self.cost_all = np.empty(iterations, dtype=np.float64)
        tasks, costs, risks = plan.n, len(plan.cost_ids), len(plan.risk_ids)
        self.critical_counts = np.zeros(tasks, dtype=np.int64)
        self.fired_counts = np.zeros(risks, dtype=np.int64)
        self.by_duration = _Moments(tasks)
        self.by_delay = _Moments(risks)
        self.by_task_cost = _Moments(costs)
        self.by_risk_cost = _Moments(risks)
        self.no_shift = np.zeros((risks, 1))

    def chunks(self, chunks: Sequence[range], threads: int) -> Iterator[int]:
        """Compute and add each chunk of blocks in turn, yielding the iterations done after
        each. With ``threads`` above 1, that many chunks are computed at once on worker threads
        (the compiled kernels and numpy's generator let go of the interpreter's lock), each in
        its own arrays, and added here in order as they come back."""
        if threads <= 1 or len(chunks) <= 1:
            work = _Work.sized(self.plan, self.capacity)
            for blocks in chunks:
                yield self.add(self.compute(blocks, work))
            return
        waiting = iter(chunks)
        with ThreadPoolExecutor(threads, thread_name_prefix="openpmo-simulate") as pool:
            running = deque(
                pool.submit(self.compute, blocks, _Work.sized(self.plan, self.capacity))
                for blocks in itertools.islice(waiting, threads)
            )
            while running:
                chunk = running.popleft().result()
                done = self.add(chunk)  # reads the chunk's arrays: only then are they reused
                following = next(waiting, None)
                if following is not None:
                    running.append(pool.submit(self.compute, following, chunk.work))
                yield done

    def compute(self, blocks: range, work: _Work) -> _Chunk:
        """Draw and schedule the iterations of ``blocks`` in ``work``; nothing of the run is
        changed (so chunks may be computed on several threads at once)."""
        plan = self.plan
        start = blocks[0] * BLOCK
        stop = min(self.iterations, blocks[-1] * BLOCK + BLOCK)
        width = stop - start
        fired = np.zeros(len(plan.risk_ids), dtype=np.int64)
        for position, block in enumerate(blocks):
            lo, hi = position * BLOCK, position * BLOCK + BLOCK
            happened = plan.draw_block(
                self.seed,
                block,
                work.durations[:, lo:hi],
                work.task_costs[:, lo:hi],
                work.risk_delays[:, lo:hi],
                work.risk_costs[:, lo:hi],
                exact=self.exact,
            )
            fired += happened[:, : min(BLOCK, width - lo)].sum(axis=1)
        durations = work.durations[:, :width]
        finish = plan.forward(durations)
        cost = work.task_costs[:, :width].sum(axis=0) + work.risk_costs[:, :width].sum(axis=0)
        # the compiled backward pass writes the late starts over the durations, taking their
        # lane sums as it reads them; else ``add`` takes the sums block by block
        sums = None
        if plan.compiled:
            sums = np.empty((len(blocks), 3, plan.n))
            moments = (plan.likely, finish - self.finish_zero, sums, BLOCK)
            critical = plan.backward(durations, finish, overwrite=True, moments=moments)
        else:
            critical = plan.backward(durations, finish, overwrite=False)
        return _Chunk(blocks, start, stop, work, fired, finish, cost, critical, sums)

    def add(self, chunk: _Chunk) -> int:
        """Add a computed chunk to the run (the chunks in order); the iterations done."""
        start, stop = chunk.start, chunk.stop
        self.fired_counts += chunk.fired
        self.finish_all[start:stop] = chunk.finish
        self.cost_all[start:stop] = chunk.cost
        self.critical_counts += chunk.critical
        width = stop - start
        for position in range(len(chunk.blocks)):
            self._moments(
                chunk,
                slice(position * BLOCK, min(width, position * BLOCK + BLOCK)),
                None if chunk.sums is None else chunk.sums[position],
            )
        return stop

    def _moments(self, chunk: _Chunk, part: slice, sums: Array | None) -> None:
        """Add one block's columns to the running moments, in block order (the durations'
        lane sums ``sums`` when the backward pass took them)."""
        y_finish = chunk.finish[part] - self.finish_zero
        y_cost = chunk.cost[part] - self.cost_zero
        plan, work = self.plan, chunk.work
        if sums is None:
            self.by_duration.add(work.durations[:, part], plan.likely[:, None], y_finish)
        else:
            self.by_duration.add_sums(sums, y_finish)
        self.by_delay.add(work.risk_delays[:, part], self.no_shift, y_finish)
        self.by_task_cost.add(work.task_costs[:, part], plan.costs.likely, y_cost)
        self.by_risk_cost.add(work.risk_costs[:, part], self.no_shift, y_cost)

    def result(self, top: int) -> SimulationResult:
        """The summary of every iteration run."""
        plan, iterations = self.plan, self.iterations
        finish_all, cost_all = self.finish_all, self.cost_all
        cruciality = self.by_duration.correlation()
        levels = [0.0, *PERCENTILES, 1.0]
        # the percentiles and the S-curve in one partition of each array (the same numbers as
        # one call each: every level is read from the same order statistics)
        finish_q = np.quantile(finish_all, [*levels, *CURVE_LEVELS]).tolist()
        cost_q = np.quantile(cost_all, [*levels, *CURVE_LEVELS]).tolist()
        finish_curve, cost_curve = finish_q[len(levels) :], cost_q[len(levels) :]
        schedule_drivers = _tornado(plan.ids, "task", cruciality) + _tornado(
            plan.risk_ids, "risk", self.by_delay.correlation()
        )
        cost_drivers = _tornado(plan.cost_ids, "task", self.by_task_cost.correlation()) + _tornado(
            plan.risk_ids, "risk", self.by_risk_cost.correlation()
        )
        return SimulationResult(
            iterations=iterations,
            seed=self.seed,
            deterministic_finish=self.finish_zero,
            deterministic_cost=pounds(plan.likely_cost),
            finish=FinishDistribution(float(finish_all.mean()), *finish_q[1:5]),
            cost=CostDistribution(_money(cost_all.mean()), *(_money(v) for v in cost_q[1:5])),
            tasks=self._tasks(cruciality),
            risk_occurrence={
                risk_id: int(self.fired_counts[i]) / iterations
                for i, risk_id in enumerate(plan.risk_ids)
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

    def _tasks(self, cruciality: list[float | None]) -> tuple[TaskStatistics, ...]:
        plan, iterations = self.plan, self.iterations
        mean_durations = (plan.likely + self.by_duration.sx / iterations).tolist()
        by_position = sorted(range(plan.n), key=plan.order.__getitem__)  # back to the input order
        return tuple(
            TaskStatistics(
                id=plan.ids[i],
                criticality=int(self.critical_counts[i]) / iterations,
                cruciality=cruciality[i],
                mean_duration=mean_durations[i],
            )
            for i in by_position
        )


def _tornado(ids: Sequence[str], kind: str, values: Sequence[float | None]) -> list[Driver]:
    return [Driver(i, kind, v) for i, v in zip(ids, values, strict=True) if v is not None]


def _top(drivers: list[Driver], top: int) -> tuple[Driver, ...]:
    return tuple(sorted(drivers, key=lambda d: (-abs(d.correlation), d.kind, d.id))[:top])


def _money(value: float) -> Decimal:
    return pounds(Decimal(float(value)))
