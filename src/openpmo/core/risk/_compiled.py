"""The Monte Carlo kernels compiled with numba; ``_kernel`` imports this module only when numba
is installed and a run is big enough to gain from it (see ``_kernel`` for what each computes).

Each kernel does exactly the arithmetic of the numpy code it replaces, in the same order, so the
answers are the same to the last bit; within that, each is written so that LLVM can vectorise its
inner loops (selects instead of conditional stores, partial sums in named locals instead of an
array indexed by lane).

They are functions of the module, not closures made at run time: numba's disk cache
(``cache=True``, in ``__pycache__`` beside this file, or numba's user cache directory when that
is read-only) keys a function on its closure too, and a closure over another compiled function
pickles differently in every process, so such a kernel was compiled afresh (about a second) in
every new process.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Outer = tuple[Array, Array, npt.NDArray[np.intp], Array, Array, int]
"""The finer tables across each table's first and last cells: their values and slopes, each
row's offset in them, each row's low and width, and the cells in each."""


@numba.njit(cache=True, nogil=True, inline="always")
def outer_cell(w: float, r: int, cells: int, outer: Outer) -> float:
    """The draw of uniform ``w`` of row ``r`` in a table's first or last cell (NaN slope),
    through the finer table of that cell (``outer``: see ``Outer``)."""
    outer_values, outer_slopes, outer_offset, outer_low, outer_width, outer_cells = outer
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
    outer: Outer,
) -> None:
    """``out`` from the uniforms ``u`` through the tables (``_ThreePoints._tabled``)."""
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
                out[r, c] = outer_cell(u[r, c], r, cells, outer)


@numba.njit(cache=True, nogil=True)
def tabled_bits_run(  # noqa: PLR0913 - a numeric kernel takes its arrays one by one
    raw: npt.NDArray[np.uint64],
    out: Array,
    offset: Array,
    table: Array,
    scaled: bool,
    width: Array,
    low: Array,
    cell_bits: int,
    outer: Outer,
) -> None:
    """As ``tabled_run`` on the uniforms (h + 1/2) / 2**32 of the 32-bit halves h of ``raw``
    (the low half first), in integers: with 2**cell_bits cells, the cell is
    h >> (32 - cell_bits) and the fraction (h mod 2**(32 - cell_bits) + 1/2) /
    2**(32 - cell_bits), both exactly what the float arithmetic gives. ``table`` holds each
    cell's value and slope side by side (one cache line for both), flat: cell k's at 2k, 2k + 1.

    The two draws of each 64-bit word are taken together, the halves as signed 64-bit integers
    (they are below 2**32, so every conversion is exact) and the table read at unsigned
    positions: no wraparound check for a negative index, a third quicker than column by column."""
    cells = 1 << cell_bits
    shift = np.int64(32 - cell_bits)
    fraction_mask = np.int64((1 << (32 - cell_bits)) - 1)
    half_mask = np.int64(0xFFFFFFFF)
    high = np.int64(32)
    scale = 1.0 / (1 << (32 - cell_bits))
    columns = out.shape[1]
    pairs = columns >> 1
    for r in range(out.shape[0]):
        first = np.int64(offset[r, 0])
        row_width, row_low = width[r, 0], low[r, 0]
        row, bits = out[r], raw[r].view(np.int64)
        # every draw through the coarse table, with no branch ...
        for j in range(pairs + (columns & 1)):
            b = bits[j]
            for half in range(2 if j < pairs else 1):
                h = (b >> high) & half_mask if half else b & half_mask
                at = np.uint64(2 * ((h >> shift) + first))
                t = (float(h & fraction_mask) + 0.5) * scale
                x = table[at + np.uint64(1)] * t + table[at]
                if not scaled:
                    x = x * row_width + row_low
                row[2 * j + half] = x
        # ... then the few that fell in an outer cell (NaN) through its finer table
        for c in range(columns):
            if row[c] != row[c]:
                b = bits[c >> 1]
                h = (b >> high) & half_mask if c & 1 else b & half_mask
                w = (float(h) + 0.5) * 2.3283064365386963e-10  # (h + 1/2) / 2**32
                row[c] = outer_cell(w, r, cells, outer)


@numba.njit(cache=True, nogil=True)
def triangular_bits_run(  # noqa: PLR0913 - a numeric kernel takes its arrays one by one
    raw: npt.NDArray[np.uint64],
    out: Array,
    low: Array,
    mode: Array,
    above: Array,
    rise: Array,
    fall: Array,
) -> None:
    """``_ThreePoints._triangular`` on the uniforms (h + 1/2) / 2**32 of the 32-bit halves h of
    ``raw`` (the low half first), the same operations in the same order: min(low +
    sqrt(u rise), mode) + max(above - sqrt((1 - u) fall), 0). Neither min nor max can meet a
    NaN or a signed zero that would tell numpy's from these apart (u is never 0 or 1)."""
    half_mask = np.uint64(0xFFFFFFFF)
    high = np.uint64(32)
    columns = out.shape[1]
    for r in range(out.shape[0]):
        row, bits = out[r], raw[r]
        row_low, row_mode, row_above = low[r, 0], mode[r, 0], above[r, 0]
        row_rise, row_fall = rise[r, 0], fall[r, 0]
        for c in range(columns):
            b = bits[c >> 1]
            h = (b >> high) if c & 1 else (b & half_mask)
            u = (float(h) + 0.5) * 2.3283064365386963e-10  # (h + 1/2) / 2**32
            left = np.sqrt(u * row_rise) + row_low
            left = left if left <= row_mode else row_mode
            right = row_above - np.sqrt((1.0 - u) * row_fall)
            right = right if right >= 0.0 else 0.0
            row[c] = left + right


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
    forward: bool,
    shift: Array,
    y: Array,
    moments: Any,
    block: int,
) -> None:
    """The forward pass into ``finish`` and ``project`` (unless ``forward`` is false: they hold
    it already); then, when ``critical`` is given, the backward pass, adding to ``critical``
    the columns in which each task has no slack. ``start`` may be ``durations`` itself: each
    task's late start is written over its duration once that is read, and a task reads the
    late starts only of its successors, written before. With ``moments`` (blocks, 3, tasks)
    given, the backward pass also takes, as it reads each task's durations, their lane sums
    against ``y`` (``lane_row``) block by block of ``block`` columns, with ``shift`` the
    task's centre: the sums ``lane_sums_run`` gives, without a pass of their own."""
    n, columns = durations.shape
    # forward: a task starts at the latest of its predecessors' finishes plus lags (in
    # ``here``, one row kept in cache), and the project finishes with the last task
    here = np.empty(columns, np.float64)
    if forward:
        for c in range(columns):
            project[c] = 0.0
    for i in range(n if forward else 0):
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
    # backward, last task first: a task finishes late at the earliest of its successors' late
    # starts less lags (the project finish without successors), never after the project;
    # ``start`` holds the late starts
    late = np.empty(columns, np.float64)
    tolerance = np.empty(columns, np.float64)
    for c in range(columns):
        tolerance[c] = 1e-9 * max(1.0, project[c])
    for i in range(n - 1, -1, -1):
        begin, end = succ_pointer[i], succ_pointer[i + 1]
        if begin == end:
            for c in range(columns):
                late[c] = project[c]
        else:
            source, lag = start[succ_index[begin]], succ_lag[begin]
            if lag != 0.0:
                for c in range(columns):
                    late[c] = source[c] - lag
            else:
                for c in range(columns):
                    late[c] = source[c]
            for k in range(begin + 1, end):
                source, lag = start[succ_index[k]], succ_lag[k]
                if lag != 0.0:
                    for c in range(columns):
                        late[c] = min(late[c], source[c] - lag)
                else:
                    for c in range(columns):
                        late[c] = min(late[c], source[c])
        here, length, done = start[i], durations[i], finish[i]
        if moments is not None:
            for b in range(moments.shape[0]):
                lo = b * block
                hi = min(lo + block, columns)
                moments[b, 0, i], moments[b, 1, i], moments[b, 2, i] = lane_row(
                    length[lo:hi], shift[i], y[lo:hi]
                )
        count = np.int64(0)
        for c in range(columns):
            # a lead cannot let a task finish after the project
            v = project[c] if late[c] > project[c] else late[c]
            here[c] = v - length[c]
            count += np.int64(v - done[c] <= tolerance[c])
        critical[i] += count


