"""``openpmo prioritise``: the YAML and workbook contract, JSON shape, exit codes; driver weights."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from openpmo.cli import main
from openpmo.core.errors import ValidationError
from openpmo.core.money import FinancialYear
from openpmo.core.planning import load_problem, pairwise_weights, strategic_score

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "etp" / "candidates.yaml"
D = Decimal


def _run(capsys, *argv: str) -> tuple[int, dict | None, str]:
    code = main(["prioritise", *argv])
    captured = capsys.readouterr()
    return (
        code,
        json.loads(captured.out) if "--json" in argv and captured.out else None,
        captured.err,
    )


def test_the_contract_example_prints_the_optimum_as_json(capsys):
    code, document, _ = _run(capsys, str(EXAMPLE), "--json")
    assert code == 0
    assert document["optimal"] is True and document["gap"] == 0.0
    assert document["value"] == 260.0
    assert document["selected"] == [
        {"ref": "WP-001", "start": "2026/27"},
        {"ref": "WP-002", "start": "2026/27"},
        {"ref": "WP-004", "start": "2026/27"},
        {"ref": "WP-005", "start": "2027/28"},
    ]
    assert document["cost_by_year"] == {"2026/27": "1420000.00", "2027/28": "600000.00"}
    (left_out,) = document["excluded"]
    assert left_out["ref"] == "WP-003" and "cannot go with WP-001" in left_out["why"]


def test_budget_on_the_command_line_replaces_the_files(capsys):
    # Given only £1.1m in 2026/27, WP-004 (£420k) no longer fits beside WP-001 and WP-002,
    code, document, _ = _run(capsys, str(EXAMPLE), "--budget", "2026/27=1100000", "--json")
    assert code == 0
    # so it is deferred a year, and its cost moves to 2027/28;
    assert {"ref": "WP-004", "start": "2027/28"} in document["selected"]
    assert document["cost_by_year"] == {"2026/27": "1000000.00", "2027/28": "1020000.00"}
    # with £1m in 2027/28 as well, it cannot be deferred either and is left out, with its reason.
    code, document, _ = _run(
        capsys, str(EXAMPLE), "--budget", "2026/27=1100000", "--budget", "2027/28=1000000", "--json"
    )
    why = next(item["why"] for item in document["excluded"] if item["ref"] == "WP-004")
    assert why == (
        "costs £420k in 2027/28 where the budget is used up (£400k left); "
        "enters if 2027/28's budget rises by £20k"
    )


def test_infeasible_forces_exit_1_with_the_explanation(tmp_path, capsys):
    path = tmp_path / "forces.yaml"
    path.write_text(
        "budget: {2026/27: 1000}\ncandidates:\n"
        "  - {ref: A, value: 1, cost: {2026/27: 600}, force: in}\n"
        "  - {ref: B, value: 1, cost: {2026/27: 600}, force: in}\n"
    )
    code, document, _ = _run(capsys, str(path), "--json")
    assert code == 1
    assert document["conflict"]["refs"] == ["A", "B"]
    assert document["conflict"]["years"] == {"2026/27": "200.00"}
    code, _, err = _run(capsys, str(path))
    assert code == 1 and "A, B are forced in together but need £200 more" in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "budget: {2026/27: 10}\ncandidates:\n  - {ref: A, value: 1, cost: {2026/27: -5}}\n",
            "A.cost.2026/27: must not be negative",
        ),
        (
            "budget: {2026/27: 10}\ncandidates:\n  - {ref: A, value: 1, cost: {2026/27: lots}}\n",
            "A.cost.2026/27: 'lots' is not an amount of money",
        ),
        (
            "budget: {2026/27: 10}\ncandidates:\n  - {ref: A, value: x, cost: {}}\n",
            "A.value: 'x' is not a number",
        ),
        (
            "budget: {2026/27: 10}\ncandidates:\n  - {ref: A, value: 1, cost: {2030/31: 5}}\n",
            "A.cost.2030/31: 2030/31 is outside the budget years",
        ),
        (
            "budget: {2026/27: 10}\ncandidates:\n  - {ref: A, value: 1, needs: [B]}\n",
            "A.needs: names 'B', which is not a candidate",
        ),
        (
            "budget: {2026/27: 10}\ncandidates:\n  - {ref: A, value: 1, needs: [B]}\n"
            "  - {ref: B, value: 1, needs: [A]}\n",
            "the needs form a cycle: A -> B -> A",
        ),
        (
            "budget: &b {2026/27: 10}\ncandidates:\n  - {ref: A, value: 1, cost: *b}\n",
            "anchors or aliases",
        ),
        (
            "budget: {2026/27: 10}\ncandidates:\n  - {ref: A, value: 1, force: maybe}\n",
            "A.force: 'maybe' must be in or out",
        ),
        (
            "budget: {2026/27: 10}\ncandidates:\n  - {ref: A, value: 1, start: [2031/32]}\n",
            "A.start: 2031/32 is after the last budget year 2026/27",
        ),
        (
            "budget: {2026/27: 10}\ncandidates:\n"
            "  - {ref: A, value: 1, demand: {BA: {2031/32: 1}}}\n",
            "A.demand.BA.2031/32: 2031/32 is outside the budget years",
        ),
        (
            "budget: {2026/27: 10}\ncapacity: {BA: {2031/32: 1}}\ncandidates:\n"
            "  - {ref: A, value: 1}\n",
            "capacity.BA.2031/32: 2031/32 is outside the budget years",
        ),
        (
            "budget: {2026/27: 10}\ncandidates:\n  - {ref: A, value: 1, cost: {2026/27: 1}}\n"
            "  - {ref: B, value: 1, cost: {2026/27: -1}}\n",
            "B.cost.2026/27: must not be negative",
        ),
        (
            "budget: {2026/27: 10}\ncandidates:\n  - {ref: A, value: 1}\n  - {value: 1}\n",
            "candidates[2].ref: is missing",
        ),
    ],
)
def test_bad_input_exits_2_naming_the_field(tmp_path, capsys, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    code, _, err = _run(capsys, str(path), "--json")
    assert code == 2
    assert message in err and "Traceback" not in err


def test_a_workbook_holds_the_same_problem(tmp_path):
    workbook = openpyxl.Workbook()
    budget = workbook.active
    budget.title = "Budget"
    budget.append(["Year", "Amount"])
    budget.append(["2026/27", 1000])
    candidates = workbook.create_sheet("Candidates")
    candidates.append(["Ref", "Value", "Start", "Needs", "Force", "2026/27"])
    candidates.append(["A", 5, "2026/27", "B", None, 400])
    candidates.append(["B", 1, None, None, "in", 500])
    demand = workbook.create_sheet("Demand")
    demand.append(["Ref", "Role", "Year", "FTE"])
    demand.append(["A", "Analyst", "2026/27", 0.5])
    path = tmp_path / "candidates.xlsx"
    workbook.save(path)
    problem = load_problem(path)
    first = problem.candidate("A")
    assert first.needs == ("B",) and first.cost == {FinancialYear(2026): D(400)}
    assert first.demand == {"Analyst": {FinancialYear(2026): D("0.5")}}
    assert problem.candidate("B").force == "in"


def test_pairwise_weights_follow_saatys_worked_example():
    result = pairwise_weights(
        ["Cost", "Safety", "Style"],
        {("Cost", "Safety"): 3, ("Cost", "Style"): 5, ("Safety", "Style"): 3},
    )
    assert [round(result.weights[n], 3) for n in ("Cost", "Safety", "Style")] == [
        D("0.637"),
        D("0.258"),
        D("0.105"),
    ]
    assert result.consistency_ratio < D("0.10") and result.warning is None


def test_contradictory_judgements_warn_above_a_consistency_ratio_of_010():
    result = pairwise_weights(["A", "B", "C"], {("A", "B"): 9, ("B", "C"): 9, ("C", "A"): 9})
    assert result.consistency_ratio > D("0.10")
    assert "inconsistent" in result.warning


def test_a_judgement_off_the_scale_is_refused():
    with pytest.raises(ValidationError) as raised:
        pairwise_weights(["A", "B"], {("A", "B"): 12})
    assert raised.value.where == "judgements.A vs B"


def test_strategic_score_is_the_weighted_sum_of_ratings_out_of_100():
    weights = {"Savings": D("0.75"), "Carbon": D("0.25")}
    assert strategic_score(weights, {"Savings": "extreme", "Carbon": "none"}) == D("75.00")
    assert strategic_score(weights, {"Savings": "moderate", "Carbon": "strong"}) == D("56.25")
    with pytest.raises(ValidationError, match="not a rating"):
        strategic_score(weights, {"Savings": "huge"})
