"""Planning pages: signed-in users read, the PMO plans, a decision maker commits; refusals save nothing."""

from __future__ import annotations

import io
from unittest import mock

import openpyxl
import pytest
from django.urls import reverse

from openpmo.accounts.roles import Role
from openpmo.planning.models import FundingDecision, Scenario
from openpmo.planning.tests.conftest import TODAY

FORM = {
    "name": "Plan A",
    "objective": "score",
    "budget": "2026/27: 700,000\n2027/28: 300,000\n2028/29: 0",
    "forces": "",
}


@pytest.fixture
def fixed_today():
    with mock.patch("openpmo.planning.services.timezone.localdate", return_value=TODAY):
        yield


def test_the_pmo_plans_a_scenario_and_sees_why_each_package_is_left_out(
    client, portfolio, fixed_today
):
    client.force_login(portfolio.pmo)
    response = client.post(reverse("planning:scenario-create"), FORM)
    scenario = Scenario.objects.get()
    assert response.status_code == 302 and response.url == scenario.get_absolute_url()
    page = client.get(scenario.get_absolute_url()).content.decode()
    assert "proven optimal" in page
    assert "costs £250k in 2026/27 where the budget is used up" in page
    assert "Do nothing" in page and "Fund everything asked" in page
    assert "The frontier&#x27;s figures" in page or "The frontier's figures" in page


def test_a_bad_budget_line_is_named_and_nothing_is_saved(client, portfolio, fixed_today):
    client.force_login(portfolio.pmo)
    response = client.post(reverse("planning:scenario-create"), {**FORM, "budget": "2026/27: lots"})
    assert response.status_code == 400
    assert "Line 1" in response.content.decode()
    assert not Scenario.objects.exists()


def test_a_viewer_reads_but_cannot_plan_or_commit(client, portfolio, role_user, fixed_today):
    client.force_login(portfolio.pmo)
    client.post(reverse("planning:scenario-create"), FORM)
    scenario = Scenario.objects.get()
    client.force_login(role_user(Role.VIEWER))
    assert client.get(reverse("planning:home")).status_code == 200
    assert client.get(scenario.get_absolute_url()).status_code == 200
    assert (
        client.post(reverse("planning:scenario-create"), {**FORM, "name": "B"}).status_code == 403
    )
    response = client.post(
        reverse("planning:scenario-commit", args=[scenario.pk]), {"version": scenario.version}
    )
    assert response.status_code == 403
    assert not FundingDecision.objects.exists() and Scenario.objects.count() == 1


def test_a_decision_maker_commits_and_the_export_lists_the_selection(
    client, portfolio, role_user, fixed_today
):
    client.force_login(portfolio.pmo)
    client.post(reverse("planning:scenario-create"), FORM)
    scenario = Scenario.objects.get()
    client.force_login(role_user(Role.DECISION_MAKER))
    client.post(
        reverse("planning:scenario-commit", args=[scenario.pk]), {"version": scenario.version}
    )
    assert FundingDecision.objects.filter(outcome="funded").count() == 2
    response = client.get(reverse("planning:scenario-export", args=[scenario.pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [row[0] for row in workbook["Selected"].iter_rows(min_row=2, values_only=True)] == [
        "WP-A",
        "WP-B",
        "WP-C",
    ]
    assert workbook["Left out"]["A2"].value == "WP-D"


def test_pairwise_weights_page_saves_the_eigenvector(client, portfolio):
    savings, carbon = portfolio.drivers
    client.force_login(portfolio.pmo)
    response = client.post(
        reverse("planning:drivers"), {"form": "pairwise", f"pair_{savings.pk}_{carbon.pk}": "1/3"}
    )
    assert response.status_code == 302
    carbon.refresh_from_db()
    assert str(carbon.weight) == "0.750000"


def test_the_register_shows_the_funding_decision_and_the_dashboard_warns(
    client, portfolio, role_user, fixed_today
):
    from decimal import Decimal

    from openpmo.finance.models import WorkPackageForecast

    client.force_login(portfolio.pmo)
    client.post(reverse("planning:scenario-create"), FORM)
    scenario = Scenario.objects.get()
    client.post(
        reverse("planning:scenario-commit", args=[scenario.pk]), {"version": scenario.version}
    )
    page = client.get(portfolio.packages["WP-C"].get_absolute_url()).content.decode()
    assert "Deferred, starting 2027/28" in page
    dashboard = reverse("portfolio:programme-detail", args=[portfolio.programme.pk])
    assert "exceed the reserve" not in client.get(dashboard).content.decode()
    WorkPackageForecast.objects.create(
        work_package=portfolio.packages["WP-A"],
        year="2026/27",
        spend_type="capital",
        amount=Decimal(500_000),
    )
    assert (
        "exceed the reserve&#x27;s headroom by £500,000" in client.get(dashboard).content.decode()
    )
