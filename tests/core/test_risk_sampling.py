"""PERT durations drawn through quantile tables: how close to the exact Beta, and reproducible.

Shapes shared by several tasks are sampled by interpolating a table of the Beta inverse CDF
(``openpmo.core.risk._engine._pert_table``) instead of an exact draw. These tests measure the
approximation against scipy's Beta and check that it changes no answer a user reads.
"""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest
from scipy import special, stats

from openpmo.core.risk import (
    CostEstimate,
    Estimate,
    RiskEvent,
    RiskNetwork,
    Shape,
    SimTask,
    _kernel,
    pert_parameters,
    simulate,
)
from openpmo.core.risk._engine import _TABLE_CELLS, _ThreePoints

# PERT shapes from the mode at the low end to the mode at the high end
SHAPES = [(0.0, 0.0, 1.0), (0.0, 1.0, 4.0), (4.0, 5.0, 9.0), (0.0, 1.0, 2.0), (2.0, 9.0, 10.0)]


def shape_of(low: float, likely: float, high: float) -> tuple[float, float]:
    alpha, beta, _ = pert_parameters(np.array(low), np.array(likely), np.array(high))
    return float(alpha), float(beta)


def tabled_draws(estimate: tuple[float, float, float], u: np.ndarray) -> np.ndarray:
    """What the engine draws from uniforms ``u`` for eight tasks sharing the estimate (so
    through its table), scaled back to the Beta on (0, 1)."""
    low, likely, high = estimate
    rows = 8
    points = _ThreePoints([Estimate(low, likely, high, Shape.PERT)] * rows)
    grid = u.reshape(rows, -1)
    out = np.empty_like(grid)
    points.draw(np.random.default_rng(0), out, grid)
    result: np.ndarray = ((out - low) / (high - low)).reshape(u.shape)
    return result


# 2**22 uniforms at the midpoints of as many equal steps: 1,024 in each cell of the table
U = (np.arange(2**22) + 0.5) / 2**22


@pytest.mark.parametrize("estimate", SHAPES)
def test_the_tabled_distribution_is_within_2e5_of_the_beta_and_far_closer_in_the_body(
    estimate: tuple[float, float, float],
) -> None:
    alpha, beta = shape_of(*estimate)
    x = tabled_draws(estimate, U)
    # the CDF of what is drawn, at x, is u; the Beta's CDF there differs by:
    error = np.abs(special.betainc(alpha, beta, x) - U)

    def beyond(cells: int) -> np.ndarray:
        inside = np.abs(U - 0.5) <= 0.5 - cells / _TABLE_CELLS
        kept: np.ndarray = error[inside]
        return kept

    assert error.max() < 2e-5  # a Kolmogorov-Smirnov test would need some 5e9 draws to see it
    assert beyond(8).max() < 3.5e-6  # beyond the outer 0.2% at each end
    assert beyond(64).max() < 5e-7  # the middle 97%
    assert error.mean() < 1e-7


@pytest.mark.parametrize("estimate", SHAPES)
def test_the_tabled_distribution_has_the_pert_mean_and_variance(
    estimate: tuple[float, float, float],
) -> None:
    alpha, beta = shape_of(*estimate)
    # the draw is linear in u within each cell, so averaging over U integrates it (nearly) exactly
    x = tabled_draws(estimate, U)
    exact = stats.beta(alpha, beta)
    assert x.mean() == pytest.approx(exact.mean(), abs=1e-6)
    assert x.var() == pytest.approx(exact.var(), rel=1e-4)


def parallel(estimate: Estimate, count: int = 12, strand: str | None = None) -> RiskNetwork:
    """``count`` tasks with the same estimate (so one table) between two milestones."""
    tasks = [
        SimTask(
            "start",
            Estimate.fixed(
                0,
            ),
        )
    ]
    tasks += [SimTask(f"T{i}", estimate, after=("start",), strand=strand) for i in range(count)]
    tasks.append(
        SimTask("end", Estimate(0, 0, 0, Shape.PERT), after=tuple(t.id for t in tasks[1:]))
    )
    return RiskNetwork(tuple(tasks), correlation={strand: 0.5} if strand else {})


