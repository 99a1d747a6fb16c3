"""Topological levels: a wide level of a small network is found by whole columns, a narrow one
by its own tasks; both give each task 1 + its highest predecessor's level, and a loop is found."""

from __future__ import annotations

import numpy as np
import pytest

from openpmo.core.schedule._levels import _CycleFound, topological_levels


def reference(n: int, pred: list[int], succ: list[int]) -> list[int]:
    level = [0] * n
    for _ in range(n):  # relax every link until nothing moves (n rounds suffice without a loop)
        for p, s in zip(pred, succ, strict=True):
            level[s] = max(level[s], level[p] + 1)
    return level


def test_wide_and_narrow_levels_agree_with_the_definition() -> None:
    # Given a network that fans out wide (levels found by whole columns), then runs down a long
    # chain (one task a level: found task by task), then fans out again
    rng = np.random.default_rng(3)
    wide, chain = 300, 120
    pred, succ = [], []
    for task in range(1, wide):  # each after one to three of the tasks before it
        for before in rng.choice(task, size=min(task, 3), replace=False).tolist():
            pred.append(before)
            succ.append(task)
    for task in range(wide, wide + chain):
        pred.append(task - 1)
        succ.append(task)
    n = wide + chain + 50
    for task in range(wide + chain, n):
        pred.append(int(rng.integers(wide, task)))
        succ.append(task)
    order = rng.permutation(len(pred))  # links in any order
    p = np.array(pred, np.int64)[order]
    s = np.array(succ, np.int64)[order]
    # when levelled, then each task's level is the definition's
    assert topological_levels(n, p, s).tolist() == reference(n, pred, succ)


def test_a_loop_is_reported() -> None:
    pred = np.array([0, 1, 2, 3], np.int64)
    succ = np.array([1, 2, 3, 1], np.int64)
    with pytest.raises(_CycleFound) as found:
        topological_levels(5, pred, succ)
    assert sorted(found.value.indices) == [1, 2, 3]
