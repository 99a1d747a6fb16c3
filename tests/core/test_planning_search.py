"""The swaps that improve the rounded plan before HiGHS runs: never worse, never against a rule."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.sparse import csc_array
from tests.strategies import planning_problems

from openpmo.core.money import FinancialYear
from openpmo.core.planning import Candidate, PlanningProblem, optimise, violations
from openpmo.core.planning._formulation import formulate
from openpmo.core.planning._search import improve

Y1 = FinancialYear(2025)
D = Decimal


def _rows(problem: PlanningProblem):
    """The programme's rows on the plan columns, as ``lower <= A x <= upper``."""
    form = formulate(problem)
    forced = [1.0 if c.force == "in" else 0.0 for c in problem.candidates]
    blocks = [form.assign, form.cost, form.demand, form.links]
    matrix = csc_array(np.vstack([b.toarray() for b in blocks if b.shape[0]]))
    years, roles = len(form.years), len(form.role_years)
    lower = np.concatenate([forced, np.full(years + roles, -np.inf), form.links_lower])
    upper = np.concatenate([np.ones(len(forced)), form.budget, form.capacity, form.links_upper])
    allowed = np.array([problem.candidates[i].force != "out" for i, _ in form.columns])
    return form, matrix, lower, upper, allowed


def test_a_swap_replaces_a_scheme_with_a_better_one_that_fits_in_its_place():
    # Given the plan {Small} where Big (worth more) fits only once Small is out,
    problem = PlanningProblem(
        budget={Y1: D(100)},
        candidates=(
            Candidate("Small", D(10), {Y1: D(60)}, starts=(Y1,)),
            Candidate("Big", D(30), {Y1: D(100)}, starts=(Y1,)),
        ),
    )
    form, matrix, lower, upper, allowed = _rows(problem)
    better = improve(np.array([1.0, 0.0]), -form.value, matrix, lower, upper, allowed)
    # then the swap takes Big instead.
    assert better.tolist() == [0.0, 1.0]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(planning_problems(), st.integers(0, 2**16))
def test_improving_any_allowed_plan_keeps_every_rule_and_never_loses_value(problem, seed):
    form, matrix, lower, upper, allowed = _rows(problem)
    result = optimise(problem, explain=False)
    if result.status == "infeasible":
        return
    # Start from the optimum with some columns dropped (still allowed if no force breaks).
    rng = np.random.default_rng(seed)
    picks = {item.ref: item.start for item in result.selected}
    x = np.array(
        [1.0 if picks.get(problem.candidates[i].ref) == s else 0.0 for i, s in form.columns]
    )
    keep = x.copy()
    for column in np.flatnonzero(x):
        index = form.columns[column][0]
        if problem.candidates[index].force != "in" and rng.random() < 0.5:
            keep[column] = 0.0
    activity = matrix @ keep
    if np.any(activity > upper + 1e-7) or np.any(activity < lower - 1e-7):
        return  # dropping broke a need: not a valid start
    better = improve(keep, -form.value, matrix, lower, upper, allowed)
    chosen = {
        problem.candidates[i].ref: s
        for (i, s), v in zip(form.columns, better, strict=True)
        if v > 0.5
    }
    assert violations(problem, chosen) == []
    assert form.value @ better >= form.value @ keep - 1e-9
    assert form.value @ better <= float(result.value) + 1e-6


def test_a_swap_never_takes_out_what_another_needs_or_what_is_forced_in():
    # Given Base (needed by App) and Must (forced in), each worth less than Other, which would
    # fit in either's place,
    problem = PlanningProblem(
        budget={Y1: D(150)},
        candidates=(
            Candidate("Base", D(1), {Y1: D(50)}, starts=(Y1,)),
            Candidate("App", D(10), {Y1: D(50)}, starts=(Y1,), needs=("Base",)),
            Candidate("Must", D(1), {Y1: D(50)}, starts=(Y1,), force="in"),
            Candidate("Other", D(5), {Y1: D(50)}, starts=(Y1,)),
        ),
    )
    form, matrix, lower, upper, allowed = _rows(problem)
    plan = np.array([1.0, 1.0, 1.0, 0.0])
    better = improve(plan, -form.value, matrix, lower, upper, allowed)
    # then the plan is kept: Other in place of Base breaks a need, in place of Must a force.
    assert better.tolist() == [1.0, 1.0, 1.0, 0.0]