def chain(estimate: Estimate, count: int) -> RiskNetwork:
    tasks = [SimTask(f"T{i}", estimate, after=(f"T{i - 1}",) if i else ()) for i in range(count)]
    return RiskNetwork(tuple(tasks))


def test_a_chain_of_tasks_sharing_a_pert_shape_has_the_pert_mean_and_variance() -> None:
    low, likely, high = 4.0, 5.0, 9.0
    count, iterations = 10, 40_000
    result = simulate(
        chain(Estimate(low, likely, high, Shape.PERT), count), iterations=iterations, seed=5
    )
    mean = (low + 4 * likely + high) / 6
    variance = count * (mean - low) * (high - mean) / 7
    assert abs(result.finish.mean - count * mean) < 4.5 * math.sqrt(variance / iterations)
    assert result.finish_samples.var() == pytest.approx(variance, rel=0.04)


@pytest.mark.parametrize("strand", [None, "S"])
def test_the_tables_give_the_answers_of_the_exact_inverse_cdf(strand: str | None) -> None:
    # given tasks sharing a PERT shape, simulated from the same seed both ways
    network = parallel(Estimate(2, 3, 7, Shape.PERT), strand=strand)
    fast = simulate(network, iterations=3000, seed=17)
    exact = simulate(network, iterations=3000, seed=17, exact_pert=True)
    # then every iteration finishes within a few thousandths of a day of the exact one
    difference = np.abs(fast.finish_samples - exact.finish_samples)
    assert difference.max() < 0.01
    assert difference.mean() < 1e-4
    # and what a user reads is the same to the reported precision (or within 1e-4 day)
    for key in ("mean", "p10", "p50", "p80", "p90"):
        assert getattr(fast.finish, key) == pytest.approx(getattr(exact.finish, key), abs=1e-4)
    assert fast.criticality == pytest.approx(exact.criticality, abs=2 / 3000)


def mixed_network() -> RiskNetwork:
    """Tabled and untabled PERT, triangular and fixed tasks, a correlated strand, risks."""
    shared = Estimate(1, 2, 4, Shape.PERT)
    tasks = [SimTask("M0", Estimate(0, 0, 0, Shape.PERT))]
    for i in range(10):
        tasks.append(SimTask(f"P{i}", shared, after=("M0",), strand="S" if i % 3 == 0 else None))
        tasks.append(SimTask(f"Q{i}", Estimate(1, 1 + i / 10, 3), after=(f"P{i}",)))
        tasks.append(
            SimTask(
                f"R{i}",
                Estimate(2, 2 + i / 7, 5, Shape.PERT),
                after=(f"P{i}", f"Q{i}"),
                cost=CostEstimate(Decimal(100), Decimal(120), Decimal(200), Shape.PERT),
            )
        )
    tasks.append(SimTask("end", Estimate.fixed(0), after=tuple(f"R{i}" for i in range(10))))
    risks = (
        RiskEvent("X", 0.4, hits=("P1", "Q2"), delay=Estimate(1, 2, 6, Shape.PERT)),
        RiskEvent("Y", 0.2, cost=CostEstimate(Decimal(0), Decimal(50), Decimal(90))),
    )
    return RiskNetwork(tuple(tasks), risks=risks, correlation={"S": 0.6})


@pytest.mark.parametrize("exact", [False, True])
def test_the_same_seed_gives_the_same_answer_whatever_the_chunk_size_with_tables(
    exact: bool,
) -> None:
    network = mixed_network()
    runs = [
        simulate(network, iterations=1100, seed=3, chunk_size=size, exact_pert=exact)
        for size in (256, 512, 2048)
    ]
    for other in runs[1:]:
        assert other == runs[0]
        assert np.array_equal(other.finish_samples, runs[0].finish_samples)
        assert np.array_equal(other.cost_samples, runs[0].cost_samples)
    # a longer run starts with the same iterations
    longer = simulate(network, iterations=1500, seed=3, exact_pert=exact)
    assert np.array_equal(longer.finish_samples[:1100], runs[0].finish_samples)


