"""The passes compiled per task (numba), for networks too deep for a numpy pass per level.

A numpy level pass pays a few microseconds of Python per topological level; a network thousands
of levels deep (a long chain of small steps) spends its time there, not in arithmetic. This
kernel walks the tasks one by one in a topological order instead, doing exactly the integer
arithmetic of ``_passes._passes_in_level_order`` on each (the same encoded dates, the same
maxima and minima, which no order changes), so its dates are identical; the tests compare the
two on random networks. It covers networks without manual tasks, must-start/finish-on pins or
elapsed durations and lags (those need the calendar's wall clock); others, and any machine
without numba, take the numpy pass. numba is imported only when a network is big enough to
gain from it, so small schedules and the command line never pay for loading it.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import numpy.typing as npt

from openpmo.core._numba import prepare

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

MIN_TASKS = 20_000
"""Below this many tasks the numpy level pass is as fast, and numba is not even imported."""

_compiled: Any = None


def available() -> bool:
    """True when numba can be loaded (and ``OPENPMO_PURE_NUMPY`` does not ask for numpy only)."""
    global _compiled
    if os.environ.get("OPENPMO_PURE_NUMPY"):
        return False
    if _compiled is None:
        try:
            _compiled = _compile()
        except ImportError:
            _compiled = False
    return bool(_compiled)


def passes(
    durations: IntArray,
    predecessors: IntArray,
    successors: IntArray,
    from_finish: BoolArray,
    to_start: BoolArray,
    lags: IntArray,
    bounds: tuple[IntArray, IntArray, IntArray, IntArray],
) -> tuple[IntArray, IntArray, IntArray, IntArray, np.int64] | None:
    """Early and late dates (encoded), and the project finish; None if the links loop."""
    assert _compiled
    order_of, run, grouped, _ = _compiled
    n = durations.shape[0]
    in_pointer, forward = grouped(n, successors)
    out_pointer, backward = grouped(n, predecessors)
    order = order_of(n, in_pointer, forward, out_pointer, backward, predecessors, successors)
    if order.shape[0] < n:
        return None
    result: tuple[IntArray, IntArray, IntArray, IntArray, np.int64] = run(
        order,
        in_pointer,
        forward,
        out_pointer,
        backward,
        predecessors,
        successors,
        from_finish,
        to_start,
        lags,
        durations,
        *bounds,
    )
    return result


def walls(offsets: IntArray, end_form: BoolArray, span: Any) -> IntArray:
    """``_Timeline.wall_of`` one offset at a time (the same arithmetic), for long columns."""
    assert _compiled
    result: IntArray = _compiled[3](
        offsets,
        end_form,
        span.cumulative,
        span.starts,
        span.ends,
        span.within_start,
        span.within_end,
        span.first_day,
    )
    return result


def _compile() -> tuple[Any, Any, Any, Any]:
    prepare()
    from openpmo.core.schedule import _compiled as kernels  # imports numba

    return kernels.order_of, kernels.run, kernels.grouped, kernels.walls
