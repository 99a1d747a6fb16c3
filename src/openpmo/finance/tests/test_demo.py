"""The ETP's money in the demo data: Table 1, Table 2 and its error, loaded once."""

from __future__ import annotations

from decimal import Decimal

from django.core.management import call_command

from openpmo.audit.models import AuditRecord
from openpmo.common.db import MoneySum
from openpmo.core.money import thousands
from openpmo.finance import core_adapters, selectors
from openpmo.finance.models import (
    Appraisal,
    Reserve,
    ReserveEntry,
    ReserveStatedFigure,
    TeamCostPlan,
    TeamRole,
    WorkPackageForecast,
    WorkPackageSpend,
)

MODELS = (
    TeamCostPlan,
    TeamRole,
    Reserve,
    ReserveEntry,
    ReserveStatedFigure,
    Appraisal,
    WorkPackageSpend,
    WorkPackageForecast,
    AuditRecord,
)


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_the_demo_loads_the_etp_money_once(db, tmp_path, settings, monkeypatch):
    # Only this app's demo after the register (the other apps' demos have their own tests).
    monkeypatch.setattr("openpmo.demo.load.DOMAIN_DEMOS", ["finance"])
    settings.ENV = settings.ENV.__class__(**{**settings.ENV.__dict__, "var_dir": tmp_path})
    call_command("load_demo")
    first = _counts()
    call_command("load_demo")
    assert _counts() == first
    # Table 1: the grand total prints as £2,304k, within the £2.304m cap
    plan = TeamCostPlan.objects.get()
    view = selectors.team_cost_view(plan)
    assert thousands(view.total) == 2304 and view.headroom > 0
    assert plan.is_illustrative and not TeamRole.objects.filter(is_illustrative=False).exists()
    # Table 2 without the core team's drawdowns: no drawdown without its decision (§7.1), and
    # the finance demo records none (the gates demo's FP/527/10/22 draws them),
    reserve = Reserve.objects.get()
    assert not ReserveEntry.objects.filter(kind="drawdown").exists()
    # the balance equal to the opening balance plus every entry,
    total = reserve.entries.aggregate(s=MoneySum("ledger_amount"))["s"]
    assert reserve.balance == reserve.opening_balance + total == Decimal("-15335000.00")
    # and the report's arithmetic error found where it is made.
    errors = [d for d in core_adapters.reserve_result(reserve).discrepancies if d.kind == "error"]
    assert ("2021/22", Decimal("-1000000")) in [(d.year, d.difference) for d in errors]
    assert Appraisal.objects.get().is_illustrative
    assert not WorkPackageSpend.objects.filter(is_illustrative=False).exists()
