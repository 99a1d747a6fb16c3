"""Timing helpers shared by the benchmarks: best of several runs, and a printed ratio."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def best_of(function: Callable[[], Any], *, repeat: int = 5) -> float:
    """The shortest wall time of ``repeat`` calls, in seconds (the least disturbed run)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def report(label: str, ours: float, baseline: float, baseline_label: str) -> None:
    """Print one line: our time, the baseline's, and how many times faster we are."""
    ratio = baseline / ours if ours > 0 else float("inf")
    print(
        f"   {label:<40} ours {ours * 1000:9.2f} ms   {baseline_label} "
        f"{baseline * 1000:9.2f} ms   ratio {ratio:6.1f}x"
    )
