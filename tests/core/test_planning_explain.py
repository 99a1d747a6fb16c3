"""Reasons for candidates left out of a large portfolio, read from the optimum's headroom.

Each reason is checked against the programme: the rise it names must make the candidate (with
what it needs) fit beside the chosen plan, and where it says "enters", re-solving at that budget
must select it.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from tests.strategies import planning_problems

from openpmo.core.money import FinancialYear
from openpmo.core.planning import (
    Candidate,
    Exclusion,
    Group,
    PlanningProblem,
    PlanningResult,
    _formulation,
    optimise,
    violations,
)
from openpmo.core.planning._explain import quick_exclusions
from openpmo.core.planning._formulation import formulate
from openpmo.core.planning._optimise import EXACT_COLUMNS

Y1, Y2, Y3 = FinancialYear(2025), FinancialYear(2026), FinancialYear(2027)
D = Decimal


def _raised(problem: PlanningProblem, item: Exclusion) -> PlanningProblem:
    """The problem with the budget rows and team raised as the reason says."""
    budget = dict(problem.budget)
    before = D(0)
    for year in problem.years:
        extra = item.extra_budget.get(year, D(0))
        # A reserve's row is a running total: raise that total at this year only.
        budget[year] += extra - before if problem.cumulative else extra
        before = extra if problem.cumulative else D(0)
    capacity = {role: dict(by_year) for role, by_year in problem.capacity.items()}
    for (role, year), fte in item.extra_team.items():
        capacity[role][year] += fte
    return replace(problem, budget=budget, capacity=capacity)


def _fits_beside(problem: PlanningProblem, result: PlanningResult, ref: str) -> bool:
    """Some start for ``ref`` and for each unselected candidate it needs keeps every rule."""
    plan = {item.ref: item.start for item in result.selected}
    package, stack = [ref], list(problem.candidate(ref).needs)
    while stack:
        other = stack.pop()
        if other not in plan and other not in package:
            package.append(other)
            stack.extend(problem.candidate(other).needs)
    options = [problem.candidate(other).starts for other in package]
    return any(
        not violations(problem, {**plan, **dict(zip(package, starts, strict=True))})
        for starts in itertools.product(*options)
    )


def _padded(*candidates: Candidate, fillers: int = EXACT_COLUMNS) -> PlanningProblem:
    """Enough small schemes in 2026/27 (all affordable) that reasons come from the headroom."""
    padding = tuple(
        Candidate(f"F{index:03d}", D(1), {Y2: D(1_000)}, starts=(Y2,)) for index in range(fillers)
    )
    return PlanningProblem(
        budget={Y1: D(500_000), Y2: D(500_000)}, candidates=(*candidates, *padding)
    )


def test_a_large_portfolio_names_the_rise_that_lets_a_scheme_in_and_it_is_true():
    # Given two schemes competing for 2025/26 among more choices than are re-solved one by one,
    problem = _padded(
        Candidate("A", D(100), {Y1: D(300_000), Y2: D(100_000)}, starts=(Y1,)),
        Candidate("B", D(90), {Y1: D(250_000)}, starts=(Y1,)),
    )
    result = optimise(problem)
    assert result.optimal
    (left_out,) = result.excluded
    # then B's reason is read from what the optimum leaves in 2025/26 (£200k of £500k),
    assert left_out.why == (
        "costs £250k in 2025/26 where the budget is used up (£200k left); "
        "enters if 2025/26's budget rises by £50k"
    )
    assert left_out.extra_budget == {Y1: D(50_000)} and left_out.enters
    # and it holds: with £50k more the optimiser funds B, with £49k more it does not.
    for extra, funded in ((50_000, True), (49_000, False)):
        raised = replace(problem, budget={Y1: D(500_000 + extra), Y2: D(500_000)})
        assert ("B" in optimise(raised, explain=False).refs) is funded
    assert [use.binding for use in result.years] == [True, False]


def test_a_scheme_that_fits_but_would_not_be_chosen_is_not_said_to_enter():
    # Given C, worth little for its cost, and A filling 2025/26,
    problem = _padded(
        Candidate("A", D(100), {Y1: D(500_000)}, starts=(Y1,)),
        Candidate("C", D(10), {Y1: D(400_000)}, starts=(Y1,)),
        Candidate("E", D(95), {Y1: D(400_000)}, starts=(Y1,)),
    )
    result = optimise(problem)
    reasons = {item.ref: item for item in result.excluded}
    # £400k more would let C fit beside A, but the optimiser would spend it on E instead,
    raised = _raised(problem, reasons["C"])
    assert "C" not in optimise(raised, explain=False).refs
    # so C's reason says it fits, not that it enters.
    assert not reasons["C"].enters
    assert reasons["C"].why.endswith(
        "it fits beside the chosen plan if 2025/26's budget rises by £400k"
    )
    assert _fits_beside(raised, result, "C")


def test_a_large_portfolio_explains_without_solving_again(monkeypatch):
    # Given a portfolio above the size where each reason is re-solved,
    problem = _padded(
        *(
            Candidate(f"S{i}", D(10 + i), {Y1: D(100_000 + 7_000 * i)}, starts=(Y1,))
            for i in range(12)
        )
    )
    calls = []
    real = _formulation.milp
    monkeypatch.setattr(_formulation, "milp", lambda *a, **k: calls.append(1) or real(*a, **k))
    result = optimise(problem)
    # then every candidate left out has a reason, and the programme was solved once.
    assert len(result.excluded) >= 5 and all(item.why for item in result.excluded)
    assert len(calls) == 1


def test_a_scheme_needing_an_unselected_one_counts_both_costs():
    problem = _padded(
        Candidate("A", D(100), {Y1: D(450_000)}, starts=(Y1,)),
        Candidate("Base", D(1), {Y1: D(100_000)}, starts=(Y1,)),
        Candidate("App", D(20), {Y1: D(60_000)}, starts=(Y1,), needs=("Base",)),
    )
    result = optimise(problem)
    why = next(item for item in result.excluded if item.ref == "App")
    # £50k left: App (£60k) with Base (£100k) is £110k over.
    assert why.extra_budget == {Y1: D(110_000)}
    assert "it needs Base, not selected, so their cost counts too" in why.why
    assert _fits_beside(_raised(problem, why), result, "App")


@pytest.mark.parametrize("seed", range(4))
def test_every_reason_in_a_random_portfolio_is_true(seed):
    problem = _random_portfolio(seed)
    result = optimise(problem, time_limit=10.0)
    assert result.status in {"optimal", "feasible"}
    for item in result.excluded:
        _check(problem, result, item)


def _check(problem: PlanningProblem, result: PlanningResult, item: Exclusion) -> None:
    candidate = problem.candidate(item.ref)
    if item.extra_budget or item.extra_team:
        raised = _raised(problem, item)
        assert _fits_beside(raised, result, item.ref), item.why
        if item.enters:
            assert item.ref in optimise(raised, explain=False).refs, item.why
        return
    assert not item.enters
    plan = {s.ref: s.start for s in result.selected}
    if item.why.startswith("cannot go with "):
        other = item.why.removeprefix("cannot go with ").split(",")[0]
        assert other in plan
        assert other in candidate.excludes or item.ref in problem.candidate(other).excludes
    elif item.why.startswith("group "):
        assert any(item.ref in group.members for group in problem.groups)
    elif item.why == "forced out":
        assert candidate.force == "out"
    elif item.why == "adds no value":
        assert candidate.value <= 0
    else:
        assert "accepted gap" in item.why or "a tie" in item.why or "needs" in item.why, item.why


def test_a_group_that_rules_out_a_needed_scheme_is_named_through_the_need():
    """C4 needs C0; group G takes one of C0 and C2, and C2 is chosen: the reason is the need."""

    def scheme(ref: str, value: int, needs: tuple[str, ...] = ()) -> Candidate:
        return Candidate(ref=ref, value=D(value), cost={Y1: D(0)}, starts=(Y1,), needs=needs)

    problem = PlanningProblem(
        budget={Y1: D(0)},
        candidates=(scheme("C0", 0), scheme("C2", 2), scheme("C4", 1, ("C0",))),
        groups=(Group(name="G", members=("C2", "C0"), at_most=1),),
    )
    result = optimise(problem, explain=False)
    reasons = {
        item.ref: item.why
        for item in quick_exclusions(formulate(problem), result, proven=result.optimal)
    }
    assert result.refs == {"C2"}
    assert reasons["C4"] == "needs C0, and group G allows 1 and C2 is selected"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(planning_problems())
def test_every_quick_reason_holds_on_small_random_portfolios(problem):
    result = optimise(problem, explain=False)
    if result.status == "infeasible":
        return
    for item in quick_exclusions(formulate(problem), result, proven=result.optimal):
        _check(problem, result, item)


def _random_portfolio(seed: int) -> PlanningProblem:
    """40 schemes over three years, two starts each, needs and exclusions, a small team."""
    rng = np.random.default_rng(seed)
    years = (Y1, Y2, Y3)
    candidates: list[Candidate] = []
    for index in range(40):
        length = int(rng.integers(1, 3))
        first = int(rng.integers(0, 3 - length))
        cost = {years[first + k]: D(int(rng.integers(20, 300)) * 1000) for k in range(length)}
        starts = years[first : first + 2] if first + length < 3 else (years[first],)
        links: dict[str, tuple[str, ...]] = {}
        if index and rng.random() < 0.15:
            links["needs"] = (f"W{int(rng.integers(0, index)):02d}",)
        elif index and rng.random() < 0.1:
            links["excludes"] = (f"W{int(rng.integers(0, index)):02d}",)
        demand = {"Analyst": {years[first]: D(str(rng.choice([0.5, 1.0])))}}
        value = D(int(rng.integers(1, 100)))
        candidates.append(
            Candidate(f"W{index:02d}", value, cost, starts=starts, demand=demand, **links)
        )  # type: ignore[arg-type]
    return PlanningProblem(
        budget={year: D(1_500_000) for year in years},
        candidates=tuple(candidates),
        capacity={"Analyst": {year: D(6) for year in years}},
        cumulative=seed % 2 == 1,
    )
