"""Resource levelling: our search and CP-SAT against a single serial pass with the LFT rule.

Side by side, in one run, on the PSPLIB instances of the shared data (``rcpsp/``, see its README):

- j30 (240 instances, proven optima): our heuristic with 1 s per instance, against one pass of
  the serial scheme with the latest-finish-time rule (the textbook baseline that commercial
  levelling resembles); mean deviation from the optimum, how many at the optimum, time.
- j30 exact mode (CP-SAT, 10 s per instance): how many optima it proves, on every 6th instance
  (40, as the README's reference run) unless ``OPENPMO_BENCH_EXACT_STEP`` says otherwise.
- j120 (60 instances, best known upper bounds): our heuristic with 5 s per instance against the
  same baseline; ``OPENPMO_BENCH_J120_STEP`` thins the set (every 2nd by default: 30 instances).
- a synthetic 200-package programme with 6 roles, levelled by month to minimise package delays.

Every plan is checked feasible (capacity and links) before its figures are counted.
"""

from __future__ import annotations

import csv
import os
import statistics
import time
from pathlib import Path

import numpy as np

from openpmo.core.levelling import (
    Activity,
    LevellingResult,
    Precedence,
    Problem,
    Resource,
    baseline,
    level,
    read_problem,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
_CANDIDATES = [REPO_ROOT.parent / "shared", REPO_ROOT.parents[1] / "shared"]
SHARED = Path(
    os.environ.get("OPENPMO_SHARED", next((p for p in _CANDIDATES if p.is_dir()), _CANDIDATES[0]))
)
RCPSP = SHARED / "data" / "rcpsp"


def check(problem: Problem, result: LevellingResult) -> None:
    by_id = {a.id: a for a in problem.activities}
    starts = result.starts
    for link in problem.precedences:
        assert starts[link.after] >= starts[link.before] + by_id[link.before].duration + link.lag
    for resource in problem.resources:
        used: dict[int, int] = {}
        for a in problem.activities:
            for t in range(starts[a.id], starts[a.id] + a.duration):
                used[t] = used.get(t, 0) + a.demand.get(resource.id, 0)
        assert all(units <= resource.at(t) for t, units in used.items()), resource.id


def _table(name: str, key: str) -> dict[str, int]:
    with (RCPSP / name).open() as handle:
        return {row["instance"]: int(row[key]) for row in csv.DictReader(handle)}


def _compare(
    folder: str, reference: dict[str, int], names: list[str], seconds: float, label: str
) -> None:
    ours, base, times = [], [], []
    at_reference = base_at_reference = 0
    for name in names:
        problem = read_problem(RCPSP / folder / f"{name}.sm")
        started = time.perf_counter()
        result = level(problem, time_limit=seconds, schedules=1_000_000)
        times.append(time.perf_counter() - started)
        single = baseline(problem)
        check(problem, result)
        check(problem, single)
        best = reference[name]
        ours.append(100 * (result.makespan / best - 1))
        base.append(100 * (single.makespan / best - 1))
        at_reference += result.makespan <= best
        base_at_reference += single.makespan <= best
    count = len(names)
    shorter = statistics.mean(100 * (1 - (1 + o / 100) / (1 + b / 100)) for o, b in zip(ours, base, strict=True))
    print(f"   {folder} ({count} instances, {seconds:g} s limit each), deviation from the {label}:")
    print(
        f"     ours        mean {statistics.mean(ours):+6.2f}%  max {max(ours):+6.2f}%  "
        f"at it {at_reference:>3}/{count}  time mean {statistics.mean(times):.2f} s "
        f"max {max(times):.2f} s"
    )
    print(
        f"     serial LFT  mean {statistics.mean(base):+6.2f}%  max {max(base):+6.2f}%  "
        f"at it {base_at_reference:>3}/{count}  (one pass)"
    )
    print(f"     our plans are {shorter:.2f}% shorter than the single pass on average")


def _exact(optima: dict[str, int], names: list[str]) -> None:
    proved = reached = 0
    times = []
    for name in names:
        problem = read_problem(RCPSP / "j30" / f"{name}.sm")
        started = time.perf_counter()
        result = level(problem, exact=True, time_limit=10, workers=2)
        times.append(time.perf_counter() - started)
        check(problem, result)
        proved += result.optimal
        reached += result.makespan == optima[name]
        assert not result.optimal or result.makespan == optima[name], name
    print(
        f"   j30 exact mode (CP-SAT, 10 s, 2 workers, {len(names)} sampled): optimality proven "
        f"on {proved}/{len(names)}, optimum reached on {reached}/{len(names)}, "
        f"time mean {statistics.mean(times):.2f} s max {max(times):.2f} s"
    )


def programme(seed: int = 11) -> Problem:
    """200 work packages over 6 roles by month, a quarter waiting on an earlier package."""
    rng = np.random.default_rng(seed)
    roles = ("analyst", "developer", "architect", "tester", "project manager", "trainer")
    capacity = (10, 16, 5, 9, 12, 6)
    activities = []
    links = []
    for k in range(200):
        demand = {role: int(rng.integers(1, 3)) for role in roles if rng.random() < 0.25}
        activities.append(
            Activity(
                id=f"WP{k + 1:03d}",
                duration=int(rng.integers(2, 10)),
                demand=demand,
                release=int(rng.integers(0, 36)),
                group=f"WP{k + 1:03d}",
            )
        )
        if k >= 10 and rng.random() < 0.25:
            links.append(Precedence(f"WP{int(rng.integers(0, k)) + 1:03d}", f"WP{k + 1:03d}"))
    resources = tuple(Resource(role, cap) for role, cap in zip(roles, capacity, strict=True))
    return Problem(tuple(activities), tuple(links), resources)


def _programme() -> None:
    problem = programme()
    started = time.perf_counter()
    result = level(problem, objective="delay", time_limit=10, schedules=150)
    elapsed = time.perf_counter() - started
    check(problem, result)
    single = baseline(problem)
    print(
        f"   200-package programme, 6 roles, by month: levelled in {elapsed:.2f} s "
        f"({result.schedules} schedules): finish month {result.makespan}, "
        f"package delays {result.total_delay} months in sum; serial LFT pass: finish "
        f"{single.makespan}, delays {single.total_delay} "
        f"(ratio {single.total_delay / max(result.total_delay, 1):.2f}x)"
    )


def run() -> None:
    if not RCPSP.is_dir():
        print(f"   shared data not found at {RCPSP}: skipped")
        return
    optima = _table("j30-optima.csv", "optimal_makespan")
    names = sorted(optima)
    _programme()
    _compare("j30", optima, names, 1.0, "optimum")
    _exact(optima, names[:: int(os.environ.get("OPENPMO_BENCH_EXACT_STEP", "6"))])
    upper = _table("j120-bounds.csv", "best_known_upper_bound")
    step = int(os.environ.get("OPENPMO_BENCH_J120_STEP", "2"))
    _compare("j120", upper, sorted(upper)[::step], 5.0, "best known upper bound")
