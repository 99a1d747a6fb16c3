"""The planning API: same services, same refusals; OpenAPI describes it."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from openpmo.accounts.roles import Role
from openpmo.cli import main
from openpmo.planning.models import FundingDecision, Scenario
from openpmo.planning.tests.conftest import TODAY

BODY = {
    "name": "API plan",
    "objective": "score",
    "budget": {"2026/27": "700000", "2027/28": "300000", "2028/29": "0"},
}


@pytest.fixture
def api(portfolio, monkeypatch):
    monkeypatch.setattr("openpmo.planning.services.timezone.localdate", lambda: TODAY)
    client = APIClient()
    client.force_authenticate(portfolio.pmo)
    return client


def test_create_list_compare_and_commit_through_the_api(api, portfolio, role_user):
    response = api.post("/api/portfolio/scenarios/", BODY, format="json")
    assert response.status_code == 201, response.content
    document = response.json()
    assert [s["ref"] for s in document["result"]["selected"]] == ["WP-A", "WP-B", "WP-C"]
    listed = api.get("/api/portfolio/scenarios/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [(row["name"], row["funded"]) for row in rows] == [("API plan", 3)]
    comparison = api.get(f"/api/portfolio/scenarios/{document['id']}/comparison/").json()
    assert comparison["columns"] == ["Do nothing", "Fund everything asked", "API plan"]
    decider = APIClient()
    decider.force_authenticate(role_user(Role.DECISION_MAKER))
    committed = decider.post(
        f"/api/portfolio/scenarios/{document['id']}/commit/", {"version": 1}, format="json"
    )
    assert committed.status_code == 200
    assert {d["work_package"]: d["outcome"] for d in committed.json()} == {
        "WP-A": "funded",
        "WP-B": "funded",
        "WP-C": "deferred",
        "WP-D": "stopped",
    }
    again = decider.post(f"/api/portfolio/scenarios/{document['id']}/commit/", {}, format="json")
    assert again.status_code == 409
    assert FundingDecision.objects.count() == 4


def test_bad_budget_year_is_400_and_a_viewer_is_403(api, portfolio, role_user):
    response = api.post(
        "/api/portfolio/scenarios/", {**BODY, "budget": {"2026-2029": "1"}}, format="json"
    )
    assert response.status_code == 400 and "budget" in response.json()
    viewer = APIClient()
    viewer.force_authenticate(role_user(Role.VIEWER))
    assert viewer.post("/api/portfolio/scenarios/", BODY, format="json").status_code == 403
    assert viewer.get("/api/portfolio/scenarios/").status_code == 200
    assert not Scenario.objects.exists()


def test_the_schema_describes_the_scenarios_api(api):
    response = api.get("/api/schema/?format=json")
    paths = response.json()["paths"]
    assert "/api/portfolio/scenarios/" in paths
    assert "/api/portfolio/scenarios/{id}/commit/" in paths


def test_a_scenario_gives_what_the_cli_prints_for_its_inputs(api, tmp_path, capsys):
    # One shape (issue 17): given a scenario solved through the API, and `openpmo prioritise
    # --json` on the inputs it froze,
    budget = {"2026/27": "700000", "2027/28": "300000", "2028/29": "0"}
    response = api.post(
        "/api/portfolio/scenarios/",
        {"name": "One shape", "objective": "score", "budget": budget},
        format="json",
    )
    assert response.status_code == 201, response.content
    scenario = response.json()
    inputs = Scenario.objects.get(pk=scenario["id"]).inputs
    problem = {
        "budget": inputs["budget"],
        "candidates": [
            {
                "ref": c["ref"],
                "value": c["value"],
                "cost": c["cost"],
                "start": c["starts"],
                "benefits": c["benefits"],
                **({"force": c["force"]} if c["force"] else {}),
            }
            for c in inputs["candidates"]
        ],
    }
    path = tmp_path / "portfolio.yaml"
    path.write_text(json.dumps(problem))
    capsys.readouterr()
    assert main(["prioritise", str(path), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    # then the scenario's result is the CLI's document (which adds only its notes),
    assert {key: value for key, value in printed.items() if key != "notes"} == scenario["result"]
    # with the issue 13 contract: money as strings, each left-out candidate with a reason.
    assert [item["ref"] for item in printed["selected"]] == ["WP-A", "WP-B", "WP-C"]
    assert printed["optimal"] is True and printed["cost_by_year"]["2026/27"] == "700000.00"
    assert [item["ref"] for item in printed["excluded"]] == ["WP-D"]
