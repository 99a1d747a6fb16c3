"""Monte Carlo kernels compiled with numba, when it is installed.

Two kernels, each doing exactly the arithmetic of the numpy passes it replaces, in the same order
of operations, so the answers are the same to the last bit (tests compare them):

- ``tabled``: PERT draws through quantile tables (``_ThreePoints._tabled`` takes each uniform
  through its row's table with ten numpy passes over a block; this does it in one);
- ``passes``: the forward and backward passes of a chunk of iterations (``_Plan.schedule``
  walks topological levels with a few numpy gathers each; this walks the tasks one by one, the
  iterations of a task contiguous, so there is no Python per level and no temporary array).

Without numba, or with ``OPENPMO_PURE_NUMPY`` set, the numpy passes run instead. numba is
imported the first time a simulation is big enough to gain from it.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

MIN_DRAWS = 65_536
"""Below this many draws in a block the numpy passes are as quick; numba is not loaded."""

MIN_CELLS = 65_536
"""Below this many tasks x iterations in a chunk the level passes are as quick."""

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


def tabled(
    u: Array | npt.NDArray[np.uint64],
    out: Array,
    offset: Array,
    values: Array,
    slopes: Array,
    scaled: bool,
    width: Array,
    low: Array,
    cells: int,
    outer: tuple[Array, Array, npt.NDArray[np.intp], Array, Array, int],
) -> None:
    """``out = table(u)`` row by row, as ``_ThreePoints._tabled`` computes it, the draws that
    fall in a table's first or last cell through its finer table, as ``_outer_cells`` does.

    ``u`` is either the uniforms or the random bits they come from (``_sampling.uniforms``:
    each 64 bits two uniforms, the low half first), taken to uniforms here as they are used."""
    assert _compiled
    if u.dtype == np.uint64:
        cell_bits = cells.bit_length() - 1
        assert cells == 1 << cell_bits <= 1 << 32
        _compiled[3](u, out, offset, values, slopes, scaled, width, low, cell_bits, *outer)
    else:
        _compiled[0](u, out, offset, values, slopes, scaled, width, low, cells, *outer)


def passes(
    durations: Array,
    links: tuple[IntArray, IntArray, Array, IntArray, IntArray, Array],
    has_leads: bool,
    buffers: tuple[Array, Array],
    critical: IntArray | None,
) -> Array:
    """The project finish of each column (iteration) of ``durations`` (tasks in a topological
    order, iterations contiguous), and, into ``critical``, how many columns each task was
    critical in. ``links`` are the predecessors (pointer, index, lag) and the successors of
    each task; ``buffers`` two ``(tasks, columns)`` scratch arrays."""
    assert _compiled
    finish = np.empty(durations.shape[1], np.float64)
    _compiled[1](durations, *links, has_leads, buffers[0], buffers[1], finish, critical)
    return finish


LANES = 8
"""Sums over a block's iterations run in this many interleaved partial sums (``lane_sums``)."""


