"""The Monte Carlo engine against answers known in closed form, and its reproducibility.

Tolerances are statistical: a simulated mean must be within 4.5 standard errors of the exact
mean, an empirical CDF within 5 binomial standard errors of the exact one. With fixed seeds the
tests are deterministic; the tolerances say how wrong the engine would have to be to fail.
"""

from __future__ import annotations

import math
import threading
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats
from tests.compiled_cache import cache_use_in_a_second_process

from openpmo.core.errors import CycleError, ValidationError
from openpmo.core.risk import (
    CostEstimate,
    Estimate,
    RiskEvent,
    RiskNetwork,
    Shape,
    SimTask,
    simulate,
    triangular_ppf,
)
from openpmo.core.risk._statistics import _Run

N = 40_000


def tri_mean(a: float, m: float, b: float) -> float:
    return (a + m + b) / 3


def tri_var(a: float, m: float, b: float) -> float:
    return (a * a + m * m + b * b - a * m - a * b - m * b) / 18


def tri_cdf(x: float, a: float, m: float, b: float) -> float:
    return float(stats.triang.cdf(x, (m - a) / (b - a), loc=a, scale=b - a))


def chain(estimates: list[Estimate]) -> RiskNetwork:
    tasks = [
        SimTask(f"T{i}", e, after=(f"T{i - 1}",) if i else ()) for i, e in enumerate(estimates)
    ]
    return RiskNetwork(tuple(tasks))


# -- Chains: sums of independent durations -------------------------------------------------------

CHAIN = [(4.0, 5.0, 9.0), (2.0, 3.0, 4.0), (10.0, 12.0, 20.0), (1.0, 1.0, 3.0), (0.0, 6.0, 6.0)]


def test_a_chain_of_triangular_tasks_has_the_sum_of_their_means_and_variances() -> None:
    # given five triangular tasks one after another
    network = chain([Estimate(a, m, b) for a, m, b in CHAIN])
    # when simulated
    result = simulate(network, iterations=N, seed=11)
    # then the finish has the exact mean and variance of a sum of independent triangles
    mean = sum(tri_mean(*t) for t in CHAIN)
    variance = sum(tri_var(*t) for t in CHAIN)
    samples = result.finish_samples
    assert abs(result.finish.mean - mean) < 4.5 * math.sqrt(variance / N)
    assert samples.var() == pytest.approx(variance, rel=0.04)
    assert result.deterministic_finish == sum(m for _, m, _ in CHAIN)
    # and every task of a chain is always critical
    assert all(task.criticality == 1.0 for task in result.tasks)


def test_a_chain_of_pert_tasks_has_the_pert_mean_and_variance() -> None:
    network = chain([Estimate(a, m, b, Shape.PERT) for a, m, b in CHAIN])
    result = simulate(network, iterations=N, seed=12)
    means = [(a + 4 * m + b) / 6 for a, m, b in CHAIN]
    # the PERT-Beta (lambda 4) variance is (mean - a)(b - mean) / 7
    variance = sum((mu - a) * (b - mu) / 7 for mu, (a, _, b) in zip(means, CHAIN, strict=True))
    assert abs(result.finish.mean - sum(means)) < 4.5 * math.sqrt(variance / N)
    assert result.finish_samples.var() == pytest.approx(variance, rel=0.04)


def test_the_triangular_inverse_cdf_matches_scipy() -> None:
    u = np.linspace(0.0, 1.0, 101)
    for a, m, b in [(1.0, 2.0, 5.0), (0.0, 0.0, 4.0), (3.0, 7.0, 7.0)]:
        ours = triangular_ppf(u, np.array(a), np.array(m), np.array(b))
        exact = stats.triang.ppf(u, (m - a) / (b - a), loc=a, scale=b - a)
        np.testing.assert_allclose(ours, exact, atol=1e-12)


# -- Parallel paths: the maximum of independent finishes ------------------------------------------

PATHS = {"P1": (8.0, 10.0, 16.0), "P2": (9.0, 11.0, 13.0), "P3": (5.0, 9.0, 18.0)}


def parallel_network() -> RiskNetwork:
    tasks = [SimTask("start", Estimate.fixed(0))]
    tasks += [SimTask(k, Estimate(*v), after=("start",)) for k, v in PATHS.items()]
    tasks.append(SimTask("end", Estimate.fixed(0), after=tuple(PATHS)))
    return RiskNetwork(tuple(tasks))


