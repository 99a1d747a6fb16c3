"""Goal lines for the engine benchmarks: CPU and wall time side by side, MET or MISSED.

On a shared, loaded machine wall time includes waiting for a core; CPU time (``process_time``,
all threads of this process) is what the code itself spent, so both are printed and the goal is
judged on CPU time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def best_times(function: Callable[[], Any], *, repeat: int = 5) -> tuple[float, float]:
    """The shortest CPU time and the shortest wall time of ``repeat`` calls, in seconds."""
    cpu = wall = float("inf")
    for _ in range(repeat):
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        function()
        cpu = min(cpu, time.process_time() - started_cpu)
        wall = min(wall, time.perf_counter() - started_wall)
    return cpu, wall


def side_by_side(
    label: str, ours: tuple[float, float], theirs: tuple[float, float], baseline: str
) -> None:
    """One line: our CPU and wall time, the baseline's, and the ratio of each."""
    (our_cpu, our_wall), (their_cpu, their_wall) = ours, theirs
    print(
        f"   {label:<40} ours {our_cpu * 1000:8.1f} ms CPU {our_wall * 1000:8.1f} ms wall   "
        f"{baseline} {their_cpu * 1000:8.1f} ms CPU {their_wall * 1000:8.1f} ms wall   "
        f"ratio {their_cpu / our_cpu:5.1f}x CPU {their_wall / our_wall:5.1f}x wall"
    )


def goal(label: str, ours: tuple[float, float], limit: float) -> bool:
    """Print whether ``ours`` (CPU, wall seconds) meets ``limit`` seconds, judged on CPU time."""
    met = ours[0] <= limit
    print(
        f"   GOAL {label:<48} {'MET' if met else 'MISSED':<6} "
        f"{ours[0] * 1000:8.1f} ms CPU ({ours[1] * 1000:.1f} ms wall), goal <= {limit * 1000:.0f} ms"
    )
    return met


def goal_wall(label: str, ours: tuple[float, float], limit: float) -> bool:
    """As ``goal``, judged on wall time: for work spread over several threads, whose CPU time
    is the sum over them, wall time is what a person waits for."""
    met = ours[1] <= limit
    print(
        f"   GOAL {label:<48} {'MET' if met else 'MISSED':<6} "
        f"{ours[1] * 1000:8.1f} ms wall ({ours[0] * 1000:.1f} ms CPU), goal <= {limit * 1000:.0f} ms"
    )
    return met


def goal_ratio(label: str, ours: float, theirs: float, at_least: float) -> bool:
    """Print whether we are at least ``at_least`` times faster than a baseline (CPU time)."""
    ratio = theirs / ours if ours > 0 else float("inf")
    met = ratio >= at_least
    print(
        f"   GOAL {label:<48} {'MET' if met else 'MISSED':<6} "
        f"{ratio:8.1f}x faster (CPU), goal >= {at_least:.0f}x"
    )
    return met
