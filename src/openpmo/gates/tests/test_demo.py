"""The ETP demo's gates: the report's own decision, a realistic history, and the cycle on it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from openpmo.accounts.models import User
from openpmo.audit.models import AuditRecord
from openpmo.demo import etp
from openpmo.gates import demo, services
from openpmo.gates.models import (
    BusinessCase,
    Decision,
    EqualityImpactAssessment,
    FundingRelease,
    GateRequest,
)
from openpmo.gates.selectors import pipeline
from openpmo.portfolio.models import Programme, WorkPackage


@pytest.fixture
def loaded(db, tmp_path, settings, monkeypatch):
    """The register, the finance demo (the reserve of Table 2) and ours; the other domains' demos
    are left out to keep this quick (the whole load is tested by the portfolio app)."""
    settings.ENV = settings.ENV.__class__(**{**settings.ENV.__dict__, "var_dir": tmp_path})
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr("openpmo.demo.load.DOMAIN_DEMOS", ["finance", "gates"])
    call_command("load_demo")
    return Programme.objects.get(short_name="ETP")


def _the_reports_decision_is_recorded_once_and_linked_to_the_ledger(loaded):
    from openpmo.finance.models import ReserveEntry

    decision = Decision.objects.get(forward_plan_reference="FP/527/10/22")
    assert decision.decided_on == dt.date(2022, 11, 24)
    assert decision.decision_maker_title.startswith("Councillor Christopher Whitbread")
    assert (
        decision.s151_consulted_on
        == decision.monitoring_officer_consulted_on
        == dt.date(2022, 10, 13)
    )
    assert decision.released_total == Decimal("2304000.00") and not decision.is_illustrative
    assessment = decision.equality_assessment
    assert assessment.reference == "ECIA458492761" and len(assessment.characteristics) == 9
    assert assessment.outcome == "no_disproportionate_impact"
    # it draws Table 2's core team drawdowns itself (none without a decision), each ledger row
    # naming the Cabinet Member and the decision, linked from the decision's releases
    drawdowns = ReserveEntry.objects.filter(kind="drawdown")
    assert sorted((d.year, d.amount) for d in drawdowns) == [
        ("2022/23", Decimal("369000.00")),
        ("2023/24", Decimal("762000.00")),
        ("2024/25", Decimal("777000.00")),
        ("2025/26", Decimal("396000.00")),
    ]
    assert {(d.authorised_by, d.authority_role) for d in drawdowns} == {
        (decision.decided_by, "Decision maker")
    }
    assert sorted(FundingRelease.objects.values_list("reserve_entry", flat=True)) == sorted(
        drawdowns.values_list("pk", flat=True)
    )
    # and the ledger is Table 2 again: its closing balance and the report's own error
    from openpmo.finance import core_adapters

    reserve = drawdowns.first().reserve
    assert reserve.balance == Decimal("-13031000.00")
    errors = [d for d in core_adapters.reserve_result(reserve).discrepancies if d.kind == "error"]
    assert [(d.year, d.difference) for d in errors] == [
        ("2021/22", Decimal("-1000000")),
        ("Total", Decimal("-25000")),
    ]


def _the_history_has_passes_a_deferral_a_rejection_and_a_queue(loaded):
    outcomes = list(Decision.objects.filter(is_illustrative=True).values_list("outcome", flat=True))
    assert outcomes.count("deferred") == 1 and outcomes.count("rejected") == 1
    assert outcomes.count("approved") + outcomes.count("approved_with_conditions") >= 7
    assert GateRequest.objects.filter(status="returned").count() == 1
    passed = Decision.objects.filter(work_package__reference="ETP-SCP-001", outcome="approved")
    assert passed.count() == 4
    # every work package ends at the stage the register gives it
    counters: dict[str, int] = {}
    stages = {}
    for code, _name, stage, *_ in etp.WORK_PACKAGES:
        counters[code] = counters.get(code, 0) + 1
        stages[f"ETP-{code}-{counters[code]:03d}"] = stage
    assert dict(WorkPackage.objects.values_list("reference", "stage")) == stages
    waiting = pipeline(loaded)
    assert waiting.count == 3 and waiting.requested_total == Decimal("2070000.00")
    assert not FundingRelease.objects.filter(decision__is_illustrative=True).exists()


def _loading_again_adds_nothing(loaded):
    from openpmo.demo.load import DemoContext, LoadReport

    before = {
        model.__name__: model.objects.count()
        for model in (Decision, GateRequest, BusinessCase, EqualityImpactAssessment, AuditRecord)
    }
    context = DemoContext(
        programme=loaded,
        people={u.username: u for u in User.objects.all()},
        pillars={},
        strands={},
        work_packages={wp.reference: wp for wp in WorkPackage.objects.all()},
        report=LoadReport(),
    )
    demo.load(context)
    after = {model: count for model, count in before.items()}
    assert after == {
        model.__name__: model.objects.count()
        for model in (Decision, GateRequest, BusinessCase, EqualityImpactAssessment, AuditRecord)
    }
    assert context.report.created == {}


def _the_cabinet_member_approves_the_waiting_drawdown_on_the_demo_data(loaded):
    from openpmo.finance.models import Reserve

    reserve = Reserve.objects.get()
    balance = reserve.balance
    request = GateRequest.objects.get(work_package__reference="ETP-DATA-001", status="forwarded")
    decision = services.decision_record(
        actor=User.objects.get(username="decision-maker"),
        gate_request=request,
        outcome="approved",
        released=request.requested,
        forward_plan_reference="FP/999/10/23",
        s151_officer="Executive Director, Corporate Services",
        s151_consulted_on=dt.date(2023, 10, 20),
    )
    reserve.refresh_from_db()
    assert reserve.balance == balance + Decimal("1550000.00")
    assert decision.stage_after == "delivery"


def test_the_demo_gates(loaded):
    """One load of the whole demo (it takes a while), then each check in turn."""
    _the_reports_decision_is_recorded_once_and_linked_to_the_ledger(loaded)
    _the_history_has_passes_a_deferral_a_rejection_and_a_queue(loaded)
    _loading_again_adds_nothing(loaded)
    _the_cabinet_member_approves_the_waiting_drawdown_on_the_demo_data(loaded)