def test_parallel_paths_finish_with_the_product_of_their_cdfs() -> None:
    # given three independent paths between a start and an end milestone
    result = simulate(parallel_network(), iterations=N, seed=21)
    samples = np.sort(result.finish_samples)
    # then P(finish <= x) is the product of the paths' CDFs, at every x
    for x in np.linspace(8.5, 17.5, 19):
        exact = math.prod(tri_cdf(x, *v) for v in PATHS.values())
        empirical = np.searchsorted(samples, x, side="right") / N
        tolerance = 5 * math.sqrt(max(exact * (1 - exact), 1e-4) / N)
        assert abs(empirical - exact) < tolerance, (x, empirical, exact)


def test_criticality_is_the_chance_each_path_is_the_longest() -> None:
    result = simulate(parallel_network(), iterations=N, seed=22)
    criticality = result.criticality
    for name, (a, m, b) in PATHS.items():
        others = [v for k, v in PATHS.items() if k != name]

        def density(x: float, a: float = a, m: float = m, b: float = b, others=others) -> float:  # type: ignore[no-untyped-def]
            pdf = stats.triang.pdf(x, (m - a) / (b - a), loc=a, scale=b - a)
            return float(pdf * math.prod(tri_cdf(x, *o) for o in others))

        exact = integrate.quad(density, a, b, limit=200)[0]
        assert abs(criticality[name] - exact) < 5 * math.sqrt(exact * (1 - exact) / N), name
    # the milestones are on every critical path
    assert criticality["start"] == criticality["end"] == 1.0
    # the three paths share the criticality between them (ties have probability zero)
    assert sum(criticality[k] for k in PATHS) == pytest.approx(1.0, abs=1e-9)


# -- Risk events ----------------------------------------------------------------------------------


@pytest.mark.parametrize("probability", [0.05, 0.3, 0.9])
def test_a_risk_fires_in_its_share_of_iterations(probability: float) -> None:
    delay = Estimate(2, 5, 11)
    network = RiskNetwork(
        (SimTask("A", Estimate.fixed(10)),),
        risks=(
            RiskEvent(
                "R1",
                probability,
                hits=("A",),
                delay=delay,
                cost=CostEstimate(Decimal(1000), Decimal(1000), Decimal(1000)),
            ),
        ),
    )
    iterations = 20_000
    result = simulate(network, iterations=iterations, seed=31)
    tolerance = 4 * math.sqrt(probability * (1 - probability) / iterations)
    share = result.risk_occurrence["R1"]
    assert abs(share - probability) < tolerance
    # the iterations it fired in are exactly those that finished late and cost £1,000
    late = result.finish_samples > 10
    assert late.mean() == pytest.approx(share, abs=1e-12)
    assert result.cost_samples[late].min() == 1000 and result.cost_samples[~late].max() == 0
    # and the expected delay is p times the mean delay
    spread = math.sqrt(probability * (tri_var(2, 5, 11) + (1 - probability) * 36) / iterations)
    assert abs(result.finish.mean - (10 + probability * 6)) < 4.5 * spread


def test_costs_add_task_costs_and_risk_costs() -> None:
    costs = [(50_000, 60_000, 90_000), (10_000, 12_000, 20_000)]
    network = RiskNetwork(
        (
            SimTask("A", Estimate(1, 2, 3), cost=CostEstimate(*map(Decimal, costs[0]))),
            SimTask(
                "B", Estimate(1, 2, 3), after=("A",), cost=CostEstimate(*map(Decimal, costs[1]))
            ),
        ),
        risks=(RiskEvent("R", 0.5, cost=CostEstimate(Decimal(0), Decimal(0), Decimal(30_000))),),
    )
    result = simulate(network, iterations=N, seed=32)
    mean = sum(tri_mean(*c) for c in costs) + 0.5 * 10_000
    assert isinstance(result.cost.mean, Decimal)
    assert result.cost.mean == result.cost.mean.quantize(Decimal("0.01"))
    assert abs(float(result.cost.mean) - mean) < 4.5 * float(
        np.std(result.cost_samples)
    ) / math.sqrt(N)
    assert result.deterministic_cost == Decimal("72000.00")
    assert result.cost.p10 < result.cost.p50 < result.cost.p80 < result.cost.p90
    assert result.cost_drivers[0].id == "A"


# -- Correlation within a strand ------------------------------------------------------------------


