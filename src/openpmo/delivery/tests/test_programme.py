"""The programme schedule, its critical path across work packages, and slippage impact (the
benefits at risk from a slip are openpmo.impact's: impact/tests/test_slippage.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from openpmo.delivery import selectors, services
from openpmo.delivery.tests.factories import chain
from openpmo.portfolio.tests.factories import WorkPackageFactory


def _three_in_a_row(pmo, programme_tree):
    """Platform (20 days) -> Hub build (10 days, after the platform's go-live) -> Reports (5)."""
    programme = programme_tree.strand.pillar.programme
    platform = programme_tree
    hub = WorkPackageFactory(strand__pillar__programme=programme, reference="HUB")
    reports = WorkPackageFactory(strand__pillar__programme=programme, reference="REP")
    loner = WorkPackageFactory(strand__pillar__programme=programme, reference="LONE")
    _s, (build, live) = chain(platform, 20, 0, names=["Build platform", "Platform live"])
    _s, hub_tasks = chain(
        hub, 3, 10, 0, names=["Hub design", "Hub build", "Full Business Case approval"]
    )
    hub_tasks[2].gate_stage = "fbc"
    hub_tasks[2].save()
    chain(reports, 5)
    chain(loner, 60)
    services.interdependency_create(
        actor=pmo,
        from_work_package=platform,
        from_milestone=live,
        to_work_package=hub,
        to_task=hub_tasks[1],
        type="needs_output",
    )
    services.interdependency_create(actor=pmo, from_work_package=hub, to_work_package=reports)
    return programme, platform, hub, reports, loner


def test_the_critical_path_runs_across_work_packages(pmo, programme_tree):
    programme, platform, hub, reports, loner = _three_in_a_row(pmo, programme_tree)
    view = selectors.programme_schedule(programme)
    # The platform finishes Fri 3 May 2024; the hub's build waits for it (design went ahead)
    assert view.row_for(platform.pk).finish.date() == dt.date(2024, 5, 3)
    rows = {row.task.name: row for row in selectors.work_package_schedule(hub).rows}
    assert rows["Hub design"].start == dt.date(2024, 4, 8)
    hub_row = view.row_for(hub.pk)
    assert hub_row.start.date() == dt.date(2024, 4, 8)
    # build: 10 days from Tue 7 May (Mon 6 May is a bank holiday) to Mon 20 May
    assert hub_row.finish.date() == dt.date(2024, 5, 20)
    assert view.row_for(reports.pk).start.date() == dt.date(2024, 5, 21)
    # The 60-day loner sets the finish: it alone is critical; the chain has slack
    assert [r.work_package for r in view.critical_path] == [loner]
    assert view.row_for(reports.pk).total_slack_days > 0
    assert [m.task.name for m in view.row_for(hub.pk).milestones] == ["Full Business Case approval"]


def test_slippage_impact_is_computed_by_rescheduling(pmo, programme_tree):
    programme, platform, hub, reports, loner = _three_in_a_row(pmo, programme_tree)
    # When the platform slips 2 weeks
    impact = selectors.slippage_impact(programme, platform, 2)
    assert not impact.error
    # then it starts two calendar weeks later (22 April) and, with the May bank holiday in its
    # way, finishes on Monday 20 May instead of Friday 3 May,
    assert impact.slipped.new_start.date() == dt.date(2024, 4, 22)
    assert impact.slipped.new_finish.date() == dt.date(2024, 5, 20)
    assert (impact.slipped.working_days, impact.slipped.calendar_days) == (10, 17)
    # and the hub and the reports move by the same 10 working days; the loner does not move
    moved = {m.work_package.reference: m for m in impact.moved}
    assert set(moved) == {"HUB", "REP"}
    assert moved["HUB"].working_days == Decimal(10)
    assert moved["HUB"].new_finish.date() == dt.date(2024, 6, 4)
    assert moved["REP"].new_start.date() == dt.date(2024, 6, 5)
    # the hub's gate milestone moves too
    assert [(g.work_package.reference, g.stage_label, g.new_date) for g in impact.gates] == [
        ("HUB", "Full Business Case", dt.date(2024, 6, 4))
    ]
    # and the programme finish holds (the loner still sets it)
    assert impact.old_finish == impact.new_finish


def test_a_long_slip_moves_the_programme_finish(pmo, programme_tree):
    programme, platform, *_ = _three_in_a_row(pmo, programme_tree)
    impact = selectors.slippage_impact(programme, platform, 12)
    assert impact.new_finish > impact.old_finish
    assert impact.programme_days > 0


def test_a_work_package_with_only_register_dates_stands_in(pmo, programme_tree):
    programme = programme_tree.strand.pillar.programme
    plain = WorkPackageFactory(
        strand__pillar__programme=programme,
        reference="PLAIN",
        forecast_start=dt.date(2024, 4, 8),
        forecast_end=dt.date(2024, 4, 19),
    )
    chain(programme_tree, 5)
    services.interdependency_create(
        actor=pmo, from_work_package=plain, to_work_package=programme_tree
    )
    view = selectors.programme_schedule(programme)
    row = view.row_for(plain.pk)
    assert row.stand_in and row.finish.date() == dt.date(2024, 4, 19)
    assert view.row_for(programme_tree.pk).start.date() == dt.date(2024, 4, 22)


def test_a_work_package_that_cannot_be_scheduled_says_why(pmo, programme_tree):
    programme = programme_tree.strand.pillar.programme
    undated = WorkPackageFactory(
        strand__pillar__programme=programme,
        reference="NODATES",
        baseline_start=None,
        baseline_end=None,
    )
    impact = selectors.slippage_impact(programme, undated, 4)
    assert "no schedule" in impact.error
    assert undated in selectors.programme_schedule(programme).unscheduled
