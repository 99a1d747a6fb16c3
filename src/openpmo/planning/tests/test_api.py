"""The planning API: same services, same refusals; OpenAPI describes it."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from openpmo.accounts.roles import Role
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
