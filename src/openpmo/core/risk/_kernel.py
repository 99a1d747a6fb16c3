"""Monte Carlo kernels compiled with numba, when it is installed.

Four kernels (in ``_compiled``, imported only here), each doing exactly the arithmetic of the
numpy code it replaces, in the same order of operations, so the answers are the same to the last
bit (tests compare them):

- ``tabled``: PERT draws through quantile tables (``_ThreePoints._tabled`` takes each uniform
  through its row's table with ten numpy passes over a block; this does it in one);
- ``triangular``: triangular draws, likewise in one pass instead of a dozen;
- ``passes``: the forward and backward passes of a chunk of iterations (``_Plan.schedule``
  walks topological levels with a few numpy gathers each; this walks the tasks one by one, the
  iterations of a task contiguous, so there is no Python per level and no temporary array);
  in a simulation the backward pass runs on its own (``backward``), after the forward pass
  gave the finishes, writing the late starts over the durations and taking the durations'
  lane sums as it reads them;
- ``lane_sums``: the running sums behind cruciality and the tornado.

Without numba, or with ``OPENPMO_PURE_NUMPY`` set, the numpy code runs instead. numba is
imported the first time a simulation is big enough to gain from it; the kernels are compiled
once per machine and kept in numba's disk cache, so a new process only loads them.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import numpy.typing as npt

from openpmo.core._numba import prepare

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
    table: Array,
    scaled: bool,
    width: Array,
    low: Array,
    cells: int,
    outer: tuple[Array, Array, npt.NDArray[np.intp], Array, Array, int],
) -> None:
    """``out = table(u)`` row by row, as ``_ThreePoints._tabled`` computes it, the draws that
    fall in a table's first or last cell through its finer table, as ``_outer_cells`` does.

    ``u`` is either the uniforms or the random bits they come from (``_sampling.uniforms``:
    each 64 bits two uniforms, the low half first), taken to uniforms here as they are used;
    ``table`` is ``values`` and ``slopes`` side by side, which that kernel reads."""
    assert _compiled
    if u.dtype == np.uint64:
        cell_bits = cells.bit_length() - 1
        assert cells == 1 << cell_bits <= 1 << 32
        flat = table.reshape(-1)  # each cell's value and slope side by side
        _compiled.tabled_bits_run(u, out, offset, flat, scaled, width, low, cell_bits, outer)
    else:
        _compiled.tabled_run(u, out, offset, values, slopes, scaled, width, low, cells, outer)


def triangular(
    bits: npt.NDArray[np.uint64],
    out: Array,
    low: Array,
    mode: Array,
    above: Array,
    rise: Array,
    fall: Array,
) -> None:
    """``out`` from the uniforms of ``bits`` (``_sampling.uniforms``) through the triangular
    inverse CDF, as ``_ThreePoints._triangular`` computes it (each a ``(rows, 1)`` column)."""
    assert _compiled
    _compiled.triangular_bits_run(bits, out, low, mode, above, rise, fall)


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
    _compiled.passes_run(
        durations,
        *links,
        has_leads,
        buffers[0],
        buffers[1],
        finish,
        critical,
        True,
        finish,
        finish,
        None,
        1,
    )
    return finish


def backward(
    durations: Array,
    links: tuple[IntArray, IntArray, Array, IntArray, IntArray, Array],
    early_finish: Array,
    project: Array,
    critical: IntArray,
    moments: tuple[Array, Array, Array, int] | None = None,
) -> None:
    """The backward pass alone, after ``passes`` gave ``early_finish`` (its first buffer) and
    ``project``: adds to ``critical`` how many columns each task was critical in, and writes
    each task's late starts over its ``durations`` (one working array the fewer).

    ``moments`` is ``(shift, y, sums, block)``: the pass then also puts into ``sums[k]`` the
    ``lane_sums(durations[:, block k], shift[:, None], y[block k])`` of each block of ``block``
    columns, the durations read as the pass reads them (no pass over them of their own)."""
    assert _compiled
    shift, y, sums, block = moments if moments is not None else (project, project, None, 1)
    _compiled.passes_run(
        durations,
        *links,
        False,
        early_finish,
        durations,
        project,
        critical,
        False,
        shift,
        y,
        sums,
        block,
    )


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
        _compiled.lane_sums_run(x, shift, y, sums)
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
    prepare()
    from openpmo.core.risk import _compiled as kernels  # imports numba

    return kernels
