"""The portfolio optimiser: the optimum, start years, links, forces and the reasons it gives."""

from __future__ import annotations

from decimal import Decimal

import pytest

from openpmo.core import planning
from openpmo.core.errors import ValidationError
from openpmo.core.money import FinancialYear
from openpmo.core.planning import (
    Candidate,
    Group,
    PlanningProblem,
    exhaustive_best,
    frontier,
    greedy_selection,
    optimise,
    violations,
)

Y1, Y2, Y3 = FinancialYear(2025), FinancialYear(2026), FinancialYear(2027)
D = Decimal


def _problem(*candidates: Candidate, budget=None, **extra) -> PlanningProblem:
    return PlanningProblem(
        budget=budget or {Y1: D(500_000), Y2: D(500_000)}, candidates=candidates, **extra
    )


def test_the_optimum_beats_ranking_by_value_per_pound():
    # Given £1m and three schemes where the best value per pound blocks a better pair,
    problem = _problem(
        Candidate("A", D(60), {Y1: D(510_000)}, starts=(Y1,)),
        Candidate("B", D(55), {Y1: D(500_000)}, starts=(Y1,)),
        Candidate("C", D(55), {Y1: D(500_000)}, starts=(Y1,)),
        budget={Y1: D(1_000_000)},
    )
    # when it is optimised,
    result = optimise(problem)
    # then B and C are funded (value 110), proven optimal, where greedy takes A alone.
    assert result.optimal and result.gap == 0.0
    assert result.refs == {"B", "C"}
    assert result.value == D(110)
    assert greedy_selection(problem) == {"A": Y1}
    assert result.cost_by_year == {Y1: D(1_000_000)}


def test_a_full_first_year_defers_a_scheme_and_its_cost_moves_with_it():
    # Given a first year already spoken for and a scheme that may start a year later,
    problem = _problem(
        Candidate("Big", D(100), {Y1: D(450_000)}, starts=(Y1,)),
        Candidate("Late", D(80), {Y1: D(300_000), Y2: D(100_000)}, starts=(Y1, Y2)),
        budget={Y1: D(500_000), Y2: D(500_000), Y3: D(500_000)},
    )
    result = optimise(problem)
    # then both are funded, the second starting in 2026/27 with its profile shifted a year,
    starts = {item.ref: item.start for item in result.selected}
    assert starts == {"Big": Y1, "Late": Y2}
    assert result.cost_by_year == {Y1: D(450_000), Y2: D(300_000), Y3: D(100_000)}
    # and the year's delay costs Green Book 3.5% of its value.
    assert result.value == D(100) + D(80) / D("1.035")


def test_the_reason_for_leaving_out_names_the_year_and_the_real_figure_that_lets_it_in():
    # Given a 2025/26 budget the best schemes use up,
    problem = _problem(
        Candidate("A", D(100), {Y1: D(300_000), Y2: D(100_000)}, starts=(Y1,)),
        Candidate("B", D(90), {Y1: D(250_000)}, starts=(Y1,)),
    )
    result = optimise(problem)
    (left_out,) = result.excluded
    # then B's reason gives its cost, the year, what is left and the rise it needs,
    assert left_out.ref == "B"
    assert left_out.why == (
        "costs £250k in 2025/26 where the budget is used up (£200k left); "
        "enters if 2025/26's budget rises by £50k"
    )
    assert left_out.extra_budget == {Y1: D(50_000)} and left_out.enters
    # and that figure is true: with £50k more B is funded, with £49k more it is not.
    for extra, funded in ((50_000, True), (49_000, False)):
        raised = _problem(*problem.candidates, budget={Y1: D(500_000 + extra), Y2: D(500_000)})
        assert ("B" in optimise(raised, explain=False).refs) is funded
    assert [use.binding for use in result.years] == [True, False]


