"""Resource levelling: capacity and links always kept, optima reached, bad input named."""

from __future__ import annotations

import csv
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.shared_data import shared_file
from tests.strategies import levelling_problems

from openpmo.cli import main
from openpmo.core.errors import CycleError, ParseError, ValidationError
from openpmo.core.levelling import (
    Activity,
    Precedence,
    Problem,
    Resource,
    baseline,
    critical_path_bound,
    explain_moves,
    level,
    parse_rcp,
    parse_sm,
)
from openpmo.core.levelling.mspdi import (
    MspdiAssignment,
    MspdiResource,
    add_resources,
    problem_from_mspdi,
    read_resources,
)
from openpmo.core.schedule import read_mspdi, write_mspdi

RCPSP = shared_file("rcpsp")


def assert_feasible(problem: Problem, starts: dict[str, int]) -> None:
    """No period over any capacity, and every link (with its lag) kept."""
    by_id = {activity.id: activity for activity in problem.activities}
    for link in problem.precedences:
        before = by_id[link.before]
        assert starts[link.after] >= starts[link.before] + before.duration + link.lag, link
    for resource in problem.resources:
        used: dict[int, int] = {}
        for activity in problem.activities:
            for t in range(starts[activity.id], starts[activity.id] + activity.duration):
                used[t] = used.get(t, 0) + activity.demand.get(resource.id, 0)
        for t, units in used.items():
            assert units <= resource.at(t), f"{resource.id} over capacity in period {t}"
    for activity in problem.activities:
        assert starts[activity.id] >= activity.release


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    problem=levelling_problems(),
    seed=st.integers(0, 3),
    objective=st.sampled_from(["makespan", "delay"]),
)
def test_levelled_plans_keep_capacity_and_links_and_never_beat_the_critical_path(
    problem: Problem, seed: int, objective: str
) -> None:
    # Given any small problem, when it is levelled, then the plan is feasible and no shorter
    # than the critical path with unlimited resources.
    result = level(problem, seed=seed, schedules=60, time_limit=5, objective=objective)  # type: ignore[arg-type]
    assert set(result.starts) == {activity.id for activity in problem.activities}
    assert_feasible(problem, dict(result.starts))
    assert result.makespan >= critical_path_bound(problem)
    assert result.makespan >= result.lower_bound or not result.optimal
    assert_feasible(problem, dict(baseline(problem).starts))


def two_crews() -> Problem:
    # Three jobs of 2 periods each need the one crew; job C must follow A.
    return Problem(
        activities=(
            Activity("A", 2, {"crew": 1}, group="P1"),
            Activity("B", 2, {"crew": 1}, group="P2"),
            Activity("C", 2, {"crew": 1}, group="P1"),
        ),
        precedences=(Precedence("A", "C", lag=1),),
        resources=(Resource("crew", 1),),
    )


def test_one_crew_runs_the_jobs_one_after_another_and_proves_it_optimal():
    result = level(two_crews())
    assert result.makespan == 6
    assert result.optimal  # total work 6 over capacity 1: the bound is met
    assert_feasible(two_crews(), dict(result.starts))


def test_the_delay_objective_puts_the_short_package_first():
    # Given a long and a short package sharing one crew, and a crew-free job that sets the
    # finish at 5 either way: minimising package delays runs the short one first (delay 1,
    # not 4), with the same finish.
    problem = Problem(
        activities=(
            Activity("long", 4, {"crew": 1}, group="P1"),
            Activity("short", 1, {"crew": 1}, group="P2"),
            Activity("survey", 5, group="P3"),
        ),
        resources=(Resource("crew", 1),),
    )
    result = level(problem, objective="delay", schedules=200)
    assert dict(result.starts) == {"long": 1, "short": 0, "survey": 0}
    assert (result.total_delay, result.makespan) == (1, 5)


def test_capacity_that_varies_by_period_is_respected():
    # Given two people in periods 0-2, none in 3-4, then two again: a 2-period job for two
    # people cannot straddle the gap.
    problem = Problem(
        activities=(Activity("A", 2, {"dev": 2}), Activity("B", 2, {"dev": 2})),
        resources=(Resource("dev", 2, profile=(2, 2, 2, 0, 0)),),
    )
    result = level(problem)
    assert sorted(result.starts.values()) == [0, 5]
    assert result.makespan == 7