@pytest.mark.skipif(not _kernel.available(), reason="numba is not installed")
@pytest.mark.parametrize("shared_estimates", [True, False])
def test_the_compiled_table_draws_are_the_numpy_draws_to_the_last_bit(
    shared_estimates: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 400 tasks in a chain of tens sharing one PERT shape, the same estimate (tables scaled once)
    # or each its own (tables scaled row by row): a run with the compiled kernel and one with
    # the numpy passes give identical samples and statistics.
    tasks = tuple(
        SimTask(
            f"T{i}",
            Estimate(2.0, 3.0, 6.0, Shape.PERT)
            if shared_estimates
            else Estimate(1.0 + i, 2.0 + i, 4.0 + i, Shape.PERT),
            (f"T{i - 1}",) if i % 10 else (),
        )
        for i in range(400)
    )
    network = RiskNetwork(tasks)
    compiled = simulate(network, iterations=2_000, seed=5)
    monkeypatch.setenv("OPENPMO_PURE_NUMPY", "1")
    assert not _kernel.available()
    numpy_only = simulate(network, iterations=2_000, seed=5)
    assert np.array_equal(compiled.finish_samples, numpy_only.finish_samples)
    assert compiled.to_dict() == numpy_only.to_dict()


@pytest.mark.skipif(not _kernel.available(), reason="numba is not installed")
def test_the_compiled_triangular_draws_are_the_numpy_draws_to_the_last_bit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 400 triangular tasks in chains of ten, the mode anywhere from the low end to the high end
    # (and one fixed): drawn by the compiled kernel from random bits, or tile by tile in numpy,
    # the samples and statistics are identical
    def estimate(i: int) -> Estimate:
        low, spread = float(i % 7), 3.0 if i % 13 else 0.0
        return Estimate(low, low + (i % 5) * spread / 4, low + spread)

    tasks = tuple(
        SimTask(f"T{i}", estimate(i), (f"T{i - 1}",) if i % 10 else ()) for i in range(400)
    )
    network = RiskNetwork(tasks)
    compiled = simulate(network, iterations=2_000, seed=8)
    monkeypatch.setenv("OPENPMO_PURE_NUMPY", "1")
    assert not _kernel.available()
    numpy_only = simulate(network, iterations=2_000, seed=8)
    assert np.array_equal(compiled.finish_samples, numpy_only.finish_samples)
    assert compiled.to_dict() == numpy_only.to_dict()
    assert compiled.finish.p10 < compiled.finish.p90


def test_uniforms_from_random_bits_are_uniform_and_the_same_drawn_at_once_or_row_by_row() -> None:
    from openpmo.core.risk._sampling import uniforms

    at_once = np.empty((64, 256))
    uniforms(np.random.default_rng(11), at_once)
    row_by_row = np.empty((64, 256))
    rng = np.random.default_rng(11)
    for row in range(64):
        uniforms(rng, row_by_row[row : row + 1])
    assert np.array_equal(at_once, row_by_row)
    assert at_once.min() > 0.0 and at_once.max() < 1.0
    assert stats.kstest(at_once.ravel(), "uniform").pvalue > 1e-3


@pytest.mark.parametrize("estimate", SHAPES)
@pytest.mark.parametrize("pure_numpy", [False, True])
def test_pert_draws_from_a_seed_follow_the_beta(
    estimate: tuple[float, float, float], pure_numpy: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 256 tasks sharing a PERT estimate, 256 iterations: drawn through the table, from random
    # bits (compiled) or uniforms (numpy); KS against scipy's Beta, and the same numbers both ways
    if pure_numpy:
        monkeypatch.setenv("OPENPMO_PURE_NUMPY", "1")
    low, likely, high = estimate
    points = _ThreePoints([Estimate(low, likely, high, Shape.PERT)] * 256)
    out = np.empty((256, 256))
    points.draw(np.random.default_rng(23), out)
    alpha, beta = shape_of(low, likely, high)
    assert (
        stats.kstest(((out - low) / (high - low)).ravel(), stats.beta(alpha, beta).cdf).pvalue
        > 1e-3
    )
    monkeypatch.setenv("OPENPMO_PURE_NUMPY", "1" if not pure_numpy else "")
    again = np.empty((256, 256))
    _ThreePoints([Estimate(low, likely, high, Shape.PERT)] * 256).draw(
        np.random.default_rng(23), again
    )
    assert np.array_equal(out, again)
