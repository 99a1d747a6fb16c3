"""Whether a second process finds numba's compiled kernels in its disk cache.

A kernel numba cannot find in its cache (a closure over another compiled function is one: it
pickles differently in every process) is compiled again in every process, costing seconds on the
first large schedule or simulation of every web or worker process."""

from __future__ import annotations

import subprocess  # noqa: S404 - our own interpreter, fixed code
import sys


def cache_use_in_a_second_process(
    module: str, setup: str, kernels: tuple[str, ...]
) -> dict[str, tuple[int, int]]:
    """Run ``setup`` (code that calls the kernels) in two fresh processes, the first of which
    may fill the cache, and return each kernel's (cache hits, cache misses) in the second."""
    report = (
        f"from {module.rsplit('.', 1)[0]} import {module.rsplit('.', 1)[1]} as _kernels\n"
        f"for name in {kernels!r}:\n"
        "    stats = getattr(_kernels, name).stats\n"
        "    print(name, sum(stats.cache_hits.values()), sum(stats.cache_misses.values()))\n"
    )
    lines = [
        subprocess.run(  # noqa: S603 - our own interpreter, fixed code
            [sys.executable, "-c", setup + report], capture_output=True, text=True, check=True
        ).stdout.split("\n")
        for _ in range(2)
    ][1]
    return {
        name: (int(hits), int(misses))
        for name, hits, misses in map(str.split, lines[: len(kernels)])
    }