def test_needs_excludes_groups_and_forces_are_all_respected():
    problem = _problem(
        Candidate("Platform", D(1), {Y1: D(100_000)}, starts=(Y1,)),
        Candidate("App", D(50), {Y1: D(100_000)}, starts=(Y1,), needs=("Platform",)),
        Candidate("Rival", D(40), {Y1: D(50_000)}, starts=(Y1,), excludes=("App",)),
        Candidate("G1", D(30), {Y2: D(10_000)}, starts=(Y2,)),
        Candidate("G2", D(30), {Y2: D(10_000)}, starts=(Y2,)),
        Candidate("Must", D(1), {Y2: D(10_000)}, starts=(Y2,), force="in"),
        Candidate("Never", D(99), {Y2: D(10_000)}, starts=(Y2,), force="out"),
        groups=(Group("Pair", ("G1", "G2"), 1),),
    )
    result = optimise(problem)
    assert result.refs == {"Platform", "App", "G1", "Must"} or result.refs == {
        "Platform",
        "App",
        "G2",
        "Must",
    }
    assert violations(problem, {s.ref: s.start for s in result.selected}) == []
    reasons = {item.ref: item.why for item in result.excluded}
    assert reasons["Never"] == "forced out"
    assert "cannot go with App" in reasons["Rival"]


def test_forces_that_cannot_all_fit_name_the_candidates_and_the_year():
    problem = _problem(
        Candidate("A", D(1), {Y1: D(300_000)}, starts=(Y1,), force="in"),
        Candidate("B", D(1), {Y1: D(300_000)}, starts=(Y1,), force="in"),
        Candidate("C", D(1), {Y2: D(300_000)}, starts=(Y2,), force="in"),
    )
    result = optimise(problem)
    assert result.status == "infeasible" and result.selected == ()
    assert result.conflict is not None
    assert result.conflict.refs == ("A", "B")
    assert result.conflict.shortfall == {Y1: D(100_000)}
    assert "2025/26" in result.conflict.message and "C" not in result.conflict.refs


def test_a_forced_scheme_needing_a_forced_out_one_is_a_conflict():
    problem = _problem(
        Candidate("A", D(1), {Y1: D(1)}, starts=(Y1,), force="in", needs=("B",)),
        Candidate("B", D(1), {Y1: D(1)}, starts=(Y1,), force="out"),
    )
    result = optimise(problem)
    assert result.conflict is not None and result.conflict.refs == ("A", "B")
    assert "forced out" in result.conflict.message


def test_capacity_by_role_and_year_limits_the_selection():
    problem = _problem(
        Candidate("A", D(10), {Y1: D(1)}, starts=(Y1,), demand={"Analyst": {Y1: D(2)}}),
        Candidate("B", D(9), {Y1: D(1)}, starts=(Y1,), demand={"Analyst": {Y1: D(2)}}),
        capacity={"Analyst": {Y1: D(3)}},
    )
    result = optimise(problem)
    assert result.refs == {"A"}
    (use,) = result.capacity
    assert (use.role, use.year, use.used, use.binding) == ("Analyst", Y1, D(2), True)
    assert "1 FTE more Analyst in 2025/26" in result.excluded[0].why


@pytest.mark.parametrize(
    ("build", "where"),
    [
        (lambda: Candidate("A", D(1), {Y1: D(-1)}, starts=(Y1,)), "A.cost.2025/26"),
        (lambda: Candidate("A", D(1), {Y3: D(1)}, starts=(Y3,)), "A.cost.2027/28"),
        (lambda: Candidate("A", D(1), {Y1: D(1)}, starts=(Y1,), needs=("Z",)), "A.needs"),
        (lambda: Candidate("A", D(1), {Y1: D(1)}, starts=(Y1,), excludes=("Z",)), "A.excludes"),
    ],
)
def test_bad_candidates_are_refused_naming_the_candidate_and_field(build, where):
    with pytest.raises(ValidationError) as raised:
        _problem(build())
    assert raised.value.where == where


