"""PERT draws through quantile tables, compiled (numba) when it is installed.

``_ThreePoints._tabled`` takes each uniform through its row's quantile table with ten numpy
passes over a block; this kernel does the same arithmetic for each draw in one pass, in the same
order of operations (so the same draws, to the last bit; a test compares them). Without numba,
or with ``OPENPMO_PURE_NUMPY`` set, the numpy passes run instead. numba is imported the first
time a simulation is big enough to gain from it.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]

MIN_DRAWS = 65_536
"""Below this many draws in a block the numpy passes are as quick; numba is not loaded."""

_compiled: Any = None


def available() -> bool:
    global _compiled
    if os.environ.get("OPENPMO_PURE_NUMPY"):
        return False
    if _compiled is None:
        try:
            _compiled = _compile()
        except ImportError:
            _compiled = False
    return bool(_compiled)


def tabled(
    u: Array,
    out: Array,
    offset: Array,
    values: Array,
    slopes: Array,
    scaled: bool,
    width: Array,
    low: Array,
    cells: int,
) -> None:
    """``out = table(u)`` row by row, as ``_ThreePoints._tabled`` computes it."""
    assert _compiled
    _compiled(u, out, offset, values, slopes, scaled, width, low, cells)


def _compile() -> Any:
    import numba

    @numba.njit(cache=True, nogil=True)
    def run(
        u: Array,
        out: Array,
        offset: Array,
        values: Array,
        slopes: Array,
        scaled: bool,
        width: Array,
        low: Array,
        cells: int,
    ) -> None:
        last = values.shape[0] - 1
        for r in range(u.shape[0]):
            first = offset[r, 0]
            for c in range(u.shape[1]):
                t = u[r, c] * cells
                k = np.floor(t)
                t -= k
                k += first
                i = min(max(int(k), 0), last)
                x = slopes[i] * t
                if scaled:
                    out[r, c] = x + values[i]
                else:
                    out[r, c] = (x + values[i]) * width[r, 0] + low[r, 0]

    return run
