"""The ETP's money in the demo data: Table 1, Table 2 and its error, loaded once."""

from __future__ import annotations

from decimal import Decimal

from django.core.management import call_command

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.common.db import MoneySum
from openpmo.core.money import thousands
from openpmo.finance import core_adapters, selectors, services
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
from openpmo.portfolio.tests.factories import WorkPackageFactory

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


def test_the_printed_table_is_a_document_and_the_live_ledger_is_checked_apart(
    client, db, tmp_path, settings, monkeypatch, role_user
):
    # Given the ETP reserve with Table 2 as printed in the council report
    monkeypatch.setattr("openpmo.demo.load.DOMAIN_DEMOS", ["finance"])
    settings.ENV = settings.ENV.__class__(**{**settings.ENV.__dict__, "var_dir": tmp_path})
    call_command("load_demo")
    reserve = Reserve.objects.get()
    view = selectors.reserve_ledger_view(reserve)
    printed = [(d.year, d.line, d.stated, d.computed) for d in view.discrepancies]
    assert len(printed) == 5
    # whose 2021/22 error is said in words, with what it does to the residual,
    assert view.printed.knock_on == (
        "In 2021/22 the table prints the “Current Planned Balance to support the ETP” as "
        "(11,640) but its own figures add up to (10,640). Each later year starts from the printed "
        "figure, "
        "so the error is carried to the end: the report's residual balance of (14,032) re-adds "
        "to (13,031) (£000), about £1.0m less left in the reserve than the report says."
    )
    # when Finance makes one legitimate £45,000 release,
    finance = role_user(Role.FINANCE, username="finance-release")
    package = WorkPackageFactory(strand__pillar__programme=reserve.programme)
    services.reserve_drawdown_record(
        actor=finance,
        reserve=reserve,
        year="2024/25",
        amount="45000",
        source=package,
        reason="Full business case approved",
    )
    after = selectors.reserve_ledger_view(Reserve.objects.get())
    # then the printed table's own arithmetic is as it was (5 figures, not 8),
    assert [(d.year, d.line, d.stated, d.computed) for d in after.discrepancies] == printed
    # the live ledger holds together, and moved by the release,
    assert after.invariants == []
    assert after.result.years[-1].closing == view.result.years[-1].closing + Decimal("45000")
    # and the reserve's page shows the two checks apart.
    client.force_login(finance)
    page = client.get(reserve.get_absolute_url()).content.decode()
    assert "own arithmetic: 5 stated figures disagree" in page
    assert "The live ledger holds together" in page
    assert "about £1.0m less left in the reserve" in page