def lane_sums(x: Array, shift: Array, y: Array) -> tuple[Array, Array, Array]:
    """Per row of ``x`` (rows, columns): the sums over the columns of ``v = x - shift``, ``v * v``
    and ``v * y``, each in ``LANES`` partial sums (column ``c`` to sum ``c % LANES``, in column
    order) added pairwise at the end: an order numba and numpy both follow exactly, so the two
    give the same bits; and a single pass over ``x`` when compiled."""
    rows, columns = x.shape
    if rows * columns >= MIN_DRAWS and available():
        sums = np.empty((3, rows), np.float64)
        _compiled[2](x, shift, y, sums)
        return sums[0], sums[1], sums[2]
    lanes = -(-columns // LANES) * LANES
    v = np.zeros((rows, lanes), np.float64)
    np.subtract(x, shift, out=v[:, :columns])
    w = np.zeros(lanes, np.float64)
    w[:columns] = y
    result = []
    for values in (v, v * v, v * w):
        grouped = values.reshape(rows, lanes // LANES, LANES)
        acc = np.zeros((rows, LANES), np.float64)
        for k in range(grouped.shape[1]):
            acc += grouped[:, k]
        result.append(_pairwise(acc))
    return result[0], result[1], result[2]


def _pairwise(acc: Array) -> Array:
    """``((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))`` per row."""
    pairs = acc[:, 0::2] + acc[:, 1::2]
    quads = pairs[:, 0::2] + pairs[:, 1::2]
    total: Array = quads[:, 0] + quads[:, 1]
    return total


def _compile() -> Any:
    import numba

    @numba.njit(cache=True, nogil=True, inline="always")
    def outer_cell(  # noqa: PLR0913 - a numeric kernel takes its arrays one by one
        w: float,
        r: int,
        cells: int,
        outer_values: Array,
        outer_slopes: Array,
        outer_offset: npt.NDArray[np.intp],
        outer_low: Array,
        outer_width: Array,
        outer_cells: int,
    ) -> float:
        # the draw of uniform ``w`` of row ``r`` in a table's first or last cell (NaN slope),
        # through the finer table of that cell
        upper = w >= 0.5
        w *= cells
        if upper:
            w -= cells - 1
        w *= outer_cells
        j = min(np.floor(w), outer_cells - 1)
        w -= j
        at = int(j) + outer_offset[r] + (outer_cells if upper else 0)
        y = outer_values[at] + w * outer_slopes[at]
        value: float = outer_low[r, 0] + outer_width[r, 0] * y
        return value

    @numba.njit(cache=True, nogil=True)
    def tabled_run(  # noqa: PLR0913 - a numeric kernel takes its arrays one by one
        u: Array,
        out: Array,
        offset: Array,
        values: Array,
        slopes: Array,
        scaled: bool,
        width: Array,
        low: Array,
        cells: int,
        outer_values: Array,
        outer_slopes: Array,
        outer_offset: npt.NDArray[np.intp],
        outer_low: Array,
        outer_width: Array,
        outer_cells: int,
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
                if np.isnan(out[r, c]):
                    out[r, c] = outer_cell(
                        u[r, c],
                        r,
                        cells,
                        outer_values,
                        outer_slopes,
                        outer_offset,
                        outer_low,
                        outer_width,
                        outer_cells,
                    )

    @numba.njit(cache=True, nogil=True)
    def tabled_bits_run(  # noqa: PLR0913 - a numeric kernel takes its arrays one by one
        raw: npt.NDArray[np.uint64],
        out: Array,
        offset: Array,
        values: Array,
        slopes: Array,
        scaled: bool,
        width: Array,
        low: Array,
        cell_bits: int,
        outer_values: Array,
        outer_slopes: Array,
        outer_offset: npt.NDArray[np.intp],
        outer_low: Array,
        outer_width: Array,
        outer_cells: int,
    ) -> None:
        # as ``tabled_run`` on the uniforms (h + 1/2) / 2**32 of the 32-bit halves h of
        # ``raw``, in integers: with 2**cell_bits cells, the cell is h >> (32 - cell_bits) and
        # the fraction (h mod 2**(32 - cell_bits) + 1/2) / 2**(32 - cell_bits), both exactly
        # what the float arithmetic gives
        cells = 1 << cell_bits
        shift = np.uint64(32 - cell_bits)
        fraction_mask = np.uint64((1 << (32 - cell_bits)) - 1)
        scale = 1.0 / (1 << (32 - cell_bits))
        half_mask = np.uint64(0xFFFFFFFF)
        columns = out.shape[1]
        for r in range(out.shape[0]):
            first = int(offset[r, 0])
            row_width, row_low = width[r, 0], low[r, 0]
            for c in range(columns):
                b = raw[r, c >> 1]
                h = (b >> np.uint64(32)) if c & 1 else (b & half_mask)
                i = int(h >> shift) + first
                t = (float(h & fraction_mask) + 0.5) * scale
                x = slopes[i] * t + values[i]
                if not scaled:
                    x = x * row_width + row_low
                if x != x:  # NaN: an outer cell
                    w = (float(h) + 0.5) * 2.3283064365386963e-10  # (h + 1/2) / 2**32
                    x = outer_cell(
                        w,
                        r,
                        cells,
                        outer_values,
                        outer_slopes,
                        outer_offset,
                        outer_low,
                        outer_width,
                        outer_cells,
                    )
                out[r, c] = x

    @numba.njit(cache=True, nogil=True)
    def passes_run(  # noqa: PLR0913 - a numeric kernel takes its arrays one by one
        durations: Array,
        pred_pointer: IntArray,
        pred_index: IntArray,
        pred_lag: Array,
        succ_pointer: IntArray,
        succ_index: IntArray,
        succ_lag: Array,
        has_leads: bool,
        finish: Array,
        start: Array,
        project: Array,
        critical: Any,
    ) -> None:
        n, columns = durations.shape
        # forward: a task starts at the latest of its predecessors' finishes plus lags (in
        # ``here``, one row kept in cache), and the project finishes with the last task
        here = np.empty(columns, np.float64)
        for c in range(columns):
            project[c] = 0.0
        for i in range(n):
            begin, end = pred_pointer[i], pred_pointer[i + 1]
            length, done = durations[i], finish[i]
            if begin == end:
                for c in range(columns):
                    here[c] = 0.0
            else:
                source, lag = finish[pred_index[begin]], pred_lag[begin]
                if lag != 0.0:
                    for c in range(columns):
                        here[c] = source[c] + lag
                else:
                    for c in range(columns):
                        here[c] = source[c]
            for k in range(begin + 1, end):
                source, lag = finish[pred_index[k]], pred_lag[k]
                if lag != 0.0:
                    for c in range(columns):
                        here[c] = max(here[c], source[c] + lag)
                else:
                    for c in range(columns):
                        here[c] = max(here[c], source[c])
            if has_leads:
                for c in range(columns):
                    here[c] = max(here[c], 0.0)
            if i == 0:
                for c in range(columns):
                    done[c] = here[c] + length[c]
                    project[c] = done[c]
            else:
                for c in range(columns):
                    done[c] = here[c] + length[c]
                    project[c] = max(project[c], done[c])
        if critical is None:
            return
        # backward, last task first: a task finishes late at the earliest of its successors'
        # late starts less lags (the project finish without successors); ``start`` holds the
        # late starts
        late = np.empty(columns, np.float64)
        tolerance = np.empty(columns, np.float64)
        for c in range(columns):
            tolerance[c] = 1e-9 * max(1.0, project[c])
        for i in range(n - 1, -1, -1):
            begin, end = succ_pointer[i], succ_pointer[i + 1]
            if begin == end:
                late[:] = project
            else:
                source, lag = start[succ_index[begin]], succ_lag[begin]
                if lag != 0.0:
                    for c in range(columns):
                        late[c] = source[c] - lag
                else:
                    late[:] = source
                for k in range(begin + 1, end):
                    source, lag = start[succ_index[k]], succ_lag[k]
                    if lag != 0.0:
                        for c in range(columns):
                            late[c] = min(late[c], source[c] - lag)
                    else:
                        for c in range(columns):
                            late[c] = min(late[c], source[c])
            here, length, done = start[i], durations[i], finish[i]
            count = 0
            for c in range(columns):
                if late[c] > project[c]:  # a lead cannot let a task finish after the project
                    late[c] = project[c]
                here[c] = late[c] - length[c]
                count += late[c] - done[c] <= tolerance[c]
            critical[i] += count

    @numba.njit(cache=True, nogil=True)
    def lane_sums_run(x: Array, shift: Array, y: Array, sums: Array) -> None:
        rows, columns = x.shape
        a = np.empty((3, 8), np.float64)
        for r in range(rows):
            a[:] = 0.0
            centre = shift[r, 0]
            for c in range(columns):
                lane = c & 7
                v = x[r, c] - centre
                a[0, lane] += v
                a[1, lane] += v * v
                a[2, lane] += v * y[c]
            for q in range(3):
                sums[q, r] = ((a[q, 0] + a[q, 1]) + (a[q, 2] + a[q, 3])) + (
                    (a[q, 4] + a[q, 5]) + (a[q, 6] + a[q, 7])
                )

    return tabled_run, passes_run, lane_sums_run, tabled_bits_run
