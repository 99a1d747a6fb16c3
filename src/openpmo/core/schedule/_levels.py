"""The order of a network held as arrays: each task's topological level (Kahn's algorithm,
vectorised, one numpy step per level) and, when there is none, one cycle to report."""

from __future__ import annotations

import sys

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


def _ranges(starts: IntArray, counts: IntArray) -> IntArray:
    """Concatenate arange(s, s + c) for each pair, without a Python loop."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    before = np.cumsum(counts) - counts
    return np.asarray(np.repeat(starts - before, counts) + np.arange(total), dtype=np.int64)


def distinct(values: IntArray) -> tuple[IntArray, IntArray]:
    """``np.unique(values, return_inverse=True)``. Its first call in a process imports
    ``numpy.ma`` (some 60 ms of CPU, a third of a command-line run); until something else has
    imported it, the same answer comes from a sort instead (slower on big arrays than numpy's
    hashing, so only then)."""
    if "numpy.ma" in sys.modules:
        kept, inverse = np.unique(values, return_inverse=True)
        return kept, inverse.astype(np.int64, copy=False)
    ranked = np.sort(values)
    first = np.empty(ranked.shape[0], np.bool_)
    first[:1] = True
    np.not_equal(ranked[1:], ranked[:-1], out=first[1:])
    kept = ranked[first]
    return kept, np.searchsorted(kept, values).astype(np.int64)


def topological_levels(n: int, predecessors: IntArray, successors: IntArray) -> IntArray:
    """Each task's level: 0 without predecessors, else 1 + the highest predecessor level.

    Raises ``_CycleFound`` (holding the indices of the tasks on one cycle, in link order) when
    the links form a cycle; :func:`schedule` turns that into a :class:`CycleError` with names.
    """
    indegree = np.bincount(successors, minlength=n).astype(np.int64)
    by_predecessor = np.argsort(predecessors, kind="stable")
    out_pointer = np.concatenate(([0], np.cumsum(np.bincount(predecessors, minlength=n))))
    ordered_successors = successors[by_predecessor]
    level = np.full(n, -1, np.int64)
    frontier = np.flatnonzero(indegree == 0)
    depth = 0
    while frontier.size:
        level[frontier] = depth
        starts = out_pointer[frontier]
        reached = ordered_successors[_ranges(starts, out_pointer[frontier + 1] - starts)]
        if reached.size == 0:
            break
        if reached.size * 32 >= n:  # a wide level of a small network: whole columns at once
            hits = np.bincount(reached, minlength=n)
            indegree -= hits
            frontier = np.flatnonzero((indegree == 0) & (hits > 0))
        else:  # a few tasks of many: only those
            np.subtract.at(indegree, reached, 1)
            frontier = distinct(reached[indegree[reached] == 0])[0]
        depth += 1
    if (level < 0).any():
        raise _CycleFound(_find_cycle(level, predecessors, successors))
    return level


class _CycleFound(Exception):
    def __init__(self, indices: list[int]) -> None:
        self.indices = indices


def _find_cycle(level: IntArray, predecessors: IntArray, successors: IntArray) -> list[int]:
    """Walk back through unplaced tasks (each has an unplaced predecessor) until one repeats."""
    stuck = level < 0
    keep = stuck[predecessors] & stuck[successors]
    back: dict[int, int] = {}
    for pred, succ in zip(predecessors[keep].tolist(), successors[keep].tolist(), strict=True):
        back.setdefault(succ, pred)
    node = int(np.flatnonzero(stuck)[0])
    seen: dict[int, int] = {}
    path: list[int] = []
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = back[node]
    cycle = path[seen[node] :]
    cycle.reverse()  # we walked against the links; report them in link order
    return cycle
