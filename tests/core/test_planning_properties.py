"""Properties of the optimiser on many small random portfolios (Hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.strategies import planning_problems

from openpmo.core.planning import (
    evaluate,
    exhaustive_best,
    greedy_selection,
    optimise,
    violations,
)

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(planning_problems())
def test_every_selection_respects_every_budget_capacity_link_and_force(problem):
    result = optimise(problem, explain=False)
    best = exhaustive_best(problem)
    if not result.feasible:
        # then there is truly no allowed selection, and the conflict names forced candidates.
        assert best is None
        assert result.conflict is not None
        assert all(problem.candidate(ref).force == "in" for ref in result.conflict.refs[:1])
        return
    picks = {item.ref: item.start for item in result.selected}
    assert violations(problem, picks) == []
    # and it is the optimum: exhaustive search finds no better value.
    assert best is not None
    assert abs(float(result.value) - best[0]) < 1e-6


@SETTINGS
@given(planning_problems())
def test_the_optimum_is_never_below_greedy(problem):
    greedy = greedy_selection(problem)
    if greedy is None:
        return
    assert violations(problem, greedy) == []
    result = optimise(problem, explain=False)
    assert result.value >= evaluate(problem, greedy).value - Decimal("1e-9")


@SETTINGS
@given(planning_problems())
def test_forcing_in_what_the_optimum_left_out_never_raises_value(problem):
    result = optimise(problem, explain=False)
    if not result.feasible:
        return
    for candidate in problem.candidates:
        if candidate.ref in result.refs or candidate.force == "out":
            continue
        forced = tuple(
            replace(c, force="in") if c.ref == candidate.ref else c for c in problem.candidates
        )
        other = optimise(replace(problem, candidates=forced), explain=False)
        assert not other.feasible or other.value <= result.value + Decimal("1e-9")


@SETTINGS
@given(planning_problems(), st.sampled_from([0.001, 0.05, 0.5]))
def test_an_accepted_gap_still_respects_every_rule_and_is_within_that_gap(problem, gap):
    # With a gap accepted, the plan may come from rounding the LP relaxation (proven by its
    # bound) instead of branch and bound: it must obey the same rules, and be that close.
    result = optimise(problem, gap=gap, explain=False)
    best = exhaustive_best(problem)
    if not result.feasible:
        assert best is None
        return
    picks = {item.ref: item.start for item in result.selected}
    assert violations(problem, picks) == []
    assert best is not None
    assert float(result.value) >= best[0] * (1 - gap) - 1e-6
    assert float(result.value) >= best[0] * (1 - result.gap) - 1e-6
