"""A report's figures are as at the end of its period: entries dated or recorded after it, and
changes made since, never move them (issue 11, items 1, 2, 3, 5 and 15)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from openpmo.accounts.roles import Role
from openpmo.accounts.tests.factories import UserFactory
from openpmo.benefits import services as benefits
from openpmo.benefits.tests.factories import BenefitFactory
from openpmo.common.services import SYSTEM
from openpmo.core.benefits import Month
from openpmo.delivery import services as delivery
from openpmo.delivery.models import Interdependency
from openpmo.delivery.tests.factories import InterdependencyFactory
from openpmo.finance import services as finance
from openpmo.finance.models import TeamRole
from openpmo.finance.tests.factories import ReserveFactory, TeamRoleFactory, decision_authority
from openpmo.portfolio.services import work_package_stage_correct, work_package_update
from openpmo.portfolio.tests.factories import PillarFactory, WorkPackageFactory
from openpmo.reports import services
from openpmo.reports.snapshots import build_snapshot, section_of
from openpmo.risks.tests.factories import RaidItemFactory

OCTOBER = dt.date(2023, 10, 1)
DURING = timezone.make_aware(dt.datetime(2023, 10, 15, 12, 0))


def _facts(snapshot, key):
    return {f["label"]: f["value"] for f in section_of(snapshot, key)["facts"]}


def _figures(snapshot):
    """The snapshot without the moment it was taken."""
    return {k: v for k, v in snapshot.items() if k != "taken_at"}


@pytest.fixture
def finance_officer(role_user):
    return role_user(Role.FINANCE, username="finance-as-at")


@pytest.fixture
def october(finance_officer, programme_tree):
    """What was recorded by mid-October 2023: a release, September's spend, a forecast, a
    Green work package and one open risk."""
    wp = programme_tree
    programme = wp.strand.pillar.programme
    with mock.patch("django.utils.timezone.now", return_value=DURING):
        reserve = ReserveFactory(programme=programme, opening_balance=Decimal("-1000000"))
        finance.reserve_drawdown_record(
            actor=SYSTEM,
            reserve=reserve,
            year="2023/24",
            amount="40000",
            authority=decision_authority(UserFactory(roles=[Role.DECISION_MAKER])),
            work_package=wp,
            reason="Outline business case",
        )
        finance.spend_record(
            actor=finance_officer,
            work_package=wp,
            month="2023-09",
            spend_type="capital",
            amount="30000",
        )
        finance.forecast_record(
            actor=finance_officer,
            work_package=wp,
            year="2024/25",
            spend_type="capital",
            amount="20000",
        )
        work_package_update(actor=SYSTEM, work_package=wp, rag_status="green")
        RaidItemFactory(work_package=wp, raised_on=dt.date(2023, 9, 1), title="Supplier late")
        TeamRoleFactory(plan__programme=programme, end=dt.date(2025, 3, 31))
        InterdependencyFactory(
            from_work_package=wp,
            to_work_package=WorkPackageFactory(strand=wp.strand),
            status="open",
            need_by=dt.date(2024, 6, 1),
        )
    return wp, reserve


def _later(finance_officer, wp, reserve):
    """Everything recorded after October: more spend, a release, a new forecast, a Red RAG, a
    later stage, a dependency at risk, a new risk, a bigger team."""
    finance.spend_record(
        actor=finance_officer,
        work_package=wp,
        month="2023-11",
        spend_type="capital",
        amount="50000",
    )
    finance.reserve_drawdown_record(
        actor=SYSTEM,
        reserve=reserve,
        year="2023/24",
        amount="45000",
        authority=decision_authority(UserFactory(roles=[Role.DECISION_MAKER])),
        work_package=wp,
        reason="Full business case",
    )
    finance.forecast_record(
        actor=finance_officer,
        work_package=wp,
        year="2024/25",
        spend_type="capital",
        amount="90000",
    )
    work_package_update(actor=SYSTEM, work_package=wp, rag_status="red")
    work_package_stage_correct(
        actor=SYSTEM, work_package=wp, stage="delivery", reason="Recorded at the wrong stage"
    )
    role = TeamRole.objects.get()
    finance.team_plan_flex(
        actor=finance_officer, plan=role.plan, changes={role.pk: {"fte": Decimal("3")}}
    )
    delivery.interdependency_update(
        actor=SYSTEM, interdependency=Interdependency.objects.get(), status="at_risk"
    )
    RaidItemFactory(work_package=wp, raised_on=dt.date(2023, 11, 5), inherent_impact=5)


@pytest.mark.parametrize("kind", ["board_pack", "twelve_month_review", "cabinet_update"])
def test_later_entries_do_not_move_a_reports_figures(finance_officer, october, kind):
    wp, reserve = october
    programme = wp.strand.pillar.programme
    before = build_snapshot(kind=kind, programme=programme, period=OCTOBER)
    # When spend, a release, a forecast, a RAG, a stage and a risk are recorded afterwards
    _later(finance_officer, wp, reserve)
    after = build_snapshot(kind=kind, programme=programme, period=OCTOBER)
    # then the report for October, built again, has the same figures,
    moved = [b["key"] for b, a in zip(before["sections"], after["sections"], strict=True) if a != b]
    assert moved == []
    assert _figures(after) == _figures(before)
    # which are those of the end of October,
    money = _facts(after, "finance")
    assert money["Spent to date"] == "30000.00"
    assert money["Released from the reserve"] == "40000.00"
    assert money["Forecast at completion"] == "50000.00"
    # and it says so in words.
    assert after["as_at_label"] == "31 October 2023"
    if kind == "twelve_month_review":  # the core team as it was (1 FTE, not 3)
        assert _facts(after, "team_cost")["FTE"] == "1.00"


def test_a_highlight_reports_status_and_risks_are_as_at_its_period(finance_officer, october):
    wp, reserve = october
    pillar = wp.strand.pillar
    before = build_snapshot(
        kind="pillar_highlight", programme=pillar.programme, period=OCTOBER, pillar=pillar
    )
    _later(finance_officer, wp, reserve)
    after = build_snapshot(
        kind="pillar_highlight", programme=pillar.programme, period=OCTOBER, pillar=pillar
    )
    assert _figures(after) == _figures(before)
    status = section_of(after, "status")["tables"][0]["rows"][0]
    assert status[4] == "green" and status[3] == "Discovery"
    assert _facts(after, "risks")["Open risks and issues"] == 1
    assert _facts(after, "dependencies")["Dependencies at risk"] == 0


def test_the_report_page_names_the_period_end(client, people, october):
    wp, _ = october
    pillar = wp.strand.pillar
    report = services.report_create(
        actor=people["pmo"], kind="board_pack", programme=pillar.programme, period=OCTOBER
    )
    client.force_login(people["pmo"])
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Figures as at 31 October 2023" in page


def test_money_held_is_the_balance_at_the_date_with_closing_balances_apart(
    client, finance_officer, october
):
    wp, reserve = october
    programme = wp.strand.pillar.programme
    # Given a plan for 2024/25 known in October 2023 (a contribution of £200,000)
    with mock.patch("django.utils.timezone.now", return_value=DURING):
        finance.reserve_entry_record(
            actor=finance_officer,
            reserve=reserve,
            kind="contribution",
            year="2024/25",
            amount="200000",
            reason="MTFS",
        )
    snapshot = build_snapshot(kind="board_pack", programme=programme, period=OCTOBER)
    reserve_facts = _facts(snapshot, "reserve")
    # then the money held on 31 October 2023 is the 2023/24 balance (£1m less £40,000), not
    # the closing balance of the last year (£1,160,000),
    assert reserve_facts["Money held on 31 October 2023"] == "960000.00"
    assert reserve_facts["Residual balance at the end"] == "1160000.00"
    # and the closing balances of each year are shown apart.
    closing = section_of(snapshot, "reserve")["tables"][0]
    assert [row[0] for row in closing["rows"]][:2] == ["2023/24", "2024/25"]
    assert closing["rows"][1][3] == "1160000.00"
    # The finance page holds today's balance (every year here has begun by the time the test runs:
    # the ledger's years end 2024/25), and says which day it is.
    client.force_login(finance_officer)
    page = client.get("/finance/").content.decode()
    assert "Money held on" in page and "£1,160,000" in page


def test_spend_beyond_what_was_released_is_flagged_everywhere(client, finance_officer, october):
    wp, reserve = october
    programme = wp.strand.pillar.programme
    # Given a package that has spent £70,000 more in October on £40,000 released
    with mock.patch("django.utils.timezone.now", return_value=DURING):
        finance.spend_record(
            actor=finance_officer,
            work_package=wp,
            month="2023-10",
            spend_type="revenue",
            amount="40000",
        )
    # then the board pack flags it,
    snapshot = build_snapshot(kind="board_pack", programme=programme, period=OCTOBER)
    money = _facts(snapshot, "finance")
    assert money["Spent beyond what was released"] == "30000.00"
    assert money["Work packages that spent beyond their release"] == 1
    beyond = next(
        t for t in section_of(snapshot, "finance")["tables"] if t["key"] == "beyond_released"
    )
    assert beyond["rows"][0][3] == "30000.00"
    # and so do the finance page and the work package's money page.
    client.force_login(finance_officer)
    page = client.get("/finance/work-packages/").content.decode()
    assert "Spend beyond what was released" in page and wp.name in page
    wp_page = client.get(f"/finance/work-packages/{wp.pk}/").content.decode()
    assert "Spent £30,000 beyond what was released" in wp_page
    register_page = client.get(wp.get_absolute_url()).content.decode()
    assert "Spent £30,000 beyond what was released" in register_page


@pytest.fixture
def two_pillars_of_benefits(role_user, programme_tree):
    """A cashable benefit of the work package's pillar (£12,000 realised by October) and a larger
    one of another pillar (£600,000), profiled and recorded in mid-October 2023."""
    wp = programme_tree
    pmo = role_user(Role.PMO, username="pmo-benefits")
    other = PillarFactory(programme=wp.strand.pillar.programme)
    mine = BenefitFactory(pillar=wp.strand.pillar, work_packages=[wp])
    theirs = BenefitFactory(pillar=other)
    with mock.patch("django.utils.timezone.now", return_value=DURING):
        for benefit, planned in ((mine, "10000"), (theirs, "500000")):
            benefits.profile_set(
                actor=pmo,
                benefit=benefit,
                months={Month(2023, 9): Decimal(planned), Month(2023, 10): Decimal(planned)},
                method="entered",
            )
        for benefit, month, value in (
            (mine, "2023-09", "8000"),
            (mine, "2023-10", "4000"),
            (theirs, "2023-09", "600000"),
        ):
            benefits.actual_record(
                actor=pmo, benefit=benefit, month=month, value=Decimal(value), evidence="Ledger"
            )
    return wp, pmo, mine


@pytest.mark.parametrize("scope", ["pillar", "work_package"])
def test_a_pillar_or_work_package_report_shows_its_own_cashable_savings(
    two_pillars_of_benefits, scope
):
    wp, _, _ = two_pillars_of_benefits
    pillar = wp.strand.pillar
    kind = "pillar_highlight" if scope == "pillar" else "work_package_highlight"
    snapshot = build_snapshot(
        kind=kind,
        programme=pillar.programme,
        period=OCTOBER,
        pillar=pillar if scope == "pillar" else None,
        work_package=wp if scope == "work_package" else None,
    )
    # Its own £12,000, not the programme's £612,000.
    assert _facts(snapshot, "benefits")["Cashable savings realised to date"] == "12000.00"
    programme = build_snapshot(kind="board_pack", programme=pillar.programme, period=OCTOBER)
    assert _facts(programme, "benefits")["Cashable savings realised to date"] == "612000.00"


def test_later_benefit_actuals_corrections_and_rebaselines_do_not_move_a_report(
    two_pillars_of_benefits,
):
    wp, pmo, mine = two_pillars_of_benefits
    pillar = wp.strand.pillar

    def build():
        return build_snapshot(
            kind="pillar_highlight", programme=pillar.programme, period=OCTOBER, pillar=pillar
        )

    before = build()
    # When October's actual is corrected, November's recorded and the profile re-baselined
    benefits.actual_record(
        actor=pmo,
        benefit=mine,
        month="2023-10",
        value=Decimal("9000"),
        evidence="Corrected",
        correction_reason="The ledger was re-run",
    )
    benefits.actual_record(
        actor=pmo, benefit=mine, month="2023-11", value=Decimal("7000"), evidence="Ledger"
    )
    benefits.profile_set(
        actor=pmo,
        benefit=mine,
        months={Month(2023, 9): Decimal("1"), Month(2023, 10): Decimal("1")},
        method="entered",
        reason="Re-baselined after October",
    )
    # then the October report's benefits are those known at the end of October.
    after = build()
    assert _figures(after) == _figures(before)
    row = section_of(before, "benefits")["tables"][0]["rows"][0]
    assert row[4:6] == ["20000.00", "12000.00"]


def test_a_milestone_counts_as_achieved_from_its_recorded_day_and_not_before_it_is_known(
    programme_tree,
):
    from openpmo.delivery.tests.factories import ScheduleFactory, TaskFactory

    # Given a milestone planned for 20 October 2023 and a report for October
    wp = programme_tree
    programme = wp.strand.pillar.programme
    schedule = ScheduleFactory(work_package=wp, start=dt.date(2023, 10, 2))
    task = TaskFactory(
        schedule=schedule,
        kind="milestone",
        duration_minutes=0,
        name="Go live",
        baseline_date=dt.date(2023, 10, 20),
    )

    def milestones(period):
        snapshot = build_snapshot(
            kind="work_package_highlight", programme=programme, period=period, work_package=wp
        )
        return _facts(snapshot, "milestones")

    before = milestones(OCTOBER)
    # When its achievement on 19 October is recorded on 30 October
    recorded = timezone.make_aware(dt.datetime(2023, 10, 30, 9, 0))
    with mock.patch("django.utils.timezone.now", return_value=recorded):
        delivery.milestone_achieve(
            actor=SYSTEM, task=task, achieved_on=dt.date(2023, 10, 19), evidence="Sign-off"
        )
    # Then October's report counts it achieved
    assert milestones(OCTOBER)["Achieved"] == before["Achieved"] + 1
    # but September's, made from what was known by its end, does not
    assert milestones(dt.date(2023, 9, 1))["Achieved"] == before["Achieved"]