def two_parallel(rho: float, shape: Shape) -> RiskNetwork:
    estimate = Estimate(5, 8, 15, shape)
    return RiskNetwork(
        (
            SimTask("A", estimate, strand="S"),
            SimTask("B", estimate, strand="S"),
            SimTask("end", Estimate.fixed(0), after=("A", "B")),
        ),
        correlation={"S": rho},
    )


@pytest.mark.parametrize("shape", list(Shape))
def test_correlation_in_a_strand_moves_its_tasks_together(shape: Shape) -> None:
    single = Estimate(5, 8, 15, shape).mean
    # fully correlated: the two tasks are equal, so the later of them is just one of them
    together = simulate(two_parallel(1.0, shape), iterations=20_000, seed=41)
    assert together.finish.mean == pytest.approx(single, abs=0.08)
    # independent: the later of two is later on average, by the known amount for triangles
    apart = simulate(two_parallel(0.0, shape), iterations=20_000, seed=41)
    assert apart.finish.mean > single + 0.5
    if shape is Shape.TRIANGULAR:
        expected = integrate.quad(lambda x: 1 - tri_cdf(x, 5, 8, 15) ** 2, 5, 15)[0] + 5
        assert apart.finish.mean == pytest.approx(expected, abs=0.06)
    partly = simulate(two_parallel(0.6, shape), iterations=20_000, seed=41)
    assert single < partly.finish.mean < apart.finish.mean


# -- Reproducibility ------------------------------------------------------------------------------


def rich_network() -> RiskNetwork:
    return RiskNetwork(
        (
            SimTask("A", Estimate(4, 5, 9), cost=CostEstimate(Decimal(5), Decimal(6), Decimal(9))),
            SimTask("B", Estimate(2, 3, 4, Shape.PERT), after=("A",), strand="S"),
            SimTask("C", Estimate(1, 6, 8), after=("A",), strand="S", lags={"A": -1.5}),
            SimTask("D", Estimate(3, 3, 3), after=("B", "C")),
            SimTask("E", Estimate(0, 2, 9, Shape.PERT), lags={}),
        ),
        risks=(
            RiskEvent(
                "R1",
                0.3,
                hits=("B", "D"),
                delay=Estimate(2, 5, 10),
                cost=CostEstimate(Decimal(10_000), Decimal(25_000), Decimal(60_000)),
            ),
            RiskEvent("R2", 0.1, hits=("E",), delay=Estimate(1, 1, 2, Shape.PERT)),
        ),
        correlation={"S": 0.7},
    )


def test_the_same_seed_gives_the_same_answer_whatever_the_chunk_size() -> None:
    network = rich_network()
    runs = [
        simulate(network, iterations=3001, seed=99, chunk_size=size) for size in (256, 700, 5000)
    ]
    first = runs[0]
    for other in runs[1:]:
        assert other == first
        assert np.array_equal(other.finish_samples, first.finish_samples)
        assert np.array_equal(other.cost_samples, first.cost_samples)
        assert other.to_dict() == first.to_dict()
    assert simulate(network, iterations=3001, seed=100) != first


def test_a_generator_passed_in_is_turned_into_a_stored_seed() -> None:
    network = rich_network()
    result = simulate(network, iterations=500, rng=np.random.default_rng(5))
    again = simulate(network, iterations=500, seed=result.seed)
    assert again == result
    # a longer run with the same seed starts with the same iterations
    longer = simulate(network, iterations=700, seed=result.seed)
    assert np.array_equal(longer.finish_samples[:500], result.finish_samples)


# -- Fixed durations: the critical path method ---------------------------------------------------


@st.composite
def fixed_networks(draw: st.DrawFn) -> tuple[RiskNetwork, list[int]]:
    count = draw(st.integers(1, 9))
    durations = [draw(st.integers(0, 9)) for _ in range(count)]
    tasks = []
    for i in range(count):
        after = draw(st.sets(st.integers(0, i - 1), max_size=3)) if i else set()
        tasks.append(
            SimTask(
                f"T{i}", Estimate.fixed(durations[i]), after=tuple(f"T{j}" for j in sorted(after))
            )
        )
    order = draw(st.permutations(tasks))
    return RiskNetwork(tuple(order)), durations


