"""The tracker as a board member reads it: totals that add up, dis-benefits against the total,
missing actuals shown as missing, thresholds the programme sets, and a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openpmo.accounts.roles import Role
from openpmo.benefits import selectors
from openpmo.benefits.models import TrackerSettings
from openpmo.benefits.tests.factories import BenefitFactory, give_actuals, give_profile
from openpmo.core.benefits import Month, Rag
from openpmo.portfolio.tests.factories import PillarFactory, WorkPackageFactory


def _audited_write(obj) -> None:
    """What any governed write does: a new audit record, so pages kept under the latest one are
    worked out again (and their queries counted)."""
    from openpmo.audit.services import audit_record
    from openpmo.common.services import SYSTEM

    audit_record(actor=SYSTEM, action="test.touched", obj=obj, before=None, after=None)


@pytest.fixture
def register(programme_tree):
    """Pillar A: a cashable saving (May's actual missing) and a dis-benefit; pillar B: hours."""
    pillar_a = programme_tree.strand.pillar
    pillar_b = PillarFactory(programme=pillar_a.programme, name="B pillar", order=2)
    saving = BenefitFactory(
        reference="A-SAVE",
        pillar=pillar_a,
        owner=programme_tree.owner,
        work_packages=[programme_tree],
    )
    give_profile(saving, {"2024-04": "100", "2024-05": "100", "2024-06": "100"})
    give_actuals(saving, {"2024-04": "90", "2024-06": "120"})
    harm = BenefitFactory(
        reference="A-HARM",
        pillar=pillar_a,
        category="dis-benefit",
        owner=programme_tree.owner,
        work_packages=[programme_tree],
    )
    give_profile(harm, {"2024-04": "50"})
    give_actuals(harm, {"2024-04": "60", "2024-05": "0", "2024-06": "0"})
    hours = BenefitFactory(
        reference="B-HOURS",
        pillar=pillar_b,
        unit="hours",
        category="non-cashable",
        owner=programme_tree.owner,
    )
    give_profile(hours, {"2024-05": "10", "2024-06": "10"})
    give_actuals(hours, {"2024-05": "10", "2024-06": "10"})
    return pillar_a, pillar_b


def test_pillar_totals_net_off_dis_benefits_and_missing_months_stay_missing(register):
    pillar_a, _pillar_b = register
    view = selectors.tracker(pillar_a.programme, as_of=Month(2024, 6))
    by_reference = {line.benefit.reference: line for line in view.benefits}
    saving = by_reference["A-SAVE"].position
    # The saving: May has no actual, so it is missing (and late by June), never zero.
    assert saving.missing_months == (Month(2024, 5),)
    assert saving.late_months == (Month(2024, 5),)
    assert (saving.planned_cumulative, saving.actual_cumulative) == (Decimal(300), Decimal(210))
    # Pillar A in £: 300 planned less the 50 of planned harm; 210 realised less 60 of harm.
    pounds = next(g.roll_up for g in view.by_pillar if g.pillar == pillar_a)
    assert pounds.unit == "£"
    assert (pounds.planned_cumulative, pounds.actual_cumulative) == (Decimal(250), Decimal(150))
    assert pounds.variance == Decimal(-100)
    assert pounds.rag is Rag.RED  # 150 / 250 = 60%
    assert (pounds.missing, pounds.late) == (1, 1)
    # Units are never mixed: the programme has one £ total and one hours total.
    totals = {g.roll_up.unit: g.roll_up for g in view.programme_totals}
    assert set(totals) == {"£", "hours"}
    assert totals["hours"].actual_cumulative == Decimal(20)
    # A month in the middle: the in-month figures of May.
    may = selectors.tracker(pillar_a.programme, as_of=Month(2024, 5))
    line = next(b for b in may.benefits if b.benefit.reference == "A-SAVE")
    assert line.position.actual_in_month is None and line.in_month_state == "missing"


def test_thresholds_are_the_programmes_own(register):
    pillar_a, _ = register
    TrackerSettings.objects.create(
        programme=pillar_a.programme,
        green_threshold=Decimal("0.5"),
        amber_threshold=Decimal("0.3"),
        grace_months=2,
    )
    view = selectors.tracker(pillar_a.programme, as_of=Month(2024, 6))
    pounds = next(g.roll_up for g in view.by_pillar if g.pillar == pillar_a)
    assert pounds.rag is Rag.GREEN  # 60% of plan clears a 50% Green threshold
    saving = next(b for b in view.benefits if b.benefit.reference == "A-SAVE").position
    assert saving.late_months == ()  # May is missing but not late with two months' grace


def test_work_package_rows_and_the_pillar_filter(register):
    pillar_a, pillar_b = register
    view = selectors.tracker(pillar_a.programme, as_of=Month(2024, 6), pillar=pillar_b)
    assert [line.benefit.reference for line in view.benefits] == ["B-HOURS"]
    assert [g.pillar for g in view.by_pillar] == [pillar_b]
    assert [g.label for g in view.by_work_package] == ["(no work package)"]
    # Programme totals still cover the whole programme.
    assert {g.roll_up.unit for g in view.programme_totals} == {"£", "hours"}


def test_a_benefit_shared_by_two_work_packages_is_counted_once(register, programme_tree):
    pillar_a, _ = register
    second = WorkPackageFactory(strand=programme_tree.strand)
    shared = BenefitFactory(
        reference="A-SHARED",
        pillar=pillar_a,
        owner=programme_tree.owner,
        work_packages=[programme_tree, second],
    )
    give_profile(shared, {"2024-06": "40"})
    view = selectors.tracker(pillar_a.programme, as_of=Month(2024, 6))
    rows = {g.label: g.roll_up for g in view.by_work_package if g.roll_up.unit == "£"}
    joint = f"{programme_tree.reference} + {second.reference}"
    assert rows[joint].planned_cumulative == Decimal(40)
    pillar_total = next(g.roll_up for g in view.by_pillar if g.pillar == pillar_a)
    assert sum(r.planned_cumulative for r in rows.values()) == pillar_total.planned_cumulative


def test_cashable_savings_against_the_mtfs_line_and_roi_without_a_ledger(register):
    pillar_a, _ = register
    from openpmo.benefits.models import SavingsLine

    SavingsLine.objects.create(
        programme=pillar_a.programme, financial_year="2024/25", planned_savings=Decimal(250)
    )
    view = selectors.tracker(pillar_a.programme, as_of=Month(2024, 6))
    (year,) = view.savings
    assert (str(year.year), year.mtfs, year.planned, year.realised) == (
        "2024/25",
        Decimal(250),
        Decimal(300),
        Decimal(210),
    )
    assert year.against_mtfs == Decimal(-40)
    assert view.cashable_realised == Decimal(210)
    assert view.drawn is None and view.roi is None  # no reserve ledger: no made-up ROI


def test_roi_is_cashable_realised_over_money_drawn(register, monkeypatch):
    pillar_a, _ = register
    from openpmo.benefits import funding

    monkeypatch.setattr(funding, "money_drawn", lambda programme, as_of: Decimal(420))
    view = selectors.tracker(pillar_a.programme, as_of=Month(2024, 6))
    assert view.roi == Decimal(210) / Decimal(420)


def test_the_tracker_page_does_a_fixed_number_of_queries(client, role_user, register):
    pillar_a, _ = register
    client.force_login(role_user(Role.VIEWER))
    client.get("/benefits/?as_of=2024-06")  # warm per-process caches
    _audited_write(pillar_a)  # kept parts of the page are worked out afresh
    with CaptureQueriesContext(connection) as few:
        assert client.get("/benefits/?as_of=2024-06").status_code == 200
    for number in range(12):
        extra = BenefitFactory(pillar=pillar_a, work_packages=[WorkPackageFactory()])
        give_profile(extra, {"2024-04": "10", "2024-05": "10"})
        give_actuals(extra, {"2024-04": str(number)})
    _audited_write(pillar_a)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/benefits/?as_of=2024-06").status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize("url", ["/benefits/register/", "/benefits/carbon/", "/api/benefits/"])
def test_lists_do_a_fixed_number_of_queries(client, role_user, register, url):
    pillar_a, _ = register
    client.force_login(role_user(Role.VIEWER))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _number in range(8):
        extra = BenefitFactory(
            pillar=pillar_a,
            unit="tCO2e",
            category="non-financial",
            carbon_scope="scope-2",
            carbon_method="metered",
            work_packages=[WorkPackageFactory()],
        )
        give_profile(extra, {"2024-04": "10"})
        give_actuals(extra, {"2024-04": "9"})
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    # never more with more rows (a page kept in the cache may need fewer)
    assert len(many.captured_queries) <= len(few.captured_queries)


def test_money_drawn_is_drawdowns_less_returns_on_the_finance_ledger_by_financial_year(
    programme_tree,
):
    from openpmo.accounts.roles import Role
    from openpmo.accounts.tests.factories import UserFactory
    from openpmo.benefits.funding import money_drawn
    from openpmo.common.services import SYSTEM
    from openpmo.finance import services as finance
    from openpmo.finance.tests.factories import decision_authority

    programme = programme_tree.strand.pillar.programme
    assert money_drawn(programme, Month(2024, 9)) is None  # no ledger: no figure
    reserve = finance.reserve_create(
        actor=SYSTEM,
        programme=programme,
        name="Technology reserve",
        first_year="2023/24",
        last_year="2025/26",
        opening_balance=Decimal("-1000000"),
    )
    authority = decision_authority(UserFactory(roles=[Role.DECISION_MAKER]))
    for year, amount in (("2023/24", 100000), ("2024/25", 50000), ("2025/26", 80000)):
        finance.reserve_drawdown_record(
            actor=SYSTEM,
            authority=authority,
            reserve=reserve,
            year=year,
            amount=Decimal(amount),
            reason="ETP",
        )
    finance.reserve_return_record(
        actor=SYSTEM, reserve=reserve, year="2024/25", amount=Decimal(10000), reason="Unspent"
    )
    finance.reserve_entry_record(
        actor=SYSTEM,
        reserve=reserve,
        kind="withdrawal",
        year="2024/25",
        amount=Decimal(500000),
        reason="Another programme",
    )
    assert money_drawn(programme, Month(2024, 3)) == Decimal(100000)
    assert money_drawn(programme, Month(2024, 9)) == Decimal(140000)  # the whole 2024/25 year
    assert money_drawn(programme, Month(2026, 3)) == Decimal(220000)


def test_carbon_cuts_and_increases_collate_by_pillar_and_year_towards_2030(programme_tree):
    pillar = programme_tree.strand.pillar
    cut = BenefitFactory(
        reference="C-CUT",
        pillar=pillar,
        unit="tCO2e",
        category="non-financial",
        carbon_scope="scope-2",
        carbon_method="Metered kWh",
        work_packages=[programme_tree],
    )
    give_profile(cut, {"2024-03": "10", "2024-04": "20", "2030-04": "5"})
    give_actuals(cut, {"2024-03": "12", "2024-04": "18"})
    increase = BenefitFactory(
        reference="C-UP",
        pillar=pillar,
        unit="tCO2e",
        category="dis-benefit",
        carbon_scope="scope-3",
        carbon_method="Supplier footprints",
    )
    give_profile(increase, {"2024-04": "4"})
    give_actuals(increase, {"2024-04": "6"})
    money = BenefitFactory(pillar=pillar)  # not carbon: left out of the carbon figures
    give_profile(money, {"2024-04": "1000"})
    summary = selectors.carbon_summary(pillar.programme, as_of=Month(2024, 4))
    assert {item.benefit.reference for item in summary.items} == {"C-CUT", "C-UP"}
    assert summary.expected_by_2030 == Decimal(10 + 20 - 4)  # April 2030 is after March 2030
    assert summary.realised == Decimal(12 + 18 - 6)
    years = {str(y.year): (y.expected, y.realised) for y in summary.years}
    assert years["2023/24"] == (Decimal(10), Decimal(12))
    assert years["2024/25"] == (Decimal(16), Decimal(12))
    assert years["2030/31"] == (Decimal(5), Decimal(0))
    assert not next(y for y in summary.years if str(y.year) == "2030/31").before_net_zero
    (by_pillar,) = next(y for y in summary.years if str(y.year) == "2024/25").by_pillar
    assert by_pillar == (pillar, Decimal(16), Decimal(12))
    scopes = {label: (expected, realised) for label, expected, realised in summary.by_scope}
    assert scopes["Scope 3 (supply chain and other indirect)"] == (Decimal(-4), Decimal(-6))
