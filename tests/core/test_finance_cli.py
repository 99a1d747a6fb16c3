"""The finance commands: ``team-cost``, ``reserve``, ``reconcile``, ``appraise``.

Run through ``openpmo.cli.main`` as a user would; JSON shapes as issue 3 specifies them; every
malformed file gets one line on standard error naming the field, exit code 2, no traceback.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from openpmo.cli import main

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = REPO_ROOT / "examples" / "etp"
D = Decimal


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_team_cost_json_reproduces_table_1(capsys):
    document = run_json(capsys, "team-cost", str(EXAMPLES / "team.yaml"))
    assert document["financial_years"] == ["2022/23", "2023/24", "2024/25", "2025/26"]
    pmo = next(role for role in document["roles"] if role["name"] == "PMO Manager")
    assert set(pmo) >= {"name", "fte", "by_year", "total"}
    # amounts are decimal strings in pounds with 2 places,
    assert all(len(amount.split(".")[1]) == 2 for amount in pmo["by_year"].values())
    # and the figures are Table 1's to within £1k (cells) and £3k (grand total).
    assert [round(D(pmo["by_year"][year]) / 1000) for year in document["financial_years"]] == [
        43,
        87,
        89,
        45,
    ]
    assert abs(D(document["totals"]["total"]) - 2304000) <= 3000
    assert D(document["totals"]["by_year"]["2023/24"]) == sum(
        D(role["by_year"]["2023/24"]) for role in document["roles"]
    )
    assert D(document["headroom"]) == D(document["cap"]) - D(document["totals"]["total"])
    assert len(document["redundancy_exposure"]) == 6


def test_team_cost_table_shows_the_cap_and_the_redundancy_exposure(capsys):
    assert main(["team-cost", str(EXAMPLES / "team.yaml"), "--thousands"]) == 0
    out = capsys.readouterr().out
    assert "Change and Delivery Manager" in out and "1,048" in out and "2,304" in out
    assert "headroom" in out
    assert "Redundancy exposure: 6 role(s), 9.0 FTE" in out


def test_reserve_json_lists_the_table_2_error(capsys):
    document = run_json(capsys, "reserve", str(EXAMPLES / "reserve.yaml"))
    assert [entry["year"] for entry in document["years"]][0] == "2021/22"
    first = document["discrepancies"][0]
    assert set(first) == {"year", "line", "stated", "computed", "difference", "kind"}
    assert first == {
        "year": "2021/22",
        "line": "Current Planned Balance to support the ETP",
        "stated": "-11640.00",
        "computed": "-10640.00",
        "difference": "-1000.00",
        "kind": "error",
    }


def test_reserve_table_prints_balances_in_brackets(capsys):
    assert main(["reserve", str(EXAMPLES / "reserve.yaml")]) == 0
    out = capsys.readouterr().out
    assert "(8,749)" in out and "(35,000)" in out
    assert "2 error(s)" in out


def test_reconcile_lists_table_1s_rounding_differences_and_no_errors(capsys):
    document = run_json(capsys, "reconcile", str(EXAMPLES / "table1.csv"))
    kinds = [item["kind"] for item in document["discrepancies"]]
    assert kinds == ["rounding"] * 6
    assert main(["reconcile", str(EXAMPLES / "table1.csv")]) == 0
    assert "0 error(s), 6 rounding difference(s)" in capsys.readouterr().out


def test_appraise_json_marks_the_preferred_option(capsys):
    document = run_json(capsys, "appraise", str(EXAMPLES / "appraisal.yaml"))
    names = [option["name"] for option in document["options"]]
    assert names == ["Do nothing", "Third-party delivery", "Hybrid delivery"]
    for option in document["options"]:
        assert set(option) >= {
            "name",
            "tco_real",
            "pv_costs",
            "pv_benefits",
            "npsv",
            "bcr",
            "discounted_payback_year",
        }
    best = max(document["options"], key=lambda option: D(option["npsv"]))
    assert document["preferred"] == best["name"] == "Hybrid delivery"


TEAM = """\
base_year: 2022/23
inflation: {2023/24: 0.05}
roles:
  - {name: PMO Manager, fte: FTE, annual_cost: COST, start: 2022-10-01, end: END}
