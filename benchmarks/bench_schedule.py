"""Scheduling engine: forward and backward pass against a plain networkx longest-path pass.

Networks: the 2,441-task Microsoft Project file from the shared data, and synthetic networks of
10,000, 100,000 and 1,000,000 tasks (random finish-to-start links, each task waiting on one to
three of the tasks shortly before it, durations of 1-10 days, seeded). Both sides compute early
start/finish and late start/finish for every task from the same links and durations; the
baseline walks ``networkx.topological_sort`` in Python, ours is the numpy level-by-level engine
(levels included in its time). The results are checked equal before anything is timed.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import networkx as nx
import numpy as np

from benchmarks._timing import best_of, report
from openpmo.core.schedule import read_mspdi, schedule_project
from openpmo.core.schedule._engine import ArrayNetwork, run_passes

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("OPENPMO_SHARED", REPO_ROOT.parent / "shared"))
LARGEST = SHARED / "data" / "schedules" / "MPSPLIBtoMPP_51_mp_j120_a20_nr1.mspdi.xml"


def synthetic(size: int, rng: np.random.Generator) -> ArrayNetwork:
    """``size`` tasks; task i waits (FS) on 1-3 distinct-ish tasks among the 300 before it."""
    durations = rng.integers(1, 11, size) * 480
    counts = rng.integers(1, 4, size)
    counts[0] = 0
    successors = np.repeat(np.arange(size), counts)
    back = rng.integers(1, 301, successors.size)
    predecessors = successors - np.minimum(back, successors)
    keep = predecessors < successors
    pairs = np.unique(np.stack([predecessors[keep], successors[keep]]), axis=1)
    return ArrayNetwork.simple(durations, pairs[0], pairs[1])


def networkx_passes(graph: nx.DiGraph) -> dict[int, tuple[int, int, int, int]]:
    """Textbook CPM on a networkx graph: longest path forward, then backward, in Python."""
    order = list(nx.topological_sort(graph))
    early_start: dict[int, int] = {}
    early_finish: dict[int, int] = {}
    for node in order:
        start = max((early_finish[p] for p in graph.predecessors(node)), default=0)
        early_start[node] = start
        early_finish[node] = start + graph.nodes[node]["duration"]
    finish = max(early_finish.values())
    late_start: dict[int, int] = {}
    late_finish: dict[int, int] = {}
    for node in reversed(order):
        end = min((late_start[s] for s in graph.successors(node)), default=finish)
        late_finish[node] = end
        late_start[node] = end - graph.nodes[node]["duration"]
    return {n: (early_start[n], early_finish[n], late_start[n], late_finish[n]) for n in order}


def as_graph(network: ArrayNetwork) -> nx.DiGraph:
    graph = nx.DiGraph()
    for node, duration in enumerate(network.durations.tolist()):
        graph.add_node(node, duration=duration)
    graph.add_edges_from(
        zip(network.predecessors.tolist(), network.successors.tolist(), strict=True)
    )
    return graph


def check_equal(network: ArrayNetwork, baseline: dict[int, tuple[int, int, int, int]]) -> None:
    passes = run_passes(network)
    ours = np.stack(
        [passes.early_start, passes.early_finish, passes.late_start, passes.late_finish]
    )
    ours = ours >> 1  # drop the start/end-of-period form: the baseline counts minutes only
    theirs = np.array([baseline[n] for n in range(network.durations.size)], np.int64).T
    assert (ours == theirs).all(), "engine and networkx disagree"


def compare(label: str, network: ArrayNetwork, *, repeat: int) -> None:
    started = time.perf_counter()
    graph = as_graph(network)
    built = time.perf_counter() - started
    baseline = networkx_passes(graph)
    check_equal(network, baseline)
    ours = best_of(lambda: run_passes(network), repeat=repeat)
    theirs = best_of(lambda: networkx_passes(graph), repeat=max(1, repeat // 2))
    depth = int(np.max(_levels(network))) + 1
    report(
        f"{label} ({network.predecessors.size:,} links, {depth:,} levels)", ours, theirs, "networkx"
    )
    print(f"   {'':<40} (building the networkx graph took a further {built * 1000:.0f} ms)")


def _levels(network: ArrayNetwork) -> np.ndarray:
    from openpmo.core.schedule._engine import topological_levels

    return topological_levels(network.durations.size, network.predecessors, network.successors)


def run() -> None:
    rng = np.random.default_rng(20260101)
    if LARGEST.exists():
        project = read_mspdi(LARGEST)
        leaves = [t for t in project.network.tasks if not t.summary]
        index = {t.uid: k for k, t in enumerate(leaves)}
        network = ArrayNetwork.simple(
            np.array([t.duration_minutes for t in leaves], np.int64),
            np.array([index[link.predecessor] for link in project.network.links], np.int64),
            np.array([index[link.successor] for link in project.network.links], np.int64),
        )
        compare("2,441-task Project file, passes", network, repeat=20)
        whole = best_of(lambda: schedule_project(project), repeat=5)
        print(
            f"   {'2,441-task file, whole schedule()':<40} ours {whole * 1000:9.2f} ms"
            "   (tasks to dates: calendar, lags, summaries, datetimes)"
        )
    else:
        print(f"   (shared file {LARGEST.name} not found; skipped)")
    for size, repeat in ((10_000, 10), (100_000, 5), (1_000_000, 2)):
        compare(f"synthetic {size:,} tasks", synthetic(size, rng), repeat=repeat)