@settings(max_examples=60, deadline=None)
@given(fixed_networks())
def test_with_fixed_durations_the_finish_and_critical_tasks_are_the_longest_path(
    case: tuple[RiskNetwork, list[int]],
) -> None:
    network, durations = case
    # brute force: the longest path ending at each task, and starting at each task
    by_id = {t.id: t for t in network.tasks}
    count = len(durations)
    to_end = [0] * count
    for i in range(count):
        preds = [int(p[1:]) for p in by_id[f"T{i}"].after]
        to_end[i] = durations[i] + max((to_end[p] for p in preds), default=0)
    from_start = [0] * count
    for i in reversed(range(count)):
        succs = [j for j in range(count) if f"T{i}" in by_id[f"T{j}"].after]
        from_start[i] = durations[i] + max((from_start[s] for s in succs), default=0)
    longest = max(to_end)
    result = simulate(network, iterations=3, seed=0)
    assert result.finish.p50 == result.deterministic_finish == longest
    for task in result.tasks:
        i = int(task.id[1:])
        on_longest = to_end[i] + from_start[i] - durations[i] == longest
        assert task.criticality == (1.0 if on_longest else 0.0), task.id


def test_lags_and_leads_shift_successors() -> None:
    network = RiskNetwork(
        (
            SimTask("A", Estimate.fixed(5)),
            SimTask("B", Estimate.fixed(2), after=("A",), lags={"A": 3}),
            SimTask("C", Estimate.fixed(4), after=("A",), lags={"A": -2}),
        )
    )
    result = simulate(network, iterations=2, seed=0)
    assert result.deterministic_finish == 10  # B: 5 + 3 + 2; C: 5 - 2 + 4 = 7
    assert result.criticality == {"A": 1.0, "B": 1.0, "C": 0.0}


# -- Refusals -------------------------------------------------------------------------------------


