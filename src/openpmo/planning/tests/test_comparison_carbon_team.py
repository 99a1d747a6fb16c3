"""The scenario comparison shows carbon cut and role demand against the team's capacity, on the
page, in the API and in the Excel export; deferring a package moves its carbon and demand."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from openpmo.benefits.tests.factories import BenefitFactory, give_profile
from openpmo.core.money import FinancialYear
from openpmo.planning import selectors, services
from openpmo.planning.tests.conftest import TODAY
from openpmo.resources.tests.factories import (
    DemandFactory,
    PersonFactory,
    ResourceRoleFactory,
)

Y1, Y2, Y3 = FinancialYear(2026), FinancialYear(2027), FinancialYear(2028)
BUDGET = {Y1: Decimal(700_000), Y2: Decimal(300_000), Y3: Decimal(0)}
MONTHS_2026 = [dt.date(2026, m, 1) for m in range(4, 13)] + [
    dt.date(2027, m, 1) for m in range(1, 4)
]


@pytest.fixture
def scenario(portfolio):
    """WP-A cuts 120 t in 2026/27 (funded now); WP-C cuts 60 t (deferred a year by the plan);
    WP-D, left out, a 30 t dis-benefit. WP-C needs a business analyst full time in 2026/27,
    and the team holds one half-time analyst."""
    packages = portfolio.packages
    pillar = packages["WP-A"].strand.pillar
    for ref, tonnes, category in (
        ("WP-A", "10", "non-financial"),
        ("WP-C", "5", "non-financial"),
        ("WP-D", "2.5", "dis-benefit"),
    ):
        benefit = BenefitFactory(
            pillar=pillar,
            unit="tCO2e",
            category=category,
            carbon_scope="1",
            carbon_method="metered",
            work_packages=[packages[ref]],
        )
        give_profile(benefit, {f"{m:%Y-%m}": tonnes for m in MONTHS_2026})
    analyst = ResourceRoleFactory(programme=portfolio.programme, name="Business analyst")
    PersonFactory(role=analyst, fte=Decimal("0.5"), available_from=dt.date(2024, 4, 1))
    for month in MONTHS_2026:
        DemandFactory(work_package=packages["WP-C"], role=analyst, month=month, fte=Decimal(1))
    return services.scenario_create(
        actor=portfolio.pmo,
        programme=portfolio.programme,
        name="Plan A",
        objective="score",
        budget=BUDGET,
        today=TODAY,
    )


def _rows(scenario):
    columns = selectors.scenario_columns(scenario)
    return {
        row["label"]: row["cells"]
        for row in selectors.comparison_rows(columns, list(scenario.inputs["budget"]))
    }


def test_carbon_by_year_follows_the_selection_and_its_start_years(scenario):
    rows = _rows(scenario)
    # Do nothing, fund everything asked (A, B, C, D as asked), the plan (A now, C a year later).
    assert rows["Carbon cut 2026/27 (tCO2e)"] == [0, Decimal("150.0"), Decimal("120.0")]
    assert rows["Carbon cut 2027/28 (tCO2e)"] == [0, 0, Decimal("60.0")]
    assert rows["Carbon cut in total (tCO2e)"] == [0, Decimal("150.0"), Decimal("180.0")]


def test_role_demand_is_set_against_the_teams_capacity(scenario):
    rows = _rows(scenario)
    label = "Business analyst {}: FTE needed of 0.5 available"
    assert rows[label.format("2026/27")] == [0, Decimal("1.0"), 0]
    assert rows[label.format("2027/28")] == [0, 0, Decimal("1.0")]
    assert rows["Within the team's capacity"] == ["yes", "no", "no"]


def test_the_frozen_inputs_keep_carbon_demand_and_capacity(scenario, portfolio):
    # Changing the team after saving does not change the saved comparison.
    PersonFactory(
        role=portfolio.programme.resource_roles.get(), fte=Decimal(3), programme=portfolio.programme
    )
    assert scenario.inputs["capacity"]["Business analyst"]["2026/27"] == "0.500"
    assert _rows(scenario)["Within the team's capacity"] == ["yes", "no", "no"]


def test_the_page_the_api_and_the_excel_export_show_carbon_and_team(client, scenario, portfolio):
    client.force_login(portfolio.pmo)
    page = client.get(reverse("planning:scenario-detail", args=[scenario.pk])).content.decode()
    assert "Carbon cut in total (tCO2e)" in page
    assert "Business analyst 2027/28: FTE needed of 0.5 available" in page
    compare = client.get(reverse("planning:scenario-compare")).content.decode()
    assert "Carbon cut 2027/28 (tCO2e)" in compare

    api = APIClient()
    api.force_authenticate(portfolio.pmo)
    body = api.get(f"/api/portfolio/scenarios/{scenario.pk}/comparison/").json()
    rows = {row["label"]: row["cells"] for row in body["rows"]}
    assert rows["Carbon cut in total (tCO2e)"] == ["0.0", "150.0", "180.0"]
    assert rows["Within the team's capacity"] == ["yes", "no", "no"]

    response = client.get(reverse("planning:scenario-export", args=[scenario.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Comparison"]
    cells = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True)}
    assert cells["Carbon cut in total (tCO2e)"] == (0, 150.0, 180.0)
    assert cells["Business analyst 2026/27: FTE needed of 0.5 available"] == (0, 1.0, 0)
