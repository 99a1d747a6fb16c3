"""The board pack's "Prioritisation and affordability" section."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from openpmo.accounts.roles import Role
from openpmo.core.money import FinancialYear
from openpmo.planning import services
from openpmo.planning.tests.conftest import TODAY
from openpmo.reports.choices import ReportKind
from openpmo.reports.snapshots import build_snapshot, section_of, table_of

BUDGET = {FinancialYear(2026): Decimal(700_000), FinancialYear(2027): Decimal(300_000)}


def test_the_board_pack_shows_the_committed_scenario_and_affordability(portfolio, role_user):
    scenario = services.scenario_create(
        actor=portfolio.pmo,
        programme=portfolio.programme,
        name="Plan A",
        objective="score",
        budget={**BUDGET, FinancialYear(2028): Decimal(0)},
        today=TODAY,
    )
    services.scenario_commit(actor=role_user(Role.DECISION_MAKER), scenario=scenario)
    period = dt.date.today().replace(day=1)
    snapshot = build_snapshot(
        kind=ReportKind.BOARD_PACK, programme=portfolio.programme, period=period
    )
    found = section_of(snapshot, "prioritisation")
    assert found["available"] and found["title"] == "Prioritisation and affordability"
    rows = table_of(found, "funding_decisions")["rows"]
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("WP-A", "Funded", "2026/27"),
        ("WP-B", "Funded", "2026/27"),
        ("WP-C", "Deferred", "2027/28"),
        ("WP-D", "Stopped", ""),
    ]
    assert "2 funded, 1 deferred, 1 stopped" in " ".join(found["text"])
    # A pack for a month before the commit does not show it (as at the end of that month).
    earlier = build_snapshot(
        kind=ReportKind.BOARD_PACK, programme=portfolio.programme, period=dt.date(2020, 1, 1)
    )
    assert table_of(section_of(earlier, "prioritisation"), "funding_decisions") is None


def test_affordability_warns_when_forecasts_beyond_release_exceed_the_headroom(portfolio):
    from openpmo.finance.models import WorkPackageForecast
    from openpmo.planning import selectors

    # Given no reserve (no headroom) and £500k forecast for WP-A in 2026/27, none released,
    assert selectors.affordability(portfolio.programme).warning is None
    WorkPackageForecast.objects.create(
        work_package=portfolio.packages["WP-A"],
        year="2026/27",
        spend_type="capital",
        amount=Decimal(500_000),
    )
    checked = selectors.affordability(portfolio.programme)
    # then the year shows it still to come and the warning names the shortfall.
    (year,) = checked.years
    assert (year.year, year.forecast_beyond_released, year.further) == ("2026/27", 500_000, 500_000)
    assert checked.shortfall == 500_000
    assert "exceed the reserve's headroom by £500,000" in checked.warning