def test_a_cycle_is_refused_naming_its_tasks() -> None:
    with pytest.raises(CycleError) as caught:
        RiskNetwork(
            (
                SimTask("A", Estimate.fixed(1), after=("C",)),
                SimTask("B", Estimate.fixed(1), after=("A",)),
                SimTask("C", Estimate.fixed(1), after=("B",)),
                SimTask("D", Estimate.fixed(1)),
            )
        )
    assert sorted(caught.value.tasks) == ["A", "B", "C"]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Estimate(5, 4, 6), "min <= likely <= max"),
        (lambda: Estimate(-1, 0, 1), "0 <= min"),
        (lambda: RiskEvent("R", 1.5), "between 0 and 1"),
        (lambda: RiskNetwork((SimTask("A", Estimate.fixed(1), after=("Z",)),)), "not a task"),
        (
            lambda: RiskNetwork((SimTask("A", Estimate.fixed(1)), SimTask("A", Estimate.fixed(1)))),
            "twice",
        ),
        (lambda: RiskNetwork((SimTask("A", Estimate.fixed(1), strand="S"),)), "no correlation"),
        (
            lambda: RiskNetwork(
                (SimTask("A", Estimate.fixed(1), strand="S"),), correlation={"S": 2}
            ),
            "between 0 and 1",
        ),
        (lambda: RiskNetwork(()), "no tasks"),
    ],
)
def test_bad_networks_are_refused(build: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        build()  # type: ignore[operator]


def test_simulate_refuses_bad_arguments() -> None:
    network = chain([Estimate(1, 2, 3)])
    with pytest.raises(ValidationError, match="iterations"):
        simulate(network, iterations=0, seed=1)
    with pytest.raises(ValidationError, match="either"):
        simulate(network, iterations=10)
    with pytest.raises(ValidationError, match="either"):
        simulate(network, iterations=10, seed=1, rng=np.random.default_rng())
    with pytest.raises(ValidationError, match="seed"):
        simulate(network, iterations=10, seed=-4)


def test_s_curves_tornado_and_progress_describe_the_same_run() -> None:
    seen: list[int] = []
    result = simulate(
        rich_network(), iterations=1500, seed=8, chunk_size=512, top=3, progress=seen.append
    )
    # progress is reported after each chunk, up to the last iteration
    assert seen == [512, 1024, 1500]
    # the S-curves rise, and their midpoints are the P50s
    finish = [point.value for point in result.finish_curve]
    assert finish == sorted(finish)
    halfway = next(p for p in result.finish_curve if p.probability == 0.5)
    assert halfway.value == result.finish.p50
    costs = [point.value for point in result.cost_curve]
    assert costs == sorted(costs) and all(isinstance(c, Decimal) for c in costs)
    # the tornado keeps the strongest drivers, strongest first
    assert len(result.schedule_drivers) == 3
    strengths = [abs(d.correlation) for d in result.schedule_drivers]
    assert strengths == sorted(strengths, reverse=True)
    everything = simulate(rich_network(), iterations=1500, seed=8, top=100)
    assert {(d.id, d.kind) for d in result.schedule_drivers} <= {
        (d.id, d.kind) for d in everything.schedule_drivers
    }
    # D is fixed, but R1 hits it, so its duration varies; a task nothing varies has no cruciality
    fixed = simulate(chain([Estimate.fixed(2), Estimate(1, 2, 3)]), iterations=300, seed=1)
    assert fixed.tasks[0].cruciality is None and fixed.tasks[1].cruciality == pytest.approx(1.0)


@st.composite
def lagged_networks(draw: st.DrawFn) -> RiskNetwork:
    count = draw(st.integers(2, 12))
    tasks = []
    for i in range(count):
        after = sorted(draw(st.sets(st.integers(0, i - 1), max_size=4))) if i else []
        lags = {f"T{j}": float(draw(st.integers(-3, 3))) for j in after if draw(st.booleans())}
        tasks.append(
            SimTask(
                f"T{i}",
                Estimate.fixed(draw(st.integers(0, 6))),
                after=tuple(f"T{j}" for j in after),
                lags=lags,
            )
        )
    return RiskNetwork(tuple(draw(st.permutations(tasks))))


@settings(max_examples=60, deadline=None)
@given(lagged_networks())
def test_with_lags_and_leads_the_critical_tasks_are_those_without_float(
    network: RiskNetwork,
) -> None:
    # the critical path method by hand: a task starts when its last predecessor (plus lag)
    # finishes, never before day 0; a task is critical when its late finish is its early finish
    by_id = {t.id: t for t in network.tasks}
    order = sorted(by_id, key=lambda k: int(k[1:]))
    early: dict[str, float] = {}
    for k in order:
        t = by_id[k]
        start = max([early[p] + t.lags.get(p, 0.0) for p in t.after] + [0.0])
        early[k] = start + t.duration.likely
    project = max(early.values())
    late: dict[str, float] = {}
    for k in reversed(order):
        successors = [s for s in order if k in by_id[s].after]
        # no task may finish after the project does, even one whose successor leads it
        late[k] = min(
            [late[s] - by_id[s].duration.likely - by_id[s].lags.get(k, 0.0) for s in successors]
            + [project]
        )
    result = simulate(network, iterations=3, seed=0)
    assert result.finish.p50 == project
    assert result.criticality == {k: 1.0 if late[k] == early[k] else 0.0 for k in order}


def compiled_size_network(seed: int) -> RiskNetwork:
    """A random network big enough for the compiled passes: several predecessors each, lags and
    leads (some beyond a task's own duration), triangular and PERT estimates, a correlated
    strand, task costs and a risk."""
    from openpmo.core.risk import _kernel

    if not _kernel.available():
        pytest.skip("numba is not installed")
    rng = np.random.default_rng(seed)
    tasks = []
    for i in range(300):
        after = (
            sorted({int(j) for j in rng.integers(0, i, size=int(rng.integers(0, 4)))}) if i else []
        )
        lags = {f"T{j}": float(rng.integers(-6, 4)) for j in after if rng.random() < 0.4}
        low = float(rng.integers(0, 5))
        shape = Shape.PERT if rng.random() < 0.5 else Shape.TRIANGULAR
        estimate = Estimate(low, low + float(rng.integers(0, 3)), low + 4.0, shape)
        cost = CostEstimate(Decimal(10), Decimal(20), Decimal(45)) if i % 7 == 0 else None
        strand = "S" if i % 11 == 0 else None
        tasks.append(
            SimTask(
                f"T{i}",
                estimate,
                after=tuple(f"T{j}" for j in after),
                lags=lags,
                cost=cost,
                strand=strand,
            )
        )
    risk = RiskEvent("R", 0.3, delay=Estimate(1.0, 2.0, 5.0), hits=("T5", "T50"))
    return RiskNetwork(tuple(tasks), risks=(risk,), correlation={"S": 0.5})


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_compiled_passes_give_the_numpy_passes_answer_to_the_last_bit(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    network = compiled_size_network(seed)
    compiled = simulate(network, iterations=1_000, seed=seed)
    monkeypatch.setenv("OPENPMO_PURE_NUMPY", "1")
    numpy_only = simulate(network, iterations=1_000, seed=seed)
    assert np.array_equal(compiled.finish_samples, numpy_only.finish_samples)
    assert compiled.to_dict() == numpy_only.to_dict()
    assert 0 < sum(t.criticality for t in compiled.tasks) < len(network.tasks)


def test_threads_change_the_speed_never_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a network the compiled kernels run, in chunks of one block (so that there are many
    # chunks for the threads to share), and a run on one thread
    network = compiled_size_network(4)
    alone = simulate(network, iterations=2_900, seed=17, chunk_size=256, threads=1)
    # when it runs again on two, three and (by the environment) four threads, reporting progress
    monkeypatch.setenv("OPENPMO_SIMULATION_THREADS", "4")
    compute = _Run.compute
    workers: set[str] = set()

    def noting_the_thread(run: _Run, blocks: range, work: object) -> object:
        workers.add(threading.current_thread().name)
        return compute(run, blocks, work)  # type: ignore[arg-type]

    monkeypatch.setattr(_Run, "compute", noting_the_thread)
    for threads in (2, 3, None):
        workers.clear()
        seen: list[int] = []
        shared = simulate(
            network,
            iterations=2_900,
            seed=17,
            chunk_size=256,
            threads=threads,
            progress=seen.append,
        )
        # then every figure and every sample is the same to the last bit
        assert np.array_equal(shared.finish_samples, alone.finish_samples)
        assert np.array_equal(shared.cost_samples, alone.cost_samples)
        assert shared.to_dict() == alone.to_dict()
        # and progress came chunk by chunk, in order, to the end
        assert seen == [*range(256, 2_900, 256), 2_900]
        # and the chunks were drawn and scheduled on that many threads besides the caller's
        assert len(workers) == (threads or 4)
        assert all(name.startswith("openpmo-simulate") for name in workers)
    assert simulate(network, iterations=2_900, seed=18, threads=2) != alone


@pytest.mark.parametrize("threads", [0, -1, 1.5, True, "2"])
def test_a_bad_number_of_threads_is_refused(threads: object) -> None:
    with pytest.raises(ValidationError, match="threads must be a whole number above 0"):
        simulate(rich_network(), iterations=10, seed=1, threads=threads)  # type: ignore[arg-type]


@pytest.mark.parametrize("setting", ["0", "two", "-3", "1.5"])
def test_a_bad_thread_setting_in_the_environment_is_named(
    setting: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENPMO_SIMULATION_THREADS", setting)
    with pytest.raises(ValidationError, match="OPENPMO_SIMULATION_THREADS"):
        simulate(rich_network(), iterations=10, seed=1)


def test_a_new_process_loads_the_compiled_kernels_from_numbas_cache_without_compiling() -> None:
    # Run a PERT and a triangular simulation with costs in one process (which may fill the
    # cache), then in a second, which must only load every kernel
    from openpmo.core.risk import _kernel

    if not _kernel.available():
        pytest.skip("numba is not installed")
    setup = (
        "from decimal import Decimal\n"
        "from openpmo.core.risk import CostEstimate, Estimate, RiskNetwork, Shape, SimTask\n"
        "from openpmo.core.risk import simulate\n"
        "cost = CostEstimate(Decimal(10), Decimal(20), Decimal(40))\n"
        "for shape in (Shape.PERT, Shape.TRIANGULAR):\n"
        "    tasks = tuple(SimTask(f'T{i}', Estimate(2.0, 3.0, 6.0, shape),\n"
        "                          (f'T{i - 1}',) if i % 10 else (), cost) for i in range(300))\n"
        "    simulate(RiskNetwork(tasks), iterations=512, seed=1)\n"
    )
    kernels = ("tabled_bits_run", "triangular_bits_run", "passes_run", "lane_sums_run")
    second = cache_use_in_a_second_process("openpmo.core.risk._compiled", setup, kernels)
    assert second == {name: (second[name][0], 0) for name in kernels}, second
    assert all(hits > 0 for hits, _ in second.values()), second


def test_without_processor_affinity_the_machines_processors_are_counted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a system that cannot say which processors a process may use (macOS, Windows)
    from openpmo.core.risk import _engine

    monkeypatch.delattr(_engine.os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(_engine.os, "cpu_count", lambda: 3)
    monkeypatch.delenv("OPENPMO_SIMULATION_THREADS", raising=False)
    # then a simulation runs on the machine's processors, and gives the same answer
    assert _engine._threads(None) == 3
    network = compiled_size_network(5)
    assert simulate(network, iterations=600, seed=2, chunk_size=256) == simulate(
        network, iterations=600, seed=2, chunk_size=256, threads=1
    )