def test_the_same_seed_gives_the_same_plan():
    problem = (
        parse_sm((RCPSP / "j30" / "j3013_6.sm").read_text()) if RCPSP.is_dir() else two_crews()
    )
    first = level(problem, seed=7, schedules=300, time_limit=60)
    second = level(problem, seed=7, schedules=300, time_limit=60)
    assert first.starts == second.starts


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        (
            Problem((Activity("A", 1, {"dev": 1}),), resources=(Resource("dev", -1),)),
            "resource dev: capacity is negative",
        ),
        (
            Problem((Activity("A", 1, {"dev": -2}),), resources=(Resource("dev", 1),)),
            "activity A: demand -2 of dev is negative",
        ),
        (
            Problem((Activity("Big", 3, {"dev": 5}),), resources=(Resource("dev", 2, (4,)),)),
            "activity Big: needs 5 of dev but at most 4 is ever available: it can never fit",
        ),
        (
            Problem((Activity("A", 1, {"tester": 1}),), resources=(Resource("dev", 1),)),
            "activity A: needs unknown resource 'tester'",
        ),
        (
            Problem((Activity("A", -1),)),
            "activity A: duration -1 is negative",
        ),
        (
            Problem((Activity("A", 1),), (Precedence("A", "Z"),)),
            "names unknown activity 'Z'",
        ),
        (
            Problem((Activity("Long", 3, {"dev": 1}),), resources=(Resource("dev", 0, (1, 1)),)),
            "activity Long: needs 1 of dev for 3 periods but only 0 is available after period 2, "
            "and no 3 periods in a row before have it: it can never fit",
        ),
        (
            Problem((Activity("A", 2.5),)),  # type: ignore[arg-type]
            "activity A: duration 2.5 is not a whole number",
        ),
        (
            Problem((Activity("A", 1, {"dev": True}),), resources=(Resource("dev", 1),)),
            "activity A: demand of dev True is not a whole number",
        ),
        (
            Problem((Activity("A", 1, {"dev": 1}),), resources=(Resource("dev", 1, (1, 0.5)),)),  # type: ignore[arg-type]
            "resource dev: capacity in period 1 0.5 is not a whole number",
        ),
        (
            Problem((Activity("A", 1), Activity("B", 1)), (Precedence("A", "B", "2"),)),  # type: ignore[arg-type]
            "link A->B: lag '2' is not a whole number",
        ),
        (
            Problem((Activity("A", 10**9),)),
            "more than the 200000 that can be levelled",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_it(problem: Problem, message: str):
    with pytest.raises(ValidationError) as error:
        level(problem)
    assert message in str(error.value)


def test_a_budget_of_schedules_not_the_clock_ends_the_search():
    # The default budget is a count of schedules, so a loaded machine changes nothing; the CPU
    # time cap only stops a search that would run past it (here a clock that jumps 1 s a call).
    problem = parse_sm((RCPSP / "j30" / "j3013_6.sm").read_text())
    counted = level(problem, seed=3, schedules=400)
    assert counted.stopped_by == "schedules" and counted.schedules >= 400
    ticks = iter(range(10**6))
    capped = level(problem, seed=3, schedules=10**6, time_limit=5, clock=lambda: next(ticks))
    assert capped.stopped_by == "time" and capped.schedules < 400
    assert_feasible(problem, dict(capped.starts))


def test_a_time_limit_that_is_not_positive_is_refused():
    with pytest.raises(ValidationError, match="time limit must be a positive number"):
        level(two_crews(), time_limit=0)


def test_a_cycle_is_refused_naming_its_activities():
    problem = Problem(
        (Activity("A", 1), Activity("B", 1), Activity("C", 1)),
        (Precedence("A", "B"), Precedence("B", "C"), Precedence("C", "B")),
    )
    with pytest.raises(CycleError) as error:
        level(problem)
    assert error.value.tasks == ["B", "C"]


def test_moves_say_what_moved_and_why():
    # Given the one-crew plan (A at 0, B at 2, C at 4 is the only 6-period plan), B moved two
    # periods and C one, each because the crew was busy just before.
    problem = two_crews()
    result = level(problem)
    assert dict(result.starts) == {"A": 0, "B": 2, "C": 4}
    moves = explain_moves(problem, result.starts)
    assert [(m.activity, m.unlevelled_start, m.levelled_start) for m in moves] == [
        ("B", 0, 2),
        ("C", 3, 4),
    ]
    assert moves[0].reason == "no room on crew in period 1"
    assert moves[1].waits_for == ()


def test_rcp_and_malformed_files():
    problem = parse_rcp("4 1\n2\n0 0 2 2 3\n3 2 1 4\n2 1 1 4\n0 0 0\n")
    assert [a.duration for a in problem.activities] == [0, 3, 2, 0]
    assert level(problem).makespan == 5  # 2 + 1 > 2: the two jobs cannot overlap
    with pytest.raises(ParseError, match="job 3: the file ends early"):
        parse_rcp("4 1\n2\n0 0 2 2 3\n3 2 1 4\n2 1")
    with pytest.raises(ParseError, match="not a PSPLIB"):
        parse_sm("jobs: 3\n")


@pytest.mark.parametrize("name", ["j3011_2", "j3011_8", "j3017_8", "j3010_10"])
def test_j30_instances_reach_their_proven_optimum(name: str):
    optima = {
        row["instance"]: int(row["optimal_makespan"])
        for row in csv.DictReader((RCPSP / "j30-optima.csv").open())
    }
    problem = parse_sm((RCPSP / "j30" / f"{name}.sm").read_text())
    single_pass = baseline(problem)
    result = level(problem, target=optima[name], schedules=6000, time_limit=60)
    assert single_pass.makespan > optima[name]  # the textbook pass does not find it
    assert result.makespan == optima[name]
    assert_feasible(problem, dict(result.starts))


def test_exact_mode_proves_the_optimum():
    problem = parse_rcp((RCPSP / "patterson" / "pat1.rcp").read_text())
    result = level(problem, exact=True, time_limit=20)
    assert result.optimal and result.makespan == 19 and result.lower_bound == 19


def mspdi_with_resources() -> bytes:
    source = shared_file("schedules/MPSPLIBtoMPP_6_mp_j30_a2_nr1.mspdi.xml")
    return source.read_bytes()


def test_mspdi_resources_and_assignments_survive_export_and_import():
    data = mspdi_with_resources()
    resources, assignments = read_resources(data)
    assert len(resources) == 6 and resources[0] == MspdiResource(1, "R 1", 32.0)
    assert assignments[0] == MspdiAssignment(2, 2, 1, 5.0, 14400)
    exported = add_resources(write_mspdi(read_mspdi(data)), resources, assignments)
    assert read_resources(exported) == (resources, assignments)
    problem = problem_from_mspdi(data)
    assert problem == problem_from_mspdi(exported)
    result = level(problem, schedules=200)
    assert_feasible(problem, dict(result.starts))


def test_mspdi_with_a_document_type_is_refused():
    hostile = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Project>&a;</Project>'
    with pytest.raises(ParseError, match="refused"):
        read_resources(hostile)


def test_mspdi_assignment_to_an_unknown_resource_is_named():
    data = (
        b'<Project xmlns="http://schemas.microsoft.com/project"><Resources/><Assignments>'
        b"<Assignment><UID>4</UID><TaskUID>1</TaskUID><ResourceUID>9</ResourceUID></Assignment>"
        b"</Assignments></Project>"
    )
    with pytest.raises(ParseError, match="assignment 4: names unknown resource 9"):
        read_resources(data)


def test_cli_prints_makespan_starts_and_proof(capsys):
    code = main(["level", str(RCPSP / "patterson" / "pat1.rcp"), "--json", "--exact"])
    printed = json.loads(capsys.readouterr().out)
    assert code == 0
    assert printed["makespan"] == 19 and printed["optimal"] is True
    assert printed["starts"]["1"] == 0 and len(printed["starts"]) == 14


def test_cli_gives_the_same_plan_for_the_same_seed_and_budget(capsys):
    path = str(RCPSP / "j30" / "j3013_6.sm")
    plans = []
    for _ in range(2):
        assert main(["level", path, "--json", "--schedules", "500", "--seed", "4"]) == 0
        plans.append(json.loads(capsys.readouterr().out))
    assert plans[0]["starts"] == plans[1]["starts"] and plans[0]["stopped_by"] == "schedules"
    assert main(["level", path, "--schedules", "0"]) == 2
    assert "--schedules must be at least 1" in capsys.readouterr().err


def test_cli_refuses_a_wrong_file_kind(tmp_path, capsys):
    path = tmp_path / "plan.txt"
    path.write_text("x")
    assert main(["level", str(path)]) == 2
    assert "expected a .sm, .rcp or Microsoft Project .xml file" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("4 1\n2\n0 0 1 2\n3 1 1 3\n2 1 1 2\n0 0 0\n", "the links form a cycle: 2 -> 3 -> 2"),
        (
            "4 1\n2\n0 0 2 2 3\n3 1 1 4\n2 3 1 4\n0 0 0\n",
            "activity 3: needs 3 of R1 but at most 2 is ever available: it can never fit",
        ),
        ("4 1\n-2\n0 0 2 2 3\n3 1 1 4\n2 1 1 4\n0 0 0\n", "resource R1: capacity is negative"),
    ],
)
def test_cli_names_what_makes_a_file_impossible(tmp_path, capsys, text: str, message: str):
    # Given a file with a cycle, a job bigger than the whole resource, or a negative capacity,
    # the command exits with an error naming it and prints no plan.
    path = tmp_path / "bad.rcp"
    path.write_text(text)
    assert main(["level", str(path), "--json"]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""


def test_exact_mode_keeps_lags_and_capacity_that_varies():
    # The exact mode's narrower start domains (latest finishes from the links) keep the optimum:
    # B needs both of the crew for two periods, which only 4-5 offer; C waits for B (5 - 1 = 4
    # at the earliest, but B fills period 5) and starts at 6.
    problem = Problem(
        activities=(
            Activity("A", 2, {"crew": 1}),
            Activity("B", 2, {"crew": 2}),
            Activity("C", 1, {"crew": 1}),
        ),
        precedences=(Precedence("A", "C", lag=2), Precedence("B", "C", lag=-1)),
        resources=(Resource("crew", 2, profile=(1, 1, 2, 0)),),
    )
    heuristic = level(problem, schedules=10**6, time_limit=60)
    assert (heuristic.makespan, heuristic.stopped_by) == (7, "converged")  # not the 60 s cap
    assert heuristic.schedules < 1000
    pytest.importorskip("ortools")
    result = level(problem, exact=True, time_limit=10)
    assert_feasible(problem, dict(result.starts))
    assert result.optimal and result.makespan == result.lower_bound == 7
    assert dict(result.starts)["B"] == 4