"""


def team(fte: str = "1.0", cost: str = "82857", end: str = "2023-09-30") -> str:
    return TEAM.replace("FTE", fte).replace("COST", cost).replace("END", end)


MALFORMED = [
    # (command, file name, content, words the one-line error must contain)
    ("team-cost", "team.yaml", team().replace("fte: 1.0, ", ""), "roles[0].fte: is missing"),
    ("team-cost", "team.yaml", team(fte="-1"), "roles[0].fte: must be at least 0"),
    ("team-cost", "team.yaml", team(fte="one"), "roles[0].fte: 'one' is not a number"),
    ("team-cost", "team.yaml", team(cost="lots"), "roles[0].annual_cost: 'lots' is not"),
    ("team-cost", "team.yaml", team(end="2022-09-30"), "roles[0].end: end 2022-09-30 is before"),
    ("team-cost", "team.yaml", team(end="2024-09-30"), "inflation: no inflation rate for 2024/25"),
    (
        "team-cost",
        "team.yaml",
        team().replace("2023/24: 0.05", "2023/25: 0.05"),
        "inflation.2023/25",
    ),
    ("team-cost", "team.yaml", "roles: [\n  {name: x\n", "is not valid YAML"),
    ("team-cost", "team.yaml", team().replace("annual_cost", "anual_cost"), "roles[0].anual_cost"),
    ("team-cost", "team.yaml", "", "must hold a YAML mapping"),
    ("team-cost", "team.xlsx", "not a workbook", "is not an .xlsx workbook"),
    ("reserve", "r.yaml", "years: [2023/24]\nlines: {}\n", "opening_balance: is missing"),
    (
        "reserve",
        "r.yaml",
        "years: [2023/24]\nopening_balance: -5\nlines: {Drawdowns: {2024/25: 1}}\n",
        "lines.Drawdowns: 2024/25 is not one of the ledger's years",
    ),
    (
        "reserve",
        "r.yaml",
        "years: [2023/24]\nopening_balance: -5\nlines: {Drawdowns: {2023/24: ten}}\n",
        "lines.Drawdowns.2023/24: 'ten' is not an amount of money",
    ),
    ("reconcile", "t.csv", "Item,2023/24\nA,1\nTotal,x\n", "row 3, column '2023/24'"),
    ("reconcile", "t.csv", "Item,2023/24\nA,1\nB,2\n", "neither a total row nor a total column"),
    ("appraise", "a.yaml", "options: []\n", "base_year: is missing"),
    (
        "appraise",
        "a.yaml",
        "base_year: 2023/24\noptions:\n  - {name: A, costs: {run: {2022/23: 5}}}\n",
        "A.costs.run.2022/23: is before the base year",
    ),
]


@pytest.mark.parametrize(("command", "name", "content", "message"), MALFORMED)
def test_a_malformed_file_gets_one_line_naming_the_field_and_exit_2(
    tmp_path, capsys, command, name, content, message
):
    # Given a file with one thing wrong in it, when the command reads it,
    path = tmp_path / name
    path.write_text(content)
    code = main([command, str(path), "--json"])
    captured = capsys.readouterr()
    # then it stops with exit code 2, prints nothing on standard output, and one line of error
    # that names what is wrong.
    assert code == 2
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("openpmo: error: ")
    assert message in lines[0]


def test_a_missing_file_or_a_folder_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["team-cost", str(tmp_path / "nowhere.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["reserve", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_team_cost_and_reconcile_read_xlsx_workbooks_too(tmp_path, capsys):
    # Given Table 1 and a one-role team typed into workbooks,
    import datetime as dt

    import openpyxl

    table = openpyxl.Workbook()
    with (EXAMPLES / "table1.csv").open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.reader(handle)):
            figures = row[1:] if number == 0 else [float(cell.replace(",", "")) for cell in row[1:]]
            table.active.append([row[0], *figures])
    table.save(tmp_path / "table1.xlsx")
    team = openpyxl.Workbook()
    team.active.title = "Roles"
    team.active.append(["name", "fte", "annual_cost", "start", "end"])
    team.active.append(["PMO Manager", 1, 73000, dt.datetime(2022, 4, 1), dt.datetime(2023, 3, 31)])
    assumptions = team.create_sheet("Assumptions")
    assumptions.append(["base_year", "2022/23"])
    assumptions.append(["cap", 70000])
    team.save(tmp_path / "team.xlsx")
    # when the commands read them, then they give what the CSV and YAML give.
    found = run_json(capsys, "reconcile", str(tmp_path / "table1.xlsx"))["discrepancies"]
    assert [item["kind"] for item in found] == ["rounding"] * 6
    document = run_json(capsys, "team-cost", str(tmp_path / "team.xlsx"))
    assert document["totals"]["total"] == "73000.00"
    assert document["headroom"] == "-3000.00"
