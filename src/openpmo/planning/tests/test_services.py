"""Planning services: scenarios solved and frozen, commit recorded once, permissions enforced."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.common.services import ConflictError
from openpmo.core.money import FinancialYear
from openpmo.planning import selectors, services
from openpmo.planning.models import BusinessDriver, FundingDecision, Scenario
from openpmo.planning.tests.conftest import TODAY

Y1, Y2, Y3 = FinancialYear(2026), FinancialYear(2027), FinancialYear(2028)
BUDGET = {Y1: Decimal(700_000), Y2: Decimal(300_000), Y3: Decimal(0)}


def _save(portfolio, name="Plan A", **extra):
    return services.scenario_create(
        actor=portfolio.pmo,
        programme=portfolio.programme,
        name=name,
        objective="score",
        budget=extra.pop("budget", BUDGET),
        today=TODAY,
        **extra,
    )


def test_a_scenario_selects_by_strategic_score_and_defers_what_the_first_year_cannot_pay(portfolio):
    scenario = _save(portfolio)
    selected = {item["ref"]: item["start"] for item in scenario.result["selected"]}
    # Scores: A 70, B 75, C 72.5, D 25. £700k now and £300k next year: A and B now, C a year
    # later (worth 72.5 / 1.035), and D left out.
    assert selected == {"WP-A": "2026/27", "WP-B": "2026/27", "WP-C": "2027/28"}
    assert scenario.result["optimal"] is True
    why = {item["ref"]: item["why"] for item in scenario.result["excluded"]}
    assert why["WP-D"].startswith("costs £250k in")
    # and the inputs are frozen: changing a rating later does not change the saved scenario.
    assert scenario.inputs["budget"] == {"2026/27": "700000", "2027/28": "300000", "2028/29": "0"}
    assert len(scenario.frontier) >= 20


def test_comparison_has_do_nothing_and_fund_everything_columns(portfolio):
    scenario = _save(portfolio)
    nothing, everything, plan = selectors.scenario_columns(scenario)
    assert nothing["count"] == 0 and nothing["cost"]["2026/27"] == 0
    assert everything["count"] == 4 and everything["cost"]["2026/27"] == Decimal(1_250_000)
    assert not everything["affordable"] and plan["affordable"]
    assert plan["cost"] == {"2026/27": Decimal(700_000), "2027/28": Decimal(300_000), "2028/29": 0}
    assert plan["headroom"] == {"2026/27": 0, "2027/28": 0, "2028/29": 0}


def test_forces_that_cannot_hold_are_refused_and_nothing_is_saved(portfolio):
    with pytest.raises(ValidationError, match="forces cannot all hold"):
        _save(portfolio, forces={"WP-A": "in", "WP-B": "in"}, budget={Y1: Decimal(500_000)})
    assert not Scenario.objects.exists()


def test_only_the_pmo_saves_scenarios(portfolio, role_user):
    viewer = role_user(Role.VIEWER)
    with pytest.raises(PermissionDenied):
        services.scenario_create(
            actor=viewer,
            programme=portfolio.programme,
            name="X",
            objective="score",
            budget=BUDGET,
            today=TODAY,
        )
    assert not Scenario.objects.exists()


def test_commit_marks_funded_deferred_and_stopped_once_and_audits_it(portfolio, role_user):
    scenario = _save(portfolio)
    decider = role_user(Role.DECISION_MAKER)
    services.scenario_commit(actor=decider, scenario=scenario, expected_version=scenario.version)
    current = selectors.current_decisions(list(portfolio.packages.values()))
    outcomes = {
        portfolio.packages[ref].pk: outcome
        for ref, outcome in [
            ("WP-A", "funded"),
            ("WP-B", "funded"),
            ("WP-C", "deferred"),
            ("WP-D", "stopped"),
        ]
    }
    assert {pk: d.outcome for pk, d in current.items()} == outcomes
    assert current[portfolio.packages["WP-C"].pk].start_year == "2027/28"
    assert current[portfolio.packages["WP-D"].pk].reason.startswith("costs £250k")
    assert AuditRecord.objects.filter(action="planning.scenario_committed").count() == 1
    assert AuditRecord.objects.filter(action="planning.funding_decided").count() == 4
    scenario.refresh_from_db()
    with pytest.raises(ConflictError):
        services.scenario_commit(actor=decider, scenario=scenario)
    assert FundingDecision.objects.count() == 4


def test_a_viewer_cannot_commit_and_nothing_changes(portfolio, role_user):
    scenario = _save(portfolio)
    with pytest.raises(PermissionDenied):
        services.scenario_commit(actor=role_user(Role.VIEWER), scenario=scenario)
    assert not FundingDecision.objects.exists()
    scenario.refresh_from_db()
    assert scenario.status == "draft"


def test_pairwise_judgements_set_the_weights_and_show_the_consistency_ratio(portfolio):
    savings, carbon = portfolio.drivers
    result = services.driver_weights_compare(
        actor=portfolio.pmo,
        programme=portfolio.programme,
        judgements={(savings.pk, carbon.pk): "3"},
    )
    savings.refresh_from_db()
    carbon.refresh_from_db()
    assert (savings.weight, carbon.weight) == (Decimal("0.75"), Decimal("0.25"))
    assert result.consistency_ratio == 0


def test_a_judgement_off_the_scale_is_refused_and_weights_stay(portfolio):
    savings, carbon = portfolio.drivers
    with pytest.raises(ValidationError, match="Saaty"):
        services.driver_weights_compare(
            actor=portfolio.pmo,
            programme=portfolio.programme,
            judgements={(savings.pk, carbon.pk): "12"},
        )
    assert list(BusinessDriver.objects.order_by("order").values_list("weight", flat=True)) == [
        Decimal("0.7"),
        Decimal("0.3"),
    ]
