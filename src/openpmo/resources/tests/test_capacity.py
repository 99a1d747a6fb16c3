"""Capacity against demand, what-ifs that save nothing, the hybrid mix and the levelled plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.portfolio.tests.factories import WorkPackageFactory
from openpmo.resources import planning, selectors, services
from openpmo.resources.models import Demand, PackageSourcing, Person
from openpmo.resources.tests.factories import (
    AbsenceFactory,
    DemandFactory,
    PersonFactory,
    ResourceRoleFactory,
)

MAY, JUNE, JULY, AUG = (dt.date(2024, m, 1) for m in (5, 6, 7, 8))


@pytest.fixture
def pool(programme_tree):
    """One developer (1 FTE) and a package needing 2 developers in May and June."""
    work_package = programme_tree
    programme = work_package.strand.pillar.programme
    role = ResourceRoleFactory(programme=programme, name="Developer", partner_day_rate=Decimal(500))
    PersonFactory(role=role, programme=programme, day_rate=Decimal(250))
    for month in (MAY, JUNE):
        DemandFactory(work_package=work_package, role=role, month=month, fte=Decimal(2))
    return programme, role, work_package


def test_the_heat_map_shows_the_shortfall_and_the_packages_behind_it(pool):
    programme, role, work_package = pool
    grid = selectors.capacity_grid(programme)
    cell = grid.cells[(role.pk, MAY)]
    assert (cell.capacity, cell.demand, cell.gap, cell.level) == (1, 2, 1, "over")
    assert cell.packages == [(work_package, Decimal(2))]
    assert grid.peaks() == {role: Decimal(1)}
    assert [(r, m) for r, m, _ in grid.over_cells()] == [(role, MAY), (role, JUNE)]


def test_holidays_reduce_capacity(pool):
    programme, role, _ = pool
    AbsenceFactory(person=Person.objects.get(), start=dt.date(2024, 5, 6), end=dt.date(2024, 5, 10))
    cell = selectors.capacity_grid(programme).cells[(role.pk, MAY)]
    assert cell.capacity == Decimal(18) / Decimal(23)  # 23 weekdays in May 2024, 5 away


def test_what_ifs_change_the_picture_and_save_nothing(pool):
    programme, role, work_package = pool
    before = (Demand.objects.count(), Person.objects.count(), AuditRecord.objects.count())
    hire = selectors.WhatIf(hires=(selectors.Hire(role.pk, 1, JUNE),))
    grid = selectors.capacity_grid(programme, what_if=hire)
    assert grid.cells[(role.pk, MAY)].over and not grid.cells[(role.pk, JUNE)].over
    moved = selectors.capacity_grid(
        programme, what_if=selectors.WhatIf(moves=((work_package.pk, 2),))
    )
    assert moved.finishes[work_package] == AUG
    switched = selectors.capacity_grid(
        programme, what_if=selectors.WhatIf(switches=((work_package.pk, "partner"),))
    )
    assert switched.peaks() == {role: Decimal(0)}
    base_cost = selectors.capacity_grid(programme).cost_by_year["2024/25"]
    # two FTE for May (23 working days) and June (20) at £500 a day from the partner
    assert switched.cost_by_year["2024/25"] - base_cost == Decimal(2 * 500 * 43)
    assert (Demand.objects.count(), Person.objects.count(), AuditRecord.objects.count()) == before


def test_demand_is_set_by_its_manager_and_audited(pool, role_user):
    programme, role, work_package = pool
    services.demand_set(
        actor=work_package.owner, work_package=work_package, rows=[(role, JULY, Decimal("0.5"))]
    )
    assert Demand.objects.get(month=JULY).fte == Decimal("0.5")
    assert AuditRecord.objects.filter(action="demand.set").count() == 1


@pytest.mark.parametrize(
    ("who", "rows", "error"),
    [
        ("viewer", [("role", JULY, Decimal(1))], PermissionDenied),
        ("owner", [("role", JULY, Decimal(1)), ("role", AUG, Decimal(-1))], ValidationError),
        ("owner", [("other", JULY, Decimal(1))], ValidationError),
    ],
)
def test_bad_demand_is_refused_and_nothing_changes(pool, role_user, who, rows, error):
    programme, role, work_package = pool
    other = ResourceRoleFactory()  # a role of another programme
    actor = role_user(Role.VIEWER) if who == "viewer" else work_package.owner
    resolved = [(role if r == "role" else other, m, f) for r, m, f in rows]
    before = (list(Demand.objects.values_list("month", "fte")), AuditRecord.objects.count())
    with pytest.raises(error):
        services.demand_set(actor=actor, work_package=work_package, rows=resolved)
    assert (list(Demand.objects.values_list("month", "fte")), AuditRecord.objects.count()) == before


def test_sourcing_share_above_one_is_refused(pool):
    programme, role, work_package = pool
    with pytest.raises(ValidationError):
        services.sourcing_set(
            actor=work_package.owner,
            work_package=work_package,
            mode="hybrid",
            partner_share=Decimal(2),
        )
    assert not PackageSourcing.objects.exists()


def test_hybrid_comparison_costs_the_three_options(pool):
    programme, role, work_package = pool
    options = selectors.hybrid_comparison(programme, [work_package])
    in_house, partner, hybrid = options
    # In-house: 4 FTE-months at the developer's £250 x 220 days a year / 12
    assert in_house.cost == (Decimal(4) * Decimal(250 * 220) / 12).quantize(Decimal("0.01"))
    assert partner.cost == Decimal(2 * 500 * 23 + 2 * 500 * 20)
    exact_in_house = Decimal(4) * Decimal(250 * 220) / 12
    assert hybrid.cost == ((exact_in_house + partner.cost) / 2).quantize(Decimal("0.01"))
    assert (in_house.peak_shortfall, partner.peak_shortfall, hybrid.peak_shortfall) == (1, 0, 0)


def test_the_levelled_plan_moves_a_package_and_says_why(pool):
    programme, role, work_package = pool
    second = WorkPackageFactory(strand=work_package.strand, reference="WP-LATE")
    Demand.objects.all().update(fte=Decimal(1))
    for month in (MAY, JUNE):
        DemandFactory(work_package=second, role=role, month=month, fte=Decimal(1))
    plan = planning.levelled_plan(programme)
    assert plan.error == ""
    moved = plan.moved
    assert len(moved) == 1 and moved[0].shift == 2
    assert moved[0].reason == "no room on Developer in " + ("June 2024")
    assert {p.levelled_start for p in plan.packages} == {MAY, JULY}


def test_a_package_needing_more_than_the_pool_is_named(pool):
    programme, role, work_package = pool
    plan = planning.levelled_plan(programme)
    assert plan.packages == []
    assert f"activity {work_package.reference}: needs 200 of Developer" in plan.error
