"""The schedule's passes compiled with numba; ``_kernel`` imports this module only when numba
is installed and a network is big enough to gain from it (see ``_kernel`` for what each does).

They are functions of the module, not closures made at run time: numba's disk cache
(``cache=True``) keys a function on its closure too, and a closure over another compiled
function (``run`` calls ``shift``) pickles differently in every process, so it was compiled
afresh (about two seconds) in every new process that scheduled a large network.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@numba.njit(cache=True, nogil=True)
def order_of(
    n: int,
    in_pointer: IntArray,
    forward: IntArray,
    out_pointer: IntArray,
    backward: IntArray,
    predecessors: IntArray,
    successors: IntArray,
) -> IntArray:
    waiting = np.zeros(n, np.int64)
    for task in range(n):
        waiting[task] = in_pointer[task + 1] - in_pointer[task]
    order = np.empty(n, np.int64)
    size = 0
    for task in range(n):
        if waiting[task] == 0:
            order[size] = task
            size += 1
    head = 0
    while head < size:
        task = order[head]
        head += 1
        for k in range(out_pointer[task], out_pointer[task + 1]):
            after = successors[backward[k]]
            waiting[after] -= 1
            if waiting[after] == 0:
                order[size] = after
                size += 1
    return order[:size]


@numba.njit(cache=True, nogil=True)
def grouped(n: int, keys: IntArray) -> tuple[IntArray, IntArray]:
    """Links grouped by task (a counting sort, stable): pointers and link numbers."""
    pointer = np.zeros(n + 1, np.int64)
    for key in keys:
        pointer[key + 1] += 1
    for task in range(n):
        pointer[task + 1] += pointer[task]
    filled = pointer[:-1].copy()
    links = np.empty(keys.shape[0], np.int64)
    for k in range(keys.shape[0]):
        links[filled[keys[k]]] = k
        filled[keys[k]] += 1
    return pointer, links


@numba.njit(cache=True, nogil=True)
def shift(value: int, minutes: int) -> int:
    if minutes == 0:
        return value
    return 2 * ((value >> 1) + minutes) + (1 if minutes < 0 else 0)


@numba.njit(cache=True, nogil=True)
def run(
    order: IntArray,
    in_pointer: IntArray,
    forward: IntArray,
    out_pointer: IntArray,
    backward: IntArray,
    predecessors: IntArray,
    successors: IntArray,
    from_finish: BoolArray,
    to_start: BoolArray,
    lags: IntArray,
    durations: IntArray,
    start_bound: IntArray,
    finish_bound: IntArray,
    late_start_bound: IntArray,
    late_finish_bound: IntArray,
) -> tuple[IntArray, IntArray, IntArray, IntArray, np.int64]:
    n = durations.shape[0]
    es = np.zeros(n, np.int64)
    ef = np.zeros(n, np.int64)
    ls = np.zeros(n, np.int64)
    lf = np.zeros(n, np.int64)
    for task in order:
        start_req = start_bound[task]
        finish_req = finish_bound[task]
        for j in range(in_pointer[task], in_pointer[task + 1]):
            k = forward[j]
            before = predecessors[k]
            source = ef[before] if from_finish[k] else es[before]
            candidate = shift(source, lags[k])
            if to_start[k]:
                start_req = max(start_req, candidate)
            else:
                finish_req = max(finish_req, candidate)
        span = durations[task]
        positive = 1 if span > 0 else 0
        keep = ~positive
        start_req = start_req | positive
        start_from_finish = (finish_req & keep) + positive - 2 * span
        if start_from_finish >= start_req:
            es[task], ef[task] = start_from_finish, finish_req
        else:
            es[task], ef[task] = start_req, (start_req & keep) + 2 * span
    finish = np.int64(1)
    if n:
        finish = ef.max()
    for position in range(order.shape[0] - 1, -1, -1):
        task = order[position]
        lf_req = min(late_finish_bound[task], finish)
        ls_req = late_start_bound[task]
        for j in range(out_pointer[task], out_pointer[task + 1]):
            k = backward[j]
            after = successors[k]
            source = ls[after] if to_start[k] else lf[after]
            candidate = shift(source, -lags[k])
            if from_finish[k]:
                lf_req = min(lf_req, candidate)
            else:
                ls_req = min(ls_req, candidate)
        span = durations[task]
        positive = 1 if span > 0 else 0
        keep = ~positive
        lf_req = lf_req & (~np.int64(1) if span > 0 else np.int64(-1))
        finish_from_start = (ls_req & keep) + 2 * span
        if finish_from_start < lf_req:
            lf[task], ls[task] = finish_from_start, ls_req
        else:
            lf[task], ls[task] = lf_req, (lf_req & keep) + positive - 2 * span
    return es, ef, ls, lf, finish


@numba.njit(cache=True, nogil=True)
def walls(
    offsets: IntArray,
    end_form: BoolArray,
    cumulative: IntArray,
    starts: IntArray,
    ends: IntArray,
    within_start: IntArray,
    within_end: IntArray,
    first_day: int,
) -> IntArray:
    out = np.empty(offsets.shape[0], np.int64)
    widest = starts.shape[1] - 1
    after_first = cumulative[1:]
    for i in range(offsets.shape[0]):
        offset = offsets[i]
        if end_form[i]:
            row = np.searchsorted(after_first, offset, side="left")
            within = offset - cumulative[row]
            k = 0
            for j in range(widest + 1):
                if within_end[row, j] < within:
                    k += 1
            k = min(k, widest)
            minute = ends[row, k] - (within_end[row, k] - within)
        else:
            row = np.searchsorted(cumulative, offset, side="right") - 1
            within = offset - cumulative[row]
            k = 0
            for j in range(widest + 1):
                if within_start[row, j] <= within:
                    k += 1
            k = min(max(k - 1, 0), widest)
            minute = starts[row, k] + (within - within_start[row, k])
        out[i] = (row + first_day) * 1440 + minute
    return out
