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
whose Beta shape few rows share (``Generator.beta``). The uniforms come two from each 64-bit
word of the generator (``_sampling.uniforms``: (b + 1/2) / 2**32 for each 32-bit half b), half
the work of ``Generator.random``; the compiled table kernel takes the words as they are.
Triangular: the exact inverse. PERT shapes
shared by ``_TABLE_MIN_ROWS`` or more rows (in practice, a schedule given one spread): a table of
the Beta's quantiles (``_pert_table``), interpolated linearly, with a finer table across each
outer cell; the distribution drawn is within 2e-5 of the Beta's CDF everywhere and 5e-7 over its
middle 97% (tests/core/test_risk_sampling.py), and it is several times faster than
``Generator.beta``. ``simulate(..., exact_pert=True)`` takes the same uniforms through the exact
inverse (``scipy.special.betaincinv``): the same run to within those errors, much slower.

Speed and memory. Iterations are vectorised: each operation works on a chunk of iterations at
once (the iteration axis contiguous). With numba (``_kernel``) the passes are compiled and walk the
tasks one by one in topological order, each a loop over the chunk's iterations; without it (or
with ``OPENPMO_PURE_NUMPY`` set) numpy takes the tasks level by level: a gather of the
predecessors' finishes, one link column at a time, and a running maximum (forward), then the same
with successors and minima (backward). Both give the same numbers to the last bit (tests compare
them). Modules: ``_passes`` (the plan, its draws and passes), ``_statistics`` (the run and its
summary), ``_sampling`` (three-point draws), ``_kernel`` (compiled kernels). Memory is a few arrays
of (tasks x chunk), allocated once, whatever the number of iterations (plus one number per
iteration for the finish and one for the cost, kept for the percentiles). Criticality,
cruciality and the tornado are running sums, block by block; no per-iteration array is kept.

Reproducibility. The random numbers are drawn in blocks of ``BLOCK`` iterations, block ``k``
from its own stream ``SeedSequence(seed, spawn_key=(k,))``, always in the same order; chunks are
whole numbers of blocks and the statistics are accumulated block by block in order. So the same
seed gives the same result, to the last bit, whatever the chunk size.

Threads. Because each block has its own stream, chunks can be drawn and scheduled at the same
time: with the compiled kernels (which, like numpy's generator, let go of the interpreter's lock)
a simulation computes as many chunks at once as it has threads, each in its own working arrays
(the default working memory shared between them), and adds them to its statistics in order on
the calling thread. So the same seed gives the same result, to the last bit, on any number of
threads too.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np

from openpmo.core.errors import ValidationError
from openpmo.core.risk import _kernel
from openpmo.core.risk._model import RiskNetwork
from openpmo.core.risk._passes import BLOCK, _Plan
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
    _ThreePoints,
    pert_parameters,
    triangular_ppf,
)
from openpmo.core.risk._statistics import _Run

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

_DEFAULT_CHUNK_BYTES = 48 * 2**20
_MAX_THREADS = 8


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
    threads: int | None = None,
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

    ``threads`` chunks are computed at once when the kernels are compiled (by default one per
    processor this process may use, or ``OPENPMO_SIMULATION_THREADS``), each with its share of
    the working memory; like the chunk size, it changes speed, never the answer.
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
    threads = _threads(threads)
    plan = _Plan(network)
    chunk = _chunk_iterations(chunk_size, plan.n, threads)
    blocks = -(-iterations // BLOCK)
    blocks_per_chunk = chunk // BLOCK
    if chunk_size is None:  # enough chunks for every thread to have one
        blocks_per_chunk = min(blocks_per_chunk, -(-blocks // threads))
    capacity = min(blocks, blocks_per_chunk) * BLOCK
    plan.compiled = plan.n * capacity >= _kernel.MIN_CELLS and _kernel.available()
    run = _Run(plan, iterations, seed, capacity, exact_pert)
    chunks = [
        range(first, min(first + blocks_per_chunk, blocks))
        for first in range(0, blocks, blocks_per_chunk)
    ]
    for done in run.chunks(chunks, threads if plan.compiled else 1):
        if progress is not None:
            progress(done)
    return run.result(top)


def _threads(threads: int | None) -> int:
    """The threads a simulation runs on: as asked, else ``OPENPMO_SIMULATION_THREADS``, else
    one per processor this process may use (at most ``_MAX_THREADS``)."""
    if threads is None:
        setting = os.environ.get("OPENPMO_SIMULATION_THREADS", "").strip()
        if not setting:
            return max(1, min(_processors(), _MAX_THREADS))
        if not setting.isdigit() or int(setting) < 1:
            raise ValidationError(
                f"OPENPMO_SIMULATION_THREADS must be a whole number above 0, got {setting!r}"
            )
        threads = int(setting)
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValidationError(f"threads must be a whole number above 0, got {threads!r}")
    return threads


def _processors() -> int:
    """The processors this process may run on (all of the machine's where that is not known)."""
    usable = getattr(os, "sched_getaffinity", None)  # Linux; not on macOS or Windows
    return len(usable(0)) if usable is not None else os.cpu_count() or 1


def _chunk_iterations(chunk_size: int | None, tasks: int, threads: int = 1) -> int:
    if chunk_size is None:  # the working memory shared between the threads
        per_iteration = (tasks + 1) * 8 * 6
        chunk_size = _DEFAULT_CHUNK_BYTES // threads // per_iteration
        chunk_size = min(chunk_size, 16 * BLOCK)
    if chunk_size < 1:
        raise ValidationError(f"chunk size must be at least 1, got {chunk_size}")
    return max(1, chunk_size // BLOCK) * BLOCK
