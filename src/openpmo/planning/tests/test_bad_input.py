"""Bad input to a scenario: a message naming the work package and the field, nothing saved."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from openpmo.core.money import FinancialYear
from openpmo.gates.models import BusinessCase, BusinessCaseOption, Gate
from openpmo.planning import services
from openpmo.planning.models import Scenario
from openpmo.planning.tests.conftest import TODAY

Y1, Y2, Y3 = FinancialYear(2026), FinancialYear(2027), FinancialYear(2028)
BUDGET = {Y1: Decimal(700_000), Y2: Decimal(300_000), Y3: Decimal(0)}


@pytest.fixture
def late_cost(portfolio):
    """WP-D's recommended business case option costs £100k in 2030/31, after the plan's years."""
    package = portfolio.packages["WP-D"]
    gate = Gate.objects.create(
        programme=portfolio.programme, name="Gate 2", stage="initiation", order=1
    )
    case = BusinessCase.objects.create(
        work_package=package, gate=gate, number=1, title="Case", base_year="2026/27"
    )
    BusinessCaseOption.objects.create(
        business_case=case,
        name="Option B",
        is_recommended=True,
        costs={"Delivery": {"2026/27": "150000", "2030/31": "100000"}},
    )
    return package


def _save(portfolio, **extra):
    return services.scenario_create(
        actor=portfolio.pmo,
        programme=portfolio.programme,
        name="Plan",
        objective="score",
        today=TODAY,
        **extra,
    )


def test_a_cost_after_the_typed_budget_years_is_refused_naming_the_package(portfolio, late_cost):
    with pytest.raises(ValidationError) as error:
        _save(portfolio, budget=BUDGET)
    message = error.value.messages[0]
    assert message.startswith("WP-D (cost 2030/31, from its business case v1: Option B)")
    assert "after the last budget year 2028/29" in message
    assert not Scenario.objects.exists()


def test_forcing_the_package_out_lets_the_scenario_be_saved(portfolio, late_cost):
    scenario = _save(portfolio, budget=BUDGET, forces={"WP-D": "out"})
    assert "WP-D" not in {item["ref"] for item in scenario.result["selected"]}


def test_against_the_reserve_the_plan_runs_to_the_last_year_a_package_costs(portfolio, late_cost):
    scenario = _save(portfolio)
    assert list(scenario.inputs["budget"]) == [
        "2026/27",
        "2027/28",
        "2028/29",
        "2029/30",
        "2030/31",
    ]
    wp_d = next(c for c in scenario.inputs["candidates"] if c["ref"] == "WP-D")
    assert wp_d["cost"] == {"2026/27": "150000", "2030/31": "100000"}


def test_the_page_and_the_api_name_the_package_and_save_nothing(
    client, portfolio, late_cost, monkeypatch
):
    monkeypatch.setattr("openpmo.planning.services.timezone.localdate", lambda: TODAY)
    client.force_login(portfolio.pmo)
    response = client.post(
        reverse("planning:scenario-create"),
        {
            "name": "Plan",
            "objective": "score",
            "budget": "2026/27: 700000\n2027/28: 300000\n2028/29: 0",
            "forces": "",
        },
    )
    assert response.status_code == 400
    assert "WP-D (cost 2030/31" in response.content.decode()
    api = APIClient()
    api.force_authenticate(portfolio.pmo)
    response = api.post(
        "/api/portfolio/scenarios/",
        {"name": "Plan", "budget": {"2026/27": "700000", "2027/28": "300000"}},
        format="json",
    )
    assert response.status_code == 400 and "WP-D (cost 2030/31" in response.content.decode()
    for budget, field in (({"2026/27": "-1"}, "budget"), ({"2026/27": "lots"}, "budget")):
        response = api.post(
            "/api/portfolio/scenarios/", {"name": "Plan", "budget": budget}, format="json"
        )
        assert response.status_code == 400 and field in response.json()
    response = api.post(
        "/api/portfolio/scenarios/",
        {"name": "Plan", "budget": {"2026/27": "1"}, "forces": {"WP-Z": "in"}},
        format="json",
    )
    assert response.status_code == 400 and "WP-Z" in response.content.decode()
    assert not Scenario.objects.exists()