@numba.njit(cache=True, nogil=True, inline="always")
def lane_row(row: Array, centre: float, y: Array) -> tuple[float, float, float]:
    """The sums over ``row`` of ``v = row - centre``, ``v * v`` and ``v * y``, each in 8
    partial sums (column ``c`` to sum ``c % 8``, in column order) added pairwise at the end
    (``_kernel.lane_sums``). The partial sums are 24 named locals updated 8 columns at a time,
    which LLVM keeps in vector registers; the last columns short of 8 go one by one into the
    same partial sums."""
    columns = row.shape[0]
    whole = columns & ~7
    a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = 0.0
    b0 = b1 = b2 = b3 = b4 = b5 = b6 = b7 = 0.0
    d0 = d1 = d2 = d3 = d4 = d5 = d6 = d7 = 0.0
    for c in range(0, whole, 8):
        v0, v1 = row[c] - centre, row[c + 1] - centre
        v2, v3 = row[c + 2] - centre, row[c + 3] - centre
        v4, v5 = row[c + 4] - centre, row[c + 5] - centre
        v6, v7 = row[c + 6] - centre, row[c + 7] - centre
        a0, a1, a2, a3 = a0 + v0, a1 + v1, a2 + v2, a3 + v3
        a4, a5, a6, a7 = a4 + v4, a5 + v5, a6 + v6, a7 + v7
        b0, b1, b2, b3 = b0 + v0 * v0, b1 + v1 * v1, b2 + v2 * v2, b3 + v3 * v3
        b4, b5, b6, b7 = b4 + v4 * v4, b5 + v5 * v5, b6 + v6 * v6, b7 + v7 * v7
        d0, d1 = d0 + v0 * y[c], d1 + v1 * y[c + 1]
        d2, d3 = d2 + v2 * y[c + 2], d3 + v3 * y[c + 3]
        d4, d5 = d4 + v4 * y[c + 4], d5 + v5 * y[c + 5]
        d6, d7 = d6 + v6 * y[c + 6], d7 + v7 * y[c + 7]
    # the last columns (at most 7), column whole + k to partial sum k
    for c in range(whole, columns):
        v = row[c] - centre
        w = v * y[c]
        lane = c - whole
        if lane == 0:
            a0, b0, d0 = a0 + v, b0 + v * v, d0 + w
        elif lane == 1:
            a1, b1, d1 = a1 + v, b1 + v * v, d1 + w
        elif lane == 2:
            a2, b2, d2 = a2 + v, b2 + v * v, d2 + w
        elif lane == 3:
            a3, b3, d3 = a3 + v, b3 + v * v, d3 + w
        elif lane == 4:
            a4, b4, d4 = a4 + v, b4 + v * v, d4 + w
        elif lane == 5:
            a5, b5, d5 = a5 + v, b5 + v * v, d5 + w
        else:
            a6, b6, d6 = a6 + v, b6 + v * v, d6 + w
    return (
        ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)),
        ((b0 + b1) + (b2 + b3)) + ((b4 + b5) + (b6 + b7)),
        ((d0 + d1) + (d2 + d3)) + ((d4 + d5) + (d6 + d7)),
    )


@numba.njit(cache=True, nogil=True)
def lane_sums_run(x: Array, shift: Array, y: Array, sums: Array) -> None:
    """``lane_row`` of each row of ``x``, its centre ``shift[r, 0]``, into ``sums[:, r]``."""
    for r in range(x.shape[0]):
        sums[0, r], sums[1, r], sums[2, r] = lane_row(x[r], shift[r, 0], y)
