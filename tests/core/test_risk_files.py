"""Reading simulation inputs (YAML, Microsoft Project XML) and the ``openpmo simulate`` command."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from tests.shared_data import shared_file

from openpmo.cli import main
from openpmo.core.errors import ParseError, ValidationError
from openpmo.core.risk import Shape, network_from_project, read_network_yaml, simulate

ISSUE_EXAMPLE = """
tasks:
  - {id: A, min: 4, likely: 5, max: 9}                 # working days
  - {id: B, min: 2, likely: 3, max: 4, after: [A]}
risks:
  - {id: R1, probability: 0.3, delay: {min: 2, likely: 5, max: 10}, cost: {min: 10000, likely: 25000, max: 60000}, hits: [B]}
costs: {A: {min: 50000, likely: 60000, max: 90000}}
"""


def test_the_issue_example_reads_as_written() -> None:
    network = read_network_yaml(ISSUE_EXAMPLE)
    a, b = network.tasks
    assert (a.id, a.duration.low, a.duration.likely, a.duration.high) == ("A", 4, 5, 9)
    assert b.after == ("A",)
    assert a.cost is not None and a.cost.likely == Decimal(60000)
    (risk,) = network.risks
    assert risk.probability == 0.3 and risk.hits == ("B",)
    assert risk.delay is not None and risk.delay.high == 10


def test_yaml_extensions_distribution_strands_lags_fixed_durations() -> None:
    network = read_network_yaml(
        """
distribution: pert
correlation: {S: 0.5}
tasks:
  - {id: 1, duration: 3}
  - {id: 2, min: 1, likely: 2, max: 4, after: [1], strand: S, lags: {1: 2}, distribution: triangular}
  - {id: 3, min: 1, likely: 2, max: 4, after: [1], strand: S, cost: {min: 1, likely: "£2", max: 3}}