def test_a_cycle_of_needs_is_refused_naming_it():
    with pytest.raises(ValidationError, match="A -> B -> C -> A") as raised:
        _problem(
            Candidate("A", D(1), {Y1: D(1)}, starts=(Y1,), needs=("B",)),
            Candidate("B", D(1), {Y1: D(1)}, starts=(Y1,), needs=("C",)),
            Candidate("C", D(1), {Y1: D(1)}, starts=(Y1,), needs=("A",)),
        )
    assert raised.value.where == "A.needs"


def test_a_later_start_running_past_the_last_budget_year_is_dropped_with_a_note():
    problem = _problem(
        Candidate("A", D(1), {Y1: D(1), Y2: D(1)}, starts=(Y1, Y2)),
    )
    assert problem.candidates[0].starts == (Y1,)
    assert problem.notes == (
        "A cannot start in 2026/27: its cost or demand would run past 2026/27, the last budget year",
    )


def test_exhaustive_search_agrees_on_a_small_instance():
    problem = _problem(
        *(
            Candidate(
                f"C{i}",
                D(10 + (i * 7) % 13),
                {Y1: D(60_000 + (i * 37_000) % 150_000)},
                starts=(Y1, Y2) if i % 2 else (Y1,),
            )
            for i in range(10)
        ),
        budget={Y1: D(400_000), Y2: D(300_000), Y3: D(10)},
    )
    value, picks = exhaustive_best(problem)
    result = optimise(problem, explain=False)
    assert float(result.value) == pytest.approx(value)
    assert violations(problem, picks) == []


def test_the_frontier_rises_with_the_budget_and_marks_todays():
    problem = _problem(
        *(Candidate(f"C{i}", D(i + 1), {Y1: D(100_000)}, starts=(Y1,)) for i in range(8)),
    )
    curve = frontier(problem, levels=20)
    values = [point.value for point in curve.points]
    assert len(curve.points) >= 20
    assert values[0] == 0 and values == sorted(values)
    assert values[-1] == sum(D(i + 1) for i in range(8))
    (current,) = [point for point in curve.points if point.current]
    assert current.total_budget == D(1_000_000) and current.value == optimise(problem).value


def test_the_public_surface_is_pinned():
    assert set(planning.__all__) == {
        "RATINGS",
        "Candidate",
        "CapacityUse",
        "Exclusion",
        "Force",
        "ForceConflict",
        "Frontier",
        "FrontierPoint",
        "Group",
        "PairwiseWeights",
        "PlanningProblem",
        "PlanningResult",
        "Selection",
        "YearUse",
        "evaluate",
        "exhaustive_best",
        "frontier",
        "greedy_selection",
        "load_problem",
        "optimise",
        "pairwise_weights",
        "problem_from_mapping",
        "short_money",
        "strategic_score",
        "violations",
    }
    assert all(hasattr(planning, name) for name in planning.__all__)


def test_a_reserve_carries_unspent_money_forward():
    # Given £500k in the reserve now and nothing added later, and a scheme costing £300k a year,
    scheme = Candidate("A", D(10), {Y1: D(300_000), Y2: D(300_000)}, starts=(Y1,))
    other = Candidate("B", D(5), {Y2: D(150_000)}, starts=(Y2,))
    budget = {Y1: D(500_000), Y2: D(0)}
    # year by year the second year has nothing, so A cannot be funded;
    assert optimise(_problem(scheme, other, budget=budget), explain=False).refs == set()
    # as a reserve, what 2025/26 leaves (£200k) pays for B in 2026/27, but not for A as well.
    result = optimise(_problem(scheme, other, budget=budget, cumulative=True))
    assert result.refs == {"B"}
    assert [use.headroom for use in result.years] == [D(500_000), D(350_000)]
    (left_out,) = result.excluded
    assert left_out.why == (
        "costs £300k in 2026/27 where the reserve is used up (£350k left); "
        "enters if the reserve holds £100k more by the end of 2026/27"
    )
