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
    # Table 2: the core team's drawdowns, each released by the team cost plan,
    reserve = Reserve.objects.get()
    drawdowns = ReserveEntry.objects.filter(kind="drawdown")
    assert [d.amount for d in drawdowns.order_by("year")] == [
        Decimal(f"{k}000.00") for k in (369, 762, 777, 396)
    ]
    assert all(d.source == plan for d in drawdowns)
    # the balance equal to the opening balance plus every entry,
    total = reserve.entries.aggregate(s=MoneySum("ledger_amount"))["s"]
    assert reserve.balance == reserve.opening_balance + total == Decimal("-13031000.00")
    # and the report's arithmetic error found where it is made.
    errors = [d for d in core_adapters.reserve_result(reserve).discrepancies if d.kind == "error"]
    assert [(d.year, d.difference) for d in errors] == [
        ("2021/22", Decimal("-1000000")),
        ("Total", Decimal("-25000")),
    ]
    assert Appraisal.objects.get().is_illustrative
    assert not WorkPackageSpend.objects.filter(is_illustrative=False).exists()