"""
    )
    first, second, third = network.tasks
    assert first.duration.low == first.duration.high == 3
    assert second.duration.shape is Shape.TRIANGULAR and third.duration.shape is Shape.PERT
    assert second.lags == {"1": 2.0} and second.strand == "S"
    assert third.cost is not None and third.cost.likely == Decimal(2)
    assert simulate(network, iterations=300, seed=1).deterministic_finish == 7


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("tasks:\n  - {id: A, min: 4, likely: 3, max: 9}", "task A"),
        ("tasks:\n  - {id: A, min: 4, likely: x, max: 9}", "task A.likely"),
        ("tasks:\n  - {id: A, likely: 3, max: 9}", "task A"),
        ("tasks:\n  - {id: A, duration: 1, colour: red}", "task A"),
        ("tasks:\n  - {min: 1, likely: 2, max: 3}", "tasks[0]"),
        ("tasks:\n  - {id: A, duration: 1}\ncosts: {B: {min: 1, likely: 2, max: 3}}", "costs.B"),
        (
            "tasks:\n  - {id: A, duration: 1}\nrisks:\n  - {id: R, probability: 2, hits: [A]}",
            "risk R",
        ),
        (
            "tasks:\n  - {id: A, duration: 1, cost: {min: 1, likely: lots, max: 3}}",
            "task A.cost.likely",
        ),
        ("tasks: 5", "tasks"),
        ("- 1\n- 2", "file"),
    ],
)
def test_bad_yaml_values_are_refused_naming_the_field(text: str, where: str) -> None:
    with pytest.raises(ValidationError) as caught:
        read_network_yaml(text)
    assert caught.value.where is not None and caught.value.where.startswith(where)


def test_malformed_yaml_is_a_parse_error_with_its_line() -> None:
    with pytest.raises(ParseError) as caught:
        read_network_yaml("tasks:\n  - {id: A, min: 1\n  - oops: [")
    assert caught.value.where is not None and caught.value.where.startswith("line")


# -- Microsoft Project files ----------------------------------------------------------------------

SMALL = shared_file("schedules/MPSPLIBtoMPP_6_mp_j30_a2_nr1.mspdi.xml")


def test_a_project_file_simulates_around_its_microsoft_project_finish() -> None:
    from openpmo.core.schedule import read_mspdi

    project = read_mspdi(SMALL)
    summary = next(t for t in project.network.tasks if t.summary)
    planned_days = summary.duration_minutes / project.minutes_per_day
    # with no spread the simulation is the critical path method: Microsoft Project's finish
    exact = simulate(network_from_project(project, spread=(1, 1)), iterations=10, seed=1)
    assert exact.finish.p10 == exact.finish.p90 == pytest.approx(planned_days)
    # with the default spread (0.8, 1.5) the finish can only be later on average
    spread = simulate(network_from_project(project), iterations=2000, seed=1)
    assert spread.deterministic_finish == pytest.approx(planned_days)
    assert spread.finish.mean > planned_days
    assert len(spread.tasks) == len(project.network.tasks) - 1  # the summary is left out


def test_a_bad_spread_is_refused() -> None:
    from openpmo.core.schedule import Calendar, Network, Project, Task

    project = Project(
        "p",
        start=__import__("datetime").datetime(2024, 1, 1, 8),
        calendar=Calendar.standard(),
        network=Network((Task(1, "a", 480),)),
    )
    with pytest.raises(ValidationError, match="spread"):
        network_from_project(project, spread=(1.2, 1.5))


# -- The command ----------------------------------------------------------------------------------


def test_simulate_prints_the_json_of_the_issue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "network.yaml"
    path.write_text(ISSUE_EXAMPLE)
    assert main(["simulate", str(path), "--iterations", "2000", "--seed", "7", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["iterations"] == 2000 and payload["seed"] == 7
    assert set(payload["finish_days"]) == {"mean", "p10", "p50", "p80", "p90"}
    assert set(payload["cost"]) == {"mean", "p10", "p50", "p80", "p90"}
    assert payload["criticality"] == {"A": 1.0, "B": 1.0}
    finish = payload["finish_days"]
    assert finish["p10"] <= finish["p50"] <= finish["p80"] <= finish["p90"]
    # the same seed prints the same figures
    assert main(["simulate", str(path), "--iterations", "2000", "--seed", "7", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == payload


def test_simulate_prints_a_table_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "network.yml"
    path.write_text(ISSUE_EXAMPLE)
    assert main(["simulate", str(path), "--iterations", "500", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "500 iterations, seed 3" in out
    assert "finish (working days)" in out and "R1" in out


def test_simulate_reads_microsoft_project_xml(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["simulate", str(SMALL), "--iterations", "300", "--seed", "2", "--json"]
    assert main([*args, "--spread", "1,1"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert (
        payload["finish_days"]["p10"]
        == payload["finish_days"]["p90"]
        == payload["deterministic"]["finish_days"]
    )


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [
        ("tasks:\n  - {id: A, min: 4, likely: 3, max: 9}\n", [], "task A"),
        ("tasks: [\n", [], "not valid YAML"),
        ("tasks:\n  - {id: A, duration: 1}\n", ["--spread", "fast"], "--spread"),
        ("tasks:\n  - {id: A, duration: 1}\n", ["--iterations", "0"], "--iterations"),
        ("tasks:\n  - {id: A, duration: 1, after: [A]}\n", [], "cycle"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, extra: list[str], message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    assert main(["simulate", str(path), "--seed", "1", *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_the_public_names_of_the_risk_engine_are_pinned() -> None:
    import openpmo.core.risk as risk

    assert sorted(risk.__all__) == [
        "BLOCK",
        "CostDistribution",
        "CostEstimate",
        "CurvePoint",
        "Driver",
        "Estimate",
        "FinishDistribution",
        "RiskEvent",
        "RiskNetwork",
        "Shape",
        "SimTask",
        "SimulationResult",
        "TaskStatistics",
        "network_from_data",
        "network_from_project",
        "pert_parameters",
        "read_network_yaml",
        "simulate",
        "triangular_ppf",
    ]
    assert all(hasattr(risk, name) for name in risk.__all__)
