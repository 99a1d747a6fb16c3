"""Improve a feasible plan by swaps before HiGHS starts, so a run stopped at its time limit
returns a better plan (and a smaller gap). It proves nothing: HiGHS still does the proving.

A move takes one chosen column out (or none) and puts the most valuable column in that keeps
every row within its bounds; moves are applied while they gain value, for a few passes.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.sparse import csc_array

Vector = npt.NDArray[np.float64]

#: Above this many columns a pass costs more than it is likely to gain within a time limit.
MAX_COLUMNS = 2000


def improve(
    x: Vector,
    objective: Vector,
    columns: csc_array,
    lower: Vector,
    upper: Vector,
    allowed: npt.NDArray[np.bool_],
    *,
    passes: int = 4,
) -> Vector:
    """A plan at least as good as ``x`` (minimising ``objective``) with ``lower <= A x <= upper``.

    ``columns`` is ``A`` by column; ``allowed`` marks the columns that may be set to 1.
    """
    count = columns.shape[1]
    if count > MAX_COLUMNS or not count:
        return x
    x = x.copy()
    dense = columns.toarray()
    activity = dense @ x
    high = upper + 1e-7 * np.maximum(1.0, np.abs(upper))
    low = lower - 1e-7 * np.maximum(1.0, np.abs(lower))
    row_of = columns.indices
    starts = columns.indptr[:-1]
    empty = np.diff(columns.indptr) == 0
    for _ in range(passes):
        gained = False
        for out in [*np.flatnonzero(x > 0.5), None]:
            if out is not None and x[out] < 0.5:
                continue
            base = activity if out is None else activity - dense[:, out]
            entering = _best_entering(
                base, objective, columns, dense, (row_of, starts, empty), (low, high), allowed, x
            )
            if entering is None:
                continue
            loss = 0.0 if out is None else objective[out]
            if objective[entering] < loss - 1e-9:
                if out is not None:
                    x[out] = 0.0
                x[entering] = 1.0
                activity = base + dense[:, entering]
                gained = True
        if not gained:
            break
    return x


def _best_entering(
    base: Vector,
    objective: Vector,
    columns: csc_array,
    dense: npt.NDArray[np.float64],
    layout: tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], npt.NDArray[np.bool_]],
    bounds: tuple[Vector, Vector],
    allowed: npt.NDArray[np.bool_],
    x: Vector,
) -> int | None:
    """The most valuable column not chosen that keeps every row within bounds on ``base``."""
    row_of, starts, empty = layout
    low, high = bounds
    slack = high - base
    excess = columns.data - slack[row_of]  # > 0: this entry alone overfills its row
    worst = np.full(len(objective), -np.inf)
    nonempty = ~empty
    worst[nonempty] = np.maximum.reduceat(excess, starts[nonempty])
    fits = (worst <= 0) & allowed & (x < 0.5) & (objective < 0)
    broken = np.flatnonzero((base < low) | (base > high))
    if len(broken):
        # Taking out a forced column, or one another needs: the entering one must mend the rows
        # (a column touching none of them leaves them broken).
        after = dense[broken, :] + base[broken, None]
        fits &= ((after >= low[broken, None]) & (after <= high[broken, None])).all(axis=0)
    if not fits.any():
        return None
    candidates = np.flatnonzero(fits)
    return int(candidates[np.argmin(objective[candidates])])
