"""Drawing samples from three-point estimates: triangular and PERT (through quantile tables).

See ``_engine`` for how the draws are used and what the tables guarantee.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy import special

from openpmo.core.risk import _kernel
from openpmo.core.risk._model import CostEstimate, Estimate, Shape

Array = npt.NDArray[np.float64]

_TILE = 64  # rows transformed at a time when drawing

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


def random_bits(rng: np.random.Generator, rows: int, columns: int) -> npt.NDArray[np.uint64]:
    """The random bits of ``uniforms`` for ``(rows, columns)``: 64 bits for each two columns."""
    bits: npt.NDArray[np.uint64] = rng.bit_generator.random_raw((rows, (columns + 1) // 2))
    return bits


def uniforms(rng: np.random.Generator, out: Array) -> None:
    """Uniforms on (0, 1) into ``out`` (rows, columns): each 64 random bits of the generator
    make two, the low 32 bits b first, as (b + 1/2) / 2**32 (exact in a float; never 0 or 1).
    Half the bits of ``Generator.random``, so twice as quick; 2**32 levels are far finer than
    any quantile table. The same numbers whether drawn at once or a few rows at a time."""
    from_bits(random_bits(rng, *out.shape), out)


def from_bits(bits: npt.NDArray[np.uint64], out: Array) -> None:
    """The uniforms of ``bits`` (see ``uniforms``) into ``out``."""
    columns = out.shape[1]
    out[:, 0::2] = bits & np.uint64(0xFFFFFFFF)
    out[:, 1::2] = (bits >> np.uint64(32))[:, : columns // 2]
    out += 0.5
    out *= 2.0**-32


def _rows(rows: Sequence[int], total: int) -> slice | npt.NDArray[np.int64]:
    """``rows`` as a slice when they are consecutive (views, no copies), else as an index."""
    if not rows:
        return slice(0, 0)
    if list(rows) == list(range(rows[0], rows[0] + len(rows))):
        return slice(rows[0], rows[0] + len(rows))
    return np.array(rows, dtype=np.int64)


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
        tabled, table_of_row, tab, drawn = self._kinds(estimates, pert, alpha, beta)
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
        self._tables(tabled, table_of_row, tab, low[:, 0].tolist(), width[:, 0].tolist())
        # PERT drawn with Generator.beta
        t = np.array(drawn, dtype=np.int64)
        self.drawn_low, self.drawn_width = low[t], width[t]
        self.drawn_alpha, self.drawn_beta = alpha[t], beta[t]
        self._scratch = threading.local()  # each thread's uniforms (``draw``)

    @staticmethod
    def _kinds(
        estimates: Sequence[Estimate | CostEstimate],
        pert: npt.NDArray[np.bool_],
        alpha: Array,
        beta: Array,
    ) -> tuple[list[tuple[float, float]], dict[int, int], list[int], list[int]]:
        """The PERT shapes given tables, each tabled row's table, the tabled rows (sorted) and
        the PERT rows drawn with ``Generator.beta``."""
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
        return tabled, table_of_row, tab, drawn

    def _tables(
        self,
        tabled: list[tuple[float, float]],
        table_of_row: dict[int, int],
        tab: list[int],
        lows: list[float],
        widths: list[float],
    ) -> None:
        """The quantile tables of the tabled rows, concatenated, and each row's offset in them.

        Rows with the same estimate share a table scaled to it (saving a multiply and an add
        per draw), when there are few such estimates; otherwise the shape's table is scaled
        row by row.
        """
        tables = [_pert_table(*key) for key in tabled]
        keys = [(table_of_row[r], lows[r], widths[r]) for r in tab]
        estimates_of = dict.fromkeys(keys, 0)
        self.scaled = len(estimates_of) <= _SCALED_TABLES
        if self.scaled:
            estimates_of = {key: i for i, key in enumerate(estimates_of)}
            self.tab_offset = (
                np.array([estimates_of[key] for key in keys], dtype=np.float64)[:, None]
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
        self._paired: Array | None = None  # values and slopes side by side, when compiled

    def _paired_table(self) -> Array:
        """``values`` and ``slopes`` side by side (one cache line holds a cell's two numbers),
        for the compiled kernel; made the first time it draws."""
        if self._paired is None:
            self._paired = np.stack((self.values, self.slopes), axis=1)
        return self._paired

    def _triangular(self, u: Array, out: Array, rng: np.random.Generator | None = None) -> None:
        """The triangular inverse CDF of ``u`` (the triangular rows) into ``out``, a tile of
        rows at a time (to stay in cache): low + sqrt(u * rise) below the mode, high -
        sqrt((1 - u) * fall) above it. With ``rng``, ``u`` is drawn here, tile by tile (or,
        compiled, taken from random bits drawn at once: the same numbers)."""
        columns = u.shape[1]
        if rng is not None and u.size >= _kernel.MIN_DRAWS and _kernel.available():
            bits = random_bits(rng, *u.shape)
            _kernel.triangular(bits, out, self.low, self.mode, self.above, self.rise, self.fall)
            return
        scratch = np.empty((2, _TILE, columns), dtype=np.float64)
        for a in range(0, u.shape[0], _TILE):
            b = min(a + _TILE, u.shape[0])
            tile = u[a:b]
            if rng is not None:
                uniforms(rng, tile)
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
            uniforms(rng, u)
        if exact:
            x = special.betaincinv(self.tab_alpha, self.tab_beta, u)
            x *= self.tab_width
            np.add(x, self.tab_low, out=out)
            return
        columns = u.shape[1]
        if u.size >= _kernel.MIN_DRAWS and _kernel.available():
            width = self.tab_width if not self.scaled else self.tab_offset
            low = self.tab_low if not self.scaled else self.tab_offset
            _kernel.tabled(
                u if rng is None else random_bits(rng, *u.shape),
                out,
                self.tab_offset,
                self.values,
                self.slopes,
                self._paired_table(),
                self.scaled,
                width,
                low,
                _TABLE_CELLS,
                (
                    self.outer_values,
                    self.outer_slopes,
                    self.tab_outer,
                    self.tab_low,
                    self.tab_width,
                    _OUTER_CELLS,
                ),
            )
            return
        scratch = np.empty((3, _TILE, columns), dtype=np.float64)
        cells = np.empty((_TILE, columns), dtype=np.intp)
        for a in range(0, u.shape[0], _TILE):
            b = min(a + _TILE, u.shape[0])
            t, k, x = scratch[0, : b - a], scratch[1, : b - a], scratch[2, : b - a]
            index = cells[: b - a]
            if rng is not None:
                uniforms(rng, u[a:b])
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
                u = getattr(self._scratch, "u", None)
                if u is None or u.shape[1] != columns:
                    u = self._scratch.u = np.empty((self.uniform_count, columns), dtype=np.float64)
                if not self.tri_count and isinstance(self.tab, slice):
                    self._tabled(u, out[self.tab], exact, rng)  # draws u as it goes
                elif not self.tab_count and isinstance(self.tri, slice):
                    self._triangular(u, out[self.tri], rng)
                else:
                    uniforms(rng, u)
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
